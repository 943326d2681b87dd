"""Template filters shared by every app: ``{% load commons %}``."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from commons.lib.geo import country_name
from commons.lib.lists import join_list, list_separator

register = template.Library()


@register.filter
def country(code: str) -> str:
    """The country's name in the current language ("" for no code)."""
    return country_name(code) if code else ""


@register.filter(needs_autoescape=True)
def join_names(items, autoescape=True) -> str:
    """A list of names joined as the current language joins them ("A, B and C",
    "A وB وC"), each name escaped."""
    escape = conditional_escape if autoescape else str
    return mark_safe(join_list(escape(item) for item in items or ()))  # noqa: S308 - each item escaped


@register.simple_tag
def list_sep() -> str:
    """The separator between two items of a list in the current language, for lists
    built with ``{% for %}``: ``{% if not forloop.last %}{% list_sep %}{% endif %}``."""
    return list_separator()


@register.filter
def get_item(mapping: dict | list, key):
    """``mapping[key]`` in a template, or a list's item at that position (None when
    missing)."""
    if hasattr(mapping, "get"):
        return mapping.get(key)
    if isinstance(mapping, list | tuple) and isinstance(key, int) and 0 <= key < len(mapping):
        return mapping[key]
    return None
