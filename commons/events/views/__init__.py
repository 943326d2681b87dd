"""Event pages: the public calendar and registration, the organisers' side, outcomes."""
