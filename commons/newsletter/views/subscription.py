"""Subscribing, confirming, managing preferences and unsubscribing: public pages opened
with the token of a subscriber's e-mails, and a signed-in member's preferences page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from commons.core.errors import deny
from commons.core.services import client_ip
from commons.newsletter import queries, rules, services
from commons.newsletter.forms import PreferencesForm, SubscribeForm
from commons.newsletter.models import Subscriber


def _language(request) -> str:
    codes = dict(settings.LANGUAGES)
    for code in (getattr(request.user, "language", ""), get_language()):
        if code in codes:
            return code
    return settings.LANGUAGE_CODE


def _subscriber(token: str) -> Subscriber:
    subscriber = services.subscriber_for_token(token)
    if subscriber is None:
        raise Http404
    return subscriber


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Anyone asks to subscribe an address; the answer is the same whether it is known."""
    initial = {"language": _language(request)}
    if request.user.is_authenticated:
        initial["email"] = request.user.email
    post = request.method == "POST"
    form = SubscribeForm(request.POST if post else None, initial=initial)
    if post and form.is_valid():
        if services.too_many_from(client_ip(request)):
            form.add_error(
                None,
                _(
                    "Many subscriptions were asked from your connection in the last hour. "
                    "Please try again later."
                ),
            )
            return render(request, "newsletter/subscribe.html", {"form": form}, status=429)
        services.subscribe(
            email=form.cleaned_data["email"],
            preferences=form.preferences(),
            ip=client_ip(request),
            user=request.user if request.user.is_authenticated else None,
        )
        return render(request, "newsletter/check_email.html", {"email": form.cleaned_data["email"]})
    return render(request, "newsletter/subscribe.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """The link of the confirmation e-mail: GET asks, POST confirms, so that a mail
    provider's link scanner opening it subscribes nobody."""
    subscriber = _subscriber(token)
    if request.method == "POST":
        services.confirm(subscriber=subscriber, ip=client_ip(request))
        subscriber.refresh_from_db()
    return render(
        request,
        "newsletter/confirm.html",
        {"subscriber": subscriber, "token": token, "done": request.method == "POST"},
    )


@require_http_methods(["GET", "POST"])
def manage(request, token: str):
    """A subscriber's preferences, opened with the link of any of their e-mails."""
    subscriber = _subscriber(token)
    active = subscriber.status in (Subscriber.Status.PENDING, Subscriber.Status.CONFIRMED)
    post = request.method == "POST" and active
    form = PreferencesForm(
        request.POST if post else None, initial=PreferencesForm.initial_for(subscriber)
    )
    if post and form.is_valid():
        services.update_preferences(subscriber=subscriber, preferences=form.preferences())
        messages.success(request, _("Your preferences are saved."))
        return redirect("newsletter:manage", token=token)
    return render(
        request,
        "newsletter/manage.html",
        {"subscriber": subscriber, "token": token, "form": form, "active": active},
    )


# RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click" with no cookies, so no
# CSRF token either; the secret token in the address is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks for a confirmation; POST unsubscribes, as often as it comes."""
    subscriber = _subscriber(token)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        how = Subscriber.Ending.ONE_CLICK if one_click else Subscriber.Ending.LINK
        subscriber = services.unsubscribe(subscriber=subscriber, how=how)
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    return render(
        request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token}
    )


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    """A member's subscription of their account address: subscribe in one click (the
    address is verified), change preferences, unsubscribe."""
    subscriber = queries.subscription_of(request.user)
    subscribed = subscriber is not None and subscriber.is_confirmed
    suppressed = subscriber is not None and subscriber.status == Subscriber.Status.SUPPRESSED
    verified = rules.has_verified_email(request.user)
    leaving = request.POST.get("action") == "unsubscribe"
    post = request.method == "POST" and not leaving
    initial = (
        PreferencesForm.initial_for(subscriber)
        if subscriber is not None
        else {"language": _language(request)}
    )
    form = PreferencesForm(request.POST if post else None, initial=initial)
    if request.method == "POST":
        if suppressed or not (subscribed or verified):
            deny(request, reason="newsletter: the account address is not verified or suppressed")
        if leaving:
            if subscribed:
                services.unsubscribe(subscriber=subscriber, how=Subscriber.Ending.ACCOUNT)
                messages.success(request, _("You are unsubscribed from the newsletter."))
            return redirect("newsletter:preferences")
        if form.is_valid():
            if subscribed:
                services.update_preferences(subscriber=subscriber, preferences=form.preferences())
                messages.success(request, _("Your preferences are saved."))
            else:
                services.subscribe_member(
                    user=request.user, preferences=form.preferences(), ip=client_ip(request)
                )
                messages.success(request, _("You are subscribed to the newsletter."))
            return redirect("newsletter:preferences")
    return render(
        request,
        "newsletter/preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "subscribed": subscribed,
            "suppressed": suppressed,
            "verified": verified,
        },
    )
