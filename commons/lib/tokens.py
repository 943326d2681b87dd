"""Secret tokens in e-mailed links. The database keeps only a token's hash, so a copy of
it opens nothing; a token can also be derived again from the secret key and a stored
salt, for senders (a newsletter issue, a digest) that put it in every e-mail."""

import hashlib

from django.utils.crypto import salted_hmac


def hash_token(raw: str) -> str:
    """What is stored of a token: its SHA-256, in hexadecimal."""
    return hashlib.sha256(raw.encode()).hexdigest()


def derived_token(purpose: str, salt: str) -> str:
    """The token for ``purpose`` (a dotted name) and a row's ``salt``, from the secret
    key: changing SECRET_KEY invalidates every such link already sent."""
    return salted_hmac(purpose, salt, algorithm="sha256").hexdigest()
