"""An organisation's subscription to alerts about its countries, managed by its admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commons.accounts.models import Membership, Organisation
from commons.alerts import rules, services
from commons.alerts.forms import SubscriptionForm
from commons.alerts.models import AlertSubscription
from commons.alerts.views import private
from commons.core.errors import deny


def _administered(user) -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            memberships__user=user,
            memberships__status=Membership.Status.ACTIVE,
            memberships__role=Membership.Role.ADMIN,
        ).order_by("name")
    )


@private
@require_http_methods(["GET", "POST"])
@login_required
def subscriptions(request):
    """One form per verified organisation this person administers; the others are listed
    with why they cannot subscribe yet."""
    organisations = _administered(request.user)
    posted = request.POST.get("organisation") if request.method == "POST" else None
    entries = []
    for organisation in organisations:
        current = AlertSubscription.objects.filter(organisation=organisation).first()
        initial = (
            {"countries": current.countries, "members_too": current.members_too} if current else {}
        )
        data = request.POST if posted == organisation.slug else None
        form = SubscriptionForm(data, initial=initial, prefix=organisation.slug)
        if data is not None:
            if not rules.can_manage_subscription(request.user, organisation):
                deny(request, target=organisation, reason="cannot manage alert subscriptions")
            if form.is_valid():
                services.save_subscription(
                    organisation=organisation,
                    countries=form.cleaned_data["countries"],
                    members_too=form.cleaned_data["members_too"],
                    by=request.user,
                )
                messages.success(request, _("The subscription is saved."))
                return redirect("alerts:subscriptions")
        entries.append(
            {
                "organisation": organisation,
                "form": form,
                "current": current,
                "can_manage": rules.can_manage_subscription(request.user, organisation),
            }
        )
    if posted is not None and posted not in {o.slug for o in organisations}:
        deny(request, reason="not an admin of this organisation")
    return render(request, "alerts/subscriptions.html", {"entries": entries})
