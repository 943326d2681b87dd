"""Writing posts: submitting, editing, a person's own posts, and the editors' queue and
review (publish, or refuse with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commons.core.errors import deny
from commons.lib.geo import country_name
from commons.lib.languages import language_name
from commons.library.topics import topic_label
from commons.news import queries, rules, services
from commons.news.forms.editing import PostForm, RejectForm
from commons.news.models import Post

QUEUE_PAGE = 200
MINE_PAGE = 500


def _submitted_message(post: Post) -> str:
    if post.status == Post.Status.PUBLISHED:
        return _("It is published: what an editor writes needs no review.")
    return _(
        "Thank you: an editor will read it before it is published, and you will get an "
        "e-mail when they have."
    )


@require_http_methods(["GET", "POST"])
@login_required
def submit(request):
    if not rules.can_submit_post(request.user):
        deny(request, reason="may not submit posts: no organisation")
    posted = request.method == "POST"
    form = PostForm(request.POST if posted else None, user=request.user)
    if posted and form.is_valid():
        post = services.submit_post(
            fields=form.post_fields(), author=request.user, organisation=form.chosen_organisation()
        )
        messages.success(request, _submitted_message(post))
        return redirect("news:mine")
    return render(
        request,
        "news/submit.html",
        {"form": form, "editor": rules.can_edit_news(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, slug: str):
    """Editors edit any post (audited when it is someone else's); an author theirs until
    it is published, and correcting a refused one sends it back to the editors."""
    post = queries.get_post_to_edit(request, slug)
    was_rejected = post.status == Post.Status.REJECTED
    posted = request.method == "POST"
    form = PostForm(request.POST if posted else None, user=request.user, post=post)
    if posted and form.is_valid():
        fields = {**form.post_fields(), "organisation": form.chosen_organisation()}
        services.update_post(post=post, fields=fields, actor=request.user, request=request)
        if was_rejected and post.status == Post.Status.SUBMITTED:
            messages.success(request, _("The changes are saved and it goes back to an editor."))
        else:
            messages.success(request, _("The changes are saved."))
        if post.status == Post.Status.SUBMITTED and rules.can_edit_news(request.user):
            return redirect("news:review", slug=post.slug)
        if post.author_id == request.user.pk and post.status != Post.Status.PUBLISHED:
            return redirect("news:mine")
        return redirect(post.get_absolute_url())
    return render(request, "news/edit.html", {"form": form, "post": post})


@require_GET
@login_required
def mine(request):
    """A person's posts with their status and, when refused, the reason."""
    posts = list(queries.posts_of(request.user).select_related("organisation")[:MINE_PAGE])
    return render(
        request,
        "news/mine.html",
        {
            "posts": posts,
            "language_names": _language_names(p.language for p in posts),
            "may_submit": rules.can_submit_post(request.user),
        },
    )


def _may_edit_news(request, post: Post | None = None) -> None:
    if not rules.can_edit_news(request.user):
        deny(request, target=post, reason="not a news editor")


@require_GET
@login_required
def queue(request):
    """Posts waiting for an editor, oldest first."""
    _may_edit_news(request)
    waiting = queries.editors_queue()
    rows = list(waiting[:QUEUE_PAGE])
    return render(
        request,
        "news/queue.html",
        {
            "queue": rows,
            "total": len(rows) if len(rows) < QUEUE_PAGE else waiting.count(),
            "page_size": QUEUE_PAGE,
            "language_names": _language_names(p.language for p in rows),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def review(request, slug: str):
    """One post in full; publish it, or refuse it with a reason."""
    post = queries.get_post_for_user(request, slug)
    _may_edit_news(request, post)
    reject_form = RejectForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in {"publish", "reject"}:
            return HttpResponseBadRequest(_("Publish or refuse."))
        if action == "publish" and post.status != Post.Status.PUBLISHED:
            services.publish_post(post=post, editor=request.user, request=request)
            messages.success(
                request,
                _("“%(title)s” is published; its author is told by e-mail.")
                % {"title": post.title},
            )
            return redirect("news:queue")
        if action == "reject" and post.status != Post.Status.REJECTED:
            reject_form = RejectForm(request.POST)
            if reject_form.is_valid():
                services.reject_post(
                    post=post,
                    editor=request.user,
                    reason=reject_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(
                    request,
                    _("“%(title)s” is not published; its author is told why by e-mail.")
                    % {"title": post.title},
                )
                return redirect("news:queue")
        else:
            messages.info(request, _("It already has this status: nothing changed."))
            return redirect("news:review", slug=post.slug)
    return render(
        request,
        "news/review.html",
        {
            "post": post,
            "facts": {
                "language": language_name(post.language),
                "countries": [country_name(code) for code in post.countries],
                "topics": [topic_label(code) for code in post.topics],
            },
            "reject_form": reject_form,
        },
    )


def _language_names(codes) -> dict[str, str]:
    """Code → name in the reader's language, for the templates' ``get_item``."""
    return {code: language_name(code) for code in set(codes) if code}
