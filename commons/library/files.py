"""Uploaded files: checked by their content, stored through Django's storage API, their
text read for search.

``check_upload`` decides what a file is from its bytes (magic numbers and structure),
never from its name, and refuses what could harm the people who download it: programs,
web pages, SVG, macros, scripted PDFs, zip bombs, images too large to decode. Images
are re-encoded, which drops their metadata (camera, GPS position, comments).
``extract_text`` reads a document's text with limits on how much it reads.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import xml.sax
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from defusedxml import ElementTree as SafeElementTree
from defusedxml.expatreader import create_parser
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --- Limits (sizes of uploads are settings: LIBRARY_MAX_FILE_MB, LIBRARY_MAX_IMAGE_MB) --
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_UNCOMPRESSED = 500 * 1024 * 1024  # what all the parts of an office file add up to
MAX_ZIP_RATIO = 200  # a part this much larger than its compressed size is a bomb
RATIO_FROM = 1024 * 1024  # below this size a part's ratio does not matter
MAX_IMAGE_PIXELS = 40_000_000  # a frame (8,000 by 5,000)
MAX_ANIMATION_PIXELS = 100_000_000  # all the frames of an animated image
MAX_XML_READ = 8 * 1024 * 1024  # XML read from one document to extract its text
MAX_TEXT = 1_000_000  # characters of text kept for search
MAX_PDF_PAGES = 2_000
MAX_NAME = 120  # characters of the cleaned file name
MAX_XML_PROLOG = 8 * 1024  # read from each XML part of a zip to find a DTD

DOCUMENTS = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp")
IMAGES = ("png", "jpeg", "gif", "webp")

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}

# The extensions a name may have for each kind; the first is the one given to a name
# without any.
EXTENSIONS = {kind: (kind,) for kind in CONTENT_TYPES} | {"jpeg": ("jpg", "jpeg", "jpe", "jfif")}

# For an <input accept="…">: a hint to the browser, not a check.
ACCEPT_DOCUMENTS = ",".join(f".{ext}" for kind in CONTENT_TYPES for ext in EXTENSIONS[kind])
ACCEPT_IMAGES = ",".join(f".{ext}" for kind in IMAGES for ext in EXTENSIONS[kind])

# What a content is, in words, for the messages.
DESCRIPTIONS = {
    "pdf": gettext_lazy("a PDF"),
    "docx": gettext_lazy("a Word document (.docx)"),
    "xlsx": gettext_lazy("an Excel spreadsheet (.xlsx)"),
    "pptx": gettext_lazy("a PowerPoint presentation (.pptx)"),
    "odt": gettext_lazy("an OpenDocument text (.odt)"),
    "ods": gettext_lazy("an OpenDocument spreadsheet (.ods)"),
    "odp": gettext_lazy("an OpenDocument presentation (.odp)"),
    "png": gettext_lazy("a PNG image"),
    "jpeg": gettext_lazy("a JPEG image"),
    "gif": gettext_lazy("a GIF image"),
    "webp": gettext_lazy("a WebP image"),
    "html": gettext_lazy("a web page (HTML)"),
    "svg": gettext_lazy("an SVG image"),
    "xml": gettext_lazy("an XML file"),
    "zip": gettext_lazy("a ZIP archive"),
    "archive": gettext_lazy("a compressed archive"),
    "ole2": gettext_lazy("an older Office file (.doc, .xls, .ppt) or a password-protected one"),
    "program": gettext_lazy("a program"),
    "script": gettext_lazy("a script"),
    "audio": gettext_lazy("an audio file"),
    "video": gettext_lazy("a video"),
    "other-image": gettext_lazy("an image in a format the library does not take"),
    "text": gettext_lazy("a plain text file"),
    "unknown": gettext_lazy("a kind of file the library does not recognise"),
}


class UploadRefused(ValueError):
    """An upload the library does not take; the message says why, for the uploader."""


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the uploader's file name, cleaned, for the download's name
    kind: str  # what the content is: pdf, docx, xlsx, pptx, odt, ods, odp, png, jpeg …
    content: bytes


def max_size(*, images_only: bool = False) -> int:
    """The largest upload accepted, in bytes."""
    megabytes = settings.LIBRARY_MAX_IMAGE_MB if images_only else settings.LIBRARY_MAX_FILE_MB
    return megabytes * 1024 * 1024


def content_type(kind: str) -> str:
    return CONTENT_TYPES.get(kind, "application/octet-stream")


def check_upload(upload, *, images_only: bool = False) -> CheckedFile:
    """The upload when its content is an allowed type within the size limit; raises
    ``UploadRefused`` otherwise.

    1. Read at most the size limit (plus one byte, to know it was over).
    2. Tell the kind from the first bytes; refuse kinds the library never takes.
    3. Check the structure of the kind: a zip's directory against bombs, macros and
       encryption; a PDF's objects against scripts; an image's size before decoding.
    4. The name's extension must agree with the content.
    5. Re-encode images (their metadata stays behind)."""
    limit = max_size(images_only=images_only)
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise UploadRefused(_too_large(declared, limit, image=images_only))
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(_too_large(len(content), limit, image=images_only))
    if not content:
        raise UploadRefused(_("The file is empty."))
    original_name = str(getattr(upload, "name", "") or "")
    extension = _extension(original_name)

    kind = _sniff(content)
    if kind == "zip":
        kind = _office_kind(content)
    if kind not in CONTENT_TYPES:
        raise UploadRefused(_refusal(kind, extension, images_only=images_only))
    if images_only and kind not in IMAGES:
        raise UploadRefused(
            _("A cover must be an image (PNG, JPEG, GIF or WebP); this file is %(kind)s.")
            % {"kind": DESCRIPTIONS[kind]}
        )
    if extension and extension not in EXTENSIONS[kind]:
        raise UploadRefused(
            _(
                "The file's name says .%(extension)s but its content is %(kind)s. Rename it to "
                ".%(right)s if that is what it is, or upload the right file."
            )
            % {"extension": extension, "kind": DESCRIPTIONS[kind], "right": EXTENSIONS[kind][0]}
        )
    if kind in IMAGES:
        image_limit = max_size(images_only=True)
        if len(content) > image_limit:
            raise UploadRefused(_too_large(len(content), image_limit, image=True))
        content = _reencode_image(content, kind)
    elif kind == "pdf":
        _check_pdf(content)
    return CheckedFile(name=clean_name(original_name, kind), kind=kind, content=content)


def _too_large(size: int, limit: int, *, image: bool = False) -> str:
    values = {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    if image:
        return _("This image is %(size)s; images may be at most %(limit)s.") % values
    return _("This file is %(size)s; files may be at most %(limit)s.") % values


def _accepted(images_only: bool) -> str:
    if images_only:
        return _("Accepted images: PNG, JPEG, GIF and WebP.")
    return _(
        "Accepted files: PDF; Word, Excel and PowerPoint (.docx, .xlsx, .pptx); OpenDocument "
        "(.odt, .ods, .odp); images (PNG, JPEG, GIF, WebP)."
    )


def _refusal(kind: str, extension: str, *, images_only: bool) -> str:
    if kind in ("audio", "video"):
        return _(
            "Audio and video files are not uploaded to the library: give a link to where "
            "the recording is published instead."
        )
    if kind == "svg":
        reason = _("SVG images are not accepted because they can carry scripts.")
    elif kind == "ole2":
        reason = _(
            "Older Office files (.doc, .xls, .ppt) and password-protected Office files are "
            "not accepted: save it as .docx, .xlsx or .pptx without a password, or as a PDF."
        )
    else:
        claimed = next((k for k, exts in EXTENSIONS.items() if extension in exts), None)
        if claimed is not None:
            reason = _("The file's name says .%(extension)s but its content is %(kind)s.") % {
                "extension": extension,
                "kind": DESCRIPTIONS[kind],
            }
        else:
            reason = _("The file is %(kind)s, which the library does not accept.") % {
                "kind": DESCRIPTIONS[kind]
            }
    return f"{reason} {_accepted(images_only)}"


# --- Telling what a file is ------------------------------------------------------------

_PROGRAMS = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"\xca\xfe\xba\xbe")
_MARKUP_HTML = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")


def _sniff(content: bytes) -> str:
    """The kind of content from its first bytes; ``zip`` for any zip archive."""
    head = content[:4096]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF":
        return {b"WEBP": "webp", b"WAVE": "audio", b"AVI ": "video"}.get(head[8:12], "unknown")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"):
            return "other-image"
        return "audio" if brand in (b"M4A ", b"M4B ", b"M4P ") else "video"
    if head.startswith((b"OggS", b"fLaC", b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")):
        return "audio"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        # Markup first: an HTML page with "%PDF-" further down is still a web page.
        if b"<svg" in text:
            return "svg"
        if any(marker in text for marker in _MARKUP_HTML):
            return "html"
        return "xml"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(
        (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"\xca\xfe\xba\xbe")
    ):
        return "program"
    if head.startswith(b"#!"):
        return "script"
    if head.startswith((b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00", b"8BPS")):
        return "other-image"
    if head.startswith((b"7z\xbc\xaf\x27\x1c", b"Rar!", b"\x1f\x8b", b"BZh", b"\xfd7zXZ")):
        return "archive"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    return "text" if b"\x00" not in head else "unknown"


# --- Office documents (zip) ------------------------------------------------------------

ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
_OOXML = "application/vnd.openxmlformats-officedocument."
OOXML_MAIN = {
    _OOXML + "wordprocessingml.document.main+xml": "docx",
    _OOXML + "spreadsheetml.sheet.main+xml": "xlsx",
    _OOXML + "presentationml.presentation.main+xml": "pptx",
}
_ARCHIVE_SUFFIXES = (".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".cab", ".jar")
_EMBEDDED_OFFICE = (".docx", ".xlsx", ".pptx")


def _office_kind(content: bytes) -> str:
    """docx, xlsx, pptx, odt, ods or odp for an office document; ``UploadRefused`` for
    any other zip, a damaged one, a bomb, an encrypted one or one with macros."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(_("The file looks like an office document but is damaged.")) from None
    with archive:
        _check_zip(archive, nested=False)
        infos = archive.infolist()
        names = {info.filename.lower(): info for info in infos}
        if infos[0].filename == "mimetype":
            return _odf_kind(archive, infos[0], names)
        if "[content_types].xml" in names:
            return _ooxml_kind(archive, names)
    raise UploadRefused(f"{_('The file is a ZIP archive.')} {_accepted(False)}")


