"""A survey's report: its findings under a filter and a breakdown, and their exports."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commons.core.queries import progress_for_user
from commons.core.services import private_folder
from commons.lib.downloads import attachment
from commons.surveys import exports, services
from commons.surveys.analysis import CHOICE_TYPES, NUMBER_TYPES, FilterError, label
from commons.surveys.models import Response, Survey
from commons.surveys.queries import survey_report
from commons.surveys.rules import can_manage_survey, can_read_report, can_read_responses

MAX_FILTERS = 3  # filters offered together on the page (the address may hold more)
# Open answers listed per question: a page must stay light with 100,000 responses.
SHOWN_ANSWERS = 100


def _filters(values: list[str]) -> dict[str, str]:
    found = {}
    for value in values:
        name, equals, wanted = value.partition("=")
        if equals and name:
            found[name] = wanted
    return found


def _query(filters: dict[str, str], by: str | None) -> str:
    """The address's query for this filter and breakdown (kept by the download links)."""
    query = QueryDict(mutable=True)
    query.setlist("filter", [f"{name}={value}" for name, value in filters.items()])
    if by:
        query["by"] = by
    return query.urlencode()


def _bad_filter(problem: FilterError) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")


def _bar_chart(question: dict, by_labels: dict[str, str]) -> dict | None:
    """A choice question's percentages as bars (SVG widths out of 100), each followed by
    its groups' bars when broken down; groups with too few responses are left out."""
    if not question["valid_n"]:
        return None
    shown = {
        group: figures
        for group, figures in question.get("by", {}).items()
        if not figures.get("too_few")
    }
    rows = []
    for position, choice in enumerate(question["choices"]):
        groups = [
            {
                "label": by_labels.get(group, group),
                "percent": figures["choices"][position]["percent"],
                "width": _width(figures["choices"][position]["percent"]),
            }
            for group, figures in shown.items()
        ]
        rows.append(
            {
                "label": choice["label"] or choice["name"],
                "percent": choice["percent"],
                "width": _width(choice["percent"]),
                "groups": groups,
            }
        )
    hidden = [by_labels.get(group, group) for group in question.get("by", {}) if group not in shown]
    return {"kind": "bars", "rows": rows, "hidden": hidden}


def _range_chart(question: dict, by_labels: dict[str, str]) -> dict | None:
    """A number question's lowest, median and highest answers as a line on one scale
    (the lowest to the highest of all the responses shown), for all and for each group."""
    if not question.get("n"):
        return None
    low, high = question["min"], question["max"]

    def place(value) -> str:
        return _width(50.0 if high == low else 100.0 * (value - low) / (high - low))

    rows = [(_("All"), question)]
    rows += [
        (by_labels.get(group, group), figures)
        for group, figures in question.get("by", {}).items()
        if figures.get("n")
    ]
    return {
        "kind": "range",
        "rows": [
            {
                "label": name,
                "min": figures["min"],
                "max": figures["max"],
                "median": figures["median"],
                "x1": place(figures["min"]),
                "x2": place(figures["max"]),
                "xm": place(figures["median"]),
            }
            for name, figures in rows
        ],
        "hidden": [
            by_labels.get(group, group)
            for group, figures in question.get("by", {}).items()
            if figures.get("too_few")
        ],
    }


def _width(value: float | None) -> str:
    """A length out of 100 for an SVG attribute: never localised ("60,5" is no number)."""
    return "0" if value is None else f"{max(0.0, min(100.0, value)):g}"


def chart(question: dict, by_labels: dict[str, str]) -> dict | None:
    """What the page draws for a question of a report, or None (open answers, dates, a
    question nobody answered)."""
    if question["type"] in CHOICE_TYPES:
        return _bar_chart(question, by_labels)
    if question["type"] in NUMBER_TYPES:
        return _range_chart(question, by_labels)
    return None


