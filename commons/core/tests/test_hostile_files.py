"""Every upload of the product, sent every hostile file that means something for it
(``hostile_files.HOSTILE``), through its real page as someone allowed to upload.

Each must be refused with a message that says what is wrong (or, for an image carrying
a payload and for a hostile name, accepted only once re-encoded or renamed), never a
server error; nothing refused is kept, in the database, MEDIA_ROOT or VAR_DIR/uploads;
and a decompression bomb is refused before it is inflated (the test stays quick and
Python's memory stays small, measured with tracemalloc).

The uploads (``grep -rn "FileField\\|ImageField\\|request.FILES" commons``):

| upload                    | page or command                       | who uploads                  | field    | takes                          | checked by                                        |
|---------------------------|---------------------------------------|------------------------------|----------|--------------------------------|---------------------------------------------------|
| library file              | library:submit, :add_version, :edit   | a member of an organisation  | file     | PDF, office documents, images  | library.files.check_upload                        |
| library cover             | library:submit, :add_version, :edit   | a member of an organisation  | cover    | PNG, JPEG, GIF, WebP           | check_upload(images_only=True)                    |
| discussion attachments    | discussions:new_thread, :reply, :edit | a member who may write       | files    | as a library file (up to 3)    | check_upload                                      |
| organisation logo         | directory:edit                        | the organisation's admin     | logo     | PNG, JPEG, WebP, GIF (2 MB)    | forms.ImageField, then check_upload(images_only)  |
| journey records           | journeys:contribute                   | member of a verified org     | file     | CSV/XLSX, native or CTDC       | lib.tabular.read_table                            |
| forum outcomes            | events:outcomes_import                | the event's organisers       | file     | .csv/.xlsx                     | the name, then read_table                         |
| survey definition         | surveys:new                           | an organisation's admin      | workbook | .xlsx (XLSForm)                | the name, then surveys.xlsform.read_form          |
| survey responses          | surveys:import                        | the survey's managers        | file     | .csv/.xlsx (Kobo, ODK)         | the name, then read_table                         |
| organisations             | ``commons directory import FILE``     | staff, on the server         | (path)   | CSV/XLSX                       | read_table                                        |
| journeys, survey answers  | ``commons journeys import``, ``commons surveys import`` | the operator | (path) | CSV/XLSX                 | read_table, as on their pages (not repeated here) |

The library's add-version and edit pages, and a discussion's reply and edit, use the
same form fields (``VersionForm``, ``MessageForm``) as the pages tested here.
"""  # noqa: E501

from __future__ import annotations

import io
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from commons.conftest import client_for
from commons.core.tests import hostile_files as h

pytestmark = pytest.mark.django_db


# --- The uploads -----------------------------------------------------------------------


@dataclass
class Sent:
    """What a post left: its status, the page, and how many objects there are now."""

    status: int
    page: str
    made: int


@dataclass(frozen=True)
class Upload:
    key: str
    kind: str  # h.DOCUMENT, h.IMAGE, h.TABLE or h.WORKBOOK
    # prepare(request) -> context; url(context); fields(context); made(context) -> count
    prepare: Callable
    url: Callable
    fields: Callable
    field: str
    base: Callable[[], h.Base]
    made: Callable
    names_checked: tuple[str, ...] = ()  # the extensions a page wants before reading


def _models(*labels):
    return [apps.get_model(label) for label in labels]


def _count(*labels) -> Callable:
    return lambda context: sum(model.objects.count() for model in _models(*labels))


# Bases: a valid file of each upload.

JOURNEY_TABLE = (
    ("year", "exploitation_country", "recruitment_country", "exploitation_place"),
    ("2023", "TH", "MM", "Mae Sot"),
)
OUTCOME_TABLE = (
    ("region", "audience", "text"),
    ("asia-pacific", "legal-field", "Train judges on forced labour indicators."),
)
KOBO_TABLE = (
    ("profile/trained", "profile/staff", "comments", "_uuid"),
    ("yes", "12", "We need more interpreters.", "u1"),
)
ORGANISATION_TABLE = (
    ("name", "country", "summary"),
    ("Hostile Files Test Shelter", "TH", "A shelter."),
)


