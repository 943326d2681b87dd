import functools
import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

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


# The pages load scripts, styles, fonts and pictures from this site only, run no inline
# script and no inline style, and may not be framed. ``blob:`` pictures: the flow map's
# PNG download draws its SVG through an object URL (static/js/flowmap-png.js).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
# The same, with inline styles allowed, for a page that shows a styled e-mail in a
# sandboxed ``srcdoc`` frame (which inherits the page's policy): see
# ``allow_inline_styles``.
CONTENT_SECURITY_POLICY_INLINE_STYLES = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
# A picture served on its own (the flow map's SVG download) carries its own <style>:
# it may style itself but load and run nothing.
CONTENT_SECURITY_POLICY_SVG = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
# Browser features no page of the site uses, refused to every page and frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


def allow_inline_styles(view):
    """Let ``view``'s page use inline styles (never inline scripts): for a page that
    shows an HTML e-mail, whose styles must be inline, in a sandboxed frame."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers.setdefault(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY_INLINE_STYLES
        )
        return response

    return wrapped


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy and Permissions-Policy headers to every response
    that did not set its own (Django's SecurityMiddleware and XFrameOptionsMiddleware set
    HSTS, Referrer-Policy, nosniff, Cross-Origin-Opener-Policy and X-Frame-Options)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("image/svg+xml"):
            policy = CONTENT_SECURITY_POLICY_SVG
        else:
            policy = CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


LAST_ACTIVITY_KEY = "commons_last_activity"
SIGNED_IN_AT_KEY = "commons_signed_in_at"
# The last activity is written at most this often, so that reading pages does not
# write the session on every request.
ACTIVITY_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Sign a person out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and
    ``SESSION_COOKIE_AGE`` seconds after they signed in however active they were.

    Django's own expiry slides: every write of the session pushes it back. The sign-in
    time kept here makes the lifetime absolute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_signed_in = request.user.is_authenticated
        now = int(time.time())
        if was_signed_in:
            session = request.session
            last = session.get(LAST_ACTIVITY_KEY, now)
            signed_in_at = session.get(SIGNED_IN_AT_KEY, now)
            if now - last > settings.SESSION_IDLE_TIMEOUT:
                self._sign_out(request, _("You were signed out after a time without activity."))
                was_signed_in = False
            elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
                self._sign_out(request, _("You were signed out: sign-ins last a limited time."))
                was_signed_in = False
            elif now - last >= ACTIVITY_RESOLUTION or LAST_ACTIVITY_KEY not in session:
                session[LAST_ACTIVITY_KEY] = now
                session.setdefault(SIGNED_IN_AT_KEY, now)
        response = self.get_response(request)
        if not was_signed_in and getattr(request, "user", None) and request.user.is_authenticated:
            # Signed in by this request: both clocks start now.
            request.session[LAST_ACTIVITY_KEY] = now
            request.session[SIGNED_IN_AT_KEY] = now
        return response

    @staticmethod
    def _sign_out(request, message) -> None:
        logout(request)
        messages.info(request, message)


class RefusalAuditMiddleware:
    """Write every refused request (403) to the audit log, once.

    Views refuse through ``core.errors.deny``, which records why; this catches the
    refusals that come from elsewhere (a CSRF failure, a decorator, a service's
    ``PermissionDenied``, the API's 403), so that none goes unrecorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and not getattr(request, "access_denial_recorded", False):
            from commons.core.models import AuditEvent
            from commons.core.services import record_audit

            record_audit(
                action=AuditEvent.Action.ACCESS_DENIED,
                request=request,
                target_label=request.path[:255],
                data={"reason": "refused", "path": request.path[:200], "method": request.method},
            )
        return response


class RefuseNulMiddleware:
    """Answer 400 to a page request whose parameters carry a NUL character.

    No form field accepts one (Django's validators refuse it), but a search box read
    straight from ``request.GET`` would pass it to PostgreSQL, which cannot store it and
    fails. The API refuses it itself with a 422 naming the parameter (``commons.api``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and (
            _carries_nul(request.GET) or (request.method == "POST" and _carries_nul(request.POST))
        ):
            raise BadRequest("NUL character in a parameter")
        return self.get_response(request)


def _carries_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in v for v in params.getlist(key)) for key in params)
