"""The application: settings, opening the configured store, the HTTP service and the CLI."""
