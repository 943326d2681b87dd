"""Small files, benign and hostile, made by the tests rather than checked in."""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- PDF -------------------------------------------------------------------------------


def _pdf_from_objects(objects: list[bytes], *, root: int = 1, version: bytes = b"1.4") -> bytes:
    """A PDF with a correct cross-reference table: ``objects[i]`` is object i + 1."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def pdf(text: str = "Safe migration checklist", *, catalog_extra: bytes = b"") -> bytes:
    """A one-page PDF that shows ``text`` (Latin-1) in Helvetica."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = b"BT /F1 18 Tf 72 720 Td (" + escaped.encode("latin-1") + b") Tj ET"
    return _pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def pdf_with_javascript_in_an_object_stream() -> bytes:
    """A PDF 1.5 whose catalog, with an OpenAction running JavaScript, is only in a
    compressed object stream: the raw bytes never show ``/JavaScript``."""
    inner = [
        (2, b"<< /Type /Catalog /Pages 3 0 R /OpenAction << /S /JavaScript /JS (x()) >> >>"),
        (3, b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>"),
        (4, b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>"),
    ]
    header, body, position = [], b"", 0
    for number, obj in inner:
        header.append(b"%d %d" % (number, position))
        body += obj + b"\n"
        position = len(body)
    header_bytes = b" ".join(header) + b"\n"
    data = zlib.compress(header_bytes + body)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    objstm_offset = out.tell()
    out.write(
        b"1 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header_bytes), len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    xref_offset = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535), struct.pack(">BIH", 1, objstm_offset, 0)]
    rows += [struct.pack(">BIH", 2, 1, index) for index in range(3)]
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))
    xref_data = zlib.compress(b"".join(rows))
    out.write(
        b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 2 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n" % len(xref_data) + xref_data + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return out.getvalue()


# --- Office documents ------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(
    paragraphs=("A guide for outreach workers",),
    *,
    main: str = DOCX_MAIN,
    extra_types: str = "",
    parts: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal Word document, one paragraph each (each split in two runs, as Word
    does), with ``parts`` added."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{p[: len(p) // 2]}</w:t></w:r>'
        f"<w:r><w:t>{p[len(p) // 2 :]}</w:t></w:r></w:p>"
        for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(main=main, extra=extra_types))
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_with_a_zip_bomb(megabytes: int = 40) -> bytes:
    """A Word document with a part of ``megabytes`` of zeros, which deflate squeezes a
    thousandfold, written in chunks so the test never holds it whole."""
    out = io.BytesIO(docx())
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/image1.png", "w", force_zip64=True) as part,
    ):
        chunk = bytes(1024 * 1024)
        for _ in range(megabytes):
            part.write(chunk)
    return out.getvalue()


def mark_encrypted(content: bytes) -> bytes:
    """The zip with every entry flagged as encrypted (bit 0 of the general purpose
    flags, in the local headers and the central directory)."""
    data = bytearray(content)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + flag_at] |= 0x01
            start = found + 4
    return bytes(data)


_ODF_MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}


def odt(paragraphs=("A guide for outreach workers",), *, kind: str = "odt", parts=None) -> bytes:
    """A minimal OpenDocument file: ``mimetype`` first and stored, as the format wants."""
    body = "".join(
        f"<text:p>{p[: len(p) // 2]}<text:span>{p[len(p) // 2 :]}</text:span></text:p>"
        for p in paragraphs
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        "<office:automatic-styles/>"
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{_ODF_MIMETYPES[kind]}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", _ODF_MIMETYPES[kind], compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def xlsx(rows=(("Country", "Cases"), ("Thailand", 12))) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


# --- Images ----------------------------------------------------------------------------


def image(fmt: str = "PNG", size=(40, 30), **options) -> bytes:
    mode = "RGBA" if fmt in ("PNG", "WEBP") else ("P" if fmt == "GIF" else "RGB")
    picture = Image.new(mode, size, "red" if mode != "P" else 1)
    out = io.BytesIO()
    picture.save(out, format=fmt, **options)
    return out.getvalue()


def gps_exif() -> bytes:
    """EXIF naming a camera, its owner and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"  # Make
    exif[0x013B] = "Field Officer Somchai"  # Artist
    exif[0x8825] = {1: "N", 2: (13.0, 45.0, 7.5), 3: "E", 4: (100.0, 30.0, 2.25)}  # GPS IFD
    return exif.tobytes()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG header announcing ``width`` by ``height`` pixels with almost no data: what
    would take gigabytes of memory to decode."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def pptx(slides=("Know your rights",)) -> bytes:
    """A minimal PowerPoint presentation: one text box a slide."""
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/ppt/presentation.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("ppt/presentation.xml", f'<p:presentation xmlns:p="{p}"/>')
        for number, text in enumerate(slides, start=1):
            archive.writestr(
                f"ppt/slides/slide{number}.xml",
                f'<p:sld xmlns:p="{p}" xmlns:a="{a}"><p:cSld><p:spTree><p:sp><p:txBody>'
                f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree>"
                "</p:cSld></p:sld>",
            )
    return out.getvalue()
