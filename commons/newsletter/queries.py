"""Who receives the newsletter. Only confirmed subscribers ever do."""

from django.db.models import Q, QuerySet

from commons.newsletter.models import Subscriber


def confirmed_subscribers() -> QuerySet[Subscriber]:
    """Every confirmed subscriber: the only addresses an issue may be sent to."""
    return Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)


def _any_of(field: str, codes) -> Q:
    """Subscribers who chose none (they want everything) or at least one of ``codes``.
    A JSON list of codes serialises each as ``"code"``: matching the quoted code works
    on SQLite and PostgreSQL alike."""
    wanted = Q(**{field: []})
    for code in codes:
        wanted |= Q(**{f"{field}__icontains": f'"{code}"'})
    return wanted


def subscribers_for(
    *,
    topics=None,
    regions=None,
    language: str | None = None,
    frequency: str | None = None,
) -> QuerySet[Subscriber]:
    """Confirmed subscribers interested in something about any of ``topics`` and any of
    ``regions`` (a subscriber who chose no topics or no regions takes them all), reading
    ``language`` and receiving ``frequency``, each when given."""
    found = confirmed_subscribers()
    if topics:
        found = found.filter(_any_of("topics", topics))
    if regions:
        found = found.filter(_any_of("regions", regions))
    if language:
        found = found.filter(language=language)
    if frequency:
        found = found.filter(frequency=frequency)
    return found


def subscription_of(user) -> Subscriber | None:
    """The subscription of a member's account address, if there is one."""
    if not user.is_authenticated or not user.email:
        return None
    return Subscriber.objects.filter(email__iexact=user.email).first()
