"""News pages: reading, feeds, writing and editing."""