def check_archive(content: bytes, *, max_uncompressed: int | None = None) -> None:
    """Raise ``UploadRefused`` for a zip (an office document, a workbook) that is damaged,
    a zip bomb, encrypted, holds another archive or declares XML entities: the checks of
    an upload's zip, for the imports of workbooks, which may unpack to more than a
    library file (``max_uncompressed``, ``MAX_ZIP_UNCOMPRESSED`` by default). Nothing is
    inflated beyond the first bytes of each part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(_("The file looks like an office document but is damaged.")) from None
    with archive:
        _check_zip(archive, nested=False, max_uncompressed=max_uncompressed)


def _check_zip(
    archive: zipfile.ZipFile, *, nested: bool, max_uncompressed: int | None = None
) -> None:
    """Refuse a zip bomb, an encrypted zip or a zip inside it, from its directory alone
    (declared sizes: reading a part never goes past them), and an XML part that declares
    entities (no office format needs a DTD; entities are how "billion laughs" and
    external-entity attacks work)."""
    infos = archive.infolist()
    if not infos:
        raise UploadRefused(_("The file looks like an office document but is empty."))
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadRefused(
            _("This document has more than %(limit)s parts; it cannot be checked.")
            % {"limit": number_format(MAX_ZIP_ENTRIES, force_grouping=True)}
        )
    total, max_uncompressed = 0, max_uncompressed or MAX_ZIP_UNCOMPRESSED
    for info in infos:
        if info.flag_bits & 0x1:
            raise UploadRefused(
                _("This document is encrypted or password-protected: remove the password first.")
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > max_uncompressed or (info.file_size > RATIO_FROM and ratio > MAX_ZIP_RATIO):
            raise UploadRefused(
                _(
                    "This document unpacks to far more than its size (a “zip bomb”), so it is "
                    "not accepted."
                )
            )
        name = info.filename.lower()
        if name.endswith(_ARCHIVE_SUFFIXES):
            raise _nested_archive()
        head = b"" if info.is_dir() else _read(archive, info, MAX_XML_PROLOG)
        # UTF-16 XML is ASCII with NULs between.
        if name.endswith((".xml", ".rels")) and b"<!DOCTYPE" in head.replace(b"\x00", b""):
            raise UploadRefused(
                _(
                    "This document declares XML entities, which can hide an attack on the "
                    "computer that opens it, so it is not accepted. Save it again from your "
                    "office program and upload that."
                )
            )
        if head[:4] == b"PK\x03\x04":
            # Charts in Word and PowerPoint keep their data as an embedded .xlsx: allowed,
            # one level deep, under the same checks; any other zip inside is refused.
            if nested or not ("/embeddings/" in name and name.endswith(_EMBEDDED_OFFICE)):
                raise _nested_archive()
            inner_bytes = _read(archive, info, info.file_size)
            try:
                inner = zipfile.ZipFile(io.BytesIO(inner_bytes))
            except zipfile.BadZipFile:
                raise _nested_archive() from None
            with inner:
                _check_zip(inner, nested=True)
                _check_ooxml_parts(inner)


def _nested_archive() -> UploadRefused:
    return UploadRefused(_("This document has an archive inside it, which is not accepted."))


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    try:
        with archive.open(info) as part:
            return part.read(limit)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError):
        raise UploadRefused(_("The file looks like an office document but is damaged.")) from None


def _odf_kind(archive, mimetype_info, names) -> str:
    mimetype = _read(archive, mimetype_info, 200).decode("ascii", "replace").strip()
    kind = ODF_TYPES.get(mimetype)
    if kind is None:
        raise UploadRefused(
            f"{_('This kind of OpenDocument file is not accepted.')} {_accepted(False)}"
        )
    if "content.xml" not in names:
        raise UploadRefused(_("The file looks like an office document but is damaged."))
    manifest = names.get("meta-inf/manifest.xml")
    if manifest is not None and b"encryption-data" in _read(archive, manifest, 1024 * 1024):
        raise UploadRefused(
            _("This document is encrypted or password-protected: remove the password first.")
        )
    if any(name.startswith(("basic/", "scripts/")) for name in names):
        raise UploadRefused(_macros())
    return kind


def _macros() -> str:
    return _(
        "This document contains macros, which can run programs on the reader's computer: "
        "save it without macros (as .docx, .xlsx, .pptx or OpenDocument) and upload that."
    )


def _ooxml_kind(archive, names) -> str:
    overrides = _check_ooxml_parts(archive)
    for part, declared in overrides.items():
        kind = OOXML_MAIN.get(declared)
        if kind is not None:
            if part.lstrip("/").lower() not in names:
                raise UploadRefused(_("The file looks like an office document but is damaged."))
            return kind
    raise UploadRefused(f"{_('This kind of Office file is not accepted.')} {_accepted(False)}")


def _check_ooxml_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """The part → content type overrides of an OOXML package; ``UploadRefused`` when it
    has macros or ActiveX controls."""
    info = next(
        (i for i in archive.infolist() if i.filename.lower() == "[content_types].xml"), None
    )
    if info is None:
        return {}
    try:
        root = SafeElementTree.fromstring(_read(archive, info, 1024 * 1024))
    except Exception:  # defusedxml refuses entities; any parse error means damaged
        raise UploadRefused(_("The file looks like an office document but is damaged.")) from None
    overrides = {
        el.get("PartName", ""): el.get("ContentType", "")
        for el in root
        if el.tag.rsplit("}", 1)[-1] == "Override"
    }
    declared = " ".join(el.get("ContentType", "") for el in root).lower()
    names = [i.filename.lower() for i in archive.infolist()]
    if (
        "macroenabled" in declared
        or "vbaproject" in declared
        or any(PurePosixPath(n).name.startswith("vbaproject") for n in names)
    ):
        raise UploadRefused(_macros())
    if any("/activex/" in f"/{n}" for n in names):
        raise UploadRefused(
            _("This document contains ActiveX controls, which can run programs: remove them.")
        )
    return overrides


# --- PDF -------------------------------------------------------------------------------

_DANGEROUS_PDF = {
    "JavaScript": gettext_lazy("JavaScript"),
    "JS": gettext_lazy("JavaScript"),
    "Launch": gettext_lazy("an action that starts programs"),
    "EmbeddedFile": gettext_lazy("embedded files"),
    "EmbeddedFiles": gettext_lazy("embedded files"),
    "RichMedia": gettext_lazy("embedded media"),
}
_PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")
# No PDF syntax starts so ("<" opens a hex string or a dictionary): a web page hidden in
# a comment, after the end, or in a string, which a browser would run as HTML.
_PDF_MARKUP = re.compile(rb"<(?:script|html|iframe|!doctype html|\?php)\b", re.IGNORECASE)


def _check_pdf(content: bytes) -> None:
    """Refuse what is not a PDF's structure, a PDF locked with a password, and a PDF that
    runs JavaScript, launches programs, carries files or hides a web page.

    The names are looked for twice: in the raw bytes outside stream data (hex-escaped
    names such as ``/J#61vaScript`` decoded), and in every object as pypdf reads them,
    which covers dictionaries hidden in compressed object streams."""
    if b"%%EOF" not in content:
        raise UploadRefused(_("The file starts like a PDF but is incomplete or damaged."))
    outside = _outside_streams(content)
    if _PDF_MARKUP.search(outside):
        raise UploadRefused(
            _(
                "This PDF also holds a web page (HTML), which a browser could run, so it is not "
                "accepted. Print it to a new PDF (“Save as PDF”) and upload that."
            )
        )
    found = {_pdf_name(m) for m in _PDF_NAME.findall(outside)}
    found |= _pdf_object_names(content)
    dangers = sorted({str(_DANGEROUS_PDF[name]) for name in found if name in _DANGEROUS_PDF})
    if dangers:
        raise UploadRefused(
            _(
                "This PDF contains %(what)s, which the library does not accept. Print it to a "
                "new PDF (“Save as PDF”) and upload that."
            )
            % {"what": ", ".join(dangers)}
        )


def _outside_streams(content: bytes) -> bytes:
    """The PDF without the data of its streams (random bytes there could spell a name).
    One pass: a regular expression would go back over the rest of the file for every
    "stream" without an "endstream"."""
    pieces, position = [], 0
    while (start := content.find(b"stream", position)) != -1:
        if content[start - 3 : start] == b"end":
            position = start + 6
            continue
        end = content.find(b"endstream", start + 6)
        if end == -1:
            break
        pieces.append(content[position:start])
        position = end + 9
    pieces.append(content[position:])
    return b" ".join(pieces)


def _pdf_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw).decode("latin-1")


def _pdf_object_names(content: bytes) -> set[str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UploadRefused(
                _("This PDF is protected with a password: upload it without the password.")
            )
        references = [
            (number, generation)
            for generation, numbers in reader.xref.items()
            for number in numbers
        ] + [(number, 0) for number in reader.xref_objStm]
        names: set[str] = set()
        for number, generation in references:
            stack = [reader.get_object(IndirectObject(number, generation, reader))]
            while stack:
                obj = stack.pop()
                if isinstance(obj, DictionaryObject):
                    names.update(str(key)[1:] for key in obj)
                    stack.extend(v for v in obj.values() if not isinstance(v, IndirectObject))
                elif isinstance(obj, ArrayObject):
                    stack.extend(v for v in obj if not isinstance(v, IndirectObject))
                elif isinstance(obj, NameObject):
                    names.add(str(obj)[1:])
        return names
    except UploadRefused:
        raise
    except DependencyError:  # encrypted with a cipher no installed library reads
        raise UploadRefused(
            _("This PDF is protected with a password: upload it without the password.")
        ) from None
    except Exception:  # what cannot be read cannot be checked
        raise UploadRefused(
            _("The file starts like a PDF but could not be read; it may be damaged.")
        ) from None


# --- Images ----------------------------------------------------------------------------

_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}


def _reencode_image(content: bytes, kind: str) -> bytes:
    """The image decoded and encoded again in its own format; nothing of the original
    file but its pixels (and colour profile) is kept, so EXIF, GPS, XMP and comments go."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    fmt = _PILLOW_FORMATS[kind]
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 million pixels; the limit below is lower and says more.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=[fmt])
        with image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadRefused(_too_many_pixels(width, height))
            frames = getattr(image, "n_frames", 1)
            if frames * width * height > MAX_ANIMATION_PIXELS:
                raise UploadRefused(_too_many_pixels(width, height, frames))
            icc = image.info.get("icc_profile")
            out = io.BytesIO()
            if frames > 1:
                _save_animation(image, out, fmt, frames)
            else:
                image.load()
                clean = ImageOps.exif_transpose(image) if kind in ("jpeg", "webp") else image
                clean = clean.copy()
                kept = {k: image.info[k] for k in ("transparency",) if k in image.info}
                clean.info = {}
                options = dict(kept)
                if icc:
                    options["icc_profile"] = icc
                if kind == "jpeg":
                    options.update(quality=90, optimize=True)
                    if clean.mode not in ("RGB", "L", "CMYK"):
                        clean = clean.convert("RGB")
                elif kind == "webp":
                    options.update(quality=90)
                clean.save(out, format=fmt, **options)
            return out.getvalue()
    except UploadRefused:
        raise
    except Image.DecompressionBombError:
        raise UploadRefused(
            _("This image is too large to open safely (a “decompression bomb”).")
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise UploadRefused(
            _("The file starts like %(kind)s but could not be read; it may be damaged.")
            % {"kind": DESCRIPTIONS[kind]}
        ) from None


def _save_animation(image, out, fmt: str, frames: int) -> None:
    from PIL import ImageSequence

    copies, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info.get("duration", 100))
        copy = frame.copy()
        copy.info = {}
        copies.append(copy)
    options = {"duration": durations, "loop": image.info.get("loop", 0)}
    if fmt == "WEBP":
        options["quality"] = 90
    copies[0].save(out, format=fmt, save_all=True, append_images=copies[1:], **options)


