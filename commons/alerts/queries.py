"""Reads of alerts that depend on who is asking: shared by the pages, the API and the
export, so that there is one place that decides who sees an alert."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from commons.alerts import names, rules
from commons.alerts.models import Alert, RightOfReply
from commons.core.errors import deny
from commons.core.queries import json_list_has

# The fuzzy search compares names in Python; it looks at this many alerts at most
# (the newest first), far more than a network publishes in years.
SEARCH_CANDIDATES = 20_000


def alerts_for(user) -> QuerySet[Alert]:
    """Published, retracted and expired alerts for those who may read alerts; nothing
    for anyone else."""
    if not rules.can_read_alerts(user):
        return Alert.objects.none()
    return (
        Alert.objects.filter(status__in=Alert.READABLE)
        .select_related("organisation")
        .order_by("-published_at", "-pk")
    )


@dataclass
class AlertFilters:
    q: str = ""  # a name, in any script, typos allowed
    licence: str = ""
    country: str = ""
    expired: str = ""  # "1": show expired alerts as well

    @classmethod
    def from_query(cls, params) -> AlertFilters:
        return cls(
            **{name: str(params.get(name) or "").strip()[:200] for name in cls.__dataclass_fields__}
        )

    def as_query(self) -> dict[str, str]:
        return {n: getattr(self, n) for n in self.__dataclass_fields__ if getattr(self, n)}

    @property
    def include_expired(self) -> bool:
        return self.expired in {"1", "true", "on", "yes"}


def search_alerts(user, filters: AlertFilters, *, now=None) -> list[Alert]:
    """The alerts this person may read that match the filters: the best name matches
    first when a name is given, else the newest. Expired ones (status or date) only
    when asked for."""
    now = now or timezone.now()
    found = alerts_for(user)
    if not filters.include_expired:
        found = found.exclude(status=Alert.Status.EXPIRED).exclude(
            status=Alert.Status.PUBLISHED, expires_at__lte=now
        )
    if filters.country:
        code = filters.country.upper()
        found = found.filter(Q(actor_country=code) | json_list_has("countries", code))
    if filters.licence:
        key = names.licence_key(filters.licence)
        found = found.filter(licence_key=key) if key else found.none()
    if not filters.q:
        return list(found)
    query = names.normalise(filters.q)
    scored = []
    for alert in found[:SEARCH_CANDIDATES]:
        value = names.score(query, alert.search_names.splitlines())
        if value >= names.MINIMUM_SCORE:
            scored.append((value, alert))
    scored.sort(key=lambda pair: (-pair[0], -(pair[1].pk)))
    return [alert for _value, alert in scored]


def get_alert_for_user(request, pk: int) -> Alert:
    """The alert, or 404 for anyone who may not read it (its existence is not theirs)."""
    alert = Alert.objects.select_related("organisation", "author", "reviewed_by").filter(pk=pk)
    alert = alert.first()
    if alert is None:
        raise Http404
    if not rules.can_read_alert(request.user, alert):
        deny(request, target=alert, reason="alert not visible", not_found=True)
    return alert


def alerts_of(user) -> QuerySet[Alert]:
    """What this person wrote, whatever its status."""
    if not user.is_authenticated:
        return Alert.objects.none()
    return Alert.objects.filter(author=user).select_related("organisation").order_by("-pk")


def review_queue() -> QuerySet[Alert]:
    return (
        Alert.objects.filter(status=Alert.Status.SUBMITTED)
        .select_related("organisation", "author")
        .order_by("submitted_at", "pk")
    )


def replies_queue() -> QuerySet[RightOfReply]:
    return RightOfReply.objects.filter(status=RightOfReply.Status.NEW).order_by("created_at")


def alerts_a_reply_may_answer(user, reply: RightOfReply) -> list[Alert]:
    """For the moderator: the alerts that the actor named in a statement may be, by
    licence number first, then by name."""
    by_licence = []
    if reply.licence_number:
        by_licence = search_alerts(user, AlertFilters(licence=reply.licence_number, expired="1"))
    by_name = search_alerts(user, AlertFilters(q=reply.actor_name, expired="1"))
    seen = {alert.pk for alert in by_licence}
    return by_licence + [alert for alert in by_name if alert.pk not in seen]


def replies_of(alert: Alert) -> QuerySet[RightOfReply]:
    return alert.replies.filter(status=RightOfReply.Status.ATTACHED).order_by("decided_at")
