"""Finding and reading: the search page, a work in the reader's language, a version,
asking for a translation, who sees a version waiting for review, and collections."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from commons.conftest import client_for
from commons.library.models import TranslationRequest, Work
from commons.library.services import create_work, reject_resource, save_collection
from commons.library.tests.conftest import publish

pytestmark = pytest.mark.django_db

KHMER_TITLE = "ឧបករណ៍សម្រាប់ពលករចំណាកស្រុក"


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _text(response) -> str:
    """The page's text as a reader sees it (tags removed, spaces collapsed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _page(response)))


def reader(language: str, user=None):
    """A visitor whose interface is in ``language`` (the language switcher's cookie)."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def khmer_only(alice, moderator):
    """A leaflet published in Khmer only."""
    work = create_work(fields={"type": Work.Type.AWARENESS}, title="Safe migration leaflet")
    publish(
        work,
        language="km",
        title="ខិត្តប័ណ្ណចំណាកស្រុកដោយសុវត្ថិភាព",
        summary="ព័ត៌មានសម្រាប់អ្នកចំណាកស្រុក",
        by=alice,
        moderator=moderator,
    )
    return work


# --- A work in the reader's language ---------------------------------------------------


def test_it_shows_a_khmer_reader_the_khmer_version_at_the_work_address(toolkit):
    page = _page(reader("km").get(reverse("library:work", args=[toolkit.slug])))
    assert KHMER_TITLE in page and "Migrant worker toolkit</h1>" not in page
    # the other version is offered, named in its own language
    english = reverse("library:resource", args=[toolkit.slug, "en"])
    assert f'href="{english}"' in page and 'lang="en">English</a>' in page


def test_it_shows_a_thai_reader_the_english_version_and_offers_to_ask_for_thai(toolkit, dave):
    url = reverse("library:work", args=[toolkit.slug])
    page = _page(reader("th").get(url))
    assert "Migrant worker toolkit</h1>" in page and f"{KHMER_TITLE}</h1>" not in page
    khmer = reverse("library:resource", args=[toolkit.slug, "km"])
    assert f'href="{khmer}"' in page and 'lang="km">ខ្មែរ</a>' in page
    # anonymous readers are asked to sign in; members get the button
    assert 'name="language" value="th"' not in page
    page = _page(reader("th", dave).get(url))
    action = reverse("library:request_translation", args=[toolkit.slug])
    assert f'action="{action}"' in page and 'name="language" value="th"' in page


def test_an_english_reader_of_the_khmer_version_is_not_asked_about_english(toolkit):
    text = _text(reader("en").get(reverse("library:resource", args=[toolkit.slug, "km"])))
    assert KHMER_TITLE in text and "Not yet in" not in text


def test_it_shows_a_version_in_any_language_at_its_own_address(toolkit):
    page = _page(reader("en").get(reverse("library:resource", args=[toolkit.slug, "km"])))
    assert KHMER_TITLE in page
    assert _page(reader("km").get(reverse("library:resource", args=[toolkit.slug, "en"])))
    missing = reverse("library:resource", args=[toolkit.slug, "th"])
    assert client_for(None).get(missing).status_code == 404
    assert client_for(None).get(reverse("library:work", args=["no-such-work"])).status_code == 404


def test_it_shows_what_the_work_is_about_and_links_the_publisher(toolkit, lantern, staff):
    lantern.verified_at, lantern.verified_by = lantern.created_at, staff
    lantern.save()
    response = reader("en").get(reverse("library:resource", args=[toolkit.slug, "en"]))
    text, page = _text(response), _page(response)
    for shown in ["Toolkit", "Forced labour", "Safe migration", "Cambodia", "Thailand"]:
        assert shown in text, shown
    assert "Asia and the Pacific" in text and "CC BY 4.0" in text
    assert "Checklists for outreach workers" in text
    assert f'href="{lantern.get_absolute_url()}">Lantern Outreach</a>' in page


def test_it_links_a_publisher_only_when_the_reader_may_open_its_page(toolkit, lantern, dave):
    # Lantern is not verified yet: its page is for signed-in people only
    url = reverse("library:resource", args=[toolkit.slug, "en"])
    assert lantern.get_absolute_url() not in _page(client_for(None).get(url))
    assert "Lantern Outreach" in _page(client_for(None).get(url))
    assert f'href="{lantern.get_absolute_url()}"' in _page(client_for(dave).get(url))


def test_an_author_links_to_their_profile_when_the_reader_may_open_it(toolkit, alice, dave):
    from commons.directory.services import save_person_profile
    from commons.library.services import set_authors

    save_person_profile(user=alice, fields={"title": "Director"}, visibility={"name": "members"})
    set_authors(work=toolkit, authors=[{"name": "Alice", "person": alice}])
    url = reverse("library:resource", args=[toolkit.slug, "en"])
    profile = reverse("directory:person", args=[alice.pk])
    assert f'href="{profile}">Alice</a>' in _page(client_for(dave).get(url))
    page = _page(client_for(None).get(url))
    assert profile not in page and "Alice" in page


def test_it_offers_the_download_with_its_type_and_size(toolkit, alice, moderator):
    from commons.library.files import CheckedFile
    from commons.library.services import submit_resource

    resource = submit_resource(
        work=toolkit,
        fields={"language": "fr", "title": "Boîte à outils"},
        submitter=moderator,
        file=CheckedFile(name="outils.pdf", kind="pdf", content=b"%PDF-1.4\n" + b"x" * 2048),
    )
    text = _text(reader("en").get(resource.get_absolute_url()))
    assert "PDF" in text and "2.0 KB" in text.replace("\xa0", " ")
    page = _page(reader("en").get(resource.get_absolute_url()))
    assert reverse("library:file", args=[toolkit.slug, "fr"]) in page


def test_it_offers_editing_and_translating_to_those_who_may(toolkit, alice, dave, moderator):
    url = reverse("library:resource", args=[toolkit.slug, "en"])
    edit = reverse("library:edit", args=[toolkit.slug, "en"])
    add = reverse("library:add_version", args=[toolkit.slug])
    page = _page(client_for(moderator).get(url))
    assert edit in page and add in page
    # alice submitted it, but a published version is edited by moderators only
    page = _page(client_for(alice).get(url))
    assert edit not in page and add in page
    page = _page(client_for(dave).get(url))
    assert edit not in page and add not in page


def test_the_reading_pages_answer_get_only(toolkit):
    client = client_for(None)
    for url in [
        reverse("library:work", args=[toolkit.slug]),
        reverse("library:resource", args=[toolkit.slug, "en"]),
        reverse("library:collections"),
        reverse("library:search"),
    ]:
        assert client.post(url).status_code == 405, url


def test_it_escapes_what_submitters_typed(alice, moderator):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    work = create_work(
        fields={"type": Work.Type.REPORT, "publisher_name": hostile, "licence": hostile},
        title="hostile",
        authors=[{"name": hostile}],
    )
    resource = publish(
        work, language="en", title=hostile, summary=hostile, by=alice, moderator=moderator
    )
    for url in [resource.get_absolute_url(), reverse("library:search")]:
        page = _page(client_for(None).get(url))
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert" in page, url


# --- Versions waiting for review -------------------------------------------------------


def test_a_version_waiting_for_review_is_for_its_submitter_and_the_moderators(
    pending, alice, bob, carol, dave, moderator
):
    url = pending.get_absolute_url()
    work_url = reverse("library:work", args=[pending.work.slug])
    for user in [None, carol, dave]:
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).get(work_url).status_code == 404
    for user in [bob, alice, moderator]:
        text = _text(client_for(user).get(url))
        assert "Shelter standards report" in text and "Waiting for review." in text
    review = reverse("library:review", args=[pending.pk])
    assert review in _page(client_for(moderator).get(url))
    assert review not in _page(client_for(bob).get(url))


def test_a_rejected_version_shows_its_submitter_the_reason(pending, bob, moderator):
    reject_resource(resource=pending, moderator=moderator, reason="Please add the <b>source</b>.")
    text = _text(client_for(bob).get(pending.get_absolute_url()))
    assert "Not published." in text and "Please add the &lt;b&gt;source&lt;/b&gt;." in text
    assert client_for(None).get(pending.get_absolute_url()).status_code == 404


def test_a_version_waiting_for_review_is_not_listed_to_others(toolkit, bob, carol):
    from commons.library.services import submit_resource

    submit_resource(
        work=toolkit,
        fields={"language": "th", "title": "ชุดเครื่องมือสำหรับแรงงานข้ามชาติ"},
        submitter=bob,
    )
    url = reverse("library:resource", args=[toolkit.slug, "en"])
    assert "ชุดเครื่องมือ" not in _page(client_for(carol).get(url))
    text = _text(client_for(bob).get(url))
    assert "ชุดเครื่องมือ" in text and "Waiting for review" in text


# --- Asking for a translation ----------------------------------------------------------


def test_members_ask_for_a_translation_and_each_counts_once(khmer_only, bob, dave):
    url = reverse("library:work", args=[khmer_only.slug])
    ask = reverse("library:request_translation", args=[khmer_only.slug])
    text = _text(reader("en", dave).get(url))
    assert "Not yet in English." in text and "asked for this" not in text

    response = reader("en", dave).post(ask, {"language": "en", "next": url}, follow=True)
    text = _text(response)
    assert "Thank you: 1 member asked for this in English." in text
    assert "1 member asked for this in English." in text
    assert "You asked for it in English" in text

    response = reader("en", dave).post(ask, {"language": "en", "next": url}, follow=True)
    assert "You had already asked for this in English." in _text(response)
    assert TranslationRequest.objects.filter(work=khmer_only, language="en").count() == 1

    reader("en", bob).post(ask, {"language": "en"})
    assert "2 members asked for this in English." in _text(reader("en").get(url))


def test_it_counts_requests_for_other_languages_too(khmer_only, dave):
    ask = reverse("library:request_translation", args=[khmer_only.slug])
    response = reader("en", dave).post(ask, {"language": "mya"})  # three letters: Burmese
    assert response.status_code == 302
    assert response["Location"] == reverse("library:work", args=[khmer_only.slug])
    text = _text(reader("en").get(khmer_only.get_absolute_url()))
    assert "Also asked for: Burmese (1 member)" in text


def test_it_refuses_unknown_languages_and_existing_versions(khmer_only, dave):
    ask = reverse("library:request_translation", args=[khmer_only.slug])
    text = _text(reader("en", dave).post(ask, {"language": "xx"}, follow=True))
    assert "Choose a language to ask for." in text
    text = _text(reader("en", dave).post(ask, {"language": "km"}, follow=True))
    assert "already in Khmer" in text
    assert not TranslationRequest.objects.exists()


def test_asking_for_a_translation_is_for_members_by_post(khmer_only, dave):
    ask = reverse("library:request_translation", args=[khmer_only.slug])
    response = client_for(None).post(ask, {"language": "en"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(None).get(ask).status_code == 405
    assert client_for(dave).get(ask).status_code == 405
    assert not TranslationRequest.objects.exists()


def test_it_goes_back_only_to_this_site(khmer_only, dave):
    ask = reverse("library:request_translation", args=[khmer_only.slug])
    response = client_for(dave).post(ask, {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == reverse("library:work", args=[khmer_only.slug])


def test_a_work_nobody_may_see_takes_no_requests(pending, dave):
    ask = reverse("library:request_translation", args=[pending.work.slug])
    assert client_for(dave).post(ask, {"language": "th"}).status_code == 404


# --- Collections -----------------------------------------------------------------------


@pytest.fixture
def crisis_kit(toolkit, khmer_only, alice):
    return save_collection(
        fields={
            "slug": "crisis-kit",
            "title": "Crisis resource library",
            "introduction": "Material for **emergencies**.<script>alert(1)</script>",
            "is_published": True,
        },
        works=[khmer_only, toolkit],
        curator=alice,
    )


def test_a_collection_shows_its_works_in_order_in_the_readers_language(crisis_kit):
    page = _page(reader("km").get(crisis_kit.get_absolute_url()))
    assert "<strong>emergencies</strong>" in page and "<script>alert" not in page
    assert page.index("ខិត្តប័ណ្ណ") < page.index(KHMER_TITLE)
    assert "Migrant worker toolkit" not in page
    page = _page(reader("en").get(crisis_kit.get_absolute_url()))
    assert "Migrant worker toolkit" in page and KHMER_TITLE not in page
    # the leaflet is only in Khmer: English readers get it, marked as such
    assert "ខិត្តប័ណ្ណ" in page and "not yet in your language" in page


def test_only_curators_and_moderators_see_an_unpublished_collection(
    crisis_kit, alice, bob, carol, moderator
):
    save_collection(collection=crisis_kit, fields={"is_published": False})
    url = crisis_kit.get_absolute_url()
    edit = reverse("library:collection_edit", args=[crisis_kit.slug])
    for user in [None, carol]:
        assert client_for(user).get(url).status_code == 404
        assert "Crisis resource library" not in _page(
            client_for(user).get(reverse("library:collections"))
        )
    for user in [alice, moderator]:
        page = _page(client_for(user).get(url))
        assert "Not published" in page and edit in page
    listed = _page(client_for(alice).get(reverse("library:collections")))
    assert "Crisis resource library" in listed


def test_the_collections_are_listed_for_everyone(crisis_kit, bob, dave):
    text = _text(client_for(None).get(reverse("library:collections")))
    assert "Crisis resource library" in text and "2 resources" in text
    new = reverse("library:collection_new")
    assert new not in _page(client_for(None).get(reverse("library:collections")))
    assert new in _page(client_for(bob).get(reverse("library:collections")))
    assert new not in _page(client_for(dave).get(reverse("library:collections")))
    assert reverse("library:collection_edit", args=["crisis-kit"]) not in _page(
        client_for(bob).get(crisis_kit.get_absolute_url())
    )


def test_a_resource_names_the_collections_it_is_in(crisis_kit, toolkit):
    page = _page(client_for(None).get(reverse("library:resource", args=[toolkit.slug, "en"])))
    assert "Crisis resource library" in page and crisis_kit.get_absolute_url() in page


# --- The search page -------------------------------------------------------------------


@pytest.fixture
def shelf(toolkit, khmer_only, alice, moderator, lantern):
    """The toolkit (English and Khmer), the leaflet (Khmer) and a report (English)."""
    work = create_work(
        fields={
            "type": Work.Type.REPORT,
            "topics": ["migration"],
            "countries": ["TH"],
            "publisher_name": "Mekong Research",
        },
        title="Recruitment fees report",
    )
    publish(
        work,
        language="en",
        title="Recruitment fees report",
        summary="What migrant workers pay to brokers.",
        by=alice,
        moderator=moderator,
    )
    return work


def _facet(page: str, name: str, value: str) -> str:
    """The count shown next to a facet's value ("" when the value is not offered)."""
    found = re.search(
        rf'name="{name}" value="{re.escape(value)}"[^>]*>[^<]*<span class="count">([\d,]+)</span>',
        page,
    )
    return found.group(1) if found else ""


