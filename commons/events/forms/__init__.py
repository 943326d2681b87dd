"""Forms of the events pages, one module per views module."""
