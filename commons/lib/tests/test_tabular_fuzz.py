"""Property-based fuzzing of ``commons.lib.tabular.read_table``, which every importer
reads its file with: whatever the bytes, it gives rows or a ``TabularError`` with a
message, never another exception (see core/tests/fuzz.py)."""

import io
import warnings
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from commons.core.tests.fuzz import (
    LAYOUTS,
    Formula,
    Row,
    Table,
    fuzz,
    odd_text,
    same_text,
    write,
)
from commons.lib.tabular import TabularError, read_table


def _read_all(data: bytes) -> tuple[list[str], list]:
    header, rows = read_table(data)
    return header, list(rows)


def _refused(data: bytes) -> str:
    with pytest.raises(TabularError) as caught:
        _read_all(data)
    assert str(caught.value).strip()
    return str(caught.value)


@fuzz(60)
@given(
    data=st.one_of(st.binary(max_size=3_000), st.binary(max_size=200).map(b"PK\x03\x04".__add__))
)
def test_any_bytes_give_rows_or_a_clear_error(data):
    try:
        _read_all(data)
    except TabularError as error:
        assert str(error).strip()


@fuzz(40)
@given(
    cells=st.lists(st.lists(odd_text(max_size=40), min_size=2, max_size=2), max_size=5),
    layout=st.sampled_from(LAYOUTS),
)
def test_odd_text_comes_back_as_written(cells, layout):
    table = Table(["a", "b"], [Row({"a": a, "b": b}) for a, b in cells])
    header, rows = _read_all(write(table, layout))
    assert header == ["a", "b"]
    assert [number for number, _row in rows] == list(range(2, 2 + len(cells)))
    for (_number, row), (a, b) in zip(rows, cells, strict=True):
        assert same_text(row["a"], a) and same_text(row["b"], b)


def _xlsx_with_sheet(change) -> bytes:
    """A two-row workbook whose sheet's XML is passed through ``change``."""
    good = write(Table(["name", "country"], [Row({"name": "abc", "country": "TH"})]), "xlsx")
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, change(data) if name == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


@pytest.mark.parametrize("text", [b"a&#1;b", b"a&#0;b", b"a&#xD800;b", b"a\x01b", b"<<<"])
def test_a_sheet_with_a_character_xml_cannot_hold_is_refused(text):
    data = _xlsx_with_sheet(lambda xml: xml.replace(b"<t>abc</t>", b"<t>" + text + b"</t>"))
    assert "The XLSX workbook cannot be read" in _refused(data)


@fuzz(40)
@given(position=st.integers(0, 10_000), byte=st.integers(0, 255))
def test_a_damaged_sheet_gives_rows_or_a_clear_error(position, byte):
    def damage(xml: bytes) -> bytes:
        at = position % len(xml)
        return xml[:at] + bytes([byte]) + xml[at + 1 :]

    try:
        _read_all(_xlsx_with_sheet(damage))
    except TabularError as error:
        assert str(error).strip()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_csv_file_with_a_nul_character_is_refused_naming_its_line(encoding):
    lines = ["name,country", *(f"Organisation {n},TH" for n in range(1_000)), "Bad\x00,TH"]
    message = _refused("\n".join(lines).encode(encoding))
    assert "Line 1002 of the file holds a NUL character" in message


@fuzz(40)
@given(
    value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**20), 10**20)),
    style=st.sampled_from(["yyyy-mm-dd", "hh:mm", "yyyy-mm-dd hh:mm:ss", "[h]:mm:ss", "0.00"]),
)
def test_a_number_styled_as_a_date_out_of_range_is_read_as_text(value, style):
    book = Workbook()
    book.active.append(["name", "founded"])
    book.active.append(["Lantern", value])
    book.active["B2"].number_format = style
    buffer = io.BytesIO()
    book.save(buffer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns of a date out of range
        _header, rows = _read_all(buffer.getvalue())
    assert [number for number, _row in rows] == [2]
    assert isinstance(rows[0][1]["founded"], str)


def test_a_formula_cell_is_read_as_its_cached_value_none_when_never_computed():
    table = Table(["name", "country"], [Row({"name": Formula('=HYPERLINK("x")'), "country": "TH"})])
    _header, rows = _read_all(write(table, "xlsx"))
    assert rows == [(2, {"name": "", "country": "TH"})]
    _header, rows = _read_all(write(table, "csv"))
    assert rows == [(2, {"name": '=HYPERLINK("x")', "country": "TH"})]


@pytest.mark.parametrize("layout", ["csv", "xlsx"])
def test_a_very_long_cell_is_read_whole_or_refused_with_the_row(layout):
    long = "word " * 40_000  # 200,000 characters: past csv's field size limit
    table = Table(["name", "summary"], [Row({"name": "Lantern", "summary": long})])
    try:
        _header, rows = _read_all(write(table, layout))
    except TabularError as error:
        assert layout == "csv" and "Row 2 cannot be read" in str(error)
    else:  # a cell of a workbook holds 32,767 characters at most (openpyxl cuts it)
        assert rows[0][1]["summary"] == (long if layout == "csv" else long[:32_767]).strip()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "cp1252", "shift_jis"])
def test_a_csv_file_in_another_encoding_is_refused_or_read_as_written(encoding):
    name = "日本" if encoding == "shift_jis" else "Crèche “Lanterne”"
    text = f"name,country\n{name},TH\n"
    data = text.encode(encoding)
    try:
        _header, rows = _read_all(data)
    except TabularError as error:
        assert "UTF-8" in str(error) or "not a CSV or XLSX table" in str(error)
    else:  # only UTF-16 with a byte-order mark (utf-32 starts with one) may be read
        assert rows[0][1]["name"] == name
