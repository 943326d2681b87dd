"""What the API's routers share: the error answers of its exception handlers
(``commons/api.py``), to document in ``response={...}`` — 401 without a token where one
is needed, 404, and 422 for parameters that are not valid, each ``{"detail": "…"}``, a
sentence in the caller's language — and the bounds of an id."""

from typing import Annotated

from ninja import Field, Schema

# The largest integer SQLite and PostgreSQL (bigint) compare with a key: a larger one
# is refused (422) instead of reaching the database, which would fail on it.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    detail: str


class InvalidValueOut(Schema):
    type: str
    loc: list[str | int]
    msg: str


class InvalidOut(ErrorOut):
    errors: list[InvalidValueOut]
