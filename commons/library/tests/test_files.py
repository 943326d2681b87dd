"""Uploads are checked by their content: what is refused, with which message, what is
cleaned (image metadata) and the text read from documents for search."""

import io
import os
import zipfile

import pytest
from PIL import Image
from pypdf import PdfWriter

from commons.library import files
from commons.library.files import UploadRefused, check_upload, extract_text
from commons.library.tests import corpus
from commons.library.tests.corpus import upload

KHMER = "ការជួញដូរមនុស្ស"  # human trafficking
THAI = "การค้ามนุษย์"  # human trafficking


def refusal(name: str, content: bytes, **options) -> str:
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload(name, content), **options)
    return str(refused.value)


# --- Accepted --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("toolkit.pdf", corpus.pdf, "pdf"),
        ("guide.docx", corpus.docx, "docx"),
        ("guide.odt", corpus.odt, "odt"),
        ("figures.ods", lambda: corpus.odt(kind="ods"), "ods"),
        ("slides.odp", lambda: corpus.odt(kind="odp"), "odp"),
        ("figures.xlsx", corpus.xlsx, "xlsx"),
        ("slides.pptx", corpus.pptx, "pptx"),
        ("cover.png", corpus.image, "png"),
        ("photo.jpg", lambda: corpus.image("JPEG"), "jpeg"),
        ("photo.JPEG", lambda: corpus.image("JPEG"), "jpeg"),
        ("animation.gif", lambda: corpus.image("GIF"), "gif"),
        ("cover.webp", lambda: corpus.image("WEBP"), "webp"),
    ],
)
def test_it_accepts_documents_and_images_by_their_content(name, make, kind):
    checked = check_upload(upload(name, make()))
    assert checked.kind == kind
    assert checked.name == name.rsplit(".", 1)[0] + "." + name.rsplit(".", 1)[1].lower()


def test_it_keeps_a_documents_bytes_as_they_are():
    content = corpus.docx()
    assert check_upload(upload("guide.docx", content)).content == content


def test_it_accepts_a_word_chart_whose_data_is_an_embedded_spreadsheet():
    content = corpus.docx(parts={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": corpus.xlsx()})
    assert check_upload(upload("chart.docx", content)).kind == "docx"


def test_it_accepts_a_pdf_locked_only_against_editing():
    writer = PdfWriter(clone_from=io.BytesIO(corpus.pdf()))
    writer.encrypt(user_password="", owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    assert check_upload(upload("locked.pdf", out.getvalue())).kind == "pdf"


def test_it_does_not_mistake_bytes_inside_stream_data_for_a_script():
    data = b"\x00\x01/JS /Launch /JavaScript\x02"
    stream = b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
    content = corpus.pdf().replace(b"5 0 obj\n", b"6 0 obj\n" + stream + b"\nendobj\n5 0 obj\n")
    assert check_upload(upload("figures.pdf", content)).kind == "pdf"


# --- Names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("C:\\Users\\somchai\\Desktop\\report.pdf", "report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("report", "report.pdf"),
        ("Annual report v1.2", "Annual report v1.2.pdf"),
        ("\u202efdp.exe.pdf", "fdp.exe.pdf"),
        ("bad\x00name\x07.pdf", "badname.pdf"),
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        (f"{KHMER}.pdf", f"{KHMER}.pdf"),
        (".pdf", "pdf.pdf"),
    ],
)
def test_it_cleans_the_uploaders_file_name(given, cleaned):
    assert check_upload(upload(given, corpus.pdf())).name == cleaned
    assert files.clean_name("", "pdf") == files.clean_name("folder/", "pdf") == "file.pdf"


def test_it_shortens_a_long_name_but_keeps_its_extension():
    name = files.clean_name("a" * 500 + ".docx", "docx")
    assert len(name) == files.MAX_NAME and name.endswith(".docx")


# --- Refused: what the name says against what the content is --------------------------


def test_it_refuses_a_pdf_renamed_exe():
    message = refusal("setup.exe", corpus.pdf())
    assert "name says .exe" in message and "content is a PDF" in message


def test_it_refuses_a_web_page_renamed_pdf():
    page = b"<!DOCTYPE html><html><body><script>steal()</script></body></html>"
    message = refusal("report.pdf", page)
    assert "name says .pdf" in message and "web page (HTML)" in message
    assert "Accepted files: PDF" in message


def test_it_refuses_a_web_page_that_mentions_pdf_early():
    # a polyglot: a browser would render it as a page, whatever comes after
    message = refusal("report.pdf", b"<html><script>x()</script>%PDF-1.4\n%%EOF")
    assert "web page (HTML)" in message


def test_it_refuses_a_document_named_as_an_image():
    assert "name says .png but its content is a Word document" in refusal(
        "cover.png", corpus.docx()
    )


def test_it_refuses_a_program_and_a_plain_zip():
    assert "a program" in refusal("tool.exe", b"MZ\x90\x00" + bytes(200))
    assert "ZIP archive" in refusal("bundle.zip", corpus.plain_zip())


def test_it_refuses_svg_because_it_can_carry_scripts():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    for name in ("logo.svg", "logo.png"):
        assert "SVG images are not accepted because they can carry scripts" in refusal(name, svg)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("talk.mp3", b"ID3\x04\x00\x00" + bytes(100)),
        ("film.mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(100)),
        ("clip.webm", b"\x1a\x45\xdf\xa3" + bytes(100)),
    ],
)
def test_it_asks_for_a_link_instead_of_audio_or_video(name, content):
    assert "give a link" in refusal(name, content)


