"""The moderators' pages: the queue (open flags grouped by message, messages held for
review), acting on a message or a thread, dismissing a flag. Every action goes through
``discussions.moderation`` (audited there)."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.core.errors import deny
from commons.discussions import moderation, rules
from commons.discussions.models import Category, Flag, Message, Thread

QUEUE_PAGE = 200


def _may_moderate(request, target=None) -> None:
    if not rules.can_moderate(request.user):
        deny(request, target=target, reason="not a discussions moderator")


@require_GET
@login_required
def queue(request):
    """Open flags grouped by message (reasons and counts), then messages held for review;
    oldest first."""
    _may_moderate(request)
    flags = (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .select_related("message", "message__thread", "message__author", "reporter")
        .order_by("created_at", "pk")
    )
    groups: dict[int, dict] = {}
    for flag in flags[: QUEUE_PAGE * 5]:
        group = groups.setdefault(
            flag.message_id, {"message": flag.message, "flags": [], "reasons": Counter()}
        )
        group["flags"].append(flag)
        group["reasons"][flag.get_reason_display()] += 1
    flagged = [
        {**group, "reasons": group["reasons"].most_common(), "count": len(group["flags"])}
        for group in list(groups.values())[:QUEUE_PAGE]
    ]
    held = list(
        Message.objects.filter(status=Message.Status.HELD)
        .select_related("thread", "thread__category", "author")
        .order_by("created_at", "pk")[:QUEUE_PAGE]
    )
    return render(request, "discussions/moderation.html", {"flagged": flagged, "held": held})


class MessageActionForm(forms.Form):
    ACTIONS = {
        "approve": gettext_lazy("Approve and publish"),
        "hide": gettext_lazy("Hide"),
        "unhide": gettext_lazy("Show again"),
        "edit": gettext_lazy("Edit, with a note shown under it"),
        "delete": gettext_lazy("Delete"),
    }

    action = forms.ChoiceField(label=gettext_lazy("What to do"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Needed to hide or delete: the author reads it, and it stays in the audit log."
        ),
    )
    body = forms.CharField(
        label=gettext_lazy("Text of the message"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Only used when you edit it."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note shown under the edited message"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Needed to edit: say what you changed and why."),
    )

    def __init__(self, *args, message: Message, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, self.ACTIONS[a]) for a in allowed_actions(message)]
        if not self.is_bound:
            self.initial.setdefault("body", message.body)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in {"hide", "delete"} and not data.get("reason", "").strip():
            self.add_error("reason", _("Write the reason: the author is told why."))
        if action == "edit":
            if not data.get("note", "").strip():
                self.add_error("note", _("Write the note: readers see why it was edited."))
            if not data.get("body", "").strip():
                self.add_error("body", _("The message cannot be empty: delete it instead."))
        return data


def allowed_actions(message: Message) -> list[str]:
    status = message.status
    if status == Message.Status.HELD:
        return ["approve", "edit", "hide", "delete"]
    if status == Message.Status.HIDDEN:
        return ["unhide", "edit", "delete"]
    if status == Message.Status.DELETED:
        return []
    return ["hide", "edit", "delete"]


def _get_message(pk: int) -> Message:
    return get_object_or_404(
        Message.objects.select_related("thread", "thread__category", "author"), pk=pk
    )


_DONE = {
    "approve": gettext_lazy("The message is approved and published; its author is told."),
    "hide": gettext_lazy("The message is hidden; its author is told why."),
    "unhide": gettext_lazy("The message is shown again."),
    "edit": gettext_lazy("The message is edited, with your note under it."),
    "delete": gettext_lazy("The message is deleted; its author is told why."),
}


@require_http_methods(["GET", "POST"])
@login_required
def moderate_message(request, pk: int):
    """One message with its flags; approve, hide, show again, edit (with a note) or
    delete it, with a reason."""
    _may_moderate(request)
    message = _get_message(pk)
    posted = request.method == "POST"
    form = MessageActionForm(request.POST if posted else None, message=message)
    if posted and form.is_valid():
        data = form.cleaned_data
        action = data["action"]
        common = {"message": message, "moderator": request.user, "request": request}
        try:
            if action == "approve":
                moderation.approve_message(**common)
            elif action == "hide":
                moderation.hide_message(**common, reason=data["reason"])
            elif action == "unhide":
                moderation.unhide_message(**common, reason=data["reason"])
            elif action == "edit":
                moderation.edit_message(**common, body=data["body"], note=data["note"])
            else:
                moderation.delete_message(**common, reason=data["reason"])
        except moderation.ModerationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _DONE[action])
            if request.POST.get("next") == "thread":
                return redirect(message.get_absolute_url())
            return redirect("discussions:moderation")
    flags = message.flags.select_related("reporter", "resolved_by").order_by("created_at")
    return render(
        request,
        "discussions/moderate_message.html",
        {"message": message, "thread": message.thread, "form": form, "flags": list(flags)},
        status=400 if posted else 200,
    )


class ThreadActionForm(forms.Form):
    ACTIONS = {
        "lock": gettext_lazy("Lock: no more replies"),
        "unlock": gettext_lazy("Unlock"),
        "move": gettext_lazy("Move to another category"),
        "hide": gettext_lazy("Hide the whole thread"),
        "unhide": gettext_lazy("Show the thread again"),
    }

    action = forms.ChoiceField(label=gettext_lazy("What to do"), widget=forms.RadioSelect)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Move to"),
        queryset=Category.objects.all(),
        required=False,
        help_text=gettext_lazy("Only used when you move it. Its readers may change."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Needed to hide it; kept in the audit log."),
    )

    def __init__(self, *args, thread: Thread, **kwargs):
        super().__init__(*args, **kwargs)
        actions = ["unlock" if thread.is_locked else "lock", "move"]
        actions.append("hide" if thread.is_visible else "unhide")
        self.fields["action"].choices = [(a, self.ACTIONS[a]) for a in actions]
        self.fields["category"].queryset = Category.objects.exclude(pk=thread.category_id)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "move" and not data.get("category"):
            self.add_error("category", _("Choose the category to move it to."))
        if action == "hide" and not data.get("reason", "").strip():
            self.add_error("reason", _("Write the reason: it is kept in the audit log."))
        return data


_THREAD_DONE = {
    "lock": gettext_lazy("The thread is locked: only moderators can reply."),
    "unlock": gettext_lazy("The thread is unlocked."),
    "move": gettext_lazy("The thread is moved."),
    "hide": gettext_lazy("The thread is hidden: only moderators see it."),
    "unhide": gettext_lazy("The thread is visible again."),
}


@require_http_methods(["GET", "POST"])
@login_required
def moderate_thread(request, pk: int):
    """Lock or unlock a thread, move it to another category, hide or show it."""
    _may_moderate(request)
    thread = get_object_or_404(Thread.objects.select_related("category", "author"), pk=pk)
    posted = request.method == "POST"
    form = ThreadActionForm(request.POST if posted else None, thread=thread)
    if posted and form.is_valid():
        data = form.cleaned_data
        action, reason = data["action"], data["reason"]
        common = {"thread": thread, "moderator": request.user, "request": request}
        try:
            if action in {"lock", "unlock"}:
                moderation.set_thread_locked(**common, locked=action == "lock", reason=reason)
            elif action == "move":
                moderation.move_thread(**common, category=data["category"], reason=reason)
            else:
                moderation.set_thread_visible(**common, visible=action == "unhide", reason=reason)
        except moderation.ModerationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _THREAD_DONE[action])
            return redirect(thread.get_absolute_url())
    return render(
        request,
        "discussions/moderate_thread.html",
        {"thread": thread, "form": form},
        status=400 if posted else 200,
    )


@require_POST
@login_required
def dismiss_flag(request, pk: int):
    """Close a flag without acting on the message."""
    _may_moderate(request)
    flag = get_object_or_404(Flag, pk=pk)
    try:
        moderation.dismiss_flag(flag=flag, moderator=request.user, request=request)
    except moderation.ModerationError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, _("The flag is dismissed."))
    if request.POST.get("next") == "message":
        return redirect("discussions:moderate_message", pk=flag.message_id)
    return redirect("discussions:moderation")
