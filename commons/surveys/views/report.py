"""A survey's report: its findings under a filter and a breakdown, and their exports."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from commons.surveys.analysis import CHOICE_TYPES, FilterError, label
from commons.surveys.models import Survey
from commons.surveys.queries import survey_report
from commons.surveys.rules import can_read_report


def _filters(values: list[str]) -> dict[str, str]:
    found = {}
    for value in values:
        name, equals, wanted = value.partition("=")
        if equals and name:
            found[name] = wanted
    return found


@require_GET
def survey_report_page(request, slug: str):
    """A survey's findings, with a filter and a breakdown chosen in the address."""
    survey = get_object_or_404(Survey, slug=slug)
    if not can_read_report(request.user, survey):
        raise Http404
    form = survey.form
    filters = _filters(request.GET.getlist("filter"))
    by = request.GET.get("by") or None
    language = (get_language() or "").split("-")[0]
    error = ""
    try:
        found = survey_report(
            survey,
            filters=filters,
            by=by,
            format="html",
            language=language,
            actor=request.user if request.user.is_authenticated else None,
            request=request,
        )
    except FilterError as problem:
        error, filters, by = str(problem), {}, None
        found = survey_report(
            survey,
            format="html",
            language=language,
            actor=request.user if request.user.is_authenticated else None,
            request=request,
        )
    label_language = language if language in form.languages else form.default_language
    choice_questions = [q for q in form.questions if q.type in CHOICE_TYPES]
    grouping = form.question(by) if by else None
    by_labels = {
        c.name: label(c.labels, label_language) or c.name
        for c in (grouping.choices if grouping else ())
    }
    return render(
        request,
        "surveys/report.html",
        {
            "survey": survey,
            "report": found,
            "filters": filters,
            "filter_values": {f"{name}={value}" for name, value in filters.items()},
            "by": by,
            "by_labels": by_labels,
            "error": error,
            "choice_questions": [
                (
                    q.name,
                    label(q.labels, label_language) or q.name,
                    [(c.name, label(c.labels, label_language) or c.name) for c in q.choices],
                )
                for q in choice_questions
            ],
        },
    )
