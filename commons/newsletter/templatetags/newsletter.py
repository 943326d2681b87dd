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
            parts.append(
                _("Deadline: %(date)s") % {"date": formats.date_format(post.deadline, "DATE_FORMAT")}
            )
    elif item.event is not None:
        event = item.event
        starts = event.starts_at.astimezone(zoneinfo.ZoneInfo(event.time_zone))
        parts.append(str(event.get_kind_display()))
        parts.append(
            "%s (%s)" % (formats.date_format(starts, "DATETIME_FORMAT"), event.time_zone)
        )
    elif item.resource is not None:
        parts.append(str(item.resource.work.get_type_display()))
    return " · ".join(parts)
