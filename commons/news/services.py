"""Writes of posts: submitting, editing, publishing and refusing them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from commons.core.models import AuditEvent
from commons.core.services import (
    queue_templated_email,
    queue_templated_email_to_users,
    recipient_language,
    record_audit,
    unique_slug,
)
from commons.lib.text import render_markdown
from commons.news import rules
from commons.news.models import Post

# Paths under /news/ that a post's slug must not take.
RESERVED_SLUGS = {"feed", "submit", "mine", "editors"}


def unique_post_slug(title: str) -> str:
    return unique_slug(title, model=Post, max_length=100, fallback="post", reserved=RESERVED_SLUGS)


def _prepare(post: Post) -> None:
    post.body_html = render_markdown(post.body)
    if post.kind != Post.Kind.OPPORTUNITY:
        post.opportunity_type = ""
        post.deadline = None
        post.how_to_apply = ""
    post.full_clean()


@transaction.atomic
def submit_post(*, fields: dict, author, organisation=None) -> Post:
    """A member's post waits for an editor; an editor's own is published at once.

    Side effects: inserts the post; e-mails the editors when it waits for them."""
    post = Post(author=author, organisation=organisation, **fields)
    if not post.slug:
        post.slug = unique_post_slug(post.title)
    if rules.can_edit_news(author):
        post.status = Post.Status.PUBLISHED
        post.published_at = timezone.now()
        post.reviewed_by = author
    _prepare(post)
    post.save()
    if post.status == Post.Status.SUBMITTED:
        _tell_editors(post)
    return post


@transaction.atomic
def update_post(*, post: Post, fields: dict, actor, request=None) -> Post:
    """Change a post. An author correcting a refused post sends it back to the editors.

    Side effects: saves it; audited when an editor changes someone else's post."""
    for name, value in fields.items():
        setattr(post, name, value)
    resubmitted = post.status == Post.Status.REJECTED and actor.pk == post.author_id
    if resubmitted and not rules.can_edit_news(actor):
        post.status = Post.Status.SUBMITTED
        post.rejection_reason = ""
    _prepare(post)
    post.save()
    if post.status == Post.Status.SUBMITTED and resubmitted:
        _tell_editors(post)
    if post.author_id != actor.pk:
        record_audit(
            action=AuditEvent.Action.POST_EDITED, actor=actor, target=post, request=request
        )
    return post


@transaction.atomic
def publish_post(*, post: Post, editor, request=None) -> Post:
    """Side effects: saves the post as published; e-mails its author; audited."""
    post.status = Post.Status.PUBLISHED
    post.published_at = post.published_at or timezone.now()
    post.reviewed_by = editor
    post.rejection_reason = ""
    post.save()
    record_audit(
        action=AuditEvent.Action.POST_PUBLISHED, actor=editor, target=post, request=request
    )
    _tell_author(post, "published")
    return post


@transaction.atomic
def reject_post(*, post: Post, editor, reason: str, request=None) -> Post:
    """Side effects: saves the post as not published with the reason; e-mails its
    author; audited."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A refusal needs a reason.")
    post.status = Post.Status.REJECTED
    post.rejection_reason = reason
    post.reviewed_by = editor
    post.save()
    record_audit(
        action=AuditEvent.Action.POST_REJECTED,
        actor=editor,
        target=post,
        request=request,
        data={"reason": reason[:500]},
    )
    _tell_author(post, "rejected")
    return post


def _tell_editors(post: Post) -> None:
    from django.db.models import Q

    from commons.accounts.models import User

    # each editor reads it in their own language: one e-mail per language
    queue_templated_email_to_users(
        users=User.objects.filter(Q(is_moderator=True) | Q(is_staff=True), is_active=True).only(
            "email", "language"
        ),
        template="news/email/submitted",
        context={"post": post},
    )


def _tell_author(post: Post, decision: str) -> None:
    author = post.author
    if author is None or author == post.reviewed_by:
        return
    queue_templated_email(
        to=[author.email],
        template=f"news/email/{decision}",
        context={"post": post},
        language=recipient_language(author),
    )
