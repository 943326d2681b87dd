"""Writing in discussions: start a thread, reply (quoting), watch or mute, edit one's
message, flag a message, and the @mention autocomplete. Writes go through
``services.py``; who may write is ``rules.py``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.core.errors import deny
from commons.discussions import queries, rules, services
from commons.discussions.forms import EditForm, FlagForm, ReplyForm, ThreadForm, quote_text
from commons.discussions.models import Message, Thread, Watch
from commons.discussions.views.reading import signs_in

TOO_MANY = 429


def _signed_in(request):
    if not request.user.is_authenticated:
        raise queries.SignInRequired


def _rate_message(limited: services.RateLimited) -> str:
    when = formats.time_format(timezone.localtime(limited.retry_at), "TIME_FORMAT")
    if limited.threads:
        return _(
            "You have started %(n)d threads in the last %(minutes)d minutes, the most we allow "
            "to keep spam out. You can start another at %(when)s; your text is kept below."
        ) % {"n": rules.THREADS_PER_WINDOW, "minutes": _minutes(), "when": when}
    return _(
        "You have posted %(n)d messages in the last %(minutes)d minutes, the most we allow to "
        "keep spam out. You can post again at %(when)s; your text is kept below."
    ) % {"n": rules.MESSAGES_PER_WINDOW, "minutes": _minutes(), "when": when}


def _minutes() -> int:
    return int(rules.WINDOW.total_seconds() // 60)


def _after_posting(request, message: Message):
    if message.status == Message.Status.HELD:
        messages.info(
            request,
            _(
                "Thank you. Your message is waiting for a moderator: the first messages of new "
                "accounts are read before others see them. Only you can see it until then."
            ),
        )
    else:
        messages.success(request, _("Your message is posted."))
    return redirect(message.get_absolute_url())


@require_http_methods(["GET", "POST"])
@signs_in
def new_thread(request, slug: str):
    _signed_in(request)
    category = queries.get_category_for_user(request, slug)
    if not rules.can_start_thread(request.user, category):
        deny(request, target=category, reason="cannot start a thread")
    user = request.user
    form = ThreadForm(request.POST or None, request.FILES or None, user=user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            found = services.start_thread(
                author=user,
                category=category,
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
                organisation=data["organisation"],
                uploads=data["files"],
            )
        except services.RateLimited as limited:
            form.add_error(None, _rate_message(limited))
            status = TOO_MANY
        else:
            return _after_posting(request, found.messages.order_by("created_at", "pk").first())
    context = {"category": category, "form": form}
    return render(request, "discussions/new_thread.html", context, status=status)


@require_http_methods(["GET", "POST"])
@signs_in
def reply(request, pk: int):
    """GET: the reply form (``?quote=<message>`` starts it with a quote of that message);
    POST: post the reply."""
    _signed_in(request)
    found = queries.get_thread_for_user(request, pk)
    user = request.user
    if not rules.can_write(user):
        deny(request, target=found, reason="cannot write")
    context = {"thread": found}
    if not rules.can_reply(user, found):
        context["locked"] = True
        status = 403 if request.method == "POST" else 200
        return render(request, "discussions/reply.html", context, status=status)
    quoted = _quoted(request, found)
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                message = services.post_reply(
                    author=user,
                    thread=found,
                    body=data["body"],
                    quotes=quoted,
                    organisation=data["organisation"],
                    uploads=data["files"],
                )
            except services.RateLimited as limited:
                form.add_error(None, _rate_message(limited))
                status = TOO_MANY
            else:
                return _after_posting(request, message)
    else:
        initial = {}
        if quoted is not None:
            initial = {"body": quote_text(quoted), "quote": quoted.pk}
        form = ReplyForm(initial=initial, user=user)
    context.update(form=form, quoted=quoted)
    return render(request, "discussions/reply.html", context, status=status)


def _quoted(request, found: Thread) -> Message | None:
    raw = request.POST.get("quote") or request.GET.get("quote") or ""
    if not raw.isdigit():
        return None
    message = (
        found.messages.select_related("author").filter(pk=int(raw), status="published").first()
    )
    return message


@require_POST
@signs_in
def watch(request, pk: int):
    """Watch the thread, mute it, or go back to the default (``level``: watching, muted
    or empty)."""
    _signed_in(request)
    found = queries.get_thread_for_user(request, pk)
    level = request.POST.get("level", "")
    services.set_watch(user=request.user, thread=found, level=level)
    notices = {
        Watch.Level.WATCHING: _("You will hear of every reply in this thread."),
        Watch.Level.MUTED: _(
            "This thread is muted: you will hear nothing of it, not even mentions."
        ),
    }
    messages.success(request, notices.get(level, _("You will hear of this thread as usual again.")))
    return redirect(found.get_absolute_url())


@require_http_methods(["GET", "POST"])
@signs_in
def edit_message(request, pk: int):
    """The author corrects their message for a short while after writing it; a moderator
    may edit any, saying why (the note is shown under the message)."""
    _signed_in(request)
    message = queries.get_message_for_user(request, pk)
    user = request.user
    if not rules.can_edit_message(user, message):
        deny(request, target=message, reason="cannot edit this message")
    as_moderator = message.author_id != user.pk
    form = EditForm(
        request.POST or None, initial={"body": message.body}, note_required=as_moderator
    )
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        if as_moderator:
            # the moderators' edit: audited, open flags resolved, the author told
            from commons.discussions import moderation

            try:
                moderation.edit_message(
                    message=message,
                    moderator=user,
                    body=body,
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except moderation.ModerationError as refused:
                form.add_error(None, str(refused))
        else:
            services.edit_message(message=message, editor=user, body=body)
        if not form.errors:
            messages.success(request, _("The message is saved."))
            return redirect(message.get_absolute_url())
    labelled_thread = queries.get_thread_for_user(request, message.thread_id)
    context = {
        "message": message,
        "thread": labelled_thread,
        "form": form,
        "as_moderator": as_moderator,
        "window_minutes": int(rules.AUTHOR_EDIT_WINDOW.total_seconds() // 60),
    }
    return render(request, "discussions/edit_message.html", context)


@require_http_methods(["GET", "POST"])
@signs_in
def flag(request, pk: int):
    """Report a message to the moderators, with a reason."""
    _signed_in(request)
    message = queries.get_message_for_user(request, pk)
    if not rules.can_flag(request.user, message):
        deny(request, target=message, reason="cannot flag")
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _flag, created = services.flag_message(
            message=message,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        if created:
            notice = _("Thank you. The moderators will look at the message you flagged.")
        else:
            notice = _("You had already flagged this message; your reason is updated.")
        messages.success(request, notice)
        return redirect(message.get_absolute_url())
    context = {"message": message, "thread": message.thread, "form": form}
    queries.labelled(message.thread.category)
    return render(request, "discussions/flag.html", context)


@require_GET
@signs_in
def people(request):
    """People to @mention whose handle or name starts with ``q``, among those who may read
    the thread (``thread``: its pk); an htmx fragment."""
    _signed_in(request)
    if not rules.can_write(request.user):
        deny(request, reason="cannot write")
    found_thread = None
    raw = request.GET.get("thread") or ""
    if raw.isdigit():
        found_thread = queries.get_thread_for_user(request, int(raw))
    people = queries.people_to_mention(request.user, found_thread, request.GET.get("q") or "")
    return render(request, "discussions/partials/_w_people.html", {"people": people})
