"""The line under an issue's entry: a deadline, an organisation, an event's date."""

import zoneinfo

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def entry_meta(item) -> str:
    """What a reader needs besides the title: the organisation and deadline of a post,
    the kind and start of an event (in its own time zone), the type of a resource."""
    parts = []
    if item.post is not None:
        post = item.post
        if post.organisation_id:
            parts.append(str(post.organisation))
        if post.deadline:
            deadline = formats.date_format(post.deadline, "DATE_FORMAT")
            parts.append(_("Deadline: %(date)s") % {"date": deadline})
    elif item.event is not None:
        event = item.event
        starts = event.starts_at.astimezone(zoneinfo.ZoneInfo(event.time_zone))
        parts.append(str(event.get_kind_display()))
        parts.append(f"{formats.date_format(starts, 'DATETIME_FORMAT')} ({event.time_zone})")
    elif item.resource is not None:
        parts.append(str(item.resource.work.get_type_display()))
    return " · ".join(parts)


@register.filter
def entry_audience(item) -> str:
    """Who receives an entry, for the editor: its languages, topics and regions."""
    from commons.lib.geo import Region
    from commons.lib.languages import language_name
    from commons.lib.lists import join_list
    from commons.library.topics import topic_label

    parts = []
    if item.languages:
        names = join_list(language_name(code) for code in item.languages)
        parts.append(_("Languages: %(names)s") % {"names": names})
    if item.topics:
        names = join_list(topic_label(code) for code in item.topics)
        parts.append(_("Topics: %(names)s") % {"names": names})
    if item.regions:
        labels = dict(Region.choices)
        names = join_list(labels.get(code, code) for code in item.regions)
        parts.append(_("Regions: %(names)s") % {"names": names})
    return " · ".join(parts) or _("For every subscriber")


@register.filter
def one_paragraph(text: str) -> str:
    """``text`` on one line, for an indented entry of the plain-text issue."""
    return " ".join(str(text).split())
