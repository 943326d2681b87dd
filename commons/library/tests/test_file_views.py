"""A version's file and cover: served to whoever may see the version, as downloads
(files) or re-encoded images (covers), with headers that keep them from running as
part of the site."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from commons.conftest import client_for
from commons.library import services
from commons.library.files import check_upload
from commons.library.models import Resource
from commons.library.tests import corpus
from commons.library.tests.corpus import upload

pytestmark = pytest.mark.django_db

KHMER = "ការជួញដូរមនុស្ស"
CSP = "default-src 'none'; sandbox"


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(resource: Resource, name: str = "library:file") -> str:
    return reverse(name, kwargs={"slug": resource.work.slug, "language": resource.language})


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def published(alice, moderator, lantern) -> Resource:
    work = services.create_work(fields={"type": "guide"}, title="Hotline guide")
    resource = services.submit_resource(
        work=work,
        fields={"language": "km", "title": "Hotline guide"},
        submitter=alice,
        organisation=lantern,
        file=check_upload(upload(f"{KHMER} guide.pdf", corpus.pdf())),
        cover=check_upload(
            upload("cover.png", corpus.image(exif=corpus.gps_exif())), images_only=True
        ),
    )
    return services.approve_resource(resource=resource, moderator=moderator)


def test_it_serves_a_file_as_a_download_with_safe_headers(published):
    response = client_for(None).get(_url(published))
    assert response.status_code == 200
    assert _body(response) == corpus.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "guide.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == CSP


def test_a_web_page_is_never_served_inline_even_if_it_got_in(published):
    # Whatever a stored file holds, it leaves as a download of the type it was checked as.
    published.file.save("page.pdf", io.BytesIO(b"<html><script>x()</script></html>"))
    response = client_for(None).get(_url(published))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == CSP


def test_a_version_without_a_file_has_none_to_serve(toolkit):
    english = toolkit.versions.get(language="en")
    assert client_for(None).get(_url(english)).status_code == 404
    assert client_for(None).get(_url(english, "library:cover")).status_code == 404


def test_a_file_gone_from_storage_is_not_found(published):
    published.file.storage.delete(published.file.name)
    assert client_for(None).get(_url(published)).status_code == 404


def test_an_unapproved_versions_file_is_for_its_people_only(
    pending, alice, bob, carol, dave, moderator, staff
):
    url = _url(pending)
    statuses = {
        who: client_for(user).get(url).status_code
        for who, user in [
            ("anonymous", None),
            ("bob", bob),
            ("alice", alice),
            ("carol", carol),
            ("dave", dave),
            ("moderator", moderator),
            ("staff", staff),
        ]
    }
    assert statuses == {
        "anonymous": 404,
        "bob": 200,  # the submitter
        "alice": 200,  # a member of the organisation it was submitted for
        "carol": 404,
        "dave": 404,
        "moderator": 200,
        "staff": 200,
    }
    response = client_for(bob).get(url)
    assert _body(response).startswith(b"%PDF-")
    assert 'filename="report.pdf"' in response["Content-Disposition"]


def test_the_file_answers_get_only(published, moderator):
    for method in ("post", "put", "delete"):
        assert getattr(client_for(moderator), method)(_url(published)).status_code == 405


def test_it_serves_a_cover_inline_without_its_metadata(published):
    response = client_for(None).get(_url(published, "library:cover"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == CSP
    body = _body(response)
    assert b"SpyCam" not in body
    assert Image.open(io.BytesIO(body)).size == (40, 30)


def test_an_unapproved_versions_cover_is_for_its_people_only(pending, bob, carol):
    services.update_resource(
        resource=pending, fields={}, cover=check_upload(upload("c.jpg", corpus.image("JPEG")))
    )
    url = _url(pending, "library:cover")
    assert client_for(bob).get(url)["Content-Type"] == "image/jpeg"
    assert client_for(carol).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404


def test_the_cover_answers_get_only(published):
    assert client_for(None).post(_url(published, "library:cover")).status_code == 405


def test_the_text_of_a_stored_docx_is_read_for_search(
    bob, lantern, django_capture_on_commit_callbacks
):
    work = services.create_work(fields={"type": "guide"}, title="Outreach guide")
    checked = check_upload(upload("guide.docx", corpus.docx([f"Outreach {KHMER}"])))
    with django_capture_on_commit_callbacks(execute=True):
        resource = services.submit_resource(
            work=work,
            fields={"language": "km", "title": "Outreach guide"},
            submitter=bob,
            organisation=lantern,
            file=checked,
        )
    resource.refresh_from_db()
    assert resource.extraction == Resource.Extraction.DONE
    assert resource.extracted_text == f"Outreach {KHMER}"
    assert (resource.file_type, resource.file_name) == ("docx", "guide.docx")
