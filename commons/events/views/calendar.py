"""The public side of events: the calendar and its iCalendar feeds, an event's page,
registering (one click for members, a confirmed address for guests), cancelling, a
guest's page for their registration, and the feedback form."""

from __future__ import annotations

import datetime
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.core.errors import deny
from commons.core.middleware import TIME_ZONE_COOKIE
from commons.events import ical, rules, services
from commons.events.forms.calendar import FeedbackForm, GuestRegistrationForm
from commons.events.models import Event, Feedback, Registration
from commons.events.queries import (
    EventFilters,
    calendar_events,
    codes_in_use,
    event_detail,
    get_event_for_user,
    registration_by_token,
    registration_for,
    seats_left,
    speaker_profiles_visible_to,
    themes,
    waitlist,
)
from commons.lib.geo import COUNTRY_CHOICES, Region
from commons.lib.languages import language_name
from commons.lib.timezones import known_time_zones, time_zone_choices

PAGE_SIZE = 20
# A feed carries every upcoming event and those that ended within this time, so that
# a subscribed calendar keeps recent events and learns of their cancellation.
FEED_PAST = datetime.timedelta(days=90)
FEED_LIMIT = 2000
ICS_TYPE = "text/calendar; charset=utf-8"
TIME_ZONE_COOKIE_AGE = 365 * 24 * 3600


# --- The calendar and its feeds -------------------------------------------------------


