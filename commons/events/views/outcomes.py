"""Forum outcomes and their follow-up: an event's priorities and recommendations, their
entry and import by the organisers, the list and the cross-regional matrix of all
recommendations, and the commitments organisations make to act on them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.accounts.models import Organisation
from commons.core.errors import deny
from commons.events import outcomes, queries, rules
from commons.events.forms.outcomes import (
    CommitForm,
    CommitmentUpdateForm,
    FastEntryForm,
    ImportForm,
    PriorityForm,
    RecommendationFilterForm,
    RecommendationForm,
    ThemeForm,
)
from commons.events.importing import COLUMNS, import_outcomes, template_rows
from commons.events.models import Event, Recommendation
from commons.lib.downloads import attachment
from commons.lib.geo import Region
from commons.lib.tabular import TabularError, write_csv, write_xlsx

PAGE_SIZE = 50
HEAT_STEPS = 4
EXPORT_COLUMNS = [*COLUMNS[:7], "event", "commitments", "url"]
MATRIX_FILTERS = ["audience", "event", "country"]
_REGION_ORDER = {code: index for index, code in enumerate(Region.values)}


# --- An event's outcomes ----------------------------------------------------------------


def _by_region_and_audience(recommendations) -> list[tuple[str, list[tuple[str, list]]]]:
    """[(region label, [(audience label, [recommendation, …]), …]), …] in the order of
    the regions and audiences as the platform lists them."""
    audience_order = {code: index for index, code in enumerate(Recommendation.Audience.values)}
    grouped: dict[str, dict[str, list]] = {}
    for recommendation in recommendations:
        region = grouped.setdefault(recommendation.region, {})
        region.setdefault(recommendation.audience, []).append(recommendation)
    return [
        (
            Region(region).label,
            [
                (Recommendation.Audience(audience).label, items)
                for audience, items in sorted(
                    audiences.items(), key=lambda item: audience_order[item[0]]
                )
            ],
        )
        for region, audiences in sorted(grouped.items(), key=lambda item: _REGION_ORDER[item[0]])
    ]


def _priorities_by_region(priorities) -> list[tuple[str, list]]:
    grouped: dict[str, list] = {}
    for priority in priorities:
        grouped.setdefault(priority.region, []).append(priority)
    return [
        (Region(region).label, items)
        for region, items in sorted(grouped.items(), key=lambda item: _REGION_ORDER[item[0]])
    ]


@require_GET
def event_outcomes(request, slug: str):
    """The priorities and recommendations an event left behind, by region and audience."""
    event = queries.get_event_for_user(request, slug)
    priorities, recommendations = queries.event_outcomes(event)
    return render(
        request,
        "events/outcomes.html",
        {
            "event": event,
            "priorities": _priorities_by_region(priorities),
            "recommendations": _by_region_and_audience(recommendations),
            "may_edit": rules.can_edit_outcomes(request.user, event),
        },
    )


# --- Entering outcomes --------------------------------------------------------------------


def _kept_choices(data) -> str:
    """The fast-entry choices to keep for the next batch, as a query string."""
    query = QueryDict(mutable=True)
    for name in ("region", "audience", "audience_country", "countries"):
        if data.get(name):
            query[name] = data[name]
    query.setlist("themes", data.getlist("themes"))
    return query.urlencode()


@require_http_methods(["GET", "POST"])
@login_required
def outcomes_edit(request, slug: str):
    """Fast keyboard entry: choose region, audience and themes once, type many
    recommendations one a line; correct or delete them below; add priorities.

    Each form posts an ``action``: ``add``, ``edit``, ``delete``, ``priority`` or
    ``delete-priority``; a saved form redirects back here (with the fast-entry choices
    kept in the address)."""
    event = queries.get_event_for_organiser(request, slug)
    url = reverse("events:outcomes_edit", args=[event.slug])
    # The forms post to the page's address without ``edit``, so the fast entry's choices
    # kept in it survive corrections and deletions.
    kept = request.GET.copy()
    kept.pop("edit", None)
    here = f"{url}?{kept.urlencode()}" if kept else url
    action = request.POST.get("action", "") if request.method == "POST" else ""
    entry = FastEntryForm(
        request.POST if action == "add" else None,
        initial=_entry_initial(request.GET, event),
        prefix="entry",
    )
    priority_form = PriorityForm(
        request.POST if action == "priority" else None,
        initial={"region": event.region or None},
        prefix="priority",
    )
    editing = None
    edit_form = None
    edit_pk = request.POST.get("pk") if action in {"edit", "delete"} else request.GET.get("edit")
    if edit_pk or action in {"edit", "delete"}:
        editing = get_object_or_404(event.recommendations, pk=_pk(edit_pk))
        edit_form = RecommendationForm(
            request.POST if action == "edit" else None,
            instance=editing,
            initial={"themes": list(editing.themes.values_list("code", flat=True))},
            prefix="edit",
        )
    if action == "add" and entry.is_valid():
        data = entry.cleaned_data
        added = outcomes.add_recommendations(
            event=event,
            region=data["region"],
            audience=data["audience"],
            audience_country=data["audience_country"],
            texts=data["texts"],
            themes=data["themes"],
            countries=data["countries"],
            actor=request.user,
        )
        messages.success(
            request,
            ngettext("%(n)d recommendation added.", "%(n)d recommendations added.", len(added))
            % {"n": len(added)},
        )
        # No #fragment: a browser skips autofocus on a page opened at a fragment.
        return redirect(f"{url}?{_kept_choices(_prefixed(request.POST, 'entry'))}")
    if action == "edit" and edit_form.is_valid():
        data = edit_form.cleaned_data
        outcomes.save_recommendation(
            recommendation=editing,
            fields={
                name: data[name]
                for name in ("text", "region", "audience", "audience_country", "countries")
            },
            themes=data["themes"],
        )
        messages.success(request, _("The recommendation is saved."))
        return redirect(f"{here}#recommendation-{editing.pk}")
    if action == "delete":
        try:
            outcomes.delete_recommendation(recommendation=editing)
        except outcomes.HasCommitments:
            messages.error(
                request,
                _(
                    "This recommendation stays: organisations have committed to act on it. "
                    "Correct its text instead."
                ),
            )
        else:
            messages.success(request, _("The recommendation is deleted."))
        return redirect(f"{here}#recommendations")
    if action == "priority" and priority_form.is_valid():
        data = priority_form.cleaned_data
        outcomes.add_priority(
            event=event,
            region=data["region"],
            title=data["title"],
            description=data["description"],
            themes=data["themes"],
        )
        messages.success(request, _("The priority issue area is added."))
        return redirect(f"{here}#priorities")
    if action == "delete-priority":
        priority = get_object_or_404(event.priorities, pk=_pk(request.POST.get("pk")))
        outcomes.delete_priority(priority=priority)
        messages.success(request, _("The priority issue area is deleted."))
        return redirect(f"{here}#priorities")
    priorities, recommendations = queries.event_outcomes(event)
    return render(
        request,
        "events/outcomes_edit.html",
        {
            "event": event,
            "entry": entry,
            "priority_form": priority_form,
            "theme_form": ThemeForm(prefix="theme"),
            "may_add_theme": rules.can_add_theme(request.user),
            "editing": editing,
            "edit_form": edit_form,
            "priorities": priorities,
            "recommendations": recommendations,
            "here": here,
        },
    )


def _pk(value) -> int:
    if not (value or "").isdigit():
        raise Http404
    return int(value)


def _prefixed(data, prefix: str) -> QueryDict:
    """The fields of a prefixed form without their prefix."""
    found = QueryDict(mutable=True)
    for key in data:
        if key.startswith(f"{prefix}-"):
            found.setlist(key[len(prefix) + 1 :], data.getlist(key))
    return found


def _entry_initial(params, event) -> dict:
    """The fast entry's choices from the address (kept from the last batch), else the
    event's region."""
    initial = {"region": params.get("region") or event.region or None}
    for name in ("audience", "audience_country", "countries"):
        if params.get(name):
            initial[name] = params[name]
    if params.getlist("themes"):
        initial["themes"] = params.getlist("themes")
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def outcomes_import(request, slug: str):
    """Priorities and recommendations from a CSV or XLSX table."""
    event = queries.get_event_for_organiser(request, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_outcomes(
                event=event,
                data=form.cleaned_data["file"].read(),
                actor=request.user,
                add_themes=form.cleaned_data["add_themes"],
            )
        except TabularError as error:
            form.add_error("file", str(error))
    return render(
        request,
        "events/outcomes_import.html",
        {"event": event, "form": form, "report": report, "columns": COLUMNS},
    )


@require_GET
def outcomes_template(request, fmt: str):
    """An empty table to fill in, with two example rows. Its column names are the
    import's, the same in every language (the import reads them)."""
    if fmt == "csv":
        return attachment(write_csv(template_rows(), COLUMNS), "outcomes-template.csv")
    if fmt == "xlsx":
        content = write_xlsx(template_rows(), COLUMNS, title="outcomes")
        return attachment(content, "outcomes-template.xlsx")
    raise Http404


@require_POST
@login_required
def theme_new(request):
    """Extend the vocabulary of themes, then go back to the page the form was on."""
    if not rules.can_add_theme(request.user):
        deny(request, reason="cannot add themes")
    form = ThemeForm(request.POST, prefix="theme")
    if form.is_valid():
        theme = outcomes.add_theme(name=form.cleaned_data["name"], actor=request.user)
        messages.success(
            request, _("The theme “%(name)s” can be chosen now.") % {"name": theme.label}
        )
    else:
        messages.error(request, " ".join(form.errors.get("name", [])))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("events:recommendations")
    return redirect(next_url)


# --- All recommendations ------------------------------------------------------------------


def _event_choices(user) -> list[tuple[str, str]]:
    """The events with recommendations this person may see, latest first."""
    every = queries.recommendations_for(user, queries.RecommendationFilters())
    events = Event.objects.filter(pk__in=every.values("event_id")).order_by("-starts_at", "pk")
    return list(events.values_list("slug", "title"))


def _export(found) -> bytes:
    """The recommendations as CSV with stable column names and codes in every language:
    the outcomes import's columns (docs/events.md) then ``event``, ``commitments``,
    ``url``, named as in the API."""
    rows = (
        {
            "kind": "recommendation",
            "region": recommendation.region,
            "audience": recommendation.audience,
            "audience_country": recommendation.audience_country,
            "text": recommendation.text,
            "themes": [theme.code for theme in recommendation.themes.all()],
            "countries": recommendation.countries,
            "event": recommendation.event.slug,
            "commitments": recommendation.commitment_count,
            "url": recommendation.get_absolute_url(),
        }
        for recommendation in found
    )
    return write_csv(rows, EXPORT_COLUMNS)


@require_GET
def recommendation_list(request):
    """All recommendations the viewer may see, filtered; ``taken=no`` lists those nobody
    has committed to; ``download=csv`` sends the filtered list as a table."""
    filters = queries.RecommendationFilters.from_query(request.GET)
    found = queries.recommendations_for(request.user, filters)
    if request.GET.get("download") == "csv":
        return attachment(_export(found), "recommendations.csv")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    form = RecommendationFilterForm(request.GET, events=_event_choices(request.user))
    return render(
        request,
        "events/recommendations.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "untaken_url": "?" + urlencode({**filters.as_query(), "taken": "no"}),
            "download_url": "?" + urlencode({**filters.as_query(), "download": "csv"}),
            "matrix_url": reverse("events:matrix")
            + _query({k: v for k, v in filters.as_query().items() if k in MATRIX_FILTERS}),
        },
    )


