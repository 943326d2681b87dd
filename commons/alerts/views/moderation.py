"""Moderators: the review of submitted alerts against the standard, and the
right-of-reply statements waiting to be attached to the alert they answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commons.alerts import queries, rules, services
from commons.alerts.forms import AttachReplyForm, ReviewForm
from commons.alerts.models import Alert, RightOfReply
from commons.alerts.views import private
from commons.alerts.views.reading import alert_context
from commons.core.errors import deny


def _moderator(request) -> None:
    if not rules.can_moderate_alerts(request.user):
        deny(request, reason="only moderators review alerts")


@private
@require_GET
@login_required
def queue(request):
    _moderator(request)
    waiting = list(queries.review_queue())
    services.record_list_read(
        request=request, filters=queries.AlertFilters(), alerts=waiting, via="queue"
    )
    return render(request, "alerts/queue.html", {"queue": waiting})


@private
@require_http_methods(["GET", "POST"])
@login_required
def review(request, pk: int):
    _moderator(request)
    alert = queries.get_alert_for_user(request, pk)
    services.record_alert_read(request=request, alert=alert, via="review")
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and alert.status != Alert.Status.SUBMITTED:
        messages.error(request, _("This alert is not waiting for review any more."))
        return redirect("alerts:review", pk=alert.pk)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        if form.cleaned_data["decision"] == "publish":
            services.publish_alert(alert=alert, moderator=request.user, note=note, request=request)
            messages.success(request, _("The alert is published."))
        else:
            services.reject_alert(alert=alert, moderator=request.user, reason=note, request=request)
            messages.success(request, _("The alert is sent back to its author with your reason."))
        return redirect("alerts:queue")
    return render(
        request,
        "alerts/review.html",
        {**alert_context(request.user, alert), "form": form},
        status=400 if form.errors else 200,
    )


@private
@require_GET
@login_required
def replies(request):
    _moderator(request)
    return render(request, "alerts/replies.html", {"replies": list(queries.replies_queue())})


@private
@require_http_methods(["GET", "POST"])
@login_required
def reply(request, pk: int):
    _moderator(request)
    statement = RightOfReply.objects.filter(pk=pk).first()
    if statement is None:
        raise Http404
    candidates = queries.alerts_a_reply_may_answer(request.user, statement)
    form = AttachReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if statement.status != RightOfReply.Status.NEW:
            messages.error(request, _("This statement was already handled."))
            return redirect("alerts:replies")
        note = form.cleaned_data["note"]
        if form.cleaned_data["action"] == "attach":
            alert = queries.alerts_for(request.user).filter(pk=form.cleaned_data["alert"]).first()
            if alert is None:
                form.add_error("alert", _("There is no published alert with this number."))
            else:
                services.attach_reply(
                    reply=statement, alert=alert, moderator=request.user, note=note
                )
                messages.success(request, _("The statement is shown on the alert."))
                return redirect(alert)
        else:
            services.dismiss_reply(reply=statement, moderator=request.user, note=note)
            messages.success(request, _("The statement is dismissed."))
            return redirect("alerts:replies")
    return render(
        request,
        "alerts/reply.html",
        {"statement": statement, "candidates": candidates, "form": form},
        status=400 if form.errors else 200,
    )
