"""XLSForm questionnaires, read with pyxform (the library ODK and KoboToolbox use).

``read_form(data)`` checks a workbook (``survey``, ``choices`` and optional ``settings``
sheets) and returns a ``Form``: its questions in order, each with its group path, its
labels in every language of the form, its choices, and its skip logic and constraint
compiled (``expressions``). pyxform checks the XLSForm itself; this module then keeps
to what surveys here support and says, for anything else, which sheet and row hold it
(``FormError``).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _
from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from commons.surveys.expressions import Expression, ExpressionError, compile_expression
from commons.surveys.expressions import both as _both

# pyxform's question types, as its JSON names them, and the XLSForm names we use.
TYPES = {
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "note": "note",
}
# Filled in by the device or the server, never a question: kept out of a form's
# questions (a Kobo or ODK export's columns of these are metadata).
METADATA_TYPES = {"start", "end", "today", "deviceid", "username", "calculate"}
_LANGUAGE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)$")
_ROW = re.compile(r"^\[row : (\d+)\]\s*")


class FormError(ValueError):
    """A workbook that is not a form surveys here can use: where, and why."""

    def __init__(self, problem: str, *, sheet: str = "", row: int | None = None) -> None:
        self.sheet, self.row, self.problem = sheet, row, problem
        if sheet and row:
            message = _("Sheet %(sheet)s, row %(row)s: %(problem)s")
        elif sheet:
            message = _("Sheet %(sheet)s: %(problem)s")
        else:
            message = "%(problem)s"
        super().__init__(message % {"sheet": sheet, "row": row, "problem": problem})


@dataclass(frozen=True)
class Choice:
    name: str
    labels: dict[str, str]  # language code ("" when the form has one language) -> label


@dataclass(frozen=True)
class Question:
    name: str
    path: str  # with its groups: "profile/populations"
    type: str  # a value of TYPES
    labels: dict[str, str]
    row: int  # on the survey sheet
    choices: tuple[Choice, ...] = ()
    list_name: str = ""
    required: bool = False
    relevant: Expression | None = None  # with the relevance of its groups
    constraint: Expression | None = None
    hints: dict[str, str] = field(default_factory=dict)
    constraint_messages: dict[str, str] = field(default_factory=dict)  # by language

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.path.split("/")[:-1])

    def choice(self, name: str) -> Choice | None:
        return self._choices_by_name.get(name)

    @cached_property
    def _choices_by_name(self) -> dict[str, Choice]:
        # An import asks for a choice by name for every cell of a multiple choice.
        return {choice.name: choice for choice in self.choices}


@dataclass(frozen=True)
class Form:
    title: str
    form_id: str
    version: str
    languages: dict[str, str]  # code -> name, in the workbook's order
    default_language: str  # a code of ``languages``, or "" for a form in one language
    questions: tuple[Question, ...]
    groups: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> labels

    @cached_property
    def asked(self) -> tuple[Question, ...]:
        """The questions that take an answer (notes take none)."""
        return tuple(question for question in self.questions if question.type != "note")

    def language_for(self, wanted: str) -> str:
        """The form's language closest to ``wanted`` (``th``, ``th-TH``), else its
        default ("" for a form in one language)."""
        base = (wanted or "").lower().replace("_", "-")
        for candidate in (base, base.split("-")[0]):
            if candidate in self.languages:
                return candidate
        return self.default_language

    def question(self, reference: str) -> Question | None:
        """The question at this path (``profile/populations``), or else the one question
        named as its last part (``populations``); None when none or several are."""
        found = [q for q in self.questions if q.path == reference]
        if not found:
            name = reference.rsplit("/", 1)[-1]
            found = [q for q in self.questions if q.name == name]
        return found[0] if len(found) == 1 else None


def write_workbook(sheets: Mapping[str, Iterable[Sequence]]) -> bytes:
    """Sheets of rows as an .xlsx workbook, in order, an empty sheet left out: how the
    demo, the tests and the benchmark write their XLSForms (``read_form`` reads them)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        rows = list(rows)
        if rows:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_form(data: bytes) -> Form:
    """Read and check an XLSForm workbook. Raises ``FormError``."""
    _check_workbook(data)
    try:
        workbook = get_xlsform(xlsform=data)
        rows = _rows(workbook.survey)
        structure = workbook_to_json(
            workbook_dict=workbook,
            form_name="data",
            fallback_form_name=workbook.fallback_form_name,
            default_language=None,
            warnings=[],
        )
        # Building the XForm is how pyxform checks references between questions.
        create_survey_element_from_dict(copy.deepcopy(structure)).to_xml()
    except PyXFormError as error:
        raise _form_error(str(error)) from None
    except (ValueError, KeyError, TypeError, OSError) as error:
        raise FormError(
            _("This is not an XLSForm workbook (%(reason)s).") % {"reason": error}
        ) from None
    languages = _languages(structure)
    default = _code(structure.get("default_language", "default"), languages)
    questions: list[Question] = []
    groups: dict[str, dict[str, str]] = {}
    _walk(structure.get("children", []), (), None, rows, languages, questions, groups)
    if not any(question.type != "note" for question in questions):
        raise FormError(_("The form has no question to answer."), sheet="survey")
    return Form(
        title=_settings(workbook, "form_title") or _settings(workbook, "form_id"),
        # Without a form_id, pyxform names the form after ``form_name``: no id of its own.
        form_id=str(structure.get("id_string") or "") if _settings(workbook, "form_id") else "",
        version=str(structure.get("version") or ""),
        languages=languages,
        default_language=default,
        questions=tuple(questions),
        groups=groups,
    )


