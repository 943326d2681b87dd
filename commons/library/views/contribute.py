"""Contributing to the library: submitting a new work, adding a language version of one,
editing, a person's own submissions, the moderators' queue and review, and curating
collections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commons.core.errors import deny
from commons.lib.geo import Region, country_name
from commons.lib.languages import language_name
from commons.library import queries, rules, services
from commons.library.forms.contribute import (
    AddVersionForm,
    CollectionForm,
    EditForm,
    RejectForm,
    SubmitForm,
)
from commons.library.models import Resource, Work
from commons.library.topics import topic_label

QUEUE_PAGE = 200
MINE_PAGE = 500


def _may_submit(request) -> None:
    if not rules.can_submit(request.user):
        deny(request, reason="may not submit to the library: no organisation")


def _submitted_message(resource: Resource) -> str:
    if resource.status == Resource.Status.APPROVED:
        return _("It is published: what a moderator submits needs no review.")
    return _(
        "Thank you: a moderator will review it before it is published, and you will get "
        "an e-mail when they have. Until then, you and your organisation's members can "
        "see it."
    )


@require_http_methods(["GET", "POST"])
@login_required
def submit(request):
    """A new work and its first language version."""
    _may_submit(request)
    post = request.method == "POST"
    form = SubmitForm(
        request.POST if post else None, request.FILES if post else None, user=request.user
    )
    if post and form.is_valid():
        # The work and its first version are one submission: both or neither.
        with transaction.atomic():
            work = services.create_work(
                fields=form.work_fields(),
                authors=form.author_list(),
                title=form.cleaned_data["title"],
            )
            resource = services.submit_resource(
                work=work,
                fields=form.version_fields(),
                submitter=request.user,
                organisation=form.organisation(),
                file=form.checked_file,
                cover=form.checked_cover,
                request=request,
            )
        messages.success(request, _submitted_message(resource))
        return redirect("library:mine")
    return render(
        request,
        "library/submit.html",
        {"form": form, "moderator": rules.can_moderate(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def add_version(request, slug: str):
    """Another language version (a translation) of a work one may see."""
    _may_submit(request)
    work, versions = queries.get_work_for_user(request, slug)
    post = request.method == "POST"
    form = AddVersionForm(
        request.POST if post else None,
        request.FILES if post else None,
        user=request.user,
        work=work,
    )
    if post and form.is_valid():
        resource = services.submit_resource(
            work=work,
            fields=form.version_fields(),
            submitter=request.user,
            organisation=form.organisation(),
            file=form.checked_file,
            cover=form.checked_cover,
            request=request,
        )
        messages.success(request, _submitted_message(resource))
        return redirect("library:mine")
    return render(
        request,
        "library/add_version.html",
        {
            "form": form,
            "work": work,
            "shown": queries.version_for(versions, get_language() or "en"),
            "versions": versions,
            "language_names": _language_names(v.language for v in versions),
            "moderator": rules.can_moderate(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, slug: str, language: str):
    """A version and its work's shared fields: moderators edit any (audited), a submitter
    theirs while it waits for review."""
    resource = queries.get_resource_to_edit(request, slug, language)
    post = request.method == "POST"
    form = EditForm(
        request.POST if post else None, request.FILES if post else None, resource=resource
    )
    if post and form.is_valid():
        services.update_resource(
            resource=resource,
            fields=form.version_fields(),
            work_fields=form.work_fields(),
            authors=form.author_list(),
            file=form.checked_file,
            cover=form.checked_cover,
            actor=request.user,
            request=request,
        )
        messages.success(request, _("The changes are saved."))
        if resource.status == Resource.Status.SUBMITTED and rules.can_moderate(request.user):
            return redirect("library:review", pk=resource.pk)
        return redirect(resource.get_absolute_url())
    return render(
        request,
        "library/edit.html",
        {
            "form": form,
            "resource": resource,
            "language_names": _language_names([resource.language]),
            "moderator": rules.can_moderate(request.user),
        },
    )


@require_GET
@login_required
def mine(request):
    """A person's submissions, with their status and, when refused, the reason."""
    submissions = list(
        queries.submissions_of(request.user).select_related("submitted_for")[:MINE_PAGE]
    )
    return render(
        request,
        "library/mine.html",
        {
            "submissions": submissions,
            "language_names": _language_names(r.language for r in submissions),
            "may_submit": rules.can_submit(request.user),
            "may_curate": rules.can_curate(request.user),
        },
    )


