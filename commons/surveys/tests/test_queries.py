"""Reads of surveys: the index a process keeps between reports follows every change."""

import pytest

from commons.surveys import queries
from commons.surveys.importing import import_responses
from commons.surveys.models import Response
from commons.surveys.queries import survey_index, survey_report
from commons.surveys.services import create_survey

from .forms import cso_form


@pytest.fixture
def survey(lantern):
    survey = create_survey(workbook=cso_form(), owner=lantern, slug="cso")
    import_responses(survey=survey, source=b"trained,staff,_uuid\nyes,10,a\nno,20,b\n")
    return survey


def _trained(survey):
    found = survey_report(survey)
    return next(q for q in found["questions"] if q["name"] == "trained")["valid_n"]


def test_the_same_responses_are_indexed_once(survey, monkeypatch):
    reads = []
    monkeypatch.setattr(
        queries, "read_index", lambda s: reads.append(s) or queries.Index(s.form, [])
    )
    first, again = survey_index(survey), survey_index(survey)
    assert first is again and len(reads) == 1


def test_a_new_response_a_changed_one_and_a_deleted_one_are_read_again(survey):
    assert _trained(survey) == 2
    import_responses(survey=survey, source=b"trained,_uuid\nyes,c\n")
    assert _trained(survey) == 3
    response = Response.objects.get(external_id="a")
    response.answers = {"staff": 10}
    response.save()
    assert _trained(survey) == 2
    Response.objects.filter(external_id="b").delete()
    assert _trained(survey) == 1
    draft = Response.objects.create(survey=survey, status="draft", answers={"trained": "no"})
    assert _trained(survey) == 1  # a draft is no finding
    draft.status = "submitted"
    draft.save()
    assert _trained(survey) == 2


def test_a_process_keeps_a_few_indexes_only(lantern, monkeypatch):
    monkeypatch.setattr(queries, "KEPT_INDEXES", 2)
    queries.forget_indexes()
    surveys = [create_survey(workbook=cso_form(), owner=lantern, slug=f"s{n}") for n in range(3)]
    for survey in surveys:
        survey_index(survey)
    assert list(queries._kept) == [surveys[1].pk, surveys[2].pk]
