"""Reading alerts: the list with its search, an alert's page, and the steward's export.
Every read is audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commons.alerts import queries, rules, services
from commons.alerts.forms import CorrectionForm, RetractForm
from commons.alerts.models import Alert, Pattern
from commons.alerts.views import private
from commons.core.errors import deny
from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.lib.downloads import attachment
from commons.lib.geo import COUNTRY_CHOICES, country_name

PAGE_SIZE = 25


@private
@require_GET
@login_required
def alert_list(request):
    """Readers search the alerts by name, licence number and country; anyone else signed
    in learns who may read them (and nothing of them)."""
    user = request.user
    if not rules.can_read_alerts(user):
        record_audit(
            action=AuditEvent.Action.ACCESS_DENIED,
            request=request,
            target_label="alerts list",
            data={"reason": "not a reader of alerts", "path": request.path[:200]},
        )
        return render(request, "alerts/closed.html", {"member_of_any": _member_of_any(user)})
    filters = queries.AlertFilters.from_query(request.GET)
    found = queries.search_alerts(user, filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    alerts = list(page.object_list)
    services.record_list_read(request=request, filters=filters, alerts=alerts, via="page")
    context = {
        "page": page,
        "alerts": alerts,
        "filters": filters,
        "query": filters.as_query(),
        "countries": COUNTRY_CHOICES,
        "searched": bool(filters.q or filters.licence or filters.country),
        "can_write": rules.can_write_alert(user),
        "can_moderate": rules.can_moderate_alerts(user),
        "can_export": rules.can_export_alerts(user),
    }
    return render(request, "alerts/list.html", context)


def _member_of_any(user) -> bool:
    from commons.accounts.rules import is_member_of_any

    return is_member_of_any(user)


def alert_context(user, alert: Alert) -> dict:
    """What an alert's page (and the moderator's review page) shows of it."""
    patterns = dict(Pattern.choices)
    return {
        "alert": alert,
        "patterns": [patterns.get(code, code) for code in alert.patterns],
        "countries": [country_name(code) for code in alert.countries],
        "routes": [(country_name(a), country_name(b)) for a, b in alert.routes],
        "actor_country": country_name(alert.actor_country),
        "history": list(alert.events.select_related("by")),
        "replies": list(queries.replies_of(alert)),
    }


@private
@require_GET
@login_required
def alert_detail(request, pk: int):
    alert = queries.get_alert_for_user(request, pk)
    user = request.user
    services.record_alert_read(request=request, alert=alert, via="page")
    context = {
        **alert_context(user, alert),
        "can_edit": rules.can_edit_alert(user, alert),
        "can_review": rules.can_moderate_alerts(user) and alert.status == Alert.Status.SUBMITTED,
        "can_correct": rules.can_correct_alert(user, alert),
        "can_retract": rules.can_retract_alert(user, alert),
        "can_renew": rules.can_renew_alert(user, alert),
        "correction_form": CorrectionForm(),
        "retract_form": RetractForm(),
    }
    return render(request, "alerts/detail.html", context)


@private
@require_GET
@login_required
def export(request):
    """Every readable alert as CSV: data stewards with a second factor only (audited)."""
    if not rules.can_export_alerts(request.user):
        deny(request, reason="only data stewards with a second factor export alerts")
    content = services.export_alerts(by=request.user, request=request)
    return attachment(content, "alerts.csv")
