import zoneinfo

from django.utils import timezone

from commons.lib.timezones import known_time_zones

TIME_ZONE_COOKIE = "tz"


def viewer_time_zone(request) -> str | None:
    """The time zone a person reads times in: the one saved on their account, else the
    one their browser reported (``static/js/timezone.js`` sets the cookie)."""
    user = getattr(request, "user", None)
    for name in (
        getattr(user, "time_zone", "") if user is not None and user.is_authenticated else "",
        request.COOKIES.get(TIME_ZONE_COOKIE, ""),
    ):
        if name in known_time_zones():
            return name
    return None


class TimeZoneMiddleware:
    """Render every date and time in the viewer's time zone (else the site's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = viewer_time_zone(request)
        request.time_zone = name
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