def test_it_refuses_older_office_files_saying_what_to_save_them_as():
    message = refusal("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000))
    assert ".docx" in message and "PDF" in message


def test_it_refuses_an_empty_file():
    assert refusal("empty.pdf", b"") == "The file is empty."


def test_a_cover_must_be_an_image():
    message = refusal("cover.pdf", corpus.pdf(), images_only=True)
    assert "A cover must be an image" in message and "a PDF" in message


# --- Refused: size ---------------------------------------------------------------------


def test_it_refuses_an_oversized_file_naming_the_limit(settings):
    settings.LIBRARY_MAX_FILE_MB = 1
    content = corpus.pdf() + b"%" + b"x" * (1024 * 1024)
    assert refusal("big.pdf", content).endswith("; files may be at most 1.0\xa0MB.")


def test_it_refuses_an_oversized_file_before_reading_it(settings):
    settings.LIBRARY_MAX_FILE_MB = 2

    class Huge:
        name, size = "huge.pdf", 3 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read")

    with pytest.raises(UploadRefused, match=r"at most 2\.0"):
        check_upload(Huge())


def test_images_have_a_smaller_limit(settings):
    settings.LIBRARY_MAX_IMAGE_MB = 1
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 1024 * 1024
    assert "images may be at most 1.0" in refusal("map.png", out.getvalue())
    assert "images may be at most 1.0" in refusal("map.png", out.getvalue(), images_only=True)


# --- Refused: office documents ---------------------------------------------------------


def test_it_refuses_a_zip_bomb_inside_a_docx():
    content = corpus.docx_with_a_zip_bomb(megabytes=40)
    assert len(content) < 200_000  # small on the way in, 40 MB unpacked
    assert "zip bomb" in refusal("report.docx", content)


def test_it_refuses_a_document_whose_parts_add_up_to_too_much(monkeypatch):
    monkeypatch.setattr(files, "MAX_ZIP_UNCOMPRESSED", 10_000)
    content = corpus.docx(parts={f"word/media/p{n}.txt": os.urandom(3000) for n in range(5)})
    assert "zip bomb" in refusal("report.docx", content)


def test_it_refuses_a_document_with_too_many_parts(monkeypatch):
    monkeypatch.setattr(files, "MAX_ZIP_ENTRIES", 20)
    content = corpus.docx(parts={f"word/media/p{n}.txt": b"x" for n in range(30)})
    assert "more than 20 parts" in refusal("report.docx", content)


def test_it_refuses_an_archive_inside_a_document():
    assert "archive inside it" in refusal(
        "report.docx", corpus.docx(parts={"word/media/payload.zip": corpus.plain_zip()})
    )
    # a zip hidden under another name, outside the embeddings
    assert "archive inside it" in refusal(
        "report.docx", corpus.docx(parts={"word/media/image1.png": corpus.plain_zip()})
    )


def test_it_refuses_a_zip_bomb_inside_an_embedded_spreadsheet():
    inner = corpus.docx_with_a_zip_bomb(megabytes=10)
    content = corpus.docx(parts={"word/embeddings/Sheet.xlsx": inner})
    assert "zip bomb" in refusal("report.docx", content)


def test_it_refuses_an_encrypted_zip():
    assert "password" in refusal("report.docx", corpus.mark_encrypted(corpus.docx()))


def test_it_refuses_a_damaged_document():
    assert "damaged" in refusal("report.docx", corpus.docx()[:300])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docx", corpus.docx(main=corpus.DOCM_MAIN)),
        ("report.docx", corpus.docx(parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})),
        ("report.odt", corpus.odt(parts={"Basic/Standard/Module1.xml": b"<module/>"})),
    ],
    ids=["docm-content-type", "vba-project", "opendocument-basic"],
)
def test_it_refuses_documents_with_macros(name, content):
    assert "This document contains macros" in refusal(name, content)