def _pdf_base() -> h.Base:
    return h.Base("report.pdf", h.pdf())


def _png_base() -> h.Base:
    return h.Base("logo.png", h.png())


def _csv_base(table, text_column) -> Callable[[], h.Base]:
    return lambda: h.Base("data.csv", h.csv_of(table), table, text_column)


def _workbook_base() -> h.Base:
    from commons.surveys.tests.forms import cso_form

    return h.Base("form.xlsx", cso_form(), (("type", "name", "label"), ("text", "q", "Q?")))


def _library(request):
    return {"user": request.getfixturevalue("bob"), "org": request.getfixturevalue("lantern")}


def _submission(**changes) -> dict:
    return {
        "title": "Recruitment fees in fishing",
        "summary": "How brokers charge fishers.",
        "language": "en",
        "type": "report",
        "topics": ["forced_labour"],
        "countries": "TH",
        "regions": ["asia-pacific"],
        "publisher": "lantern",
        "authors": "Lantern Outreach",
        "published_on": "2023",
        "licence": "CC BY 4.0",
        **changes,
    }


def _discussions(request):
    import importlib

    from commons.discussions.tests.conftest import aged

    migration = importlib.import_module("commons.discussions.migrations.0002_default_categories")
    migration.create(apps, None)
    return {"user": aged(request.getfixturevalue("bob"))}


def _directory(request):
    return {"user": request.getfixturevalue("alice")}


def _profile_form() -> dict:
    return {
        "name": "Lantern Outreach",
        "country": "TH",
        "type": "ngo",
        "places-TOTAL_FORMS": "0",
        "places-INITIAL_FORMS": "0",
        "hotlines-TOTAL_FORMS": "0",
        "hotlines-INITIAL_FORMS": "0",
    }


def _logos(context) -> int:
    from commons.directory.models import Profile

    return Profile.objects.exclude(logo="").count()


def _journeys(request):
    return {"user": request.getfixturevalue("vera"), "org": request.getfixturevalue("beacon")}


def _events(request):
    from commons.events.models import Event
    from commons.events.tests.conftest import make_event

    alice = request.getfixturevalue("alice")
    forum = make_event(
        organisers=[request.getfixturevalue("lantern")],
        slug="asia-forum",
        kind=Event.Kind.REGIONAL_FORUM,
        online_url="",
    )
    return {"user": alice, "event": forum}


def _survey_new(request):
    return {"user": request.getfixturevalue("alice"), "org": request.getfixturevalue("lantern")}


def _survey(request):
    from commons.surveys.services import create_survey
    from commons.surveys.tests.forms import cso_form

    lantern = request.getfixturevalue("lantern")
    create_survey(workbook=cso_form(), owner=lantern, slug="cso")
    return {"user": request.getfixturevalue("alice")}


ATTESTATION = "Informed consent of the people, under our data-sharing agreement."

