"""Who may do what with newsletter subscriptions. Anyone may ask to subscribe; a
subscription is managed with the token of its e-mails or, for a member, from the
account whose verified address it is."""

from allauth.account.models import EmailAddress


def has_verified_email(user) -> bool:
    """A member whose account address is verified may subscribe it without the
    confirmation e-mail: the verification already proved they read it."""
    if not user.is_authenticated or not user.email:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def can_edit_issues(user) -> bool:
    """The news editors (moderators and staff) make the newsletter's issues."""
    from commons.news.rules import can_edit_news

    return can_edit_news(user)
