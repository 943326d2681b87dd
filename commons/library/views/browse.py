"""Finding and reading: the library's search page, a work in the reader's language, one
language version, asking for a translation, and collections."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commons.accounts.queries import visible_organisations
from commons.lib.geo import Region
from commons.lib.languages import LANGUAGE_CHOICES, canonical_language, language_name
from commons.library import queries, rules, services
from commons.library import search as library_search
from commons.library.models import Resource, TranslationRequest, Work
from commons.library.topics import topic_label

# pycountry names these languages in English only; a reader looks for their own script.
RECENT = 5  # "Recently added" above the results, until one searches


def own_name(code: str) -> str:
    """A language's name in that language (ខ្មែរ, ไทย), for a reader who does not read
    the interface's."""
    return language_name(code, code)


def _reader_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _name(code: str) -> str:
    """A language's name for this reader: in the interface's language, and the
    interface's own language by its own name."""
    return own_name(code) if code == _reader_language() else language_name(code)


# --- Searching ------------------------------------------------------------------------


@require_GET
def search(request):
    """Search with facets; by default only resources in the reader's language, one click
    away from all languages. htmx swaps the results region when the form changes."""
    language = _reader_language()
    query = library_search.LibraryQuery.from_query(request.GET, language=language)
    result = library_search.search(query)
    searching = bool(query.terms) or any(query.filters().values())
    topics = result.facets.get("topic", [])
    context = {
        "query": query,
        "result": result,
        "facets": [
            (name, title, result.facets.get(name, []))
            for name, title in library_search.FACETS.items()
        ],
        "previous_page": result.page - 1,
        "next_page": result.page + 1,
        "also_in": _other_languages(result.items),
        "languages": _names(result.items),
        "language": language,
        "language_name": _name(language),
        "searched": searching,
        "recent": []
        if searching or result.page > 1
        else library_search.recent(language=language, limit=RECENT),
        "feed_topics": [(value.code, value.label) for value in topics if value.selected],
        "can_submit": rules.can_submit(request.user),
        "can_moderate": rules.can_moderate(request.user),
    }
    if request.htmx:
        return render(request, "library/partials/_b_results.html", context)
    return render(request, "library/search.html", context)


