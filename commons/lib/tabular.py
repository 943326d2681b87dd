"""Tables in and out: CSV and XLSX files as a header and rows of text.

Reading recognises the file by its content, not its name, so a PDF or a Word document
renamed ``.xlsx`` is refused with a message a staff member can act on. Rows are numbered
as a spreadsheet shows them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

Row = dict[Any, str]
Rows = Iterator[tuple[int, Row]]

DELIMITERS = (",", ";", "\t")
# Excel and LibreOffice run a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Characters XML 1.0, hence XLSX, cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What all the parts of an XLSX file may unpack to: a real workbook's sheets are about
# 15 times their compressed size.
MAX_UNPACKED_RATIO = 100
MIN_UNPACKED = 64 * 1024 * 1024


class TabularError(ValueError):
    """The file cannot be read as a table; the message says why, for the person who sent it."""


def read_table(source: str | Path | IO[bytes] | bytes) -> tuple[list[str], Rows]:
    """Read the first sheet of an XLSX workbook or a CSV file.

    ``source`` is a path, a binary file object or the file's bytes. Returns the column
    names (stripped, blank ones dropped) and an iterator of ``(row_number, {column:
    text})``. Cells are stripped text ("" when empty); wholly empty rows are skipped;
    cells beyond the header are collected in a list under the key ``None`` (as
    ``csv.DictReader`` does).

    CSV: UTF-8 with or without a byte-order mark (UTF-16 with a mark too); the
    delimiter is whichever of comma, semicolon or tab the header row holds most of.

    Raises ``TabularError`` for a missing, empty or unreadable file, a file of another
    type, a NUL character in a CSV file, a blank header row or a column named twice.
    """
    data = _read_bytes(source)
    if not data.strip() or data.strip() in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE):
        raise TabularError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _table(_xlsx_records(data), _texts)
    text = _decode(data)
    if "\x00" in text:  # past the bytes _decode looks at, or in UTF-16
        # No database text can hold it (PostgreSQL refuses it): refused here, for every
        # import alike, rather than failing at the first cell that holds it.
        raise TabularError(
            _(
                "Line %(line)d of the file holds a NUL character: the file is damaged. "
                "Save it again as CSV UTF-8 or XLSX."
            )
            % {"line": text.count("\n", 0, text.index("\x00")) + 1}
        )
    return _table(_csv_records(text), _stripped)


def _read_bytes(source: str | Path | IO[bytes] | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        try:
            return Path(source).read_bytes()
        except OSError as error:
            raise TabularError(
                _("The file %(name)s cannot be opened: %(reason)s")
                % {"name": source, "reason": error.strerror or error}
            ) from None
    data = source.read()
    if isinstance(data, str):
        return data.encode()
    return data


def _decode(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        raise TabularError(_("This is a PDF document, not a table. Save the data as CSV or XLSX."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TabularError(
            _(
                "This is an old Office file (such as .xls or .doc). "
                "Save it as an Excel workbook (.xlsx) or as CSV UTF-8."
            )
        )
    if data.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<"):
        # A spreadsheet program's "export" can be a web page; no table starts so.
        raise TabularError(
            _("This is a web page or an XML file, not a table. Save the data as CSV or XLSX.")
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:8192]:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TabularError(
                _(
                    "The file is not UTF-8 text. In your spreadsheet program choose "
                    "“Save as”, then “CSV UTF-8” (or save as XLSX)."
                )
            ) from None
    raise TabularError(_("This file is not a CSV or XLSX table."))


def _delimiter(text: str) -> str:
    # Column names hold no separators, so the header row tells which one is used; a
    # whole-file sniff is easily fooled by commas inside quoted descriptions.
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their endings, one at a time (``io.StringIO`` would
    hold a second copy of the whole file, four bytes a character)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end == -1 else end + 1
        yield text[start:end]
        start = end


def _csv_records(text: str) -> Iterator[list[str]]:
    reader = csv.reader(_lines(text), delimiter=_delimiter(text))
    number = 0
    try:
        # Counted in records, not lines: a quoted cell may span several lines and a
        # spreadsheet still shows it as one row.
        for number, record in enumerate(reader, start=1):  # noqa: B007
            yield record
    except csv.Error as error:
        raise TabularError(
            _("Row %(row)d cannot be read: %(reason)s") % {"row": number + 1, "reason": error}
        ) from None


def _xlsx_records(data: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise TabularError(_("The file is a damaged ZIP or XLSX file.")) from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            message = _("This is a Word document, not a table. Save the data as CSV or XLSX.")
        elif "content.xml" in names:
            message = _(
                "This is an OpenDocument file. Save it as an Excel workbook (.xlsx) or as CSV."
            )
        else:
            message = _("This file is not a CSV or XLSX table.")
        raise TabularError(message)
    # The library's checks of an office document's zip (bombs, encryption, archives
    # inside, XML entities), with room for a large table: openpyxl would inflate a
    # bomb's sheet whole, a gigabyte of memory for a megabyte sent.
    from commons.library.files import UploadRefused, check_archive

    try:
        check_archive(data, max_uncompressed=max(MIN_UNPACKED, len(data) * MAX_UNPACKED_RATIO))
    except UploadRefused as refused:
        raise TabularError(str(refused)) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise TabularError(
            _("The XLSX workbook cannot be read: %(reason)s") % {"reason": error}
        ) from None
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[tuple[Any, ...]]:
    try:
        if not workbook.worksheets:
            raise TabularError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        # The stored dimensions may be wrong (some programs never update them), and
        # trusting them would silently drop rows.
        sheet.reset_dimensions()
        try:
            yield from sheet.iter_rows(values_only=True)
        except Exception as error:  # the sheet's XML is only parsed as its rows are read
            raise TabularError(
                _("The XLSX workbook cannot be read: %(reason)s") % {"reason": error}
            ) from None
    finally:
        workbook.close()


def _text(value: Any) -> str:
    if type(value) is str:  # every CSV cell: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _texts(values: Iterable[Any]) -> list[str]:
    return [_text(value) for value in values]


def _stripped(values: list[str]) -> list[str]:  # a CSV record: text already
    return list(map(str.strip, values))


def _table(
    records: Iterator[Iterable[Any]], texts: Callable[[Any], list[str]]
) -> tuple[list[str], Rows]:
    try:
        first = next(records)
    except StopIteration:
        raise TabularError(_("The file is empty.")) from None
    cells = texts(first)
    if not any(cells):
        raise TabularError(_("The first row is empty: it must hold the column names."))
    header = [name for name in cells if name]
    for name in header:
        if header.count(name) > 1:
            raise TabularError(
                _("The column %(name)s appears more than once in the first row.")
                % {"name": repr(name)}
            )
    return header, _rows(cells, records, texts)


def _rows(
    cells: list[str], records: Iterator[Iterable[Any]], texts: Callable[[Any], list[str]]
) -> Rows:
    width = len(cells)
    unnamed = not all(cells)
    for number, record in enumerate(records, start=2):
        values = texts(record)
        if not any(values):
            continue
        if len(values) < width:
            values += [""] * (width - len(values))
        row: Row = dict(zip(cells, values, strict=False))
        extra = [value for value in values[width:] if value]
        if unnamed:
            # A value under a column without a name is as suspicious as one past the end.
            row.pop("", None)
            extra += [
                value for name, value in zip(cells, values, strict=False) if not name and value
            ]
        if extra:
            row[None] = extra
        yield number, row


# --- Writing ---------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(item) for item in value)
    return value


def _defused(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's
    advice against CSV injection); plain numbers such as -3 are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def column_labels(model, fieldnames: list[str], **labels: str) -> dict[str, str]:
    """Headers of a table meant for people, in the active language: ``labels`` given,
    else the verbose name of ``model``'s field of that name (capitalised), else the
    name. A table meant for programs or for importing again keeps its names instead."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.text import capfirst

    found = {}
    for name in fieldnames:
        if name in labels:
            found[name] = str(labels[name])
            continue
        try:
            found[name] = str(capfirst(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            found[name] = name
    return found


def _header(fieldnames: list[str], headers: Mapping[str, str] | None) -> list[str]:
    return [str(headers.get(name, name)) if headers else name for name in fieldnames]


def write_csv(
    rows: Iterable[Mapping[str, Any]],
    fieldnames: list[str],
    *,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """Rows as CSV: UTF-8 with a byte-order mark so that Excel reads it as UTF-8.

    The first row names the columns: ``headers[name]`` (a label in the reader's
    language) when given, else the field name. Lists become ``a; b``; text a
    spreadsheet would take for a formula is prefixed with an apostrophe. Keys missing
    from a row give empty cells; extra keys are ignored.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(_header(fieldnames, headers))
    for row in rows:
        writer.writerow([_defused(_cell(row.get(name))) for name in fieldnames])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def write_xlsx(
    rows: Iterable[Mapping[str, Any]],
    fieldnames: list[str],
    *,
    title: str = "",
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """Rows as a one-sheet XLSX workbook (streamed by openpyxl's write-only mode), the
    columns named as by ``write_csv``.

    Text is always stored as text, never as a formula; characters XML cannot hold are
    dropped; lists become ``a; b``; numbers, booleans and dates keep their type; None is
    a blank cell.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])

    def cell(value: Any) -> WriteOnlyCell | None:
        if value is None:
            return None  # a blank cell: half the time and the size of an empty text one
        value = _cell(value)
        if isinstance(value, str):
            value = _ILLEGAL_XML.sub("", value)
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # "=…" would otherwise become a formula
        return written

    sheet.append([cell(name) for name in _header(fieldnames, headers)])
    for row in rows:
        sheet.append([cell(row.get(name)) for name in fieldnames])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
