"""The demo library: works in nine languages, some as linked translations, with files
whose text search finds, two submissions waiting for review and a rejected one, all
clearly demo material and loaded once however often the demo runs."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from commons.core.demo import FIXTURES, load_demo
from commons.core.models import AuditEvent
from commons.library import files, queries
from commons.library.demo import DEMO_NOTE, demo_data, load_demo_library
from commons.library.models import (
    Author,
    Collection,
    CollectionItem,
    Resource,
    TranslationRequest,
    Work,
)
from commons.library.search import LibraryQuery, search

NINE = {"en", "km", "th", "vi", "my", "id", "es", "fr", "ar"}


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    # Synthetic journeys and survey responses take most of the demo's time; the library
    # needs only its people and organisations.
    monkeypatch.setattr("commons.core.demo._load_journeys", lambda organisations: 0)
    monkeypatch.setattr("commons.surveys.demo.load_demo_survey", lambda: 0)
    with django_capture_on_commit_callbacks(execute=True):
        _people, _password, counts = load_demo()
    return counts


def _counts() -> dict[str, int]:
    models = [Work, Resource, Author, TranslationRequest, Collection, CollectionItem, AuditEvent]
    return {model.__name__: model.objects.count() for model in models}


def test_it_loads_once_however_often_it_runs(demo, django_capture_on_commit_callbacks):
    assert demo["library"] == Work.objects.count() == len(demo_data()["works"])
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert load_demo_library() == 0
        load_demo()
    assert _counts() == before
    assert callbacks == []


def test_it_e_mails_nobody(demo):
    assert mail.outbox == []


def test_it_publishes_works_in_nine_languages_some_as_linked_translations(demo):
    published = queries.published()
    assert set(published.values_list("language", flat=True)) >= NINE
    versions = {}
    for work_id, language in published.values_list("work_id", "language"):
        versions.setdefault(work_id, set()).add(language)
    assert len(versions) >= 30
    assert sum(len(languages) >= 2 for languages in versions.values()) >= 15
    assert max(len(languages) for languages in versions.values()) == 4
    toolkit = Work.objects.get(slug="migrant-worker-toolkit-demo")
    assert set(toolkit.versions.values_list("language", flat=True)) == {"en", "th", "my", "km"}


def test_every_work_says_it_is_demo_material(demo):
    fictional = {
        row["slug"]
        for row in json.loads((FIXTURES / "demo_fictional_organisations.json").read_text())
    }
    assert not Work.objects.filter(is_demo=False).exists()
    assert not Collection.objects.filter(is_demo=False).exists()
    for work in Work.objects.select_related("publisher"):
        if work.publisher_id:
            assert work.publisher.slug in fictional, work.slug
        else:
            assert not work.publisher_name or "(demo)" in work.publisher_name, work.slug
    for resource in Resource.objects.all():
        assert resource.title.endswith("(demo)"), resource.title
        assert resource.summary.endswith(DEMO_NOTE[resource.language]), resource.title
    for collection in Collection.objects.all():
        assert collection.title.endswith("(demo)")


def test_it_reads_the_text_of_every_file_and_search_finds_a_khmer_word_inside_one(demo):
    with_files = Resource.objects.exclude(file="")
    kinds = set(with_files.values_list("file_type", flat=True))
    assert kinds == {"pdf", "docx"}
    assert with_files.count() >= 20
    assert not with_files.exclude(extraction=Resource.Extraction.DONE).exists()
    khmer = Resource.objects.get(work__slug="migrant-worker-toolkit-demo", language="km")
    word = "លិខិតឆ្លងដែន"  # passport: in the file, not in the title or summary
    assert word not in khmer.title + khmer.summary
    assert word in khmer.extracted_text

    found = search(LibraryQuery(q=word, language="km"))

    assert khmer in found.items


def test_its_generated_files_pass_the_upload_checks(demo):
    for resource in Resource.objects.exclude(file=""):
        with resource.file.open("rb") as handle:
            checked = files.check_upload(SimpleUploadedFile(resource.file_name, handle.read()))
        assert checked.kind == resource.file_type, resource.file_name


def test_bobs_submissions_wait_for_review_and_one_was_rejected_with_a_reason(demo):
    bob = Resource.objects.filter(submitted_by__email="bob@example.org")
    waiting = bob.filter(status=Resource.Status.SUBMITTED)
    assert waiting.count() == 2
    assert {r.approved_at for r in waiting} == {None}
    [rejected] = bob.filter(status=Resource.Status.REJECTED)
    assert "names a woman who was rescued" in rejected.rejection_reason
    hidden = {r.pk for r in bob.exclude(status=Resource.Status.APPROVED)}
    visible = set(queries.resources_for(AnonymousUser()).values_list("pk", flat=True))
    assert hidden and not hidden & visible
    everything = search(LibraryQuery(all_languages=True, page_size=100))
    assert not hidden & {item.pk for item in everything.items}
    assert set(queries.moderation_queue()) == set(waiting)


def test_it_curates_collections_and_records_translation_requests(demo):
    crisis = Collection.objects.get(slug="crisis-resource-library-demo")
    assert crisis.is_published
    assert "<li>" in crisis.introduction_html
    assert [item.work.slug for item in crisis.items.all()][:2] == [
        "helpline-cards-demo",
        "flood-safety-leaflet-demo",
    ]
    assert Collection.objects.filter(is_published=True).count() == 3
    briefing = Work.objects.get(slug="scam-compounds-briefing-demo")
    assert queries.translation_requests(briefing) == [("my", 3), ("km", 2)]


def test_the_demo_command_says_how_many_works_the_library_has(
    db, settings, tmp_path, monkeypatch, capsys
):
    from django.core.management import call_command

    settings.DEMO_MODE, settings.VAR_DIR = True, tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("commons.core.demo._load_journeys", lambda organisations: 0)
    monkeypatch.setattr("commons.surveys.demo.load_demo_survey", lambda: 0)
    call_command("demo")
    works = len(demo_data()["works"])
    assert f", {works} library works in several languages." in capsys.readouterr().out
