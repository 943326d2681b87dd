"""Reading discussions: the categories, a category's threads, a thread, search, a tag's
threads and attachments. What a person sees comes from ``queries.py``."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commons.core.queries import json_list_has
from commons.discussions import queries, rules, services
from commons.discussions import search as thread_search
from commons.discussions.forms import ReplyForm
from commons.discussions.models import Category, Watch
from commons.library.files import content_type

PAGE_SIZE = 25
LATEST_PER_CATEGORY = 3


def signs_in(view):
    """Send a signed-out visitor who asked for a members-only page to the sign-in page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except queries.SignInRequired:
            return redirect_to_login(request.get_full_path())

    return wrapped


def _page(request, threads):
    page = Paginator(threads, PAGE_SIZE).get_page(request.GET.get("page"))
    items = queries.with_unread(request.user, list(page.object_list))
    for thread in items:
        queries.labelled(thread.category)
    return page, items


@require_GET
def index(request):
    """The categories this person may read, each with its thread count and latest
    threads."""
    user = request.user
    categories = [
        queries.labelled(c)
        for c in queries.readable_categories(user).annotate(
            thread_count=Count("threads", filter=Q(threads__is_visible=True))
        )
    ]
    visible = queries.visible_threads(user)
    for category in categories:
        latest = list(visible.filter(category=category)[:LATEST_PER_CATEGORY])
        category.latest = queries.with_unread(user, latest)
    context = {
        "categories": categories,
        "members_only_hidden": not rules.is_member(user)
        and Category.objects.filter(audience=Category.Audience.MEMBERS).exists(),
        "can_write": rules.can_write(user),
        "can_moderate": rules.can_moderate(user),
        "unread_notifications": queries.unread_notifications(user),
    }
    return render(request, "discussions/index.html", context)


@require_GET
@signs_in
def category(request, slug: str):
    found = queries.get_category_for_user(request, slug)
    page, threads = _page(request, queries.visible_threads(request.user).filter(category=found))
    context = {
        "category": found,
        "page": page,
        "threads": threads,
        "can_start": rules.can_start_thread(request.user, found),
    }
    return render(request, "discussions/category.html", context)


@require_GET
def tag(request, tag: str):
    threads = queries.visible_threads(request.user).filter(json_list_has("tags", tag))
    page, items = _page(request, threads)
    return render(request, "discussions/tag.html", {"tag": tag, "page": page, "threads": items})


@require_GET
def search(request):
    q = (request.GET.get("q") or "").strip()[:200]
    categories = [queries.labelled(c) for c in queries.readable_categories(request.user)]
    chosen = next((c for c in categories if c.slug == request.GET.get("category")), None)
    page = request.GET.get("page") or ""
    result = None
    if q:
        result = thread_search.search(
            request.user,
            q=q,
            category=chosen,
            page=int(page) if page.isdigit() and int(page) < 100_000 else 1,
        )
        queries.with_unread(request.user, result.items)
    context = {"q": q, "categories": categories, "chosen": chosen, "result": result}
    return render(request, "discussions/search.html", context)


@require_GET
@signs_in
def thread(request, pk: int):
    """A thread's messages; opening it marks it read."""
    user = request.user
    found = queries.get_thread_for_user(request, pk)
    entries = queries.messages_of(user, found)
    watch = None
    if user.is_authenticated:
        watch = Watch.objects.filter(user=user, thread=found).first()
    can_reply = rules.can_reply(user, found)
    context = {
        "thread": found,
        "entries": entries,
        "held_first": bool(entries and entries[0].status == entries[0].Status.HELD),
        "watch_level": watch.level if watch else "",
        "can_reply": can_reply,
        "can_write": rules.can_write(user),
        "can_moderate": rules.can_moderate(user),
        "form": ReplyForm(user=user) if can_reply else None,
        "editable": {m.pk for m in entries if m.shown and rules.can_edit_message(user, m)},
    }
    response = render(request, "discussions/thread.html", context)
    services.mark_read(user=user, thread=found)
    return response


@require_GET
@signs_in
def attachment(request, pk: int):
    """A message's file, as a download: whatever it holds, it never runs as part of this
    site (the library's rules)."""
    found = queries.get_attachment_for_user(request, pk)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=content_type(found.kind)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=300"
    return response
