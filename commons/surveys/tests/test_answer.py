"""Answering a survey on the web: who may, the form's languages, skip logic, required
answers and constraints, drafts, once per person or organisation, the preview."""

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.surveys.models import Response
from commons.surveys.queries import survey_report
from commons.surveys.services import create_survey

from .forms import SURVEY_HEADER, cso_form, workbook

ANSWER = reverse("surveys:answer", args=["cso"])


@pytest.fixture
def survey(lantern):
    survey = create_survey(workbook=cso_form(), owner=lantern, slug="cso")
    survey.status = "open"
    survey.save()
    return survey


def test_a_member_answers_and_the_answer_is_in_the_findings(survey, dave):
    client = client_for(dave)
    page = client.get(ANSWER).content.decode()
    assert "Trained on modern slavery?" in page and "Populations served" in page
    assert "<legend>Profile</legend>" in page and 'data-question="populations"' in page
    sent = client.post(
        ANSWER,
        {
            "trained": "yes",
            "populations": ["women", "children"],
            "staff": "12",
            "budget": "2500.5",
            "founded": "2010-03-01",
            "comments": "We train teachers",
            "action": "submit",
        },
    )
    assert sent["Location"] == reverse("surveys:thanks", args=["cso"])
    assert "Your answers to “CSO survey (demo)” are received." in (
        client.get(sent["Location"]).content.decode()
    )
    response = Response.objects.get()
    assert response.respondent == dave and response.status == "submitted"
    assert response.source == "web" and response.language == "en"
    assert response.answers == {
        "trained": "yes",
        "populations": ["children", "women"],  # in the form's order
        "staff": 12,
        "budget": 2500.5,
        "founded": "2010-03-01",
        "comments": "We train teachers",
    }
    found = {q["name"]: q for q in survey_report(survey)["questions"]}
    assert found["trained"]["valid_n"] == 1 and found["staff"]["median"] == 12
    again = client.get(ANSWER).content.decode()
    assert "You have answered this survey. Thank you." in again
    assert client.post(ANSWER, {"trained": "no", "action": "submit"}).status_code == 200
    assert Response.objects.count() == 1


def test_answers_to_questions_skipped_by_the_logic_are_dropped(survey, dave):
    client_for(dave).post(
        ANSWER,
        {
            "trained": "no",
            "populations": ["women"],  # only asked when trained = yes
            "staff": "3",
            "projects": "yes",  # asked: not(staff > 5)
            "action": "submit",
        },
    )
    assert Response.objects.get().answers == {"trained": "no", "staff": 3, "projects": "yes"}


def test_a_group_hidden_by_its_own_relevance_drops_its_answers(survey, dave):
    client_for(dave).post(
        ANSWER,
        {"trained": "yes", "staff": "30", "projects": "yes", "action": "submit"},
    )
    assert "projects" not in Response.objects.get().answers  # capacity: trained = no only


