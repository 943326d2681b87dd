import codecs
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commons.core.errors import deny
from commons.core.models import AuditEvent
from commons.core.services import record_audit, start_progress
from commons.journeys import ctdc, formats, tasks
from commons.journeys.formats import FIRST_YEAR, MAX_COUNT, MAX_TRANSIT, NATIVE_COLUMNS
from commons.journeys.forms import (
    MAX_UPLOAD_BYTES,
    RecordForm,
    ReleaseForm,
    UploadForm,
    record_initial,
)
from commons.journeys.models import Batch, Record, Release
from commons.journeys.public import (
    SEX_CHOICES,
    FlowFilters,
    Flows,
    country_profile,
    current_release,
    flows,
    legs,
    new_routes,
    published_releases,
    years,
)
from commons.journeys.queries import (
    batches_for_user,
    contributing_organisations,
    get_batch_for_user,
    import_progress,
    own_routes,
)
from commons.journeys.releases import export_release, preview, publish_release
from commons.journeys.rules import can_build_releases
from commons.journeys.services import (
    INLINE_UPLOAD_BYTES,
    AlreadyImported,
    contribute_record,
    correct_record,
    import_records,
    queue_import,
    withdraw_batch,
)
from commons.journeys.vocabularies import (
    AgeBand,
    Exploitation,
    MeansOfControl,
    RecruiterRelation,
    Sector,
    Sex,
)
from commons.lib.downloads import attachment
from commons.lib.flowmap import Flow, capital_coordinates, render_flows, standalone
from commons.lib.geo import COUNTRY_CHOICES, COUNTRY_CODES, country_name
from commons.lib.tabular import TabularError, write_csv, write_xlsx


def _organisations(request):
    return contributing_organisations(request.user)


@require_http_methods(["GET", "POST"])
@login_required
def contribute(request):
    """Upload a file of records, for an organisation the person belongs to."""
    organisations = _organisations(request)
    form = UploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    report = None
    if request.method == "POST":
        if not organisations:
            deny(request, reason="not a member of a verified organisation")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > INLINE_UPLOAD_BYTES:
                    progress = queue_import(
                        organisation=form.cleaned_data["organisation"],
                        by=request.user,
                        data=upload.read(),
                        attestation=form.cleaned_data["attestation"],
                    )
                    return redirect("progress", progress_id=progress.pk)
                report = import_records(
                    organisation=form.cleaned_data["organisation"],
                    by=request.user,
                    source=upload,
                    attestation=form.cleaned_data["attestation"],
                    origin=Batch.Source.UPLOAD,
                ).as_dict()
            except (TabularError, AlreadyImported, ValueError) as error:
                form.add_error("file", str(error))
            except PermissionDenied:
                deny(request, reason="cannot contribute for this organisation")
    return render(
        request,
        "journeys/contribute.html",
        {"form": form, "organisations": organisations, "report": report},
    )


