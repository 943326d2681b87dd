"""The library's Atom feeds: all new resources, one language's, one topic's; published
versions only."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.library.models import Work
from commons.library.services import create_work
from commons.library.tests.conftest import publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _feed(url: str) -> ET.Element:
    response = client_for(None).get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == f"{ATOM}feed"
    return root


def _entries(root: ET.Element) -> dict[str, ET.Element]:
    return {entry.findtext(f"{ATOM}title"): entry for entry in root.iter(f"{ATOM}entry")}


@pytest.fixture
def funding_guide(alice, moderator):
    work = create_work(
        fields={"type": Work.Type.GUIDE, "topics": ["funding"]}, title="Funding guide"
    )
    return publish(
        work,
        language="th",
        title="คู่มือการหาทุน",
        summary="Grants <b>and</b> donors",
        by=alice,
        moderator=moderator,
    )


def test_it_lists_published_resources_newest_first(toolkit, pending, funding_guide):
    root = _feed(reverse("library:feed"))
    entries = _entries(root)
    assert set(entries) == {"Migrant worker toolkit", "ឧបករណ៍សម្រាប់ពលករចំណាកស្រុក", "คู่มือการหาทุน"}
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles[0] == "คู่มือการหาทุน"
    entry = entries["Migrant worker toolkit"]
    assert entry.get(XML_LANG) == "en" and entries["คู่มือการหาทุน"].get(XML_LANG) == "th"
    link = entry.find(f"{ATOM}link").get("href")
    assert link == "http://testserver" + reverse("library:resource", args=[toolkit.slug, "en"])
    assert "Checklists for outreach workers" in entry.findtext(f"{ATOM}summary")
    assert entry.findtext(f"{ATOM}updated")
    assert {c.get("term") for c in entry.iter(f"{ATOM}category")} >= {"toolkit", "migration"}


def test_it_never_lists_a_version_waiting_for_review(pending):
    root = _feed(reverse("library:feed"))
    assert _entries(root) == {}
    assert b"Shelter standards report" not in client_for(None).get(reverse("library:feed")).content


def test_a_language_feed_has_that_language_only(toolkit, funding_guide):
    entries = _entries(_feed(reverse("library:feed_language", args=["km"])))
    assert set(entries) == {"ឧបករណ៍សម្រាប់ពលករចំណាកស្រុក"}
    assert set(_entries(_feed(reverse("library:feed_language", args=["th"])))) == {"คู่มือการหาทุน"}
    assert _entries(_feed(reverse("library:feed_language", args=["my"]))) == {}


def test_a_topic_feed_has_that_topic_only(toolkit, funding_guide):
    migration = _entries(_feed(reverse("library:feed_topic", args=["migration"])))
    assert set(migration) == {"Migrant worker toolkit", "ឧបករណ៍សម្រាប់ពលករចំណាកស្រុក"}
    funding = _entries(_feed(reverse("library:feed_topic", args=["funding"])))
    assert set(funding) == {"คู่มือการหาทุน"}
    labour = _entries(_feed(reverse("library:feed_topic", args=["forced_labour"])))
    assert "Migrant worker toolkit" in labour and "คู่มือการหาทุน" not in labour


def test_unknown_languages_and_topics_have_no_feed():
    client = client_for(None)
    assert client.get(reverse("library:feed_language", args=["xx"])).status_code == 404
    assert client.get(reverse("library:feed_language", args=["khm"])).status_code == 404
    assert client.get(reverse("library:feed_topic", args=["no-such-topic"])).status_code == 404
    assert client.get(reverse("library:feed_topic", args=["migration"])).status_code == 200


def test_the_summary_is_text_not_markup(funding_guide):
    entry = _entries(_feed(reverse("library:feed")))["คู่มือการหาทุน"]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # the reader's HTML shows the tags as typed, it does not apply them
    assert "Grants &lt;b&gt;and&lt;/b&gt; donors" in summary.text


def test_the_feeds_answer_get_only(toolkit):
    for url in [
        reverse("library:feed"),
        reverse("library:feed_language", args=["km"]),
        reverse("library:feed_topic", args=["migration"]),
    ]:
        assert client_for(None).post(url).status_code == 405, url
