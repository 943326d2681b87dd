"""Template filters shared by every app: ``{% load commons %}``."""

from django import template

from commons.lib.geo import country_name

register = template.Library()


@register.filter
def country(code: str) -> str:
    """The country's name in the current language ("" for no code)."""
    return country_name(code) if code else ""
