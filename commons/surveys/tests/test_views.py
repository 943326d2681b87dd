"""A survey's report on the web: who reads it, filters, breakdowns, small groups."""

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.surveys.importing import import_responses
from commons.surveys.services import create_survey

from .forms import cso_form

ROWS = [
    *["yes,children women,10"] * 4,
    *["yes,children,20"] * 2,
    *["no,migrants,5"] * 3,
    "no,,",
]


@pytest.fixture
def survey(lantern):
    survey = create_survey(workbook=cso_form(), owner=lantern, slug="cso")
    export = "\n".join(["trained,populations,staff", *ROWS]) + "\n"
    import_responses(survey=survey, source=export.encode())
    return survey


def test_the_owners_members_read_the_report_with_valid_n_percentages(survey, bob):
    page = client_for(bob).get(reverse("surveys:report", args=["cso"])).content.decode()
    assert "10 responses." in page
    assert "Trained on modern slavery?" in page and "Valid N: 10" in page
    assert '<rect width="60" height="1"/></svg><span class="chart-value">60.0%' in page
    assert '<td class="number">60.0%</td>' in page  # yes: 6 of 10
    assert AuditEvent.objects.filter(action="data.export", target_id=str(survey.pk)).exists()
    assert "cso" in client_for(bob).get(reverse("surveys:list")).content.decode()


def test_a_filter_and_a_breakdown_hide_groups_too_small_to_show(survey, bob):
    page = client_for(bob).get(
        reverse("surveys:report", args=["cso"]), {"filter": "trained=yes", "by": "populations"}
    )
    text = page.content.decode()
    assert "6 responses." in text
    assert '<option value="trained=yes" selected>' in text
    assert "too few responses" in text  # women: 4 of the 6, fewer than 5
    assert '<th scope="col" class="number">Women</th>' in text  # groups by label


def test_a_filter_the_form_cannot_answer_is_explained(survey, bob):
    page = client_for(bob).get(reverse("surveys:report", args=["cso"]), {"filter": "colour=red"})
    assert "colour: no question of this form has this name." in page.content.decode()
    assert "10 responses." in page.content.decode()


def test_nobody_else_reads_an_unpublished_report(survey, carol, staff):
    url = reverse("surveys:report", args=["cso"])
    assert client_for(carol).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    assert "cso" not in client_for(carol).get(reverse("surveys:list")).content.decode()
    assert client_for(staff).get(url).status_code == 200
    survey.report_public = True
    survey.save()
    assert client_for(None).get(url).status_code == 200


def test_two_filters_combine_and_a_third_can_be_added(survey, bob):
    page = client_for(bob).get(
        reverse("surveys:report", args=["cso"]),
        {"filter": ["trained=yes", "populations=women"]},
    )
    text = page.content.decode()
    assert "4 responses." in text  # trained, and serving women
    assert text.count('<select name="filter">') == 3
    assert '<option value="trained=yes" selected>' in text
    assert '<option value="populations=women" selected>' in text


def test_open_answers_are_listed_the_first_hundred_only(lantern, bob):
    from commons.surveys.views import report as report_views

    survey = create_survey(workbook=cso_form(), owner=lantern, slug="open")
    rows = "\n".join(f"yes,Answer number {n}" for n in range(report_views.SHOWN_ANSWERS + 5))
    import_responses(survey=survey, source=f"trained,comments\n{rows}\n".encode())
    page = client_for(bob).get(reverse("surveys:report", args=["open"])).content.decode()
    assert "The first 100 of 105 answers:" in page
    assert "<li>Answer number 99</li>" in page and "Answer number 100<" not in page
