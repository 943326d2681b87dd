from babel.numbers import format_percent
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commons.core.queries import progress_for_user
from commons.lib.cldr import cldr_locale, reader_language
from commons.lib.languages import catalogue_completeness, interface_languages


@require_GET
def home(request):
    from commons.directory.queries import community_figures
    from commons.events.queries import cached_event_figures

    return render(
        request,
        "core/home.html",
        {"numbers": community_figures(request.user), "events": cached_event_figures()},
    )


@require_GET
@login_required
def progress(request, progress_id: int):
    """The progress of a background job; htmx polls the fragment until it is finished."""
    record = progress_for_user(request.user, progress_id)
    if record is None:
        raise Http404
    template = "core/partials/_progress.html" if request.htmx else "core/progress.html"
    return render(request, template, {"progress": record})


@require_GET
def languages(request):
    """Every language the interface speaks, how much of it is translated, and how to help."""
    reader = cldr_locale(reader_language())
    rows = []
    for language in interface_languages():
        complete = catalogue_completeness(language["code"])
        share = None if complete is None else format_percent(complete / 100, locale=reader)
        rows.append({**language, "complete": complete, "share": share})
    # the guide's path in the source code: the site does not know where its code is published
    return render(
        request, "core/languages.html", {"languages": rows, "guide": "docs/translating.md"}
    )


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
