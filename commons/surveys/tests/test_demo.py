"""The demo survey shows findings of the kind the regional survey reported."""

from commons.surveys.demo import OPEN_SLUG, RESPONSES, SLUG, load_demo_survey
from commons.surveys.models import Survey
from commons.surveys.queries import survey_report


def _choice(found, question, choice):
    entry = next(q for q in found["questions"] if q["name"] == question)
    return entry, next(c for c in entry["choices"] if c["name"] == choice)


def test_the_demo_survey_loads_once_with_realistic_shares(db):
    assert load_demo_survey() == RESPONSES
    assert load_demo_survey() == 0  # the same submissions: nothing more
    survey = Survey.objects.get(slug=SLUG)
    found = survey_report(survey)
    assert found["responses"] == RESPONSES
    _populations, children = _choice(found, "populations", "children")
    assert 84 <= children["percent"] <= 96  # reported: 90.2 %
    trained, yes = _choice(found, "trained", "yes")
    assert trained["valid_n"] == RESPONSES and 60 <= yes["percent"] <= 75  # reported: 67.2 %
    # Only the untrained were asked about projects: its valid N is theirs.
    projects, _yes = _choice(found, "projects", "yes")
    assert projects["valid_n"] == RESPONSES - yes["count"]


def test_a_second_demo_survey_is_open_for_members_to_answer(db):
    load_demo_survey()
    survey = Survey.objects.get(slug=OPEN_SLUG)
    assert (survey.status, survey.audience, survey.once_per) == ("open", "members", "organisation")
    assert "demo" in survey.title and not survey.responses.exists()
