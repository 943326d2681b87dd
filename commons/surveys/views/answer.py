"""Answering a survey: the questionnaire in the respondent's language, with its skip
logic, drafts and validation, and its preview for the owner."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commons.surveys.analysis import label
from commons.surveys.forms import AnswerForm, initial_answers
from commons.surveys.models import Survey
from commons.surveys.queries import (
    answered_before,
    draft_for,
    get_survey_for_manager,
    get_survey_to_answer,
)
from commons.surveys.rules import answering_organisations, can_read_report
from commons.surveys.services import AlreadyAnswered, save_answers
from commons.surveys.xlsform import Form

# The browser session holds the surveys answered in it (for the thank-you page, and to
# tell a link's anonymous respondent they have answered) and an anonymous respondent's
# drafts by survey.
DRAFTS = "surveys.drafts"
SUBMITTED = "surveys.submitted"


def _blocks(survey_form: Form, form: AnswerForm, language: str) -> list[tuple]:
    """The questionnaire in order: ``("open", path, legend)`` and ``("close",)`` around a
    group's questions, ``("question", question, bound field)`` and ``("note", question,
    text)``."""
    blocks: list[tuple] = []
    opened: list[str] = []
    for question in survey_form.questions:
        groups = question.path.split("/")[:-1]
        paths = ["/".join(groups[: depth + 1]) for depth in range(len(groups))]
        while opened and (len(opened) > len(paths) or opened[-1] != paths[len(opened) - 1]):
            opened.pop()
            blocks.append(("close",))
        for path in paths[len(opened) :]:
            opened.append(path)
            blocks.append(("open", path, label(survey_form.groups.get(path, {}), language)))
        if question.type == "note":
            blocks.append(("note", question, label(question.labels, language)))
        else:
            blocks.append(("question", question, form[question.name]))
    blocks.extend(("close",) for _path in opened)
    return blocks


def _logic(survey_form: Form) -> list[dict]:
    """What the page's script needs to apply the skip logic (``survey-form.js``)."""
    return [
        {
            "name": q.name,
            "type": q.type,
            "relevant": q.relevant.tree if q.relevant is not None else None,
        }
        for q in survey_form.questions
    ]


@require_http_methods(["GET", "POST"])
def answer(request, slug: str, key: str = ""):
    """The questionnaire for its respondents: members sign in first; a link's key lets
    anyone answer. Only a survey for every member sends the signed-out to sign in: one
    for chosen organisations is 404 to them, as to everyone else outside them."""
    exists = Survey.objects.filter(
        slug=slug, status=Survey.Status.OPEN, audience=Survey.Audience.MEMBERS
    )
    if not key and not request.user.is_authenticated and exists.exists():
        return redirect_to_login(request.get_full_path())
    survey = get_survey_to_answer(request, slug, key=key)
    return _questionnaire(request, survey, key=key, preview=False)


@require_http_methods(["GET", "POST"])
def preview(request, slug: str):
    """The questionnaire as respondents will see it, for its owner; nothing is saved."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    survey = get_survey_for_manager(request, slug)
    return _questionnaire(request, survey, key="", preview=True)


def _questionnaire(request, survey: Survey, *, key: str, preview: bool):
    user = request.user
    survey_form = survey.form
    language = survey_form.language_for(
        request.POST.get("lang") or request.GET.get("lang") or get_language()
    )
    per_organisation = survey.once_per == Survey.Once.ORGANISATION
    organisations = list(answering_organisations(user, survey)) if per_organisation else []
    organisation = None
    if per_organisation and not preview:
        wanted = request.POST.get("organisation") or request.GET.get("organisation")
        organisation = next((o for o in organisations if str(o.pk) == wanted), None)
        if organisation is None and len(organisations) == 1:
            organisation = organisations[0]
    session_drafts = request.session.get(DRAFTS, {})
    draft = None
    if not preview:
        draft = draft_for(
            survey,
            user=user,
            organisation=organisation,
            session_id=session_drafts.get(str(survey.pk)),
        )
        submitted = answered_before(
            survey, respondent=user if user.is_authenticated else None, organisation=organisation
        )
        anonymous = not user.is_authenticated
        if anonymous and survey.pk in request.session.get(SUBMITTED, []):
            submitted = True
        if submitted:
            return render(
                request,
                "surveys/answered.html",
                {"survey": survey, "response": submitted, "organisation": organisation},
            )
    submit = request.POST.get("action") != "draft"
    if request.method == "POST":
        form = AnswerForm(
            request.POST, survey_form=survey_form, language=language, draft=not submit
        )
        if per_organisation and not preview and organisation is None:
            form.add_error(None, _("Choose the organisation you answer for."))
        if form.is_valid() and preview:
            messages.info(
                request,
                _("Preview: these answers would be accepted. Nothing was saved."),
            )
        elif form.is_valid():
            try:
                response = save_answers(
                    survey=survey,
                    answers=form.answers,
                    by=user,
                    organisation=organisation,
                    draft=draft,
                    submit=submit,
                    language=language,
                    key=key,
                )
            except AlreadyAnswered:
                messages.warning(
                    request,
                    _("Your organisation has answered this survey already.")
                    if per_organisation
                    else _("You have answered this survey already."),
                )
                return redirect(request.get_full_path())
            if submit:
                session_drafts.pop(str(survey.pk), None)
                request.session[DRAFTS] = session_drafts
                request.session[SUBMITTED] = [*request.session.get(SUBMITTED, []), survey.pk]
                return redirect("surveys:thanks", slug=survey.slug)
            if not user.is_authenticated:
                session_drafts[str(survey.pk)] = response.pk
                request.session[DRAFTS] = session_drafts
            messages.success(
                request,
                _("Your draft is saved. Come back to this page to finish it."),
            )
            query = {"lang": language}
            if organisation is not None:
                query["organisation"] = organisation.pk
            return redirect(f"{request.path}?{urlencode(query)}")
        else:
            messages.error(
                request,
                _("Some answers need your attention: see the messages next to them."),
            )
    else:
        initial = initial_answers(survey_form, draft.answers) if draft else {}
        form = AnswerForm(initial=initial, survey_form=survey_form, language=language)
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "form": form,
            "blocks": _blocks(survey_form, form, language),
            "logic": _logic(survey_form),
            "language": language,
            "languages": survey_form.languages,
            "preview": preview,
            "draft": draft,
            "organisations": organisations,
            "organisation": organisation,
            "action": request.path,
        },
    )


@require_GET
def thanks(request, slug: str):
    """Shown after sending answers, to whoever sent them in this browser session."""
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None or survey.pk not in request.session.get(SUBMITTED, []):
        raise Http404
    return render(
        request,
        "surveys/thanks.html",
        {
            "survey": survey,
            "report_url": reverse("surveys:report", args=[survey.slug])
            if can_read_report(request.user, survey)
            else "",
        },
    )
