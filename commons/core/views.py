from babel.numbers import format_percent
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET

from commons.core.queries import progress_for_user
from commons.lib.cldr import cldr_locale, reader_language
from commons.lib.languages import catalogue_completeness, interface_languages
from commons.operations.health import health
from commons.operations.metrics import render as metrics_text


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
    """The state of the database, cache, file storage and workers, for load balancers and
    monitoring: 200 while the site can serve (status "ok" or "degraded"), 503 when it
    cannot ("failing"). Public, so it names no host, path or secret."""
    report = health()
    response = JsonResponse(report, status=503 if report["status"] == "failing" else 200)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def metrics(request):
    """Prometheus metrics, when ``METRICS_ENABLED``, for a scraper that sends
    ``Authorization: Bearer <METRICS_TOKEN>``."""
    if not settings.METRICS_ENABLED:
        raise Http404
    supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not constant_time_compare(supplied, settings.METRICS_TOKEN):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    response = HttpResponse(metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