UPLOADS = {
    upload.key: upload
    for upload in (
        Upload(
            "library-file",
            h.DOCUMENT,
            _library,
            url=lambda c: reverse("library:submit"),
            fields=lambda c: _submission(submitted_for=c["org"].pk),
            field="file",
            base=_pdf_base,
            made=_count("library.Resource", "library.Work"),
        ),
        Upload(
            "library-cover",
            h.IMAGE,
            _library,
            url=lambda c: reverse("library:submit"),
            fields=lambda c: _submission(
                submitted_for=c["org"].pk, external_url="https://example.org/fees"
            ),
            field="cover",
            base=_png_base,
            made=_count("library.Resource", "library.Work"),
        ),
        Upload(
            "discussion-attachment",
            h.DOCUMENT,
            _discussions,
            url=lambda c: reverse("discussions:new_thread", args=["help-requests"]),
            fields=lambda c: {"title": "Shelter list", "body": "See the file.", "tags": ""},
            field="files",
            base=_pdf_base,
            made=_count("discussions.Thread", "discussions.Attachment"),
        ),
        Upload(
            "organisation-logo",
            h.IMAGE,
            _directory,
            url=lambda c: reverse("directory:edit", args=["lantern"]),
            fields=lambda c: _profile_form(),
            field="logo",
            base=_png_base,
            made=_logos,
        ),
        Upload(
            "journey-records",
            h.TABLE,
            _journeys,
            url=lambda c: reverse("journeys:contribute"),
            fields=lambda c: {
                "organisation": c["org"].pk,
                "attestation": ATTESTATION,
                "no_identifiers": "on",
            },
            field="file",
            base=_csv_base(JOURNEY_TABLE, "exploitation_place"),
            made=_count("journeys.Batch", "journeys.Record"),
        ),
        Upload(
            "forum-outcomes",
            h.TABLE,
            _events,
            url=lambda c: reverse("events:outcomes_import", args=[c["event"].slug]),
            fields=lambda c: {},
            field="file",
            base=_csv_base(OUTCOME_TABLE, "text"),
            made=_count("events.Recommendation", "events.Priority"),
            names_checked=("csv", "xlsx"),
        ),
        Upload(
            "survey-definition",
            h.WORKBOOK,
            _survey_new,
            url=lambda c: reverse("surveys:new"),
            fields=lambda c: {"owner": c["org"].pk, "slug": ""},
            field="workbook",
            base=_workbook_base,
            made=_count("surveys.Survey"),
            names_checked=("xlsx",),
        ),
        Upload(
            "survey-responses",
            h.TABLE,
            _survey,
            url=lambda c: reverse("surveys:import", args=["cso"]),
            fields=lambda c: {},
            field="file",
            base=_csv_base(KOBO_TABLE, "comments"),
            made=_count("surveys.Response"),
            names_checked=("csv", "xlsx"),
        ),
    )
}


def _cases():
    for upload in UPLOADS.values():
        for hostile in h.HOSTILE:
            if upload.kind in hostile.fits:
                yield pytest.param(upload.key, hostile.key, id=f"{upload.key}-{hostile.key}")


# --- Sending a file as a browser would ---------------------------------------------------


def multipart(fields: dict, field: str, name: str, content: bytes, content_type: str):
    """A multipart/form-data body with the file's name exactly as given: Django's test
    client would keep only its last path part, and a hostile browser need not."""
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{one}\r\n".encode()
            )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def send(upload: Upload, context, name: str, content: bytes, content_type: str) -> Sent:
    body, form_type = multipart(upload.fields(context), upload.field, name, content, content_type)
    response = client_for(context["user"]).post(upload.url(context), body, content_type=form_type)
    return Sent(response.status_code, response.content.decode(), upload.made(context))


# --- What each upload must answer ------------------------------------------------------

NOT_A_TABLE = "This file is not a CSV or XLSX table."
WEB_PAGE_TABLE = "This is a web page or an XML file, not a table."
NOT_A_WORKBOOK = "This is not an XLSForm workbook: save the form as an Excel workbook (.xlsx)."
NOT_AN_IMAGE = "Upload a valid image."  # Django's, for what Pillow cannot open
EMPTY = "The submitted file is empty."
ZIP_BOMB = "unpacks to far more than its size (a “zip bomb”)"
ENTITIES = "This document declares XML entities"
PIXEL_BOMB = "This image is too large to open safely (a “decompression bomb”)."
TOO_MANY_PIXELS = "This image is 10000 by 10000 pixels; images may have at most 40 million"
SVG = "SVG images are not accepted because they can carry scripts."

