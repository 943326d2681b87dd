import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from commons.accounts import rules
from commons.accounts.models import Organisation
from commons.accounts.queries import get_organisation_for_user, visible_organisations
from commons.core.errors import deny
from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.directory.forms import (
    HotlineFormSet,
    OrganisationProfileForm,
    PersonProfileForm,
    PresenceFormSet,
    parse_partner_need,
    parse_search,
)
from commons.directory.models import PersonProfile
from commons.directory.queries import (
    community_in_numbers,
    export_fields,
    export_rows,
    find_partners,
    get_person_for_user,
    likely_duplicates,
    organisation_profile,
    people_for_user,
    search_organisations,
    shared_profiles,
    suggested_origin_countries,
)
from commons.directory.services import merge_organisations, save_person_profile, save_profile
from commons.directory.vocabularies import OrganisationType, Population, Service
from commons.lib.downloads import attachment
from commons.lib.geo import COUNTRY_CHOICES, country_name
from commons.lib.languages import LANGUAGE_CHOICES
from commons.lib.tabular import write_csv, write_xlsx
from commons.lib.worldmap import legend, render_choropleth, unmapped


@require_GET
def search(request):
    query = parse_search(request.GET)
    result = search_organisations(request.user, query)
    view = "map" if request.GET.get("view") == "map" else "list"
    context = {"query": query, "result": result, "view": view}
    if view == "map":
        context.update(_map_context(request, query, result))
    template = "directory/partials/_search_region.html" if request.htmx else "directory/search.html"
    return render(request, template, context)


def _map_context(request, query, result) -> dict:
    """The countries-of-operation facet drawn as a map; a click toggles that country."""
    counts = {v.code: v.count for v in next(f for f in result.facets if f.name == "country").values}
    chosen = set(query.filters.get("country", []))

    def href(code: str) -> str:
        params = request.GET.copy()
        countries = [c for c in params.getlist("country") if c.upper() != code]
        if code not in chosen:
            countries.append(code)
        params.setlist("country", countries)
        params.pop("page", None)
        return f"{request.path}?{params.urlencode()}"

    def label(code: str) -> str:
        return ngettext(
            "%(country)s: %(count)s organisation",
            "%(country)s: %(count)s organisations",
            counts[code],
        ) % {
            "country": country_name(code),
            "count": intcomma(counts[code]),
        }

    return {
        "map_svg": render_choropleth(
            counts,
            href=href,
            title=_("Organisations by country of operation"),
            label=label,
            selected=chosen,
        ),
        "map_legend": legend(counts),
        "map_unmapped": [
            (code, country_name(code), n) for code, n in sorted(unmapped(counts).items())
        ],
    }


EXPORT_FORMATS = ("csv", "xlsx", "json")