@require_GET
def calendar(request):
    """Upcoming or past events, filtered by kind, region, language, topic and country;
    the filters are a plain GET form (htmx swaps the results when it runs)."""
    filters = EventFilters.from_query(request.GET)
    page = Paginator(calendar_events(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    events = list(page.object_list)
    languages, countries = codes_in_use(Event.objects.exclude(status=Event.Status.DRAFT))
    languages.update(code for code in [filters.language] if code)
    countries.update(code for code in [filters.country] if code)
    shown = {code for event in events for code in [*event.languages, *event.interpretation]}
    language_names = {code: language_name(code) for code in languages | shown}
    context = {
        "page": page,
        "events": events,
        "filters": filters,
        "filtered": any(value for name, value in filters.as_query().items() if name != "when"),
        "kinds": Event.Kind.choices,
        "regions": Region.choices,
        "languages": sorted(
            ((code, language_names[code]) for code in languages), key=lambda pair: pair[1]
        ),
        "language_names": language_names,
        "countries": [(code, name) for code, name in COUNTRY_CHOICES if code in countries],
        "themes": themes(),
        "region_label": dict(Region.choices).get(filters.region, ""),
        "may_create": rules.can_create_event(request.user),
    }
    template = "events/partials/_cal_results.html" if request.htmx else "events/calendar.html"
    return render(request, template, context)


def _ics(content: bytes, *, filename: str = "") -> HttpResponse:
    response = HttpResponse(content, content_type=ICS_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def feed(request, region: str = ""):
    """The iCalendar feed of every event, or of one region's, for calendar apps to
    subscribe to. The same for everyone (no drafts, never a meeting link); the
    calendar's other filters (kind, language, topic, country) apply too."""
    if region and region not in Region.values:
        raise Http404
    filters = EventFilters.from_query(request.GET)
    filters.when, filters.region = "all", region
    found = calendar_events(AnonymousUser(), filters).filter(
        ends_at__gte=timezone.now() - FEED_PAST
    )[:FEED_LIMIT]
    name = _("Events")
    if region:
        name = f"{name} · {Region(region).label}"
    return _ics(ical.calendar(found, name=name))


# --- An event's page ------------------------------------------------------------------


def _chosen_time_zone(request) -> str:
    """A time zone asked for in the address (``?tz=Area/City``), when it is one."""
    name = request.GET.get("tz", "").strip()
    return name if name in known_time_zones() else ""


def _waitlist_position(event: Event, registration: Registration | None) -> int | None:
    if registration is None or registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = waitlist(event).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def _event_context(request, event: Event, registration: Registration | None) -> dict:
    """What the event's page and a guest's registration page both show."""
    zone_city = event.time_zone.rsplit("/", 1)[-1].replace("_", " ")
    spoken = {code: language_name(code) for code in [*event.languages, *event.interpretation]}
    return {
        "event": event,
        "registration": registration,
        "waitlist_position": _waitlist_position(event, registration),
        "show_link": bool(event.online_url)
        and rules.can_see_online_link(request.user, event, registration),
        "event_zone_city": zone_city,
        "language_names": spoken,
        "started": event.starts_at <= timezone.now(),
        "ended": event.ends_at <= timezone.now(),
        "can_give_feedback": rules.can_give_feedback(event, registration),
    }


@require_GET
def detail(request, slug: str):
    """Everything about an event, its times in the viewer's time zone and the event's
    own, and where the viewer stands: register, registered (with the meeting link),
    waiting, or closed."""
    event = event_detail(get_event_for_user(request, slug))
    chosen = _chosen_time_zone(request)
    if chosen:
        timezone.activate(zoneinfo.ZoneInfo(chosen))
    registration = registration_for(event, user=request.user)
    context = {
        **_event_context(request, event, registration),
        "seats_left": seats_left(event),
        "can_register": rules.can_register(request.user, event),
        "can_organise": rules.can_organise(request.user, event),
        "has_outcomes": event.recommendations.exists() or event.priorities.exists(),
        "linked_people": speaker_profiles_visible_to(request.user, event),
        "time_zones": time_zone_choices(),
        "chosen_time_zone": chosen,
    }
    for part in [*event.sessions.all(), *event.materials.all()]:
        if part.language:
            context["language_names"].setdefault(part.language, language_name(part.language))
    response = render(request, "events/detail.html", context)
    if chosen:
        response.set_cookie(
            TIME_ZONE_COOKIE,
            chosen,
            max_age=TIME_ZONE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_GET
def event_ics(request, slug: str):
    """One event's calendar entry ("Add to calendar"): public, without the meeting link
    (participants get the entry with the link by e-mail)."""
    event = get_event_for_user(request, slug)
    return _ics(ical.calendar([event], name=event.title), filename=f"{event.slug}.ics")


# --- Registering and cancelling -------------------------------------------------------


def _registered_message(request, registration: Registration, token: str | None) -> None:
    if token is None:
        messages.info(request, _("You were already registered for this event."))
    elif registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request,
            _("You are registered. We sent you an e-mail with the calendar entry."),
        )
    else:
        messages.warning(
            request,
            _(
                "The event is full: you are on the waiting list. We will e-mail you "
                "when a place is yours."
            ),
        )


@require_http_methods(["GET", "POST"])
def register(request, slug: str):
    """Members register in one click; guests give their name and address and confirm
    it from an e-mail. A guest is told the same thing whether or not the address was
    registered before, so that the form does not reveal who registered."""
    event = get_event_for_user(request, slug)
    user = request.user
    is_open = rules.can_register(user, event)
    if user.is_authenticated:
        if request.method == "POST":
            try:
                if not is_open:
                    raise services.RegistrationClosed
                # the account's saved language wins; without one, the page's
                registration, token = services.register(
                    event=event, user=user, language=get_language()
                )
            except services.RegistrationClosed:
                messages.error(request, _("Registration for this event is closed."))
            else:
                _registered_message(request, registration, token)
            return redirect(event)
        return render(
            request,
            "events/register.html",
            {
                "event": event,
                "is_open": is_open,
                "registration": registration_for(event, user=user),
            },
        )
    form = GuestRegistrationForm(request.POST or None) if is_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            # A robot that filled the hidden field is told what a person would be.
            if not form.is_robot:
                services.register(
                    event=event,
                    name=data["name"],
                    email=data["email"],
                    organisation_name=data["organisation_name"],
                    language=get_language(),
                )
        except services.RegistrationClosed:
            is_open, form = False, None
        else:
            return render(
                request, "events/register.html", {"event": event, "sent_to": data["email"]}
            )
    return render(
        request, "events/register.html", {"event": event, "is_open": is_open, "form": form}
    )


@require_POST
@login_required
def cancel(request, slug: str):
    """A member cancels their place; the first on the waiting list takes it."""
    event = get_event_for_user(request, slug)
    registration = registration_for(event, user=request.user)
    if registration is None:
        messages.info(request, _("You have no registration for this event."))
    elif event.ends_at <= timezone.now():
        messages.error(request, _("The event is over: there is nothing to cancel."))
    else:
        services.cancel_registration(registration=registration)
        messages.success(request, _("Your registration is cancelled."))
    return redirect(event)


def _registration_or_404(request, token: str) -> Registration:
    """The registration a link's secret opens; 404 for an unknown secret or an event
    that is no longer shown."""
    registration = registration_by_token(token)
    if registration is None:
        raise Http404
    if not rules.can_see_event(request.user, registration.event):
        deny(request, target=registration.event, reason="draft event", not_found=True)
    return registration


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """A guest confirms their address. Opening the link only shows a button: mail
    scanners that follow every link must not confirm anyone."""
    registration = _registration_or_404(request, token)
    if request.method == "POST":
        if registration.status == Registration.Status.UNCONFIRMED:
            try:
                registration = services.confirm_registration(registration=registration, token=token)
            except services.RegistrationClosed:
                messages.error(request, _("Registration for this event is closed."))
            else:
                _registered_message(request, registration, token)
        return redirect("events:registration", token=token)
    return render(
        request,
        "events/confirm.html",
        {"event": registration.event, "registration": registration, "token": token},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def registration(request, token: str):
    """A guest's page for their registration, opened from their e-mails: its status,
    the meeting link once it is confirmed, and cancelling (POST)."""
    found = _registration_or_404(request, token)
    event = found.event
    if request.method == "POST":
        if not found.is_live:
            messages.info(request, _("This registration was already cancelled."))
        elif event.ends_at <= timezone.now():
            messages.error(request, _("The event is over: there is nothing to cancel."))
        else:
            services.cancel_registration(registration=found, token=token)
            messages.success(request, _("Your registration is cancelled."))
        return redirect("events:registration", token=token)
    context = _event_context(request, event, found if found.is_live else None)
    return render(
        request, "events/registration.html", {**context, "registration": found, "token": token}
    )


# --- Feedback -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feedback(request, slug: str):
    """A confirmed participant's feedback once the event has started: members as
    themselves, guests with their link's secret (``?token=``)."""
    event = get_event_for_user(request, slug)
    token = request.GET.get("token", "")
    found = (
        registration_for(event, token=token)
        if token
        else registration_for(event, user=request.user)
    )
    if not rules.can_give_feedback(event, found):
        deny(request, target=event, reason="no feedback to give for this event", not_found=True)
    try:
        given = found.feedback
    except Feedback.DoesNotExist:
        given = None
    initial = None
    if given is not None:
        initial = {"rating": given.rating, "useful": given.useful, "improve": given.improve}
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_feedback(registration=found, **form.cleaned_data)
        messages.success(request, _("Thank you for your feedback."))
        if token:
            return redirect("events:registration", token=token)
        return redirect(event)
    return render(
        request,
        "events/feedback.html",
        {"event": event, "form": form, "given": given, "token": token},
    )