def test_it_refuses_activex_controls():
    content = corpus.docx(parts={"word/activeX/activeX1.xml": b"<ax/>"})
    assert "ActiveX" in refusal("form.docx", content)


def test_it_refuses_a_password_protected_opendocument():
    manifest = (
        b'<manifest:manifest><manifest:encryption-data manifest:checksum="x"/></manifest:manifest>'
    )
    content = corpus.odt()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = manifest if info.filename == "META-INF/manifest.xml" else source.read(info)
            target.writestr(info, data)
    assert "password" in refusal("secret.odt", out.getvalue())


# --- Refused: PDFs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("catalog", "said"),
    [
        (b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", "JavaScript"),
        (b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>", "JavaScript"),
        (b"/OpenAction << /S /Launch /F (cmd.exe) >>", "an action that starts programs"),
        (b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >>", "embedded files"),
    ],
    ids=["javascript", "hex-escaped-javascript", "launch", "embedded-file"],
)
def test_it_refuses_a_pdf_with_scripts_actions_or_attachments(catalog, said):
    message = refusal("report.pdf", corpus.pdf(catalog_extra=catalog))
    assert f"This PDF contains {said}" in message


def test_it_finds_javascript_hidden_in_a_compressed_object_stream():
    content = corpus.pdf_with_javascript_in_an_object_stream()
    assert b"JavaScript" not in content
    assert "This PDF contains JavaScript" in refusal("report.pdf", content)


def test_it_refuses_what_only_starts_like_a_pdf():
    assert "incomplete or damaged" in refusal("report.pdf", b"%PDF-1.7\n<html>hello</html>")
    assert "damaged" in refusal("report.pdf", b"%PDF-1.7\ngarbage\n%%EOF")


def test_it_refuses_a_pdf_that_needs_a_password():
    writer = PdfWriter(clone_from=io.BytesIO(corpus.pdf()))
    writer.encrypt(user_password="reader-secret", owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    assert "protected with a password" in refusal("locked.pdf", out.getvalue())


# --- Images ----------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "p.png"), ("JPEG", "p.jpg"), ("WEBP", "p.webp")])
def test_it_strips_exif_and_gps_from_images(fmt, name):
    original = corpus.image(fmt, exif=corpus.gps_exif())
    assert b"SpyCam" in original and Image.open(io.BytesIO(original)).getexif()
    checked = check_upload(upload(name, original))
    assert b"SpyCam" not in checked.content and b"Somchai" not in checked.content
    cleaned = Image.open(io.BytesIO(checked.content))
    assert not cleaned.getexif() and "exif" not in cleaned.info
    assert cleaned.format == fmt and cleaned.size == (40, 30)


def test_it_strips_comments_and_text_from_images():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at the shelter on Soi 4")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS 13.7563</x:xmpmeta>")
    for fmt, name, options in [
        ("PNG", "a.png", {"pnginfo": text}),
        ("JPEG", "a.jpg", {"comment": b"taken at the shelter on Soi 4"}),
        ("GIF", "a.gif", {"comment": b"taken at the shelter on Soi 4"}),
    ]:
        checked = check_upload(upload(name, corpus.image(fmt, **options)))
        assert b"shelter" not in checked.content and b"GPS" not in checked.content, fmt


def test_it_turns_a_photo_upright_before_dropping_its_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    original = corpus.image("JPEG", size=(40, 20), exif=exif.tobytes())
    checked = check_upload(upload("photo.jpg", original))
    assert Image.open(io.BytesIO(checked.content)).size == (20, 40)


def test_it_keeps_an_animation():
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    checked = check_upload(upload("steps.gif", out.getvalue()))
    assert Image.open(io.BytesIO(checked.content)).n_frames == 3


@pytest.mark.parametrize(
    ("width", "height", "said"),
    [(100_000, 100_000, "decompression bomb"), (10_000, 10_000, "10000 by 10000 pixels")],
)
def test_it_refuses_a_decompression_bomb_png(width, height, said):
    content = corpus.png_bomb(width, height)
    assert len(content) < 1000
    assert said in refusal("map.png", content)


def test_it_refuses_an_animation_with_too_many_pixels(monkeypatch):
    monkeypatch.setattr(files, "MAX_ANIMATION_PIXELS", 1000)
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    assert "3 frames of 20 by 20 pixels" in refusal("steps.gif", out.getvalue())


def test_it_refuses_a_damaged_image():
    assert "could not be read" in refusal("cover.png", corpus.image()[:60])


def test_it_refuses_other_image_formats():
    assert "format the library does not take" in refusal("scan.tif", b"II*\x00" + bytes(100))


# --- Text for search -------------------------------------------------------------------


def test_it_reads_thai_and_khmer_text_from_a_docx():
    content = corpus.docx([f"Outreach {KHMER}", f"{THAI} hotline"])
    assert extract_text("docx", content) == f"Outreach {KHMER}\n{THAI} hotline"


def test_it_reads_thai_and_khmer_text_from_an_opendocument():
    content = corpus.odt([f"Outreach {KHMER}", f"{THAI} hotline"])
    assert extract_text("odt", content) == f"Outreach {KHMER}\n{THAI} hotline"


def test_it_reads_the_text_of_a_pdf():
    assert extract_text("pdf", corpus.pdf("Safe migration checklist")) == (
        "Safe migration checklist"
    )


def test_it_reads_spreadsheets_and_slides_in_order():
    assert extract_text("xlsx", corpus.xlsx([("Country", "Cases"), (THAI, 12)])) == (
        f"Country\nCases\n{THAI}"
    )
    slides = [f"Slide {n}" for n in range(1, 12)]
    assert extract_text("pptx", corpus.pptx(slides)).split("\n") == slides


def test_images_and_unreadable_documents_have_no_text():
    assert extract_text("png", corpus.image()) == ""
    assert extract_text("pdf", b"%PDF-1.4 not really") == ""
    assert extract_text("docx", b"PK\x03\x04 not really") == ""


def test_it_does_not_expand_xml_entities():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"
    )
    content = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(corpus.docx())) as source, zipfile.ZipFile(content, "w") as out:
        for info in source.infolist():
            out.writestr(info, bomb if info.filename == "word/document.xml" else source.read(info))
    assert "lol" not in extract_text("docx", content.getvalue())


def test_it_reads_a_limited_amount_of_xml_and_keeps_a_limited_amount_of_text(monkeypatch):
    content = corpus.docx([f"paragraph {n} " + "word " * 50 for n in range(2000)])
    monkeypatch.setattr(files, "MAX_XML_READ", 20_000)
    text = extract_text("docx", content)
    assert text.startswith("paragraph 0 word") and "paragraph 1999" not in text
    monkeypatch.setattr(files, "MAX_XML_READ", 10_000_000)
    monkeypatch.setattr(files, "MAX_TEXT", 1000)
    assert len(extract_text("docx", content)) == 1000


def test_it_drops_nul_characters_which_postgresql_cannot_store(monkeypatch):
    monkeypatch.setattr(files, "_pdf_text", lambda content: "before\x00after")
    assert extract_text("pdf", corpus.pdf()) == "beforeafter"
