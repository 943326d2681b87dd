"""Forms of the library pages, one module per views module."""
