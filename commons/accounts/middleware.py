from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# Pages a steward or staff member must still reach before a second factor is set up.
_ALLOWED_PREFIXES = ("/accounts/", "/language/", "/static/", "/media/", "/healthz")


def apply_saved_language(request, user) -> None:
    """Answer ``request`` in ``user``'s saved interface language, when they saved one
    (it wins over the browser's ``Accept-Language`` and the language cookie)."""
    if user.is_authenticated and user.language and user.language != translation.get_language():
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


class UserLanguageMiddleware:
    """Apply a signed-in person's saved interface language on every device they use
    (the API does the same for the owner of a personal token: ``accounts.auth``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply_saved_language(request, request.user)
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """Send data stewards and staff to set up a second factor before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.needs_second_factor
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                messages.warning(
                    request,
                    _(
                        "Your role gives you access to sensitive data: "
                        "set up a second factor to continue."
                    ),
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
