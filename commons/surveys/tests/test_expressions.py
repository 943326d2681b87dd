import pytest

from commons.surveys.expressions import ExpressionError, compile_expression


def _is(text, answers, itself=None):
    return compile_expression(text).evaluate(answers, itself)


def test_comparisons_with_text_choices_and_numbers():
    assert _is("${trained} = 'yes'", {"trained": "yes"})
    assert not _is("${trained} = 'yes'", {"trained": "no"})
    assert not _is("${trained} = 'yes'", {})  # no answer
    assert _is("${trained} = ''", {})  # no answer compares as empty text
    assert _is("${trained} != 'yes'", {"trained": "no"})
    assert _is("${staff} >= 5", {"staff": 5}) and not _is("${staff} > 5", {"staff": 5})
    assert _is("${staff} < 10.5", {"staff": 10}) and not _is("${staff} < 10", {})
    assert _is("${staff}<=3", {"staff": "3"})


def test_selected_reads_a_multiple_choice_answer_either_way():
    assert _is("selected(${pops}, 'children')", {"pops": ("women", "children")})
    assert _is("selected(${pops}, 'children')", {"pops": "women children"})
    assert not _is("selected(${pops}, 'child')", {"pops": "women children"})
    assert not _is("selected(${pops}, 'children')", {})


def test_and_binds_tighter_than_or_and_not_and_parentheses_work():
    text = "${a} = 'x' or ${b} = 'y' and ${c} = 'z'"
    assert _is(text, {"a": "x"}) and not _is(text, {"b": "y"})
    assert _is("(${a} = 'x' or ${b} = 'y') and ${c} = 'z'", {"b": "y", "c": "z"})
    assert _is("not(${a} = 'x')", {"a": "w"}) and not _is("not(${a} = 'x')", {"a": "x"})
    assert compile_expression(text).references == {"a", "b", "c"}


def test_a_constraint_reads_the_answer_as_itself():
    assert _is(". >= 0 and . <= 100", {}, 100) and not _is(". >= 0 and . <= 100", {}, 101)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("count-selected(${q}) > 2", "count-selected() is not supported"),
        ("${a} + 1 = 2", "expected a comparison"),
        ("${a} = = 'x'", "is not supported here"),
        ("${a} = 'x' and ", "ends too early"),
        ("${a} = 'x' ${b}", "unexpected"),
        ("(${a} = 'x'", "expected close_paren"),
        ("${a}", "expected a comparison"),
    ],
)
def test_what_is_not_supported_is_refused_with_the_reason(text, problem):
    with pytest.raises(ExpressionError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        compile_expression(text)
