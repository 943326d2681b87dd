"""Property-based fuzzing of ``commons.lib.tabular.read_table``, which every importer
reads its file with: whatever the bytes, it gives rows or a ``TabularError`` with a
message, never another exception (see core/tests/fuzz.py)."""

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commons.core.tests.fuzz import LAYOUTS, Row, Table, fuzz, odd_text, same_text, write
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