@require_GET
def export(request, fmt: str):
    """The organisations of a search, as CSV, XLSX or JSON; every export is audited."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    query = parse_search(request.GET)
    # Stable column names and codes, in every language: the columns of the organisations
    # import (docs/data-formats.md), so that an export can be corrected and imported back.
    fields = export_fields(request.user)
    rows = list(export_rows(request.user, query))
    if fmt == "csv":
        content = write_csv(rows, fields)
    elif fmt == "xlsx":
        content = write_xlsx(rows, fields, title="organisations")
    else:
        content = json.dumps(
            {"count": len(rows), "organisations": rows}, ensure_ascii=False, indent=1
        )
    record_audit(
        action=AuditEvent.Action.EXPORT,
        request=request,
        target_label="directory search",
        data={"format": fmt, "rows": len(rows), "query": request.GET.urlencode()[:500]},
    )
    return attachment(content, f"organisations-{timezone.now():%Y%m%d}.{fmt}")


@require_GET
def partners(request):
    need = parse_partner_need(request.GET)
    matches = None if need.is_empty() else find_partners(request.user, need)
    suggestions = []
    for country in need.countries:
        suggestions += [c for c in suggested_origin_countries(country) if c not in need.countries]
    template = "directory/partials/_partners.html" if request.htmx else "directory/partners.html"
    return render(
        request,
        template,
        {
            "need": need,
            "matches": matches,
            "suggestions": list(dict.fromkeys(suggestions)),
            "countries": COUNTRY_CHOICES,
            "services": Service.choices,
            "populations": Population.choices,
            "languages": LANGUAGE_CHOICES,
        },
    )


@require_GET
def numbers(request):
    figures = community_in_numbers(request.user)
    charts = [
        (_("Organisations by focus (the 4Ps)"), "four_ps", figures["by_four_ps"]),
        (_("Forms of exploitation addressed"), "exploitation", figures["by_exploitation"]),
        (_("Populations served"), "populations", figures["by_population"]),
        (_("Languages worked in"), "languages", figures["top_languages"]),
        (_("Countries with the most members"), "hq", figures["top_countries_by_members"]),
    ]
    return render(request, "directory/numbers.html", {"figures": figures, "charts": charts})


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, slug: str):
    organisation = get_organisation_for_user(request, slug)
    if not rules.can_edit_organisation(request.user, organisation):
        deny(request, target=organisation, reason="may not edit this organisation")
    current = organisation_profile(request.user, organisation)
    data = request.POST if request.method == "POST" else None
    form = OrganisationProfileForm(
        data,
        request.FILES or None,
        instance=organisation,
        profile=current["profile"],
        terms=current["terms"],
        networks=visible_organisations(request.user).filter(type=OrganisationType.NETWORK),
    )
    places = PresenceFormSet(
        data,
        prefix="places",
        initial=[
            {"country": p.country, "subdivision": p.subdivision, "locality": p.locality}
            for p in current["presences"]
        ],
    )
    hotlines = HotlineFormSet(
        data,
        prefix="hotlines",
        initial=[
            {"number": h.number, "label": h.label, "hours": h.hours, "channels": h.channels}
            for h in current["hotlines"]
        ],
    )
    if request.method == "POST" and form.is_valid() and places.is_valid() and hotlines.is_valid():
        cleaned = form.cleaned_data
        profile_fields = {name: cleaned[name] for name in ("description", "founded", "size")}
        if cleaned["logo"] is False:  # the "clear" box was ticked
            profile_fields["logo"] = ""
        elif cleaned["logo"] and cleaned["logo"] != current["profile"].logo:
            profile_fields["logo"] = cleaned["logo"]
        presences = _rows(places, ("country", "subdivision", "locality", *COORDINATES))
        # The model form has already copied the new values onto its instance; compare
        # against the stored row so that the audit line lists what really changed.
        organisation.refresh_from_db()
        save_profile(
            organisation=organisation,
            by=request.user,
            organisation_fields={
                name: cleaned[name] for name in OrganisationProfileForm.Meta.fields
            },
            profile_fields=profile_fields,
            terms={name: cleaned[name] for name in OrganisationProfileForm.TERM_FIELDS},
            presences=_rows(
                places, ("country", "subdivision", "locality", "latitude", "longitude")
            ),
            hotlines=_rows(hotlines, ("number", "label", "hours", "channels")),
            networks=list(cleaned["networks"]),
            request=request,
        )
        messages.success(request, _("The profile has been saved."))
        unplaced = [p["locality"] for p in presences if p["locality"] and p["latitude"] is None]
        if unplaced:
            messages.warning(
                request,
                _("These places are kept as written but could not be put on the map: %(places)s")
                % {"places": ", ".join(unplaced)},
            )
        return redirect(organisation)
    return render(
        request,
        "directory/edit.html",
        {"organisation": organisation, "form": form, "places": places, "hotlines": hotlines},
    )


EMPTY = {"channels": []}
COORDINATES = ("latitude", "longitude")


def _rows(formset, fields: tuple[str, ...]) -> list[dict]:
    """The filled, not deleted rows of a formset, without duplicates."""
    rows = []
    for row in formset.cleaned_data:
        if row and not row.get("DELETE") and row.get(fields[0]):
            values = {
                name: row.get(name)
                if name in COORDINATES
                else (row.get(name) or EMPTY.get(name, ""))
                for name in fields
            }
            if values not in rows:
                rows.append(values)
    return rows


# --- People ---------------------------------------------------------------------------


@require_GET
@login_required
def people(request):
    q = request.GET.get("q", "").strip()[:100]
    country = request.GET.get("country", "").strip().upper()[:2]
    language = request.GET.get("language", "").strip().lower()[:3]
    found = people_for_user(request.user, q=q, country=country, language=language)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    rows = shared_profiles(request.user, page.object_list)
    template = "directory/partials/_people.html" if request.htmx else "directory/people.html"
    return render(
        request,
        template,
        {
            "page": page,
            "rows": rows,
            "q": q,
            "country": country,
            "language": language,
            "countries": COUNTRY_CHOICES,
        },
    )


@require_GET
def person(request, user_id: int):
    shown = get_person_for_user(request.user, user_id)
    return render(
        request, "directory/person.html", {"person": shown, "is_me": request.user.pk == user_id}
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit_person(request):
    profile = PersonProfile.objects.filter(user=request.user).first()
    initial = {"name": request.user.name}
    if profile:
        initial.update(
            title=profile.title,
            bio=profile.bio,
            expertise=", ".join(profile.expertise),
            languages=profile.languages,
            countries=profile.countries,
            phone=profile.phone,
            **{f"show_{name}": profile.level(name) for name in PersonProfile.SHARED_FIELDS},
        )
    form = PersonProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PersonProfileForm.base_fields}
        save_person_profile(user=request.user, fields=fields, visibility=form.visibility())
        messages.success(request, _("Your directory profile has been saved."))
        return redirect("directory:person", user_id=request.user.pk)
    return render(request, "directory/person_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def merge(request, slug: str):
    """Staff fold a duplicate into this organisation, after seeing both side by side."""
    keep = get_organisation_for_user(request, slug)
    if not rules.can_merge_organisations(request.user):
        deny(request, target=keep, reason="only staff merge organisations")
    duplicate_slug = (request.POST.get("duplicate") or request.GET.get("duplicate") or "").strip()
    duplicate = (
        Organisation.objects.filter(slug=duplicate_slug).exclude(pk=keep.pk).first()
        if duplicate_slug
        else None
    )
    if request.method == "POST" and duplicate is not None and request.POST.get("confirm"):
        merge_organisations(keep=keep, duplicate=duplicate, by=request.user, request=request)
        messages.success(
            request,
            _("%(duplicate)s has been merged into %(keep)s.")
            % {"duplicate": duplicate.name, "keep": keep.name},
        )
        return redirect(keep)
    if duplicate_slug and duplicate is None:
        messages.error(
            request,
            _("No other organisation has the short name “%(slug)s”.") % {"slug": duplicate_slug},
        )
    return render(
        request,
        "directory/merge.html",
        {
            "keep": keep,
            "duplicate": duplicate,
            "suggestions": likely_duplicates(
                name=keep.name, country=keep.country, acronym=keep.acronym, exclude_pk=keep.pk
            ),
            "keep_members": keep.memberships.count(),
            "duplicate_members": duplicate.memberships.count() if duplicate else 0,
        },
    )