def test_it_shows_the_readers_language_first_and_all_languages_in_one_click(shelf):
    url = reverse("library:search")
    page = _page(reader("km").get(url))
    assert KHMER_TITLE in page and "ខិត្តប័ណ្ណ" in page
    assert "Recruitment fees report" not in page
    assert f'href="{url}?all=1"' in page
    page = _page(reader("km").get(url, {"all": "1"}))
    assert KHMER_TITLE in page and "Recruitment fees report" in page
    assert f'href="{url}"' in page  # and back to Khmer only


def test_it_counts_each_facets_values(shelf):
    page = _page(reader("en").get(reverse("library:search"), {"all": "1"}))
    assert "3 resources" in _text(reader("en").get(reverse("library:search"), {"all": "1"}))
    assert _facet(page, "language", "en") == "2" and _facet(page, "language", "km") == "2"
    assert _facet(page, "type", "toolkit") == "1" and _facet(page, "type", "report") == "1"
    assert _facet(page, "topic", "migration") == "2"
    assert _facet(page, "country", "TH") == "2" and _facet(page, "country", "KH") == "1"
    assert _facet(page, "publisher", "Mekong Research") == "1"
    # a ticked value narrows the others' counts, not its own facet's
    page = _page(reader("en").get(reverse("library:search"), {"all": "1", "type": "report"}))
    assert _facet(page, "country", "KH") == "" and _facet(page, "country", "TH") == "1"
    assert _facet(page, "type", "toolkit") == "1"
    assert 'name="type" value="report" checked' in page


