"""candlescan's built-in plugins. This package lives in the repository's ``plugins/`` folder."""
