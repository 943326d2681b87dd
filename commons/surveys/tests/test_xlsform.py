import pytest

from commons.surveys.xlsform import FormError, read_form

from .forms import SURVEY_HEADER, cso_form, workbook


def test_a_form_gives_its_questions_with_paths_labels_choices_and_logic():
    form = read_form(cso_form())
    assert (form.title, form.form_id, form.default_language) == ("CSO survey (demo)", "cso", "en")
    assert form.languages == {"en": "English", "th": "Thai"}
    assert [(q.path, q.type) for q in form.questions] == [
        ("profile/trained", "select_one"),
        ("profile/populations", "select_multiple"),
        ("profile/staff", "integer"),
        ("capacity/projects", "select_one"),
        ("budget", "decimal"),
        ("founded", "date"),
        ("comments", "text"),
        ("thanks", "note"),
    ]  # "start" is metadata, not a question
    trained = form.question("trained")
    assert trained is form.question("profile/trained") and trained.required
    assert trained.labels == {"en": "Trained on modern slavery?", "th": "เคยอบรม?"}
    assert [c.name for c in trained.choices] == ["yes", "no"]
    # One choice list serves two questions.
    assert form.question("projects").choices == trained.choices
    assert form.question("populations").choice("migrants").labels["th"] == "แรงงานข้ามชาติ"
    assert form.question("populations").row == 5


def test_skip_logic_of_a_question_includes_its_group():
    projects = read_form(cso_form()).question("projects")
    answers = {"trained": "no", "populations": ("children",), "staff": 12}
    assert projects.relevant.evaluate(answers, None)
    assert not projects.relevant.evaluate({**answers, "trained": "yes"}, None)  # the group
    assert not projects.relevant.evaluate({**answers, "populations": ()}, None)  # its own
    assert projects.relevant.references == {"trained", "populations", "staff"}


def test_a_constraint_checks_the_answer_itself():
    staff = read_form(cso_form()).question("staff")
    assert staff.constraint.evaluate({}, 40) and not staff.constraint.evaluate({}, -1)


@pytest.mark.parametrize(
    ("survey", "choices", "sheet", "row", "problem"),
    [
        (
            [["select_one nope", "q", "Q"]],
            [["yesno", "yes", "Yes"]],
            "survey",
            2,
            "List name not in choices sheet: nope",
        ),
        (
            [["integer", "q", "Q", "", "${zz} = 'x'"]],
            None,
            "survey",
            2,
            "Could not find the name 'zz'",
        ),
        (
            [["integer", "q", "Q"], ["geopoint", "where", "Where"]],
            None,
            "survey",
            3,
            "'geopoint' is not supported",
        ),
        (
            [["text", "q", "Q", "", "", ". != 'x'"]],
            None,
            "survey",
            2,
            "integer and decimal questions only",
        ),
        (
            [["integer", "q", "Q"], ["text", "r", "R", "", "count-selected(${q}) > 2"]],
            None,
            "survey",
            3,
            "count-selected() is not supported",
        ),
        ([["integer", "q", "Q"], ["integer", "q", "Q again"]], None, "survey", 3, "must be unique"),
        ([["note", "q", "Hello"]], None, "survey", None, "no question to answer"),
    ],
)
def test_a_form_error_names_the_sheet_the_row_and_the_problem(survey, choices, sheet, row, problem):
    header = ["type", "name", "label", "required", "relevant", "constraint"]
    rows = [header, *[cells + [""] * (len(header) - len(cells)) for cells in survey]]
    chosen = [["list_name", "name", "label"], *choices] if choices else None
    with pytest.raises(FormError) as caught:
        read_form(workbook(rows, chosen))
    error = caught.value
    assert (error.sheet, error.row) == (sheet, row) and problem in error.problem
    assert str(error).startswith(f"Sheet {sheet}, row {row}: " if row else f"Sheet {sheet}: ")


def test_a_select_without_a_choices_sheet_names_the_missing_sheet():
    with pytest.raises(FormError) as caught:
        read_form(workbook([["type", "name", "label"], ["select_one yesno", "q", "Q"]]))
    assert caught.value.sheet == "choices" and str(caught.value).startswith("Sheet choices: ")


def test_something_that_is_not_a_workbook_is_refused():
    with pytest.raises(FormError, match="This is not an XLSForm workbook: save the form as an"):
        read_form(b"%PDF-1.4 a report")


def test_a_form_in_one_language_has_plain_labels():
    form = read_form(workbook([["type", "name", "label"], ["text", "q", "Your role"]]))
    assert form.languages == {} and form.question("q").labels == {"": "Your role"}
    assert SURVEY_HEADER[0] == "type"


def test_a_form_without_a_form_id_has_none_and_its_survey_is_named_after_its_title(db):
    from commons.surveys.services import create_survey

    book = workbook(
        [["type", "name", "label"], ["text", "q", "Your role"]],
        settings=[["form_title"], ["Partners' needs 2027"]],
    )
    assert read_form(book).form_id == ""
    assert create_survey(workbook=book).slug == "partners-needs-2027"


def test_a_form_without_settings_has_no_title_of_its_own():
    form = read_form(workbook([["type", "name", "label"], ["text", "q", "Your role"]]))
    assert (form.title, form.form_id) == ("", "")
