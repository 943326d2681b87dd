"""Hostile files for every upload, made by code (nothing binary is checked in).

Each ``Hostile`` is aimed at the kinds of upload it means something for:

- ``document``: a file kept for others to download (a library file, an attachment);
- ``image``: an image shown to others (a library cover, an organisation's logo);
- ``table``: a CSV or XLSX table that is imported row by row;
- ``workbook``: an XLSForm workbook (.xlsx) that defines a survey.

A file's bytes are made when first asked for (``Hostile.content(base)``): ``base`` is a
valid file of the upload it is sent to (the same table with the right columns, say), so
that the only thing wrong with it is the hostile part.

Decompression bombs are real: the spreadsheet's sheet inflates to a gibibyte, built from
one compressed mebibyte repeated (deflate's full flush makes each copy independent), so
making it costs a fraction of a second and about a megabyte.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PIL import Image

from commons.library.tests import corpus

DOCUMENT, IMAGE, TABLE, WORKBOOK = "document", "image", "table", "workbook"
ALL = frozenset({DOCUMENT, IMAGE, TABLE, WORKBOOK})
FILES = frozenset({DOCUMENT, IMAGE})
SHEETS = frozenset({TABLE, WORKBOOK})

BOMB_UNIT = 1024 * 1024
BOMB_UNITS = 1024  # 1 GiB once inflated
SCRIPT = b"<script>alert(document.domain)</script>"
PHP = b"<?php system($_GET['c']); ?>"


@dataclass(frozen=True)
class Base:
    """A valid file of an upload, which hostile files are made from.

    ``table`` is the header and the rows of a valid table (for ``table`` and
    ``workbook`` uploads); ``text_column`` a column whose cells are free text."""

    name: str
    content: bytes
    table: tuple[tuple[str, ...], ...] = ()
    text_column: str = ""

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Hostile:
    key: str
    family: str  # magic, polyglot, oversized, bomb, svg, html, empty, name, content-type, nul
    fits: frozenset[str]
    make: Callable[[Base], bytes]
    name: str | Callable[[Base], str]
    content_type: str = "application/octet-stream"
    # What a safe outcome is: "refused", or "cleaned" (accepted once the hostile part is
    # gone: an image re-encoded, a name made safe).
    outcome: str = "refused"

    def content(self, base: Base) -> bytes:
        return self.make(base)

    def filename(self, base: Base) -> str:
        return self.name(base) if callable(self.name) else self.name


# --- Building blocks -------------------------------------------------------------------


def png(size=(16, 16)) -> bytes:
    return corpus.image("PNG", size)


def jpeg(*, comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(out, format="JPEG", comment=comment)
    return out.getvalue()


def gif() -> bytes:
    return corpus.image("GIF", (16, 16))


def pdf() -> bytes:
    return corpus.pdf("Safe migration checklist")


def program() -> bytes:
    """The start of a Windows program (an MZ header and its PE signature)."""
    return b"MZ\x90\x00" + bytes(56) + b"PE\x00\x00" + bytes(200)


def ole2() -> bytes:
    """The start of an old Office file (.xls), or an encrypted new one."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def jar() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: Evil\n")
        archive.writestr("Evil.class", b"\xca\xfe\xba\xbe" + bytes(64))
    return out.getvalue()


def csv_of(table) -> bytes:
    return "".join(",".join(row) + "\r\n" for row in table).encode()


def xlsx_of(table) -> bytes:
    return corpus.xlsx(table)


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


@dataclass(frozen=True)
class _Member:
    name: str
    deflated: bytes
    crc: int
    size: int


def _member(name: str, data: bytes) -> _Member:
    return _Member(name, _deflate(data), zlib.crc32(data), len(data))


@cache
def _bomb_sheet() -> _Member:
    """A worksheet whose one cell holds a gibibyte of "A": openpyxl would build that
    string (and pyxform keep it) before any row reached the import."""
    prefix = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    )
    suffix = b"</t></is></c></row></sheetData></worksheet>"
    unit = b"A" * BOMB_UNIT
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(BOMB_UNITS):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(suffix, crc)
    return _Member(
        "xl/worksheets/sheet1.xml",
        head + block * BOMB_UNITS + tail,
        crc,
        len(prefix) + BOMB_UNIT * BOMB_UNITS + len(suffix),
    )