# By the kind of upload, then the hostile file: the message (part of it) the page shows.
EXPECTED = {
    h.DOCUMENT: {
        "png-named-pdf": "The file's name says .pdf but its content is a PNG image.",
        "text-named-png": "The file's name says .png but its content is a plain text file.",
        "jpeg-named-png": "The file's name says .png but its content is a JPEG image.",
        "program-named-pdf": "The file's name says .pdf but its content is a program.",
        "plain-zip-named-xlsx": "The file is a ZIP archive.",
        "docx-named-xlsx": "The file's name says .xlsx but its content is a Word document",
        "old-office-named-xlsx": "Older Office files (.doc, .xls, .ppt)",
        "pdf-and-html": "This PDF also holds a web page (HTML)",
        "html-then-pdf": "The file's name says .pdf but its content is a web page (HTML).",
        "png-bomb": PIXEL_BOMB,
        "png-too-many-pixels": TOO_MANY_PIXELS,
        "xlsx-zip-bomb": ZIP_BOMB,
        "xlsx-billion-laughs": ENTITIES,
        "xlsx-external-entity": ENTITIES,
        "svg-script": SVG,
        "svg-onload-named-png": SVG,
        "svg-foreign-object": SVG,
        "html-named-pdf": "The file's name says .pdf but its content is a web page (HTML).",
        "empty": EMPTY,
        "program-typed-as-png": "The file's name says .pdf but its content is a program.",
    },
    h.IMAGE: {
        "png-named-pdf": "The file's name says .pdf but its content is a PNG image.",
        "text-named-png": "The file's name says .png but its content is a plain text file.",
        "jpeg-named-png": "The file's name says .png but its content is a JPEG image.",
        "program-named-pdf": "The file's name says .png but its content is a program.",
        "html-then-pdf": "The file's name says .pdf but its content is a web page (HTML).",
        "png-bomb": PIXEL_BOMB,
        "png-too-many-pixels": TOO_MANY_PIXELS,
        "svg-script": SVG,
        "svg-onload-named-png": SVG,
        "svg-foreign-object": SVG,
        "html-named-pdf": "The file's name says .pdf but its content is a web page (HTML).",
        "empty": EMPTY,
        "program-typed-as-png": "The file's name says .png but its content is a program.",
    },
    h.TABLE: {
        "program-named-pdf": NOT_A_TABLE,
        "pdf-named-table": "This is a PDF document, not a table.",
        "png-named-table": NOT_A_TABLE,
        "plain-zip-named-xlsx": NOT_A_TABLE,
        "docx-named-xlsx": "This is a Word document, not a table.",
        "old-office-named-xlsx": "This is an old Office file (such as .xls or .doc).",
        "html-then-pdf": WEB_PAGE_TABLE,
        "xlsx-zip-bomb": ZIP_BOMB,
        "xlsx-billion-laughs": ENTITIES,
        "xlsx-external-entity": ENTITIES,
        "html-named-table": WEB_PAGE_TABLE,
        "empty": EMPTY,
        "program-typed-as-png": NOT_A_TABLE,
        "csv-nul-early": NOT_A_TABLE,
        "csv-nul-late": "NUL character",
    },
    h.WORKBOOK: {
        "program-named-pdf": NOT_A_WORKBOOK,
        "pdf-named-table": NOT_A_WORKBOOK,
        "png-named-table": NOT_A_WORKBOOK,
        "plain-zip-named-xlsx": NOT_A_WORKBOOK,
        "docx-named-xlsx": NOT_A_WORKBOOK,
        "old-office-named-xlsx": NOT_A_WORKBOOK,
        "csv-named-xlsx": NOT_A_WORKBOOK,
        "html-then-pdf": NOT_A_WORKBOOK,
        "xlsx-zip-bomb": ZIP_BOMB,
        "xlsx-billion-laughs": ENTITIES,
        "xlsx-external-entity": ENTITIES,
        "html-named-table": NOT_A_WORKBOOK,
        "empty": EMPTY,
        "program-typed-as-png": NOT_A_WORKBOOK,
    },
}
# The logo is first an ImageField: what Pillow cannot open gets Django's message.
LOGO = {
    **EXPECTED[h.IMAGE],
    **dict.fromkeys(
        [
            "text-named-png",
            "program-named-pdf",
            "html-then-pdf",
            "svg-script",
            "svg-onload-named-png",
            "svg-foreign-object",
            "html-named-pdf",
            "program-typed-as-png",
        ],
        NOT_AN_IMAGE,
    ),
}
# Pages that look at the name first say so when it is not theirs.
WRONG_NAME = {
    "forum-outcomes": "%s is not a CSV or XLSX file: save the table as CSV or XLSX.",
    "survey-responses": "%s is not a CSV or XLSX export: choose a .csv or .xlsx file.",
    "survey-definition": "%s is not an XLSForm workbook: choose an .xlsx file.",
}


