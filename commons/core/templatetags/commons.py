"""Template filters shared by every app: ``{% load commons %}``."""

from django import template

from commons.lib.geo import country_name

register = template.Library()


@register.filter
def country(code: str) -> str:
    """The country's name in the current language ("" for no code)."""
    return country_name(code) if code else ""


@register.filter
def get_item(mapping: dict, key):
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