@require_GET
def file_layout(request):
    """The columns of a file of journey records and the codes each takes, from the code
    itself, so that what the page says and what the import checks never differ."""
    return render(
        request,
        "journeys/layout.html",
        {
            "sexes": Sex.choices,
            "age_bands": AgeBand.choices,
            "forms": Exploitation.choices,
            "sectors": Sector.choices,
            "means": MeansOfControl.choices,
            "relations": RecruiterRelation.choices,
            "max_transit": MAX_TRANSIT,
            "max_count": MAX_COUNT,
            "first_year": FIRST_YEAR,
            "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


@require_GET
def file_template(request, fmt: str):
    """An empty file with the native layout's columns, to fill in. The columns keep
    their documented names in every language: the import reads them."""
    if fmt not in TABLE_FORMATS:
        raise Http404
    columns = list(NATIVE_COLUMNS)
    if fmt == "xlsx":
        body = write_xlsx([], columns, title=_("Journey records"))
    else:
        body = write_csv([], columns)
    return attachment(body, f"journey-records.{fmt}")


@require_GET
@login_required
def import_report(request, progress_id: int):
    """The report of an upload imported in the background, for the person who sent it."""
    progress = import_progress(request.user, progress_id)
    if progress is None:
        raise Http404
    return render(request, "journeys/import_report.html", {"progress": progress})


@require_http_methods(["GET", "POST"])
@login_required
def record_new(request):
    """Enter one record on the web."""
    organisations = _organisations(request)
    form = RecordForm(request.POST or None, organisations=organisations)
    if request.method == "POST":
        if not organisations:
            deny(request, reason="not a member of a verified organisation")
        if form.is_valid():
            try:
                contribute_record(
                    organisation=form.cleaned_data["organisation"],
                    by=request.user,
                    record=form.record,
                    attestation=form.cleaned_data["attestation"],
                )
            except AlreadyImported as error:
                form.add_error("case_reference", str(error))
            except PermissionDenied:
                deny(request, reason="cannot contribute for this organisation")
            else:
                messages.success(
                    request, _("The record has been added to your organisation's data.")
                )
                return redirect("journeys:batches")
    return render(
        request, "journeys/record_form.html", {"form": form, "organisations": organisations}
    )


@require_GET
@login_required
def batches(request):
    organisations = _organisations(request)
    return render(
        request,
        "journeys/batches.html",
        {
            "organisations": list(organisations),
            "batches": batches_for_user(request.user)[:500],
            "routes": [
                (o, routes, _own_map(o, routes))
                for o in organisations
                for routes in [own_routes(o)]
            ],
        },
    )


TABLE_FORMATS = ("csv", "xlsx")


@require_GET
@login_required
def export_mine(request, fmt: str):
    """The organisation's own records, in the native or the CTDC layout (audited)."""
    if fmt not in TABLE_FORMATS:
        raise Http404
    organisation = (
        contributing_organisations(request.user)
        .filter(slug=request.GET.get("organisation", ""))
        .first()
    )
    if organisation is None:
        deny(request, reason="journey records of another organisation", not_found=True)
    layout = "ctdc" if request.GET.get("layout") == "ctdc" else "native"
    # Both layouts are exchange formats (docs/data-formats.md): their column names and
    # codes are never translated, so that the file imports back here or into CTDC tools.
    records = Record.objects.filter(organisation=organisation).order_by("pk").iterator()
    if layout == "ctdc":
        rows, columns = ctdc.export_rows(records), list(ctdc.EXPORT_COLUMNS)
    else:
        rows = (formats.export_row(record) for record in records)
        columns = list(formats.NATIVE_COLUMNS)
    rows = list(rows)
    record_audit(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target=organisation,
        data={"what": "own journey records", "format": fmt, "layout": layout, "rows": len(rows)},
    )
    content = write_csv(rows, columns) if fmt == "csv" else write_xlsx(rows, columns)
    return attachment(content, f"{organisation.slug}-journeys-{layout}.{fmt}")


@require_GET
@login_required
def batch(request, batch_id: int):
    """A batch of the person's own organisation, its records one per line."""
    found = get_batch_for_user(request, batch_id)
    records = Paginator(found.records.order_by("pk"), 100).get_page(request.GET.get("page"))
    return render(request, "journeys/batch.html", {"batch": found, "records": records})


@require_http_methods(["GET", "POST"])
@login_required
def record_edit(request, record_id: int):
    """Correct one record of the person's own organisation."""
    record = (
        Record.objects.filter(pk=record_id, batch__in=batches_for_user(request.user))
        .select_related("batch__organisation")
        .first()
    )
    if record is None:
        deny(request, reason="journey record of another organisation", not_found=True)
    form = RecordForm(
        request.POST or None,
        organisations=contributing_organisations(request.user),
        editing=True,
        initial=record_initial(record),
    )
    if request.method == "POST" and form.is_valid():
        correct_record(record=record, by=request.user, row=form.record, request=request)
        messages.success(request, _("The record has been corrected."))
        return redirect("journeys:batch", batch_id=record.batch_id)
    return render(request, "journeys/record_edit.html", {"form": form, "record": record})


def _flow_label(flow: Flow) -> str:
    return _("%(origin)s → %(destination)s: %(count)s people") % {
        "origin": country_name(flow.origin),
        "destination": country_name(flow.destination),
        "count": intcomma(flow.count),
    }


def _country_url(code: str) -> str:
    return reverse("journeys:country", args=[code])


def _own_map(organisation, routes) -> str:
    """The organisation's own routes on the map, with exact counts."""
    return render_flows(
        [
            Flow(r["recruitment_country"], r["exploitation_country"], r["people"])
            for r in routes
            if r["recruitment_country"]
        ],
        title=_("Routes contributed by %(name)s") % {"name": organisation.name},
        label=_flow_label,
        href=_country_url,
        country_label=country_name,
        dom_id=f"own-map-{organisation.pk}",
    )


@require_http_methods(["GET", "POST"])
@login_required
def withdraw(request, batch_id: int):
    batch = get_batch_for_user(request, batch_id)
    if request.method == "POST" and request.POST.get("confirm"):
        withdraw_batch(batch=batch, by=request.user, request=request)
        messages.success(
            request,
            _("Batch %(batch)s has been withdrawn: its records are deleted.") % {"batch": batch.pk},
        )
        return redirect("journeys:batches")
    return render(request, "journeys/withdraw.html", {"batch": batch})


# --- Public: the published releases ------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_filters(params) -> FlowFilters:
    """Filters from a query string; values that are not codes are ignored."""

    def pick(name: str, allowed) -> str:
        value = (params.get(name) or "").strip()
        return value if value in allowed else ""

    return FlowFilters(
        recruitment=pick("recruitment", COUNTRY_CODES),
        exploitation=pick("exploitation", COUNTRY_CODES),
        year_from=_int(params.get("year_from")),
        year_to=_int(params.get("year_to")),
        form=pick("form", Exploitation.values),
        sex=pick("sex", {code for code, _label in SEX_CHOICES}),
        age=pick("age", {"child", "adult"}),
        sector=pick("sector", Sector.values),
    )


def citation(release) -> str:
    return _(
        "Freedom Commons journeys, release %(id)s published %(date)s (ε = %(epsilon)s, "
        "k = %(k)s): counts with differentially private noise; smaller counts are hidden."
    ) % {
        "id": release.pk,
        "date": release.published_at.date().isoformat(),
        "epsilon": f"{release.epsilon:g}",
        "k": release.k,
    }


def _route(flow: dict) -> tuple[str, str]:
    return flow["recruitment"], flow["exploitation"]


def _flow_map(release, result, new) -> str:
    return render_flows(
        [
            Flow(f["recruitment"], f["exploitation"], f["count"], _route(f) in new)
            for f in result.flows
            if f["recruitment"]
        ],
        title=_("Routes from country of recruitment to country of exploitation"),
        label=_flow_label,
        href=_country_url,
        country_label=country_name,
    )


def _release(request):
    """The published release asked for (404 for any other), or the latest one."""
    asked = _int(request.GET.get("release"))
    release = current_release(asked)
    if asked is not None and release is None:
        raise Http404
    return release


def _on_screen(request, release) -> tuple[FlowFilters, Flows, set[tuple[str, str]]]:
    """What the map shows for a query string, for the page and its downloads alike: the
    filters, the flows (or the legs through transit countries, which the release
    publishes without other dimensions) and the routes new since the previous release.
    Filters that cannot go with a sector are set aside (the page says so)."""
    filters = parse_filters(request.GET)
    if request.GET.get("legs") == "1" and not filters.narrowing:
        return filters, Flows(release=release, table="leg", flows=legs(release)), set()
    return filters, flows(release, filters.without_set_aside()), new_routes(release)


@require_GET
def flow_map(request):
    release = _release(request)
    if release is None:
        return render(
            request,
            "journeys/map.html",
            {"release": None, "can_build": can_build_releases(request.user)},
        )
    filters, result, new = _on_screen(request, release)
    return render(
        request,
        "journeys/partials/_map_region.html" if request.htmx else "journeys/map.html",
        {
            "release": release,
            "filters": filters,
            "result": result,
            "new": new,
            "map": _flow_map(release, result, new),
            "years": years(release),
            "forms": Exploitation.choices,
            "sexes": SEX_CHOICES,
            "countries": COUNTRY_CHOICES,
            "citation": citation(release),
            "query": request.GET.urlencode(),
            "show_legs": result.table == "leg",
            "sectors": Sector.choices,
            "can_build": can_build_releases(request.user),
        },
    )


@require_GET
def map_download(request, fmt: str):
    release = _release(request)
    if release is None or fmt not in ("csv", "geojson", "svg"):
        raise Http404
    _filters, result, new = _on_screen(request, release)
    record_audit(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target=release,
        data={"what": "journey flows", "format": fmt, "filters": request.GET.urlencode()[:300]},
    )
    cite = citation(release)
    if fmt == "csv":
        # Open data: the columns are named as in the API (``flows``), in every language.
        # The citation line first, after the byte-order mark spreadsheets look for.
        body = (
            codecs.BOM_UTF8
            + ("# " + cite + "\n").encode()
            + write_csv(result.flows, ["recruitment", "exploitation", "count"]).removeprefix(
                codecs.BOM_UTF8
            )
        )
    elif fmt == "geojson":
        places = capital_coordinates()
        features = [
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [list(places[code]) for code in _route(f)],
                },
                "properties": {
                    "recruitment": f["recruitment"],
                    "exploitation": f["exploitation"],
                    "count": f["count"],
                },
            }
            for f in result.flows
            if f["recruitment"] in places and f["exploitation"] in places
        ]
        body = json.dumps(
            {"type": "FeatureCollection", "citation": cite, "features": features},
            ensure_ascii=False,
        )
    else:
        body = standalone(str(_flow_map(release, result, new)), cite)
    return attachment(body, f"journeys-release-{release.pk}.{fmt}")


