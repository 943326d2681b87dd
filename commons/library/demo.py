"""The demo library (``fixtures/demo_library.json``).

Every work, summary and file text was written for this demo. Publishers are the
fictional demo organisations or names invented for the demo (a real organisation's name
never stands next to invented material); authors are demo people, demo teams or
made-up names. Each title ends with "(demo)" and each summary with a sentence, in its
own language, saying that it was written for the demo; every work is flagged
``is_demo``.

Versions with a ``file`` get a small generated document with those paragraphs: a PDF
when the text fits the PDF's built-in Latin fonts (English, Spanish, French,
Indonesian), a Word document otherwise (Khmer, Thai, Burmese, Vietnamese, Arabic), so
that search finds words that are only inside a file in every script.

Files are stored through ``services.submit_resource``, which queues the background task
that reads their text; the loader also reads them at once (``services.extract_text``),
so search finds words inside them before any worker has run. When the worker runs the
queued task later it reads the same text again, which changes nothing.

A work whose slug exists is left as it is, so the loader is safe to run again.
"""

from __future__ import annotations

import datetime
import io
import json
import textwrap
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from django.db import transaction
from django.utils import timezone

from commons.core.services import without_emails
from commons.library import services
from commons.library.files import CheckedFile
from commons.library.models import Collection, Resource, Work

FIXTURE = Path(__file__).parent / "fixtures" / "demo_library.json"

# The sentence that ends every demo summary, in the summary's language.
DEMO_NOTE = {
    "en": "Written for the Freedom Commons demo; not a real publication.",
    "km": "ឯកសារនេះសរសេរឡើងសម្រាប់តែការបង្ហាញសាកល្បងប៉ុណ្ណោះ មិនមែនជាការបោះពុម្ពពិតប្រាកដទេ។",
    "th": "เอกสารนี้เขียนขึ้นเพื่อการสาธิตเท่านั้น ไม่ใช่สิ่งพิมพ์จริง",
    "vi": "Tài liệu này được viết cho bản trình diễn, không phải ấn phẩm thật.",
    "my": "ဤစာတမ်းကို သရုပ်ပြရန်အတွက်သာ ရေးသားထားခြင်းဖြစ်ပြီး တကယ့်ထုတ်ဝေမှု မဟုတ်ပါ။",
    "id": "Ditulis untuk demo Freedom Commons; bukan publikasi sungguhan.",
    "es": "Escrito para la demostración de Freedom Commons; no es una publicación real.",
    "fr": "Rédigé pour la démonstration de Freedom Commons ; ce n'est pas une vraie publication.",
    "ar": "كُتبت هذه المادة للعرض التجريبي فقط، وليست منشورًا حقيقيًا.",
}
DEMO_MARK = "(demo)"

# Who submits a publisher's work when the fixture names nobody: the demo admin of the
# fictional organisation when it has one; the moderator, on its behalf, otherwise.
SUBMITTERS = {
    "example-lantern-outreach-demo": "alice",
    "placeholder-survivor-voices-demo": "carol",
}
MODERATOR = "mona"


def demo_data() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def demo_title(title: str) -> str:
    return title if title.endswith(DEMO_MARK) else f"{title} {DEMO_MARK}"


def demo_summary(summary: str, language: str) -> str:
    note = DEMO_NOTE[language]
    return summary if summary.endswith(note) else f"{summary} {note}"


@transaction.atomic
def load_demo_library() -> int:
    """Create the demo works that do not exist yet, with their versions, files,
    reviews and translation requests, then the missing demo collections and the pending
    versions. Returns how many works it added.

    Side effects: inserts works, authors, resources (and their files in storage),
    translation requests, collections; reads the files' text; queues the background
    reading of the same files; audit events for each submission and review. Nobody is
    e-mailed.
    """
    with without_emails():
        return _load()


def _load() -> int:
    from commons.accounts.models import Organisation, User
    from commons.core.demo import PEOPLE

    data = demo_data()
    people = {p.key: User.objects.filter(email=p.email).first() for p in PEOPLE}
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__endswith="-demo")}
    existing = set(
        Work.objects.filter(slug__in=[row["slug"] for row in data["works"]]).values_list(
            "slug", flat=True
        )
    )
    added = 0
    for row in data["works"]:
        if row["slug"] in existing:
            continue
        work = _create_work(row, people, organisations)
        for version in row["versions"]:
            _add_version(work, version, row, people, organisations)
        for language, keys in row.get("requests", {}).items():
            for key in keys:
                services.request_translation(work=work, language=language, user=people[key])
        added += 1

    for version in data["pending_versions"]:
        work = Work.objects.get(slug=version["work"])
        if not work.versions.filter(language=version["language"]).exists():
            _add_version(work, version, {}, people, organisations)

    for row in data["collections"]:
        if Collection.objects.filter(slug=row["slug"]).exists():
            continue
        works = {w.slug: w for w in Work.objects.filter(slug__in=row["works"])}
        services.save_collection(
            fields={
                "slug": row["slug"],
                "title": demo_title(row["title"]),
                "introduction": row["introduction"],
                "language": row["language"],
                "organisation": organisations.get(row.get("organisation")),
                "is_published": True,
                "is_demo": True,
            },
            works=[works[slug] for slug in row["works"]],
            curator=people[row["curator"]],
        )
    return added


