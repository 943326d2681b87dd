"""The versioned JSON API at /api/v1/. Each app adds its router here."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from commons import __version__
from commons.accounts.queries import api_token_for_key
from commons.accounts.services import touch_api_token


class PersonalToken(HttpBearer):
    """``Authorization: Bearer fc_…`` with a personal API token (see /me/tokens/)."""

    def authenticate(self, request, token):
        api_token = api_token_for_key(token)
        if api_token is None:
            return None
        touch_api_token(token=api_token)
        request.user = api_token.user
        return api_token.user


class Anyone:
    """Lets anonymous requests through; the visibility queries decide what they see."""

    def __call__(self, request):
        return request.user if request.user.is_authenticated else True


api = NinjaAPI(
    title="Freedom Commons API",
    version=__version__,
    description=str(_("Read the platform's public and member data. Authenticate with a personal API token.")),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[PersonalToken(), django_auth, Anyone()],
)

from commons.accounts.api import router as accounts_router  # noqa: E402
from commons.core.api import router as core_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/", accounts_router)