def _query(params: dict) -> str:
    return "?" + urlencode(params) if params else ""


# --- The cross-regional matrix ----------------------------------------------------------


@dataclass
class Cell:
    count: int
    heat: int
    url: str
    region: str


def _heat(count: int, most: int) -> int:
    """0 for an empty cell, else 1..HEAT_STEPS in proportion to the largest cell."""
    if not count or not most:
        return 0
    return max(1, min(HEAT_STEPS, math.ceil(HEAT_STEPS * count / most)))


def _matrix_rows(found, scope: dict[str, str]):
    list_url = reverse("events:recommendations")
    rows = []
    for theme, counts, total, recurs in found.rows:
        cells = [
            Cell(
                count=count,
                heat=_heat(count, found.max_count),
                url=f"{list_url}?{urlencode({**scope, 'theme': theme.code, 'region': region})}",
                region=label,
            )
            for count, (region, label) in zip(counts, found.regions, strict=True)
        ]
        theme_url = f"{list_url}?{urlencode({**scope, 'theme': theme.code})}"
        rows.append(
            {"theme": theme, "cells": cells, "total": total, "recurs": recurs, "url": theme_url}
        )
    return rows


# The chart's geometry, in SVG user units (it scales to the page's width).
CHART_WIDTH = 760
CHART_LABEL = 290
CHART_ROW = 26
CHART_BAR = 18
CHART_TOP = 8


