"""How allauth treats our accounts: the language of its e-mails and of new accounts.

allauth renders its e-mails (address confirmation, password reset, security notices) in
the language of the request that sends them. A person who asks for a password reset
while signed out, on a shared computer in another language, or whose address a stranger
typed, should still read it in the language their account is set to.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.db import DatabaseError
from django.utils import translation

from commons.accounts.models import User
from commons.core.services import recipient_language


def account_for(email: str) -> User | None:
    """The account an address belongs to (a verified, primary address first), if any."""
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(email__iexact=email)
        .select_related("user")
        .order_by("-verified", "-primary", "pk")
        .first()
    )
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email).first()


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """A new account remembers the language it was created in, so that the e-mails
        it is sent later (from background jobs, with no request) are in that language."""
        if not user.language:
            user.language = recipient_language(fallback=translation.get_language())
        return super().save_user(request, user, form, commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Write in the account's saved language when the address belongs to one, else
        in the language of the request (a stranger's ``unknown_account`` e-mail)."""
        user = context.get("user") or account_for(email)
        language = recipient_language(user, fallback=translation.get_language())
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def authenticate(self, request, **credentials):
        """allauth counts an attempt toward the sign-in lockout before it checks the
        password; when the database fails meanwhile (down, restarting) nothing was
        checked, so the attempt is taken back instead of locking the person out for
        minutes after the database returns."""
        try:
            return super().authenticate(request, **credentials)
        except DatabaseError:
            self._rollback_login_failed_rl_usage()
            raise

    def render_mail(self, template_prefix, email, context, headers=None):
        headers = {"Content-Language": translation.get_language(), **(headers or {})}
        return super().render_mail(template_prefix, email, context, headers)