def test_a_missing_required_answer_and_a_broken_constraint_are_shown_next_to_them(survey, dave):
    page = client_for(dave).post(
        ANSWER, {"staff": "-4", "budget": "0", "founded": "not a date", "action": "submit"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and not Response.objects.exists()
    assert "Some answers need your attention" in text
    trained = text.index('data-question="trained"')
    assert text.index("This question needs an answer.", trained) < text.index(
        'data-question="populations"'
    )
    staff = text.index('data-question="staff"')
    assert text.index("This answer is outside what the form allows.", staff) < text.index(
        'data-question="projects"'
    )
    assert "Enter a valid date." in text
    assert 'value="-4"' in text  # what was typed is kept


def test_the_forms_own_constraint_message_is_shown_in_the_respondents_language(lantern, dave):
    header = [*SURVEY_HEADER, "constraint_message::English (en)", "constraint_message::Thai (th)"]
    book = workbook(
        [
            header,
            ["integer", "age", "Age", "อายุ", "", "", ". >= 18", "At least 18", "อย่างน้อย 18"],
        ],
        settings=[["form_title", "default_language"], ["Ages", "English (en)"]],
    )
    survey = create_survey(workbook=book, owner=lantern, slug="ages")
    survey.status = "open"
    survey.save()
    url = reverse("surveys:answer", args=["ages"])
    page = client_for(dave).post(url, {"age": "12", "lang": "th", "action": "submit"})
    text = page.content.decode()
    assert "อย่างน้อย 18" in text and "อายุ" in text


def test_labels_come_in_the_respondents_language(survey, dave):
    client = client_for(dave)
    page = client.get(ANSWER, {"lang": "th"}).content.decode()
    assert "เคยอบรม?" in page and "Trained on modern slavery?" not in page
    assert 'lang="th" aria-current="page"' in page
    client.cookies["django_language"] = "th"
    page = client.get(ANSWER, HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "เคยอบรม?" in page
    client.post(ANSWER, {"trained": "yes", "lang": "th", "action": "submit"})
    assert Response.objects.get().language == "th"


def test_a_draft_is_kept_and_filled_in_again(survey, dave):
    client = client_for(dave)
    saved = client.post(ANSWER, {"staff": "7", "comments": "half done", "action": "draft"})
    assert saved.status_code == 302  # a draft needs no required answer
    draft = Response.objects.get()
    assert draft.status == "draft" and draft.answers == {"staff": 7, "comments": "half done"}
    page = client.get(ANSWER).content.decode()
    assert "You saved a draft on" in page and 'value="7"' in page and "half done" in page
    assert survey_report(survey)["responses"] == 0  # drafts are not findings
    client.post(ANSWER, {"trained": "no", "staff": "7", "action": "submit"})
    response = Response.objects.get()
    assert response.pk == draft.pk and response.status == "submitted"


def test_anyone_with_the_link_answers_and_nobody_without_it(survey, dave):
    survey.audience = "link"
    survey.save()
    link = reverse("surveys:answer_link", args=["cso", survey.link_key])
    visitor = client_for(None)
    assert visitor.get(ANSWER).status_code == 404
    assert visitor.get(reverse("surveys:answer_link", args=["cso", "guess"])).status_code == 404
    assert client_for(dave).get(ANSWER).status_code == 404
    visitor.post(link, {"staff": "2", "action": "draft"})
    assert 'value="2"' in visitor.get(link).content.decode()  # the session keeps the draft
    assert 'value="2"' not in client_for(None).get(link).content.decode()
    visitor.post(link, {"trained": "no", "staff": "2", "action": "submit"})
    response = Response.objects.get()
    assert response.respondent is None and response.status == "submitted"
    assert "You have answered this survey." in visitor.get(link).content.decode()


def test_members_sign_in_first(survey):
    answer = client_for(None).get(ANSWER)
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("account_login"))


def test_once_per_organisation_the_first_answer_counts_for_colleagues(survey, alice, bob, dave):
    survey.once_per = "organisation"
    survey.save()
    assert client_for(dave).get(ANSWER).status_code == 404  # no organisation to answer for
    page = client_for(bob).get(ANSWER).content.decode()
    assert "You answer for" in page and "Lantern Outreach" in page
    client_for(bob).post(ANSWER, {"trained": "yes", "action": "submit"})
    assert Response.objects.get().organisation == survey.owner
    page = client_for(alice).get(ANSWER).content.decode()
    assert "Lantern Outreach has answered this survey." in page
    client_for(alice).post(ANSWER, {"trained": "no", "action": "submit"})
    assert Response.objects.count() == 1


def test_only_members_of_the_chosen_organisations_answer(survey, bob, carol, harbour):
    survey.audience = "organisations"
    survey.save()
    survey.organisations.set([harbour])
    assert client_for(bob).get(ANSWER).status_code == 404
    assert client_for(carol).get(ANSWER).status_code == 200


def test_a_closed_survey_takes_no_answer(survey, dave):
    client = client_for(dave)
    client.post(ANSWER, {"staff": "1", "action": "draft"})
    survey.status = "closed"
    survey.save()
    assert client.get(ANSWER).status_code == 404
    assert client.post(ANSWER, {"trained": "yes", "action": "submit"}).status_code == 404
    assert client.put(ANSWER).status_code == 405
    assert not Response.objects.filter(status="submitted").exists()


def test_the_owner_previews_the_questionnaire_and_nothing_is_saved(survey, alice, bob):
    survey.status = "draft"
    survey.save()
    url = reverse("surveys:preview", args=["cso"])
    page = client_for(alice).get(url).content.decode()
    assert "Preview: this is the questionnaire as respondents will see it." in page
    checked = client_for(alice).post(url, {"trained": "yes", "action": "submit"}, follow=True)
    assert "Preview: these answers would be accepted. Nothing was saved." in (
        checked.content.decode()
    )
    page = client_for(alice).post(url, {"action": "submit"}).content.decode()
    assert "This question needs an answer." in page
    assert not Response.objects.exists()
    assert client_for(bob).get(url).status_code == 403


def test_the_page_carries_the_skip_logic_for_the_browser(survey, dave):
    page = client_for(dave).get(ANSWER).content.decode()
    assert 'id="survey-logic"' in page and "survey-form.js" in page
    assert '["compare", "=", ["answer", "trained"], ["text", "yes"]]' in page
