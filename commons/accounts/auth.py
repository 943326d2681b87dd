"""How API callers are identified: a personal token, the browser session, or no one."""

from ninja.security import HttpBearer, django_auth

from commons.accounts.middleware import apply_saved_language
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
        # a token acts as its owner: answers in their saved language, as pages do
        apply_saved_language(request, api_token.user)
        return api_token.user


class Anyone:
    """Lets anonymous requests through; the visibility queries decide what they see."""

    def __call__(self, request):
        return request.user if request.user.is_authenticated else True


SIGNED_IN = [PersonalToken(), django_auth]
ANYONE = [*SIGNED_IN, Anyone()]
