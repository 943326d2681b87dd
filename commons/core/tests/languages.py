"""Helpers for tests that check what a person reads in their language."""

from django.utils import translation


def translated(language: str, text: str) -> str:
    """``text`` in ``language``; fails when the catalogue has no translation for it, so
    that a test comparing with it cannot pass on English alone."""
    with translation.override(language):
        found = translation.gettext(text)
    assert found != text, f"{text!r} has no {language} translation"
    return found
