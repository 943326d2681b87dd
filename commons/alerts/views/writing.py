"""Writing alerts (members of verified organisations), and what readers with a say on a
published alert do to it: correct, retract, renew."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.alerts import queries, rules, services
from commons.alerts.forms import AlertForm, CorrectionForm, RetractForm
from commons.alerts.models import Alert
from commons.alerts.views import private
from commons.core.errors import deny


def _save(request, form: AlertForm, alert: Alert | None):
    """Keep a draft, or submit when asked and the author confirms the standard."""
    submit = request.POST.get("action") == "submit"
    if not form.is_valid() or (submit and not form.check_standard()):
        return None
    return services.save_alert(
        fields=form.alert_fields(),
        author=request.user,
        organisation=form.cleaned_data["organisation"],
        alert=alert,
        submit=submit,
    )


def _saved_message(request, alert: Alert) -> None:
    if alert.status == Alert.Status.SUBMITTED:
        messages.success(
            request,
            _("The alert is sent to the moderators. You get an e-mail when it is reviewed."),
        )
    else:
        messages.success(request, _("The draft is kept. Only you and the moderators see it."))


@private
@require_http_methods(["GET", "POST"])
@login_required
def new(request):
    if not rules.can_write_alert(request.user):
        deny(request, reason="only members of verified organisations write alerts")
    form = AlertForm(request.POST or None, user=request.user)
    if request.method == "POST":
        alert = _save(request, form, None)
        if alert is not None:
            _saved_message(request, alert)
            return redirect(alert)
    return render(request, "alerts/form.html", {"form": form, "alert": None})


@private
@require_http_methods(["GET", "POST"])
@login_required
def edit(request, pk: int):
    alert = queries.get_alert_for_user(request, pk)
    if not rules.can_edit_alert(request.user, alert):
        deny(request, target=alert, reason="cannot edit this alert")
    form = AlertForm(request.POST or None, user=request.user, alert=alert)
    if request.method == "POST":
        saved = _save(request, form, alert)
        if saved is not None:
            _saved_message(request, saved)
            return redirect(saved)
    return render(request, "alerts/form.html", {"form": form, "alert": alert})


@private
@require_GET
@login_required
def mine(request):
    alerts = list(queries.alerts_of(request.user))
    if alerts:
        services.record_list_read(
            request=request, filters=queries.AlertFilters(), alerts=alerts, via="mine"
        )
    return render(
        request,
        "alerts/mine.html",
        {"alerts": alerts, "can_write": rules.can_write_alert(request.user)},
    )


@private
@require_POST
@login_required
def correct(request, pk: int):
    alert = queries.get_alert_for_user(request, pk)
    if not rules.can_correct_alert(request.user, alert):
        deny(request, target=alert, reason="cannot correct this alert")
    form = CorrectionForm(request.POST)
    if form.is_valid():
        services.correct_alert(alert=alert, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, _("The correction is shown under the alert."))
        return redirect(alert)
    return _action_page(request, alert, "correct", form)


@private
@require_POST
@login_required
def retract(request, pk: int):
    alert = queries.get_alert_for_user(request, pk)
    if not rules.can_retract_alert(request.user, alert):
        deny(request, target=alert, reason="cannot retract this alert")
    form = RetractForm(request.POST)
    if form.is_valid():
        services.retract_alert(alert=alert, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("The alert is retracted; it stays readable, marked so."))
        return redirect(alert)
    return _action_page(request, alert, "retract", form)


@private
@require_POST
@login_required
def renew(request, pk: int):
    alert = queries.get_alert_for_user(request, pk)
    if not rules.can_renew_alert(request.user, alert):
        deny(request, target=alert, reason="cannot renew this alert")
    services.renew_alert(alert=alert, by=request.user)
    messages.success(request, _("The alert is renewed."))
    return redirect(alert)


def _action_page(request, alert: Alert, action: str, form):
    """The alert's page again, with the form that failed and its message."""
    from commons.alerts.views.reading import alert_context

    services.record_alert_read(request=request, alert=alert, via="page")
    user = request.user
    context = {
        **alert_context(user, alert),
        "can_correct": rules.can_correct_alert(user, alert),
        "can_retract": rules.can_retract_alert(user, alert),
        "can_renew": rules.can_renew_alert(user, alert),
        "correction_form": form if action == "correct" else CorrectionForm(),
        "retract_form": form if action == "retract" else RetractForm(),
    }
    return render(request, "alerts/detail.html", context, status=400)
