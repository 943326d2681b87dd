"""Who may do what with posts. Editors are the platform's moderators and staff."""

from commons.accounts.models import Membership


def is_member(user) -> bool:
    """An active member of some organisation."""
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_is_any_member", None)
    if cache is None:
        cache = user._is_any_member = Membership.objects.filter(
            user=user, status=Membership.Status.ACTIVE
        ).exists()
    return cache


def can_edit_news(user) -> bool:
    return user.is_authenticated and (user.is_moderator or user.is_staff)


def can_submit_post(user) -> bool:
    return can_edit_news(user) or is_member(user)


def can_read_post(user, post) -> bool:
    """Published public posts are for everyone, members-only ones for signed-in people;
    an unpublished post for its author and editors."""
    if post.status == post.Status.PUBLISHED:
        return post.audience == post.Audience.PUBLIC or user.is_authenticated
    return user.is_authenticated and (can_edit_news(user) or post.author_id == user.pk)


def can_edit_post(user, post) -> bool:
    """Editors edit any post; an author edits theirs until it is published."""
    if can_edit_news(user):
        return True
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and post.status in {post.Status.SUBMITTED, post.Status.REJECTED}
    )