def expected(upload: Upload, hostile: h.Hostile, name: str) -> str:
    if upload.names_checked and not name.lower().endswith(
        tuple(f".{extension}" for extension in upload.names_checked)
    ):
        return WRONG_NAME[upload.key] % name
    if upload.key == "organisation-logo":
        return LOGO[hostile.key]
    return EXPECTED[upload.kind][hostile.key]


# --- Sending a file as a browser would ---------------------------------------------------


@pytest.fixture
def storage(settings, tmp_path) -> Path:
    """MEDIA_ROOT and VAR_DIR in a folder of their own, deep enough that a name going up
    four levels would still land in it, where it is seen."""
    settings.MEDIA_ROOT = tmp_path / "a" / "b" / "c" / "d" / "media"
    settings.VAR_DIR = tmp_path / "a" / "b" / "c" / "d" / "var"
    return tmp_path


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _kept(storage: Path) -> list[Path]:
    """The files kept, relative to MEDIA_ROOT; any elsewhere fails the test."""
    media = storage / "a" / "b" / "c" / "d" / "media"
    kept = _files(storage)
    assert all(path.is_relative_to(media) for path in kept), kept
    return [path.relative_to(media) for path in kept]


PAYLOADS = (b"PK\x03\x04", h.PHP, h.SCRIPT, b"<script", b"Evil.class")
UNSAFE_IN_NAMES = ("..", "\x00", "\u202e", "<", ">", "\\")


def _assert_clean(hostile: h.Hostile, upload: Upload, sent: Sent, before: int, storage: Path):
    """Accepted, with the hostile part gone: payloads of images re-encoded away, names
    made safe (stored ones and shown ones)."""
    assert sent.status in (200, 302), sent.page[:2000]
    assert sent.made > before, f"{upload.key} should accept {hostile.key} once cleaned"
    assert "<img src=x onerror" not in sent.page
    for relative in _kept(storage):
        assert not any(part in str(relative) for part in UNSAFE_IN_NAMES), relative
        assert len(str(relative)) <= 200, relative
        content = (storage / "a" / "b" / "c" / "d" / "media" / relative).read_bytes()
        if hostile.family == "polyglot":
            assert not any(payload in content for payload in PAYLOADS), relative


def _assert_refused(upload, hostile, name, sent: Sent, before: int, storage: Path):
    assert sent.status == 200, sent.page[:2000]
    assert sent.made == before, f"{upload.key} kept {hostile.key}"
    assert _kept(storage) == [], f"{upload.key} left {hostile.key} in storage"
    message = expected(upload, hostile, name)
    shown = escape(message)
    assert shown in sent.page, f"{upload.key}, {hostile.key}: {message!r} not on the page"


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(("upload_key", "hostile_key"), list(_cases()))
def test_every_upload_refuses_or_cleans_every_hostile_file(
    upload_key, hostile_key, request, storage
):
    upload, hostile = UPLOADS[upload_key], h.BY_KEY[hostile_key]
    context = upload.prepare(request)
    base = upload.base()
    before = upload.made(context)
    name, content = hostile.filename(base), hostile.content(base)
    if hostile.family == "bomb":
        # Inflated, the bombs would take gigabytes (of Python strings, traced here);
        # refused from the zip's directory or the image's header, they take little.
        tracemalloc.start()
        try:
            sent = send(upload, context, name, content, hostile.content_type)
        finally:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert peak < MAX_PEAK, f"{upload.key} took {peak // 2**20} MiB for {hostile.key}"
    else:
        sent = send(upload, context, name, content, hostile.content_type)
    if hostile.outcome == "cleaned":
        _assert_clean(hostile, upload, sent, before, storage)
    else:
        _assert_refused(upload, hostile, sent_name(name), sent, before, storage)


