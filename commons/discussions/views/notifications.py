"""A person's notifications, their e-mail choice, and the one-click unsubscribe link of
the discussions' e-mails (which works without signing in)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from commons.discussions import services
from commons.discussions.models import Message, Notification, Participant

PAGE_SIZE = 50


def _inbox_of(user):
    """The person's notifications, newest first: a reply or mention only while its
    message is published in a visible thread; a moderator's action always."""
    shown = Q(kind=Notification.Kind.MODERATION) | Q(
        message__status=Message.Status.PUBLISHED, message__thread__is_visible=True
    )
    return (
        Notification.objects.filter(shown, user=user)
        .select_related("message", "message__thread", "message__author")
        .order_by("-created_at", "-pk")
    )


@require_http_methods(["GET", "POST"])
@login_required
def inbox(request):
    """GET: the notifications, unread ones marked. POST: mark them all read."""
    if request.method == "POST":
        marked = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if marked:
            messages.success(request, _("All your notifications are marked read."))
        return redirect("discussions:notifications")
    page = Paginator(_inbox_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(
        request,
        "discussions/notifications.html",
        {"page": page, "notifications": page.object_list, "unread": unread},
    )


class EmailChoiceForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["email"]
        widgets = {"email": forms.RadioSelect}
        labels = {"email": gettext_lazy("E-mails about discussions")}
        help_texts = {
            "email": gettext_lazy(
                "Replies in threads you watch, mentions of you, and moderators' decisions "
                "about your messages. They are always listed in your notifications here."
            )
        }


@require_http_methods(["GET", "POST"])
@login_required
def settings(request):
    """How often the person hears of discussions by e-mail; their @handle."""
    participant = services.participant_for(request.user)
    posted = request.method == "POST"
    form = EmailChoiceForm(request.POST if posted else None, instance=participant)
    if posted and form.is_valid():
        form.save()
        messages.success(request, _("Your choice is saved."))
        return redirect("discussions:settings")
    return render(
        request,
        "discussions/settings.html",
        {"form": form, "participant": participant},
        status=400 if posted else 200,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks; POST stops the discussions' e-mails (choice "never"). The POST needs no
    cookie nor CSRF token: mail programs send RFC 8058's ``List-Unsubscribe=One-Click``
    to it. A second POST changes nothing and says the same."""
    participant = services.participant_for_token(token)
    if participant is None:
        raise Http404
    if request.method == "POST":
        if participant.email != Participant.Email.NEVER:
            Participant.objects.filter(pk=participant.pk).update(email=Participant.Email.NEVER)
        return render(request, "discussions/unsubscribed.html", {"participant": participant})
    return render(
        request,
        "discussions/unsubscribe.html",
        {"participant": participant, "already": participant.email == Participant.Email.NEVER},
    )