@require_GET
def country(request, code: str):
    code = code.upper()
    if code not in COUNTRY_CODES:
        raise Http404
    release = _release(request)
    return render(
        request,
        "journeys/country.html",
        {
            "code": code,
            "release": release,
            "profile": country_profile(release, code) if release else None,
            "citation": citation(release) if release else "",
            "form_labels": dict(Exploitation.choices),
            "sector_labels": dict(Sector.choices),
        },
    )


@require_GET
def releases(request):
    """Every published release, citable, with its parameters and its tables to download."""
    return render(request, "journeys/releases.html", {"releases": published_releases()})


@require_GET
def release_download(request, release_id: int, fmt: str):
    release = published_releases().filter(pk=release_id).first()
    if release is None or fmt not in TABLE_FORMATS:
        raise Http404
    content = export_release(release=release, format=fmt, by=request.user, request=request)
    return attachment(content, f"journeys-release-{release.pk}.{fmt}")


# --- Data stewards: building and publishing releases ------------------------------------


def _steward(request):
    if not can_build_releases(request.user):
        deny(request, reason="only data stewards build journey releases")


@require_http_methods(["GET", "POST"])
@login_required
def steward(request):
    """Drafts and published releases, and a form to build a new draft in the background."""
    _steward(request)
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        progress = start_progress(label=_("Building a journeys release"), owner=request.user)
        tasks.build_release.enqueue(
            progress_id=progress.pk,
            epsilon=form.cleaned_data["epsilon"],
            k=form.cleaned_data["k"],
            by_id=request.user.pk,
        )
        return redirect("progress", progress_id=progress.pk)
    return render(
        request,
        "journeys/steward.html",
        {
            "form": form,
            "drafts": Release.objects.filter(status=Release.Status.DRAFT).order_by("-created_at"),
            "published": published_releases(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def draft(request, release_id: int):
    """A draft's preview (cells, suppressed cells, expected error) and its publication."""
    _steward(request)
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        raise Http404
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            publish_release(release=release, by=request.user, request=request)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Release %(id)s is published.") % {"id": release.pk})
            return redirect("journeys:map")
    return render(
        request,
        "journeys/draft.html",
        {"release": release, "preview": preview(release, by=request.user, request=request)},
    )
