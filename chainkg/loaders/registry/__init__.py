"""Enterprise registries and platform exports (CSV/TSV/Excel): header aliases and the loader."""
