"""The organisers' side of events: writing an event and its programme, publishing it,
the participant list with attendance and exports, feedback, and a person's own events."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.core.errors import deny
from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.events import queries, rules, services
from commons.events.forms.organise import EventForm, Programme
from commons.events.models import Event, Registration
from commons.lib.downloads import attachment
from commons.lib.tabular import column_labels, write_csv, write_xlsx

# The participant list is for the organisers to read, not for a program or an import:
# its headers and statuses are in the reader's language, as on the page (times stay
# ISO 8601 in UTC, languages ISO 639-1 codes).
EXPORT_COLUMNS = [
    "name",
    "email",
    "organisation",
    "status",
    "registered_at",
    "confirmed_at",
    "attended",
    "language",
]


@require_http_methods(["GET", "POST"])
@login_required
def event_new(request):
    """A draft event, run by organisations the person administers (staff: any)."""
    if not rules.can_create_event(request.user):
        deny(request, reason="administers no organisation")
    form = EventForm(request.POST or None, user=request.user, instance=Event())
    if request.method == "POST" and form.is_valid():
        event = services.save_event(
            fields={**form.event_fields(), "status": Event.Status.DRAFT},
            organisers=form.organisers(),
            themes=form.cleaned_data["themes"],
            actor=request.user,
        )
        messages.success(
            request,
            _(
                "The event is saved as a draft: add its programme, then publish it when "
                "it is ready."
            ),
        )
        return redirect("events:edit", slug=event.slug)
    return render(request, "events/edit.html", {"form": form, "event": None})


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request, slug: str):
    event = queries.get_event_for_organiser(request, slug)
    # The form works on its own copy: a refused change must not show as the page's title.
    form = EventForm(
        request.POST or None, user=request.user, instance=Event.objects.get(pk=event.pk)
    )
    if request.method == "POST" and form.is_valid():
        services.save_event(
            event=event,
            fields=form.event_fields(),
            organisers=form.organisers(),
            themes=form.cleaned_data["themes"],
            actor=request.user,
        )
        messages.success(request, _("The event is saved."))
        return redirect("events:edit", slug=event.slug)
    return render(request, "events/edit.html", {"form": form, "event": event})


@require_POST
@login_required
def event_status(request, slug: str):
    """Publish an event, cancel it, or take it back to draft."""
    event = queries.get_event_for_organiser(request, slug)
    status = request.POST.get("status", "")
    if status not in Event.Status.values:
        raise Http404
    if status != event.status:
        services.set_event_status(event=event, status=status, actor=request.user)
        messages.success(request, _status_message(status))
    return redirect("events:edit", slug=event.slug)


def _status_message(status: str) -> str:
    if status == Event.Status.PUBLISHED:
        return _("The event is published: it is on the calendar.")
    if status == Event.Status.CANCELLED:
        return _(
            "The event is cancelled: its participants are told by e-mail, and the calendar "
            "shows it as cancelled."
        )
    return _("The event is a draft again: only its organisers see it.")


@require_http_methods(["GET", "POST"])
@login_required
def programme(request, slug: str):
    """Sessions, speakers and materials: rows to edit, blank rows to add, a ticked box
    to delete."""
    event = queries.get_event_for_organiser(request, slug)
    forms = Programme(event, request.POST if request.method == "POST" else None)
    if request.method == "POST" and forms.is_valid():
        forms.save()
        messages.success(request, _("The programme is saved."))
        return redirect("events:programme", slug=event.slug)
    return render(request, "events/programme.html", {"event": event, "forms": forms})


@require_http_methods(["GET", "POST"])
@login_required
def participants(request, slug: str):
    """Who registered, and (POST) who came."""
    event = queries.get_event_for_organiser(request, slug)
    if request.method == "POST":
        marked = services.set_attendance(
            event=event,
            attended=_ids(request.POST.getlist("attended")),
            present=_ids(request.POST.getlist("present")),
        )
        messages.success(request, _("Attendance is saved: %(n)d attended.") % {"n": marked})
        return redirect("events:participants", slug=event.slug)
    rows = list(queries.participants(event))
    record_audit(
        action=AuditEvent.Action.SENSITIVE_READ,
        request=request,
        target=event,
        data={"what": "event participants", "rows": len(rows)},
    )
    return render(
        request,
        "events/participants.html",
        {"event": event, "rows": rows, "counts": queries.participant_counts(event)},
    )


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


@require_GET
@login_required
def participants_download(request, slug: str, fmt: str):
    """The participant list as CSV or XLSX, for the organisers (audited)."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    event = queries.get_event_for_organiser(request, slug)
    rows = [_export_row(registration) for registration in queries.participants(event)]
    headers = column_labels(
        Registration,
        EXPORT_COLUMNS,
        # the page's column names
        name=_("Name"),
        email=_("E-mail address"),
        organisation=_("Organisation"),
        status=_("Status"),
        registered_at=_("Registered at"),
        attended=_("Attended"),
    )
    if fmt == "csv":
        content = write_csv(rows, EXPORT_COLUMNS, headers=headers)
    else:
        content = write_xlsx(rows, EXPORT_COLUMNS, title=_("Participants"), headers=headers)
    record_audit(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target=event,
        data={"what": "event participants", "format": fmt, "rows": len(rows)},
    )
    return attachment(content, f"{event.slug}-participants.{fmt}")


def _utc(moment: datetime.datetime | None) -> str:
    return moment.astimezone(datetime.UTC).isoformat() if moment else ""


def _export_row(registration) -> dict:
    return {
        "name": registration.name,
        "email": registration.email,
        "organisation": registration.organisation_name,
        "status": registration.get_status_display(),
        "registered_at": _utc(registration.created_at),
        "confirmed_at": _utc(registration.confirmed_at),
        "attended": {True: "true", False: "false"}.get(registration.attended, ""),
        "language": registration.language,
    }


@require_GET
@login_required
def feedback_results(request, slug: str):
    event = queries.get_event_for_organiser(request, slug)
    return render(
        request,
        "events/feedback_results.html",
        {"event": event, "results": queries.feedback_results(event)},
    )


@require_GET
@login_required
def mine(request):
    """A person's registrations, and the events they organise (drafts included)."""
    user = request.user
    return render(
        request,
        "events/mine.html",
        {
            "registrations": queries.registrations_of(user),
            "organised": queries.events_organised_by(user)
            .prefetch_related("organisers")
            .order_by("-starts_at", "-pk")[:200],
            "may_create": rules.can_create_event(user),
        },
    )
