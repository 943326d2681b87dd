"""Library pages: finding things, feeds, submitting and moderating."""
