"""The public right-of-reply form. Whatever is typed, the answer is the same: it must not
tell anyone whether an alert names them."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from commons.alerts import services
from commons.alerts.forms import ReplyForm
from commons.alerts.views import private
from commons.core.services import client_ip


@private
@require_http_methods(["GET", "POST"])
def reply_form(request):
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            return redirect("alerts:reply_sent")
        try:
            services.submit_reply(fields=form.reply_fields(), ip_address=client_ip(request))
        except services.TooManyReplies:
            return render(
                request, "alerts/reply_form.html", {"form": form, "too_many": True}, status=429
            )
        return redirect("alerts:reply_sent")
    return render(request, "alerts/reply_form.html", {"form": form, "too_many": False})


@private
@require_GET
def reply_sent(request):
    return render(request, "alerts/reply_sent.html")
