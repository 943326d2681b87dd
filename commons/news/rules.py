"""Who may do what with posts. Editors are the platform's moderators and staff."""

from commons.accounts.rules import is_member_of_any


def can_edit_news(user) -> bool:
    return user.is_authenticated and (user.is_moderator or user.is_staff)


def can_submit_post(user) -> bool:
    return can_edit_news(user) or is_member_of_any(user)


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