MAX_PEAK = 64 * 1024 * 1024


def sent_name(name: str) -> str:
    """The name as Django hands it to a form: its last path part, printable only."""
    return "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable())


# --- Just over each limit ----------------------------------------------------------------


def _limit(upload_key: str, settings, monkeypatch) -> tuple[int, str]:
    """Lower the upload's size limit (cheap to exceed) and return it with the message."""
    from commons.directory import forms as directory_forms
    from commons.events.forms import outcomes as outcome_forms
    from commons.journeys import forms as journey_forms
    from commons.surveys import forms as survey_forms

    mebibyte = 1024 * 1024
    if upload_key in ("library-file", "discussion-attachment"):
        settings.LIBRARY_MAX_FILE_MB = 1
        return mebibyte, "files may be at most 1.0"
    if upload_key == "library-cover":
        settings.LIBRARY_MAX_IMAGE_MB = 1
        return mebibyte, "images may be at most 1.0"
    modules = {
        "organisation-logo": (directory_forms, "MAX_LOGO_BYTES", "The logo is larger than"),
        "journey-records": (journey_forms, "MAX_UPLOAD_BYTES", "The file is larger than"),
        "forum-outcomes": (outcome_forms, "MAX_IMPORT_BYTES", "The file is larger than"),
        "survey-definition": (survey_forms, "MAX_WORKBOOK_BYTES", "The file is larger than"),
        "survey-responses": (survey_forms, "MAX_EXPORT_BYTES", "The file is larger than"),
    }
    module, name, message = modules[upload_key]
    monkeypatch.setattr(module, name, 4096)
    return 4096, message


@pytest.mark.parametrize("upload_key", list(UPLOADS))
def test_every_upload_refuses_a_file_one_byte_over_its_limit(
    upload_key, request, storage, settings, monkeypatch
):
    upload = UPLOADS[upload_key]
    limit, message = _limit(upload_key, settings, monkeypatch)
    context = upload.prepare(request)
    base = upload.base()
    before = upload.made(context)
    # Padding after the end: the file stays what it was, only larger.
    content = base.content + b"\n" * (limit + 1 - len(base.content))
    sent = send(upload, context, base.name, content, "application/octet-stream")
    assert sent.status == 200 and sent.made == before and _kept(storage) == []
    assert message in sent.page


# --- The staff's import on the command line ----------------------------------------------


@pytest.mark.parametrize(
    "hostile_key",
    [
        key
        for key, hostile in h.BY_KEY.items()
        if h.TABLE in hostile.fits and hostile.family not in ("name", "empty")
    ],
)
def test_the_directory_import_command_refuses_every_hostile_table(hostile_key, staff, tmp_path):
    from commons.accounts.models import Organisation

    hostile = h.BY_KEY[hostile_key]
    base = _csv_base(ORGANISATION_TABLE, "summary")()
    path = tmp_path / sent_name(hostile.filename(base))
    path.write_bytes(hostile.content(base))
    before = Organisation.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("directory", "import", str(path), stdout=io.StringIO())
    assert EXPECTED[h.TABLE][hostile_key] in str(refused.value)
    assert Organisation.objects.count() == before


# --- What the checks must still let through ----------------------------------------------


def test_the_checks_keep_taking_ordinary_files_that_look_a_little_like_attacks():
    """An SVG picture inside a Word document may have a DOCTYPE (only XML parts are
    looked at); a PDF comment made in Acrobat keeps its rich text as XHTML (<body>, <p>),
    which is not a web page."""
    from commons.library.files import check_upload
    from commons.library.tests import corpus

    picture = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">'
    document = corpus.docx(parts={"word/media/image1.svg": picture + h.svg(b"")})
    assert check_upload(corpus.upload("report.docx", document)).kind == "docx"
    note = b'/RC (<?xml version="1.0"?><body xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></body>)'
    commented = corpus.pdf(catalog_extra=b"/Annotation << /Subtype /FreeText " + note + b" >>")
    assert check_upload(corpus.upload("report.pdf", commented)).kind == "pdf"
