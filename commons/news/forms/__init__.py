"""Forms of the news pages."""