def _other_languages(items: list[Resource]) -> dict[int, list[tuple[str, str]]]:
    """For each work of a page of results, the other languages it is published in
    (code, name in that language), read in one query."""
    shown = {item.work_id: item.language for item in items}
    rows = (
        queries.published()
        .filter(work_id__in=shown)
        .order_by("language")
        .values_list("work_id", "language")
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for work_id, code in rows:
        if code != shown[work_id]:
            found.setdefault(work_id, []).append((code, own_name(code)))
    return found


def _names(items: list[Resource]) -> dict[str, str]:
    """The names of the languages of a list of resources, in the reader's language."""
    return {code: _name(code) for code in {item.language for item in items}}


# --- A work and its versions ----------------------------------------------------------


@require_GET
def work(request, slug: str):
    """A work shows the version in the reader's language when it exists, else English,
    else another; at this address, so that a shared link opens in each reader's own
    language (its versions' addresses are listed on the page)."""
    found, versions = queries.get_work_for_user(request, slug)
    resource = queries.version_for(versions, _reader_language())
    resource.work = found
    return _resource_page(request, resource, versions)


@require_GET
def resource(request, slug: str, language: str):
    """One language version of a work."""
    found = queries.get_resource_for_user(request, slug, language)
    versions = list(
        queries.resources_for(request.user).filter(work=found.work).order_by("language")
    )
    return _resource_page(request, found, versions)


def _resource_page(request, resource: Resource, versions: list[Resource]):
    user = request.user
    work = resource.work
    reader = _reader_language()
    languages = {version.language for version in versions}
    requested = dict(queries.translation_requests(work))
    related = library_search.related(work, language=reader, limit=5)
    missing = None
    if reader not in languages:
        missing = {
            "code": reader,
            "name": _name(reader),
            "count": requested.pop(reader, 0),
            "asked": user.is_authenticated
            and TranslationRequest.objects.filter(work=work, language=reader, user=user).exists(),
        }
    context = {
        "resource": resource,
        "work": work,
        "resource_language_name": _name(resource.language),
        "resource_own_name": own_name(resource.language),
        "other_versions": [
            (version, own_name(version.language), language_name(version.language))
            for version in versions
            if version.pk != resource.pk
        ],
        "missing": missing,
        "requested": [(_name(code), n) for code, n in requested.items()],
        "request_languages": [
            (code, name) for code, name in LANGUAGE_CHOICES if code not in languages
        ],
        "topics": [(code, topic_label(code)) for code in work.topics],
        "regions": [dict(Region.choices).get(code, code) for code in work.regions],
        "publisher_linked": work.publisher_id is not None
        and visible_organisations(user).filter(pk=work.publisher_id).exists(),
        "authors": _authors(user, work),
        "related": related,
        "languages": _names(related),
        "collections": list(queries.collections_for(user).filter(items__work=work).distinct()),
        "can_submit": rules.can_submit(user),
        "can_edit": rules.can_edit_resource(user, resource),
        "can_moderate": rules.can_moderate(user),
    }
    return render(request, "library/resource.html", context)


def _authors(viewer, work: Work) -> list[dict]:
    """The work's authors, each linked to their directory page when the viewer may open
    it."""
    from commons.directory.queries import people_for_user

    authors = list(work.authors.select_related("organisation"))
    people = {a.person_id for a in authors if a.person_id}
    organisations = {a.organisation_id for a in authors if a.organisation_id}
    if people:
        people = set(
            people_for_user(viewer).filter(user_id__in=people).values_list("user_id", flat=True)
        )
    if organisations:
        organisations = set(
            visible_organisations(viewer).filter(pk__in=organisations).values_list("pk", flat=True)
        )
    shown = []
    for author in authors:
        url = ""
        if author.person_id in people:
            url = reverse("directory:person", args=[author.person_id])
        elif author.organisation_id in organisations:
            url = author.organisation.get_absolute_url()
        shown.append({"name": author.name, "url": url})
    return shown


@require_POST
@login_required
def request_translation(request, slug: str):
    """A member asks for a work in a language it is not in yet; each person counts once
    a language."""
    found, _versions = queries.get_work_for_user(request, slug)
    code = canonical_language(request.POST.get("language", "").strip())
    if code is None:
        messages.error(request, _("Choose a language to ask for."))
    elif found.versions.filter(language=code).exists():
        messages.info(
            request,
            _("This resource is already in %(language)s, or a version is waiting for review.")
            % {"language": _name(code)},
        )
    else:
        created = services.request_translation(work=found, language=code, user=request.user)
        if created:
            count = dict(queries.translation_requests(found)).get(code, 1)
            messages.success(
                request,
                ngettext(
                    "Thank you: %(count)s member asked for this in %(language)s.",
                    "Thank you: %(count)s members asked for this in %(language)s.",
                    count,
                )
                % {"count": count, "language": _name(code)},
            )
        else:
            messages.info(
                request,
                _("You had already asked for this in %(language)s.") % {"language": _name(code)},
            )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = found.get_absolute_url()
    return redirect(back)


# --- Collections ----------------------------------------------------------------------


@require_GET
def collection_list(request):
    collections = queries.collections_for(request.user).prefetch_related("items")
    return render(
        request,
        "library/collections.html",
        {"collections": collections, "can_curate": rules.can_curate(request.user)},
    )


@require_GET
def collection_detail(request, slug: str):
    """A collection's introduction and its works in order, each in the reader's
    language when it exists."""
    collection = queries.get_collection_for_user(request, slug)
    items = list(collection.items.select_related("work"))
    visible: dict[int, list[Resource]] = {}
    for version in queries.resources_for(request.user).filter(
        work_id__in=[item.work_id for item in items]
    ):
        visible.setdefault(version.work_id, []).append(version)
    language = _reader_language()
    entries = []
    for item in items:
        versions = visible.get(item.work_id, [])
        shown = queries.version_for(versions, language)
        if shown is None:
            continue
        shown.work = item.work
        entries.append(
            {
                "item": item,
                "resource": shown,
                "own_name": own_name(shown.language),
                "fallback": shown.language != language,
            }
        )
    return render(
        request,
        "library/collection.html",
        {
            "collection": collection,
            "entries": entries,
            "can_edit": rules.can_edit_collection(request.user, collection),
        },
    )