def _create_work(row: dict, people: dict, organisations: dict) -> Work:
    authors = []
    for author in row.get("authors", []):
        authors.append(
            {
                "name": author["name"],
                "person": people.get(author.get("person")),
                "organisation": organisations.get(author.get("organisation")),
            }
        )
    return services.create_work(
        fields={
            "slug": row["slug"],
            "type": row["type"],
            "topics": row["topics"],
            "countries": row["countries"],
            "regions": row["regions"],
            "publisher": organisations.get(row.get("publisher")),
            "publisher_name": row.get("publisher_name", ""),
            "published_on": datetime.date.fromisoformat(row["published_on"]),
            "licence": row.get("licence", ""),
            "is_demo": True,
        },
        authors=authors,
    )


def _add_version(work: Work, version: dict, row: dict, people: dict, organisations: dict):
    """Submit one version as its submitter, then review it as the demo moderator."""
    moderator = people[MODERATOR]
    publisher = row.get("publisher")
    submitter = people[version.get("submitter") or SUBMITTERS.get(publisher, MODERATOR)]
    # A member submits for their organisation; the moderator for the publisher.
    memberships = submitter.memberships.filter(status="active").select_related("organisation")
    mine = [m.organisation for m in memberships]
    organisation = mine[0] if mine else organisations.get(publisher)
    language = version["language"]
    file = None
    if version.get("file"):
        file = demo_file(version["file"], name=f"{work.slug}-{language}", language=language)
    resource = services.submit_resource(
        work=work,
        fields={
            "language": language,
            "title": demo_title(version["title"]),
            "summary": demo_summary(version["summary"], language),
            "external_url": version.get("external_url", ""),
        },
        submitter=submitter,
        organisation=organisation,
        file=file,
    )
    status = version.get("status", "approved")
    if status == "approved" and resource.status != Resource.Status.APPROVED:
        services.approve_resource(resource=resource, moderator=moderator)
    elif status == "rejected":
        services.reject_resource(resource=resource, moderator=moderator, reason=version["reason"])
    if status == "approved" and work.published_on:
        # Spread "recently added" over the years the demo covers instead of one instant.
        added = datetime.datetime.combine(
            work.published_on + datetime.timedelta(days=3), datetime.time(9), tzinfo=datetime.UTC
        )
        resource.approved_at = resource.reviewed_at = min(added, timezone.now())
        resource.save(update_fields=["approved_at", "reviewed_at"])  # the index hears of it
    if file is not None:
        services.extract_text(resource_id=resource.pk)
    return resource


# --- Generated files ---------------------------------------------------------------------


def demo_file(paragraphs: list[str], *, name: str, language: str) -> CheckedFile:
    """A PDF of the paragraphs when the built-in PDF fonts can show them, else a Word
    document."""
    try:
        "\n".join(paragraphs).encode("cp1252")
    except UnicodeEncodeError:
        return CheckedFile(
            name=f"{name}.docx", kind="docx", content=docx_bytes(paragraphs, language=language)
        )
    return CheckedFile(name=f"{name}.pdf", kind="pdf", content=pdf_bytes(paragraphs))


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(paragraphs: list[str]) -> bytes:
    """A one-page PDF: the first paragraph as a heading, the others wrapped below it, in
    Helvetica with the Windows Latin encoding (text within cp1252 only)."""
    lines = [b"BT", b"/F1 16 Tf", b"56 780 Td", _pdf_string(paragraphs[0]) + b" Tj", b"/F1 11 Tf"]
    lines.append(b"0 -30 Td")
    for paragraph in paragraphs[1:]:
        for line in textwrap.wrap(paragraph, 90):
            lines += [_pdf_string(line) + b" Tj", b"0 -15 Td"]
        lines.append(b"0 -8 Td")
    lines.append(b"ET")
    stream = b"\n".join(lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="word/document.xml"/></Relationships>"""

_RIGHT_TO_LEFT = {"ar", "fa", "he", "ur"}


def docx_bytes(paragraphs: list[str], *, language: str) -> bytes:
    """A minimal Word document (the three parts every reader needs), one paragraph each;
    right-to-left paragraphs for Arabic script. Written with fixed timestamps so the
    same text gives the same bytes."""
    rtl = language in _RIGHT_TO_LEFT
    paragraph_props = "<w:pPr><w:bidi/></w:pPr>" if rtl else ""
    run_props = f'<w:rPr>{"<w:rtl/>" if rtl else ""}<w:lang w:val="{language}"/></w:rPr>'
    body = "".join(
        f'<w:p>{paragraph_props}<w:r>{run_props}<w:t xml:space="preserve">{escape(text)}'
        "</w:t></w:r></w:p>"
        for text in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document),
        ):
            info = zipfile.ZipInfo(part, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()