def _zip(members: list[_Member]) -> bytes:
    """A zip archive of deflated members, written by hand: ``zipfile`` cannot take data
    that is compressed already."""
    out = io.BytesIO()
    directory = []
    for member in members:
        offset = out.tell()
        name = member.name.encode()
        sizes = (member.crc, len(member.deflated), member.size)
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, *sizes, len(name), 0))
        out.write(name + member.deflated)
        directory.append(
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                *sizes,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    central = b"".join(directory)
    out.write(central)
    out.write(
        struct.pack(
            "<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), start, 0
        )
    )
    return out.getvalue()


def _with_sheet(base: Base, sheet: _Member) -> bytes:
    """The base workbook with its first sheet replaced."""
    workbook = xlsx_of(base.table) if base.extension != "xlsx" else base.content
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        members = [
            _member(info.filename, archive.read(info))
            for info in archive.infolist()
            if info.filename != sheet.name
        ]
    return _zip([*members, sheet])


def zip_bomb_xlsx(base: Base) -> bytes:
    return _with_sheet(base, _bomb_sheet())


LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [\n<!ENTITY lol "lol">\n'
    + b"".join(
        b'<!ENTITY lol%d "%s">\n' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>\n"
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)

XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def entity_xlsx(xml: bytes) -> Callable[[Base], bytes]:
    return lambda base: _with_sheet(base, _member("xl/worksheets/sheet1.xml", xml))


def png_header(width: int, height: int) -> bytes:
    return corpus.png_bomb(width, height)


def svg(body: bytes, *, attributes: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"'
        + attributes
        + b">"
        + body
        + b"</svg>"
    )


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><h1>Invoice</h1>" + SCRIPT + b"</body></html>"


def html_with_pdf_header() -> bytes:
    """A web page that says %PDF- early on, as polyglots do to fool a naive check."""
    return b"<html><!-- %PDF-1.4 -->" + SCRIPT + b"</html>\n%%EOF\n"


def pdf_with_html() -> bytes:
    """A valid PDF that is also a web page: a browser reading it as HTML runs the
    script in the comment after the header."""
    document = pdf()
    header_end = document.index(b"\n") + 1
    return (
        document[:header_end]
        + b"%<html><body>"
        + SCRIPT
        + b"</body></html>\n"
        + (document[header_end:])
    )


def csv_with_nul_early(base: Base) -> bytes:
    return b"\x00" + csv_of(base.table)


def csv_with_nul_late(base: Base) -> bytes:
    """A NUL past the first 8 KiB (which is all a quick look reads), in a free-text cell
    that would be stored: PostgreSQL refuses NUL in text."""
    header, *rows = base.table
    column = header.index(base.text_column)
    padding = list(rows[0])
    padding[column] = "x" * 9000
    poisoned = list(rows[0])
    poisoned[column] = "before\x00after"
    return csv_of([header, padding, poisoned])


# --- The corpus ------------------------------------------------------------------------


def _same(base: Base) -> bytes:
    return base.content


def _named(stem: str) -> Callable[[Base], str]:
    return lambda base: f"{stem}.{base.extension}"


HOSTILE: tuple[Hostile, ...] = (
    # Wrong magic bytes: the name says one thing, the content another.
    Hostile("png-named-pdf", "magic", FILES, lambda b: png(), "report.pdf", "application/pdf"),
    Hostile(
        "text-named-png", "magic", FILES, lambda b: b"just some text\n", "logo.png", "image/png"
    ),
    Hostile("jpeg-named-png", "magic", FILES, lambda b: jpeg(), "logo.png", "image/png"),
    Hostile("program-named-pdf", "magic", FILES | SHEETS, lambda b: program(), _named("report")),
    Hostile("pdf-named-table", "magic", SHEETS, lambda b: pdf(), _named("data")),
    Hostile("png-named-table", "magic", SHEETS, lambda b: png(), _named("data")),
    Hostile(
        "plain-zip-named-xlsx",
        "magic",
        SHEETS | {DOCUMENT},
        lambda b: corpus.plain_zip(),
        "data.xlsx",
    ),
    Hostile("docx-named-xlsx", "magic", SHEETS | {DOCUMENT}, lambda b: corpus.docx(), "data.xlsx"),
    Hostile("old-office-named-xlsx", "magic", SHEETS | {DOCUMENT}, lambda b: ole2(), "data.xlsx"),
    Hostile(
        "csv-named-xlsx",
        "magic",
        {WORKBOOK},
        lambda b: csv_of(b.table) or b"a,b\n1,2\n",
        "form.xlsx",
    ),
    # Polyglots: one file, two readings.
    Hostile(
        "gifar",
        "polyglot",
        FILES,
        lambda b: gif() + jar(),
        "avatar.gif",
        "image/gif",
        outcome="cleaned",
    ),
    Hostile(
        "jpeg-with-php",
        "polyglot",
        FILES,
        lambda b: jpeg() + PHP,
        "photo.jpg",
        "image/jpeg",
        outcome="cleaned",
    ),
    Hostile(
        "jpeg-with-html-comment",
        "polyglot",
        FILES,
        lambda b: jpeg(comment=SCRIPT),
        "photo.jpg",
        "image/jpeg",
        outcome="cleaned",
    ),
    Hostile(
        "pdf-and-html",
        "polyglot",
        {DOCUMENT},
        lambda b: pdf_with_html(),
        "report.pdf",
        "application/pdf",
    ),
    Hostile(
        "html-then-pdf",
        "polyglot",
        FILES | SHEETS,
        lambda b: html_with_pdf_header(),
        "report.pdf",
        "application/pdf",
    ),
    # Decompression bombs.
    Hostile(
        "png-bomb", "bomb", FILES, lambda b: png_header(100_000, 100_000), "map.png", "image/png"
    ),
    Hostile(
        "png-too-many-pixels",
        "bomb",
        FILES,
        lambda b: png_header(10_000, 10_000),
        "map.png",
        "image/png",
    ),
    Hostile("xlsx-zip-bomb", "bomb", SHEETS | {DOCUMENT}, zip_bomb_xlsx, _named("data")),
    Hostile("xlsx-billion-laughs", "bomb", SHEETS | {DOCUMENT}, entity_xlsx(LAUGHS), "data.xlsx"),
    Hostile("xlsx-external-entity", "bomb", SHEETS | {DOCUMENT}, entity_xlsx(XXE), "data.xlsx"),
    # SVG carries scripts.
    Hostile("svg-script", "svg", FILES, lambda b: svg(SCRIPT), "logo.svg", "image/svg+xml"),
    Hostile(
        "svg-onload-named-png",
        "svg",
        FILES,
        lambda b: svg(b"", attributes=b' onload="alert(1)"'),
        "logo.png",
        "image/png",
    ),
    Hostile(
        "svg-foreign-object",
        "svg",
        FILES,
        lambda b: svg(
            b"<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'>"
            + SCRIPT
            + b"</body></foreignObject>"
        ),
        "logo.svg",
        "image/svg+xml",
    ),
    # Web pages in disguise.
    Hostile(
        "html-named-pdf", "html", FILES, lambda b: html_page(), "report.pdf", "application/pdf"
    ),
    Hostile(
        "html-named-table", "html", SHEETS, lambda b: html_page(), _named("export"), "text/csv"
    ),
    # Empty.
    Hostile("empty", "empty", ALL, lambda b: b"", _named("empty")),
    # Names: the content is the upload's valid file; the name is the attack.
    Hostile(
        "name-traversal",
        "name",
        ALL,
        _same,
        _named("../../../../etc/cron.d/evil"),
        outcome="cleaned",
    ),
    Hostile(
        "name-backslash-traversal",
        "name",
        ALL,
        _same,
        _named("..\\..\\windows\\evil"),
        outcome="cleaned",
    ),
    Hostile("name-nul", "name", ALL, _same, _named("evil.exe\x00"), outcome="cleaned"),
    Hostile("name-long", "name", ALL, _same, _named("a" * 300), outcome="cleaned"),
    Hostile("name-rtl-override", "name", ALL, _same, _named("invoice\u202egpj"), outcome="cleaned"),
    Hostile(
        "name-script", "name", ALL, _same, _named("<img src=x onerror=alert(1)>"), outcome="cleaned"
    ),
    # The Content-Type header lies (it is the browser's word, and never trusted).
    Hostile(
        "program-typed-as-png",
        "content-type",
        ALL,
        lambda b: program(),
        _named("upload"),
        "image/png",
    ),
    # NUL bytes in a table.
    Hostile("csv-nul-early", "nul", {TABLE}, csv_with_nul_early, "data.csv", "text/csv"),
    Hostile("csv-nul-late", "nul", {TABLE}, csv_with_nul_late, "data.csv", "text/csv"),
)

BY_KEY = {hostile.key: hostile for hostile in HOSTILE}
assert len(BY_KEY) == len(HOSTILE), "every hostile file has its own key"