@require_GET
def survey_report_page(request, slug: str):
    """A survey's findings, with a filter and a breakdown chosen in the address."""
    survey = get_object_or_404(Survey, slug=slug)
    if not can_read_report(request.user, survey):
        raise Http404
    form = survey.form
    filters = _filters(request.GET.getlist("filter"))
    by = request.GET.get("by") or None
    language = form.language_for(get_language())
    error = ""
    raw = can_read_responses(request.user, survey)
    try:
        found = survey_report(
            survey,
            filters=filters,
            by=by,
            format="html",
            language=language,
            actor=request.user if request.user.is_authenticated else None,
            request=request,
            raw=raw,
        )
    except FilterError as problem:
        error, filters, by = str(problem), {}, None
        found = survey_report(
            survey,
            format="html",
            language=language,
            actor=request.user if request.user.is_authenticated else None,
            request=request,
            raw=raw,
        )
    if found.get("too_few"):
        error = _("Too few responses match these filters to show their figures.")
    choice_questions = [q for q in form.questions if q.type in CHOICE_TYPES]
    grouping = form.question(by) if by else None
    by_labels = {
        c.name: label(c.labels, language) or c.name for c in (grouping.choices if grouping else ())
    }
    applied = []
    for name, value in filters.items():
        question = form.question(name)
        choice = question.choice(value) if question else None
        applied.append(
            (
                label(question.labels, language) or name if question else name,
                label(choice.labels, language) or value if choice else value,
            )
        )
    return render(
        request,
        "surveys/report.html",
        {
            "survey": survey,
            "report": found,
            "findings": [(q, chart(q, by_labels)) for q in found["questions"]],
            "filters": filters,
            "applied": applied,
            # A select per filter applied, and an empty one to add another (up to 3).
            "filter_slots": [f"{name}={value}" for name, value in filters.items()][:MAX_FILTERS]
            + [""] * (len(filters) < MAX_FILTERS),
            "by": by,
            "by_label": label(grouping.labels, language) or by if grouping else "",
            "by_labels": by_labels,
            "error": error,
            "query": _query(filters, by),
            "filter_query": _query(filters, None),
            "may_read_responses": can_read_responses(request.user, survey),
            "may_manage": can_manage_survey(request.user, survey),
            "shown_answers": SHOWN_ANSWERS,
            "shown_slice": f":{SHOWN_ANSWERS}",
            "now": timezone.now(),
            "choice_questions": [
                (
                    q.name,
                    label(q.labels, language) or q.name,
                    [(c.name, label(c.labels, language) or c.name) for c in q.choices],
                )
                for q in choice_questions
            ],
        },
    )


@require_GET
def report_download(request, slug: str, fmt: str):
    """The report's table under the address's filter and breakdown, as CSV or XLSX, for
    whoever may read the report (audited by ``survey_report``)."""
    survey = get_object_or_404(Survey, slug=slug)
    if fmt not in exports.FORMATS or not can_read_report(request.user, survey):
        raise Http404
    try:
        found = survey_report(
            survey,
            filters=_filters(request.GET.getlist("filter")),
            by=request.GET.get("by") or None,
            format=fmt,
            language=get_language(),
            request=request,
            raw=can_read_responses(request.user, survey),
        )
    except FilterError as problem:
        return _bad_filter(problem)
    content = exports.export_report(found=found, format=fmt, title=survey.slug)
    return attachment(content, f"{survey.slug}-report.{fmt}")


@require_http_methods(["GET", "POST"])
def responses_download(request, slug: str, fmt: str):
    """The raw responses, in KoboToolbox's layout, as CSV or XLSX: for the people who may
    read responses only (a published report does not publish them). Audited.

    A large export is written in the background: the page offers to start it (POST),
    then the progress bar leads to the file (``export_file``)."""
    survey = get_object_or_404(Survey, slug=slug)
    if fmt not in exports.FORMATS or not can_read_responses(request.user, survey):
        raise Http404
    filters = _filters(request.GET.getlist("filter"))
    submitted = survey.responses.filter(status=Response.Status.SUBMITTED).count()
    if submitted > services.INLINE_EXPORT_ROWS[fmt]:
        if request.method == "POST":
            progress = services.queue_responses_export(
                survey=survey, by=request.user, format=fmt, filters=filters
            )
            return redirect("progress", progress_id=progress.pk)
        return render(
            request,
            "surveys/export.html",
            {"survey": survey, "format": fmt.upper(), "submitted": submitted, "filters": filters},
        )
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    try:
        content, _count = services.export_responses(
            survey=survey, by=request.user, format=fmt, filters=filters, request=request
        )
    except FilterError as problem:
        return _bad_filter(problem)
    return attachment(content, f"{survey.slug}-responses.{fmt}")


@require_GET
@login_required
def export_file(request, slug: str, progress_id: int):
    """An export written in the background, for the person who asked for it, while it is
    kept (a day)."""
    survey = get_object_or_404(Survey, slug=slug)
    if not can_read_responses(request.user, survey):
        raise Http404
    progress = progress_for_user(request.user, progress_id)
    if progress is None or progress.owner_id != request.user.pk or not progress.result:
        raise Http404
    path = private_folder(services.EXPORTS) / Path(progress.result["file"]).name
    if not path.name.startswith(f"{survey.slug}-") or not path.exists():
        raise Http404
    return attachment(path.read_bytes(), f"{survey.slug}-responses.{progress.result['format']}")
