"""The owner's survey pages, and the list of surveys a person may answer, run or read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.core.errors import deny
from commons.core.queries import own_job_report
from commons.lib.tabular import TabularError
from commons.surveys import services
from commons.surveys.forms import NewSurveyForm, ResponsesUploadForm, SettingsForm
from commons.surveys.importing import import_responses
from commons.surveys.models import Survey
from commons.surveys.queries import (
    get_survey_for_manager,
    response_counts,
    survey_owners_for,
    surveys_for_user,
    surveys_managed_by,
    surveys_to_answer,
)
from commons.surveys.rules import can_create_survey
from commons.surveys.services import (
    create_survey,
    queue_responses_import,
    renew_link,
    set_survey_status,
    update_survey,
)
from commons.surveys.xlsform import FormError


@require_GET
def survey_list(request):
    user = request.user
    owners = survey_owners_for(user)
    return render(
        request,
        "surveys/list.html",
        {
            "to_answer": surveys_to_answer(user)[:100],
            "managed": surveys_managed_by(user).select_related("owner")[:200],
            "surveys": surveys_for_user(user).select_related("owner")[:200],
            "may_create": user.is_authenticated and (user.is_staff or owners.exists()),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def survey_new(request):
    """A draft survey from an XLSForm workbook, for an organisation the person runs."""
    owners = survey_owners_for(request.user)
    if not request.user.is_staff and not owners.exists():
        deny(request, reason="administers no organisation")
    form = NewSurveyForm(
        request.POST or None, request.FILES or None, owners=owners, staff=request.user.is_staff
    )
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data["owner"]
        if not can_create_survey(request.user, owner):
            deny(request, target=owner, reason="cannot create a survey for this organisation")
        try:
            survey = create_survey(
                workbook=form.cleaned_data["workbook"].read(),
                owner=owner,
                slug=form.cleaned_data["slug"] or None,
                by=request.user,
            )
        except FormError as error:
            form.add_error("workbook", str(error))
        except ValueError as error:
            form.add_error("slug", str(error))
        else:
            messages.success(
                request,
                _(
                    "The survey is ready as a draft: preview it, choose who may answer, "
                    "then open it."
                ),
            )
            return redirect("surveys:manage", slug=survey.slug)
    return render(request, "surveys/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def survey_manage(request, slug: str):
    """A survey's page for its owner: where it stands, its link, who may answer."""
    survey = get_survey_for_manager(request, slug)
    form = SettingsForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        update_survey(
            survey=survey,
            by=request.user,
            title=data["title"],
            audience=data["audience"],
            once_per=data["once_per"],
            report_public=data["report_public"],
            organisations=data["organisation_names"],
            readers=data["reader_emails"],
        )
        messages.success(request, _("The survey's settings are saved."))
        return redirect("surveys:manage", slug=survey.slug)
    link = request.build_absolute_uri(
        reverse("surveys:answer_link", args=[survey.slug, survey.link_key])
    )
    survey_form = survey.form
    return render(
        request,
        "surveys/manage.html",
        {
            "survey": survey,
            "form": form,
            "counts": response_counts(survey),
            "link": link,
            "questions": survey_form.asked,
            "languages": survey_form.languages,
        },
    )


@require_POST
@login_required
def survey_status(request, slug: str):
    """Open or close a survey."""
    survey = get_survey_for_manager(request, slug)
    status = request.POST.get("status", "")
    try:
        set_survey_status(survey=survey, status=status, by=request.user)
    except ValueError:
        raise Http404 from None
    if status == Survey.Status.OPEN:
        messages.success(request, _("The survey is open: its respondents can answer it."))
    else:
        messages.success(request, _("The survey is closed: nobody can answer it any more."))
    return redirect("surveys:manage", slug=survey.slug)


@require_POST
@login_required
def survey_new_link(request, slug: str):
    survey = get_survey_for_manager(request, slug)
    renew_link(survey=survey, by=request.user)
    messages.success(request, _("The survey has a new link; the old one no longer works."))
    return redirect("surveys:manage", slug=survey.slug)


@require_http_methods(["GET", "POST"])
@login_required
def responses_import(request, slug: str):
    """Import a KoboToolbox or ODK export: small files at once, large ones in the
    background with a progress bar."""
    survey = get_survey_for_manager(request, slug)
    form = ResponsesUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.INLINE_UPLOAD_BYTES:
                progress = queue_responses_import(
                    survey=survey, by=request.user, data=upload.read()
                )
                return redirect("progress", progress_id=progress.pk)
            report = import_responses(survey=survey, source=upload, by=request.user).as_dict()
        except TabularError as error:
            form.add_error("file", str(error))
        except PermissionDenied:
            deny(request, target=survey, reason="cannot import into this survey")
    return render(
        request, "surveys/import.html", {"survey": survey, "form": form, "report": report}
    )


@require_GET
@login_required
def import_report(request, slug: str, progress_id: int):
    """The report of an export imported in the background, for the person who sent it:
    its rejected rows quote the file's cells."""
    survey = get_survey_for_manager(request, slug)
    progress = own_job_report(request.user, progress_id, request.path)
    if progress is None:
        raise Http404
    return render(request, "surveys/import_report.html", {"survey": survey, "progress": progress})