def _may_moderate(request) -> None:
    if not rules.can_moderate(request.user):
        deny(request, reason="not a moderator")


@require_GET
@login_required
def moderation(request):
    """Submissions waiting for review, oldest first."""
    _may_moderate(request)
    queue = queries.moderation_queue()
    rows = list(queue[:QUEUE_PAGE])
    return render(
        request,
        "library/moderation.html",
        {
            "queue": rows,
            "total": len(rows) if len(rows) < QUEUE_PAGE else queue.count(),
            "page_size": QUEUE_PAGE,
            "language_names": _language_names(r.language for r in rows),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def review(request, pk: int):
    """One submission in full; approve it, or reject it with a reason."""
    _may_moderate(request)
    resource = get_object_or_404(
        Resource.objects.select_related(
            "work", "work__publisher", "submitted_by", "submitted_for", "reviewed_by"
        ),
        pk=pk,
    )
    reject_form = RejectForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "approve" and resource.status != Resource.Status.APPROVED:
            services.approve_resource(resource=resource, moderator=request.user, request=request)
            messages.success(
                request,
                _("“%(title)s” is published; its submitter is told by e-mail.")
                % {"title": resource.title},
            )
            return redirect("library:moderation")
        if action == "reject" and resource.status != Resource.Status.REJECTED:
            reject_form = RejectForm(request.POST)
            if reject_form.is_valid():
                services.reject_resource(
                    resource=resource,
                    moderator=request.user,
                    reason=reject_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(
                    request,
                    _("“%(title)s” is rejected; its submitter is told why by e-mail.")
                    % {"title": resource.title},
                )
                return redirect("library:moderation")
        elif action not in {"approve", "reject"}:
            return HttpResponseBadRequest(_("Approve or reject."))
        else:
            messages.info(request, _("It already has this status: nothing changed."))
            return redirect("library:review", pk=resource.pk)
    others = list(resource.work.versions.exclude(pk=resource.pk).order_by("language"))
    return render(
        request,
        "library/review.html",
        {
            "resource": resource,
            "work": resource.work,
            "facts": _work_facts(resource.work),
            "others": others,
            "language_names": _language_names([resource.language, *(o.language for o in others)]),
            "reject_form": reject_form,
        },
    )


def _work_facts(work: Work) -> dict:
    """The work's shared fields as a reader sees them (labels, names)."""
    regions = dict(Region.choices)
    return {
        "topics": [topic_label(code) for code in work.topics],
        "countries": [country_name(code) for code in work.countries],
        "regions": [str(regions.get(code, code)) for code in work.regions],
        "authors": list(work.authors.select_related("organisation", "person")),
    }


@require_http_methods(["GET", "POST"])
@login_required
def collection_new(request):
    if not rules.can_curate(request.user):
        deny(request, reason="may not curate collections")
    return _collection_form(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def collection_edit(request, slug: str):
    collection = queries.get_collection_to_edit(request, slug)
    return _collection_form(request, collection)


def _collection_form(request, collection):
    form = CollectionForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        collection=collection,
    )
    if request.method == "POST" and form.is_valid():
        saved = services.save_collection(
            collection=collection,
            fields=form.collection_fields(),
            works=form.cleaned_data["works"],
            curator=request.user,
        )
        if saved.is_published:
            messages.success(request, _("The collection is saved and published."))
        else:
            messages.success(
                request, _("The collection is saved. It is not published: only its editors see it.")
            )
        return redirect(saved.get_absolute_url())
    return render(request, "library/collection_form.html", {"form": form, "collection": collection})


def _language_names(codes) -> dict[str, str]:
    """Code → name in the reader's language, for the templates' ``get_item``."""
    return {code: language_name(code) for code in set(codes) if code}
