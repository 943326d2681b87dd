"""The versioned JSON API at /api/v1/. Each app adds its router here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, Throttled, ValidationError
from ninja.parser import Parser

from commons import __version__
from commons.accounts.auth import ANYONE


class QueryParser(Parser):
    """Refuses a NUL character in the query string (422): no text on the platform holds
    one, and PostgreSQL fails on any query that compares with one."""

    def parse_querydict(self, data, list_fields, request):
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                # ``msg`` in English, as pydantic writes it; ``_invalid`` translates ``detail``
                msg = "String should not contain the NUL character"
                raise ValidationError([{"type": "string_nul", "loc": ("query", name), "msg": msg}])
        return super().parse_querydict(data, list_fields, request)


api = NinjaAPI(
    title="Freedom Commons API",
    version=__version__,
    description=(
        "Read the platform's public and member data. Authenticate with a personal API token."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs_decorator=require_GET,  # read-only documents: any other method is 405
    auth=ANYONE,
    parser=QueryParser(),
)


# Errors in the language of the request (``Accept-Language``, or the saved language of
# the token's owner, as on the pages): ``{"detail": "…"}``, as django-ninja writes them.


def _error(request, status: int, detail: str, **more):
    return api.create_response(request, {"detail": detail, **more}, status=status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, _("Not found."))


def not_found(request, exception):
    """The site's ``handler404``: a path under /api/ that no operation matches (a slug
    with a ``/`` in it, a misspelt path) is answered in JSON like the API's own 404s."""
    if request.path.startswith("/api/"):
        return _not_found(request, exception)
    return page_not_found(request, exception)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, 401, _("Sign in or send a personal API token to use this."))


@api.exception_handler(AuthorizationError)
@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, _("You may not do this."))


@api.exception_handler(Throttled)
def _throttled(request, exc):
    return _error(request, 429, _("Too many requests. Please try again later."))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    """A translated sentence naming the parameters; ``errors`` keeps pydantic's own
    items (``loc``, ``type``, ``ctx``, and ``msg``, which is in English) for programs."""
    names = dict.fromkeys(
        ".".join(str(part) for part in e["loc"][1:] or e["loc"]) for e in exc.errors
    )
    detail = _("These values are not valid: %(names)s.") % {"names": ", ".join(names)}
    return _error(request, 422, detail, errors=exc.errors)


from commons.accounts.api import router as accounts_router  # noqa: E402
from commons.alerts.api import router as alerts_router  # noqa: E402
from commons.directory.api import router as directory_router  # noqa: E402
from commons.discussions.api import router as discussions_router  # noqa: E402
from commons.events.api import router as events_router  # noqa: E402
from commons.journeys.api import router as journeys_router  # noqa: E402
from commons.library.api import router as library_router  # noqa: E402
from commons.news.api import router as news_router  # noqa: E402
from commons.newsletter.api import router as newsletter_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", directory_router)
api.add_router("/", journeys_router)
api.add_router("/", events_router)
api.add_router("/", library_router)
api.add_router("/", news_router)
api.add_router("/", newsletter_router)
api.add_router("/", discussions_router)
api.add_router("/", alerts_router)