def _check_workbook(data: bytes) -> None:
    """Raise ``FormError`` unless ``data`` is an Excel workbook that is safe to give
    pyxform, which holds every cell in memory: the library's checks of an office
    document's zip (bombs, encryption, archives inside, XML entities)."""
    from commons.library.files import UploadRefused, check_archive

    not_a_workbook = FormError(
        _("This is not an XLSForm workbook: save the form as an Excel workbook (.xlsx).")
    )
    if not data.startswith(b"PK\x03\x04"):  # an .xlsx file is a zip archive
        raise not_a_workbook
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():  # a Word document, say
                raise not_a_workbook
    except zipfile.BadZipFile:
        raise not_a_workbook from None
    try:
        check_archive(data)
    except UploadRefused as refused:
        raise FormError(str(refused)) from None


def _settings(workbook, name: str) -> str:
    """A value of the workbook's settings sheet ("" when it has none)."""
    rows = workbook.settings or [{}]
    return str(rows[0].get(name) or "").strip()


def _form_error(message: str) -> FormError:
    """pyxform's message as sheet, row and problem: it starts with the row, on the survey
    sheet unless it names another ("On the 'choices' sheet"); without a row, the sheet it
    speaks of, if any."""
    row = _ROW.match(message)
    named = re.search(r"On the '(\w+)' sheet", message)
    mentioned = re.search(r"\b(survey|choices|settings) sheet\b", message)
    if named:
        sheet = named.group(1)
    elif row:
        sheet = "survey"
    else:
        sheet = mentioned.group(1) if mentioned else ""
    return FormError(
        _ROW.sub("", message).strip(), sheet=sheet, row=int(row.group(1)) if row else None
    )


def _rows(survey: list[dict]) -> dict[tuple[str, ...], int]:
    """Each element's row on the survey sheet, by its path (pyxform counts the header as
    row 1, as a spreadsheet shows it)."""
    rows: dict[tuple[str, ...], int] = {}
    stack: list[str] = []
    for index, row in enumerate(survey):
        kind = str(row.get("type", "")).strip().lower().replace(" ", "_")
        name = str(row.get("name", "")).strip()
        if kind in {"end_group", "end_repeat"}:
            if stack:
                stack.pop()
            continue
        rows[(*stack, name)] = index + 2
        if kind in {"begin_group", "begin_repeat"}:
            stack.append(name)
    return rows


def _languages(structure: dict) -> dict[str, str]:
    found: dict[str, str] = {}

    def visit(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in {"label", "hint"} and isinstance(item, dict):
                    for language in item:
                        match = _LANGUAGE.match(language)
                        code = match.group("code").lower() if match else language
                        found.setdefault(code, match.group("name") if match else language)
                else:
                    visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(structure)
    found.pop("default", None)
    return found


def _code(language: str, languages: dict[str, str]) -> str:
    match = _LANGUAGE.match(language or "")
    if match:
        return match.group("code").lower()
    return language if language in languages else ""


def _labels(value, languages: dict[str, str]) -> dict[str, str]:
    if isinstance(value, dict):
        return {
            _code(language, languages) or language: str(text) for language, text in value.items()
        }
    return {"": str(value)} if value else {}


def _walk(children, groups, relevant, rows, languages, questions, group_labels) -> None:
    for child in children:
        kind, name = child.get("type"), child.get("name", "")
        path = (*groups, name)
        row = rows.get(path, 0)
        bind = child.get("bind", {})
        if kind == "group":
            if name == "meta" and child.get("control", {}).get("bodyless"):
                continue  # pyxform's instanceID
            own = _expression(bind.get("relevant"), "relevant", row)
            group_labels["/".join(path)] = _labels(child.get("label"), languages)
            _walk(
                child.get("children", []),
                path,
                _both(relevant, own),
                rows,
                languages,
                questions,
                group_labels,
            )
            continue
        if kind in METADATA_TYPES:
            continue
        if kind not in TYPES:
            raise FormError(
                _(
                    "the question type %(type)s is not supported; use select_one, "
                    "select_multiple, text, integer, decimal, date, note or a group."
                )
                % {"type": repr(kind)},
                sheet="survey",
                row=row,
            )
        constraint = _expression(bind.get("constraint"), "constraint", row)
        if constraint is not None and TYPES[kind] not in {"integer", "decimal"}:
            raise FormError(
                _("a constraint is supported on integer and decimal questions only."),
                sheet="survey",
                row=row,
            )
        questions.append(
            Question(
                name=name,
                path="/".join(path),
                type=TYPES[kind],
                labels=_labels(child.get("label"), languages),
                hints=_labels(child.get("hint"), languages),
                row=row,
                choices=tuple(
                    Choice(str(choice["name"]), _labels(choice.get("label"), languages))
                    for choice in child.get("choices", [])
                ),
                list_name=child.get("list_name", ""),
                required=str(bind.get("required", "")).lower() in {"yes", "true", "true()"},
                relevant=_both(relevant, _expression(bind.get("relevant"), "relevant", row)),
                constraint=constraint,
                constraint_messages=_labels(bind.get("jr:constraintMsg"), languages),
            )
        )


def _expression(text, column: str, row: int) -> Expression | None:
    if not text:
        return None
    try:
        return compile_expression(str(text))
    except ExpressionError as error:
        raise FormError(
            _("the %(column)s expression is not supported: %(problem)s")
            % {"column": column, "problem": error},
            sheet="survey",
            row=row,
        ) from None
