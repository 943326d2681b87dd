"""Valid-N percentages, numbers, filters, group-by and the small-group rule."""

import pytest

from commons.surveys.analysis import FilterError, Index, percent, report
from commons.surveys.xlsform import read_form

from .forms import cso_form

# 12 organisations; one did not say whether it was trained (valid N of trained: 11).
RESPONSES = [
    *[{"trained": "yes", "populations": ["children", "women"], "staff": 10} for _ in range(4)],
    *[{"trained": "yes", "populations": ["children"], "staff": 20} for _ in range(2)],
    *[
        {"trained": "no", "populations": ["migrants"], "projects": "yes", "staff": 5}
        for _ in range(3)
    ],
    {"trained": "no", "projects": "no", "comments": "We need training in Khmer"},
    {"trained": "no", "staff": 0},
    {"populations": ["women"], "budget": 100.5},
]


@pytest.fixture(scope="module")
def index():
    return Index(read_form(cso_form()), RESPONSES)


def _question(found, name):
    return next(q for q in found["questions"] if q["name"] == name)


def test_percentages_are_of_the_responses_that_answered_the_question(index):
    found = report(index)
    assert found["responses"] == 12
    trained = _question(found, "trained")
    assert trained["valid_n"] == 11 and trained["label"] == "Trained on modern slavery?"
    assert [(c["name"], c["count"], c["percent"]) for c in trained["choices"]] == [
        ("yes", 6, 54.5),
        ("no", 5, 45.5),
    ]


def test_each_choice_of_a_multiple_choice_question_has_its_own_percentage(index):
    populations = _question(report(index), "populations")
    assert populations["valid_n"] == 10
    shares = {c["name"]: c["percent"] for c in populations["choices"]}
    assert shares == {"children": 60.0, "women": 50.0, "migrants": 30.0}
    assert sum(shares.values()) > 100


def test_numbers_and_texts(index):
    found = report(index)
    staff = _question(found, "staff")
    assert (staff["valid_n"], staff["n"], staff["min"], staff["max"]) == (10, 10, 0, 20)
    assert staff["mean"] == 9.5 and staff["median"] == 10
    assert _question(found, "budget")["mean"] == 100.5
    assert _question(found, "comments")["answers"] == ["We need training in Khmer"]
    assert "thanks" not in {q["name"] for q in found["questions"]}  # a note asks nothing


def test_percentages_round_half_away_from_zero_to_one_decimal():
    assert percent(1, 8) == 12.5 and percent(1, 16) == 6.3 and percent(3, 16) == 18.8
    assert percent(1, 3) == 33.3 and percent(2, 3) == 66.7 and percent(0, 7) == 0.0
    assert percent(0, 0) is None


def test_filters_keep_only_the_matching_responses_and_combine(index):
    untrained = report(index, filters={"trained": "no"})
    assert untrained["responses"] == 5
    projects = _question(untrained, "projects")
    assert projects["valid_n"] == 4
    assert [(c["name"], c["percent"]) for c in projects["choices"]] == [("yes", 75.0), ("no", 25.0)]
    both = report(index, filters={"trained": "yes", "profile/populations": "women"})
    assert both["responses"] == 4 and _question(both, "staff")["mean"] == 10


def test_group_by_breaks_every_question_down_and_hides_small_groups(index):
    found = report(index, by="trained")
    staff = _question(found, "staff")
    assert staff["by"]["yes"]["responses"] == 6
    assert staff["by"]["yes"]["mean"] == pytest.approx(13.33)
    assert staff["by"]["no"]["valid_n"] == 4
    populations = _question(report(index, filters={"trained": "no"}, by="trained"), "populations")
    assert populations["by"]["yes"] == {"responses": None, "too_few": True}
    assert populations["by"]["no"]["choices"][2]["percent"] == 100.0  # migrants, 3 of 3


@pytest.mark.parametrize(
    ("filters", "by", "problem"),
    [
        ({"colour": "red"}, None, "colour: no question of this form has this name"),
        ({"trained": "maybe"}, None, "'maybe' is not one of its choices (yes, no)"),
        ({"staff": "many"}, None, "'many' is not a number"),
        ({}, "staff", "only a question with choices can group"),
    ],
)
def test_a_filter_the_form_cannot_answer_is_refused(index, filters, by, problem):
    with pytest.raises(FilterError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        report(index, filters=filters, by=by)