def _too_many_pixels(width: int, height: int, frames: int = 1) -> str:
    if frames > 1:
        return _(
            "This animation has %(frames)s frames of %(width)s by %(height)s pixels, more than "
            "the library can open safely."
        ) % {"frames": frames, "width": width, "height": height}
    return _(
        "This image is %(width)s by %(height)s pixels; images may have at most %(limit)s "
        "million pixels."
    ) % {"width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 1_000_000}


# --- Names -----------------------------------------------------------------------------

# Bidirectional controls can make "txt.exe" display as "exe.txt".
_BIDI = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


def _extension(name: str) -> str:
    """The name's extension in lower case, or '' when it has none (a suffix such as
    ".2" in "Report v1.2" is not an extension)."""
    base = re.split(r"[/\\]", name)[-1]
    suffix = PurePosixPath(base).suffix.lower()[1:]
    if 1 <= len(suffix) <= 5 and suffix.isascii() and suffix.isalnum() and not suffix.isdigit():
        return suffix
    return ""


def clean_name(name: str, kind: str) -> str:
    """The uploader's file name made safe to offer as a download: its last path part,
    without control characters, at most ``MAX_NAME`` characters, ending with the
    extension of ``kind``."""
    base = unicodedata.normalize("NFC", re.split(r"[/\\]", name)[-1]).translate(_BIDI)
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cs", "Co", "Cn"))
    base = re.sub(r"\s+", " ", _UNSAFE.sub("_", base)).strip(" .")
    extension = _extension(base)
    stem = base[: -len(extension) - 1] if extension else base
    if extension not in EXTENSIONS[kind]:
        extension = EXTENSIONS[kind][0]
    stem = stem.strip(" .")[: MAX_NAME - len(extension) - 1].rstrip(" .") or "file"
    return f"{stem}.{extension}"


# --- Text for search -------------------------------------------------------------------


def extract_text(kind: str, content: bytes) -> str:
    """The text of a document, for search; '' when it has none (images) or cannot be
    read. At most ``MAX_TEXT`` characters; no more than ``MAX_XML_READ`` bytes of XML are
    read from an office document."""
    if kind == "pdf":
        text = _pdf_text(content)
    elif kind in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
        text = _office_text(kind, content)
    else:
        return ""
    text = text.replace("\x00", "")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n[\s]*", "\n", text).strip()
    return text[:MAX_TEXT]


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    parts: list[str] = []
    size = 0
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return ""
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES or size >= MAX_TEXT:
                break
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
    except Exception:  # pypdf's errors on damaged files are many; the text is a bonus
        return "\n".join(parts)
    return "\n".join(parts)


def _office_parts(kind: str, names: list[str]) -> list[str]:
    if kind == "docx":
        wanted = ["word/document.xml", "word/footnotes.xml", "word/endnotes.xml"]
        return [n for n in wanted if n in names]
    if kind == "pptx":
        pattern = re.compile(r"ppt/slides/slide(\d+)\.xml")
    elif kind == "xlsx":
        pattern = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
    else:
        return ["content.xml"] if "content.xml" in names else []
    numbered = sorted((int(m[1]), n) for n in names if (m := pattern.fullmatch(n)))
    parts = [name for _number, name in numbered]
    if kind == "xlsx" and "xl/sharedStrings.xml" in names:
        parts.insert(0, "xl/sharedStrings.xml")
    return parts


class _TextHandler(xml.sax.ContentHandler):
    """Collects the text of an office XML part in document order.

    OOXML keeps text in ``t`` elements (w:t, a:t, the spreadsheet's t); OpenDocument in
    the mixed content of its body. Paragraphs end with a line break."""

    PARAGRAPHS = {"p", "h", "si", "list-item", "table-cell", "tc", "c"}
    SPACES = {"tab", "s", "br", "line-break"}

    def __init__(self, *, odf: bool):
        super().__init__()
        self.odf = odf
        self.depth_in_text = 0
        self.parts: list[str] = []
        self.size = 0

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if local in self.SPACES:
            self.parts.append(" ")
        if (self.odf and local == "body") or (not self.odf and local == "t"):
            self.depth_in_text += 1

    def endElementNS(self, name, qname):
        local = name[1]
        if (self.odf and local == "body") or (not self.odf and local == "t"):
            self.depth_in_text -= 1
        if local in self.PARAGRAPHS:
            self.parts.append("\n")

    def characters(self, content):
        if self.depth_in_text > 0 and self.size < MAX_TEXT:
            self.parts.append(content)
            self.size += len(content)


def _office_text(kind: str, content: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    handler = _TextHandler(odf=kind in ("odt", "ods", "odp"))
    budget = MAX_XML_READ
    with archive:
        for part in _office_parts(kind, archive.namelist()):
            if budget <= 0 or handler.size >= MAX_TEXT:
                break
            parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
            parser.setFeature(xml.sax.handler.feature_namespaces, True)
            parser.setContentHandler(handler)
            try:
                with archive.open(part) as stream:
                    while budget > 0:
                        chunk = stream.read(min(64 * 1024, budget))
                        if not chunk:
                            break
                        budget -= len(chunk)
                        parser.feed(chunk)
            except Exception:  # noqa: S112 -- a damaged or hostile part: keep what was read
                continue
            handler.parts.append("\n")
    return "".join(handler.parts)