def _chart(found, rows) -> dict:
    """Horizontal bars, one a theme, stacked by region: each segment's place and size."""
    most = max((row["total"] for row in rows), default=0)
    span = CHART_WIDTH - CHART_LABEL - 40
    bars = []
    for index, row in enumerate(rows):
        y = CHART_TOP + index * CHART_ROW
        x = float(CHART_LABEL)
        segments = []
        for cell, (region, _label) in zip(row["cells"], found.regions, strict=True):
            if not cell.count:
                continue
            width = span * cell.count / most
            segments.append(
                {"x": round(x, 2), "width": round(width, 2), "region": region, "cell": cell}
            )
            x += width
        bars.append(
            {
                "row": row,
                "y": y,
                "bar_y": y + (CHART_ROW - CHART_BAR) / 2,
                "text_y": y + CHART_ROW / 2 + 5,
                "end_x": round(x + 6, 2),
                "segments": segments,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_TOP * 2 + CHART_ROW * len(rows),
        "label_x": CHART_LABEL - 8,
        "bar_height": CHART_BAR,
        "bars": bars,
    }


@require_GET
def matrix(request):
    """Which themes recur in which regions: a table (themes by regions, the most
    widespread first) and the same figures as stacked bars."""
    asked = queries.RecommendationFilters.from_query(request.GET).as_query()
    filters = queries.RecommendationFilters(
        **{name: value for name, value in asked.items() if name in MATRIX_FILTERS}
    )
    found = queries.theme_matrix(request.user, filters)
    scope = filters.as_query()
    rows = _matrix_rows(found, scope)
    form = RecommendationFilterForm(
        request.GET, events=_event_choices(request.user), fields=MATRIX_FILTERS
    )
    return render(
        request,
        "events/matrix.html",
        {
            "form": form,
            "matrix": found,
            "rows": rows,
            "chart": _chart(found, rows),
            "region_totals": found.region_totals,
            "list_url": reverse("events:recommendations") + _query(scope),
            "filtered": bool(scope),
            "heat_steps": range(1, HEAT_STEPS + 1),
        },
    )


# --- A recommendation and its commitments -------------------------------------------------


def _recommendation_page(request, recommendation, form=None, status=200):
    user = request.user
    organisations = queries.organisations_committing(user)
    if form is None and organisations.exists():
        form = CommitForm(organisations=organisations, prefix="commit")
    if form is not None:
        form.fields["organisation"].queryset = organisations
    return render(
        request,
        "events/recommendation.html",
        {
            "recommendation": recommendation,
            "themes": recommendation.themes.all(),
            "commitments": queries.commitments_for(user, recommendation=recommendation),
            "form": form,
            "may_edit": rules.can_edit_outcomes(user, recommendation.event),
        },
        status=status,
    )


@require_GET
def recommendation_detail(request, pk: int):
    recommendation = queries.get_recommendation_for_user(request, pk)
    return _recommendation_page(request, recommendation)


@require_POST
@login_required
def commit(request, pk: int):
    """An organisation the person belongs to commits to act on the recommendation."""
    recommendation = queries.get_recommendation_for_user(request, pk)
    if not queries.organisations_committing(request.user).exists():
        deny(request, target=recommendation, reason="belongs to no organisation")
    # Any organisation passes the form, so that one the person may not speak for is
    # refused (and audited) as such rather than as a bad choice in a form.
    form = CommitForm(request.POST, organisations=Organisation.objects.all(), prefix="commit")
    if not form.is_valid():
        return _recommendation_page(request, recommendation, form)
    organisation = form.cleaned_data["organisation"]
    if not rules.can_commit(request.user, organisation):
        deny(request, target=organisation, reason="cannot commit for this organisation")
    commitment = outcomes.commit_to(
        recommendation=recommendation,
        organisation=organisation,
        action=form.cleaned_data["action"],
        due=form.cleaned_data["due"],
        actor=request.user,
    )
    messages.success(
        request,
        _("%(organisation)s is committed. Post progress here as the work goes on.")
        % {"organisation": organisation.name},
    )
    return redirect("events:commitment", pk=commitment.pk)


@require_http_methods(["GET", "POST"])
def commitment_detail(request, pk: int):
    """A commitment with its history; its organisation's members post progress here."""
    commitment = queries.get_commitment_for_user(request, pk)
    may_update = rules.can_update_commitment(request.user, commitment)
    form = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_update:
            deny(request, target=commitment, reason="cannot update this commitment")
        form = CommitmentUpdateForm(request.POST)
        if form.is_valid():
            outcomes.update_commitment(
                commitment=commitment,
                status=form.cleaned_data["status"],
                text=form.cleaned_data["text"],
                actor=request.user,
            )
            messages.success(request, _("The progress update is posted."))
            return redirect("events:commitment", pk=commitment.pk)
    elif may_update:
        form = CommitmentUpdateForm(initial={"status": commitment.status})
    return render(
        request,
        "events/commitment.html",
        {
            "commitment": commitment,
            "recommendation": commitment.recommendation,
            "updates": commitment.updates.select_related("author"),
            "form": form,
        },
    )
