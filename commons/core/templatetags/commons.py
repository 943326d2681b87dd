"""Template filters shared by every app: ``{% load commons %}``."""

from django import template

from commons.lib.geo import country_name

register = template.Library()


@register.filter
def country(code: str) -> str:
    """The country's name in the current language ("" for no code)."""
    return country_name(code) if code else ""


@register.filter
def get_item(mapping: dict | list, key):
    """``mapping[key]`` in a template, or a list's item at that position (None when
    missing)."""
    if hasattr(mapping, "get"):
        return mapping.get(key)
    if isinstance(mapping, list | tuple) and isinstance(key, int) and 0 <= key < len(mapping):
        return mapping[key]
    return None