def test_it_finds_a_khmer_word_inside_a_khmer_title(shelf):
    page = _page(reader("km").get(reverse("library:search"), {"q": "ពលករ"}))
    assert KHMER_TITLE in page and "ខិត្តប័ណ្ណ" not in page
    # an English reader searches the English versions unless asked for all languages
    page = _page(reader("en").get(reverse("library:search"), {"q": "ពលករ"}))
    assert "No resource matches." in page
    page = _page(reader("en").get(reverse("library:search"), {"q": "ពលករ", "all": "1"}))
    assert KHMER_TITLE in page


def test_it_names_the_other_languages_of_each_result(shelf, toolkit):
    page = _page(reader("en").get(reverse("library:search"), {"q": "toolkit"}))
    khmer = reverse("library:resource", args=[toolkit.slug, "km"])
    assert "Also in:" in page and f'href="{khmer}" hreflang="km" lang="km">ខ្មែរ</a>' in page


def test_it_shows_what_was_recently_added_until_one_searches(shelf):
    text = _text(reader("en").get(reverse("library:search")))
    assert "Recently added" in text
    text = _text(reader("en").get(reverse("library:search"), {"q": "report"}))
    assert "Recently added" not in text and "Recruitment fees report" in text


def test_it_answers_htmx_with_the_results_only(shelf):
    response = reader("en").get(reverse("library:search"), {"q": "fees"}, HTTP_HX_REQUEST="true")
    page = _page(response)
    assert "Recruitment fees report" in page and "<html" not in page


def test_it_offers_the_feeds_of_the_language_and_topic_shown(shelf):
    page = _page(reader("km").get(reverse("library:search"), {"topic": "migration"}))
    assert reverse("library:feed_language", args=["km"]) in page
    assert reverse("library:feed_topic", args=["migration"]) in page
    assert reverse("library:feed") in page


def test_it_links_submitting_and_moderating_for_those_who_may(shelf, bob, dave, moderator):
    submit, queue = reverse("library:submit"), reverse("library:moderation")
    url = reverse("library:search")
    page = _page(client_for(None).get(url))
    assert submit not in page and queue not in page
    assert reverse("library:collections") in page
    assert submit not in _page(client_for(dave).get(url))
    page = _page(client_for(bob).get(url))
    assert submit in page and queue not in page
    assert queue in _page(client_for(moderator).get(url))


def test_a_resource_suggests_related_ones(shelf, toolkit):
    page = _page(reader("en").get(reverse("library:resource", args=[toolkit.slug, "en"])))
    related = page[page.index("Related resources") :]
    assert "Recruitment fees report" in related
