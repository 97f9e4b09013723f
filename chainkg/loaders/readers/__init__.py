"""Readers every loader shares: text encodings, YAML and JSON Lines records with line numbers."""
