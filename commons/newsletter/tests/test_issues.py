"""What an issue proposes from the period (posts, coming events, new library resources)
and what each subscriber receives of it: language, topics, regions, frequency."""

import datetime

import pytest
from django.utils import timezone

from commons.events.models import Event
from commons.events.tests.conftest import make_event
from commons.library.tests.conftest import toolkit  # noqa: F401 (a fixture)
from commons.news.tests.conftest import post
from commons.newsletter import issues
from commons.newsletter.models import IssueItem
from commons.newsletter.tests.conftest import subscriber

Section = IssueItem.Section


@pytest.fixture
def week(db):
    today = timezone.localdate()
    return issues.create_issue(
        subject="The week",
        period_start=today - datetime.timedelta(days=7),
        period_end=today,
    )


def titles(items) -> list[str]:
    return [item.title for item in items]


def test_it_proposes_coming_events_and_new_library_resources(week, lantern, toolkit):  # noqa: F811
    soon = make_event(organisers=[lantern], slug="soon", title="Webinar next week")
    make_event(organisers=[lantern], slug="draft", title="Not yet", status=Event.Status.DRAFT)
    make_event(
        organisers=[lantern],
        slug="past",
        title="Last month's forum",
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )
    items = issues.propose_items(week)
    events = [item for item in items if item.section == Section.EVENTS]
    resources = [item for item in items if item.section == Section.RESOURCES]
    assert titles(events) == ["Webinar next week"]
    assert events[0].event == soon
    assert events[0].regions == ["asia-pacific"]
    assert events[0].href.endswith(soon.get_absolute_url())
    assert sorted(titles(resources)) == sorted(["Migrant worker toolkit", "ឧបករណ៍សម្រាប់ពលករចំណាកស្រុក"])
    assert {tuple(item.languages) for item in resources} == {("en",), ("km",)}


def test_a_subscriber_receives_the_entries_of_their_regions_and_global_ones(week, alice, moderator):
    post(alice, moderator, title="Thai recruitment law", countries=["TH"])
    post(alice, moderator, title="French court ruling", countries=["FR"])
    post(alice, moderator, title="Global index published")
    issues.propose_items(week)
    asia = subscriber("asia@example.net", regions=["asia-pacific"])
    everywhere = subscriber("all@example.net")
    assert sorted(titles(issues.items_for(week, asia))) == [
        "Global index published",
        "Thai recruitment law",
    ]
    assert len(issues.items_for(week, everywhere)) == 3


def test_an_entry_about_no_topic_goes_to_subscribers_of_every_topic(week):
    issues.add_item(week, section=Section.NEWS, title="General notice")
    issues.add_item(week, section=Section.NEWS, title="On debt bondage", topics=["debt_bondage"])
    focused = subscriber("focus@example.net", topics=["child_labour"])
    assert titles(issues.items_for(week, focused)) == ["General notice"]


def test_an_entry_in_several_languages_reaches_readers_of_any_of_them(week):
    issues.add_item(week, section=Section.EVENTS, title="Interpreted", languages=["th", "km"])
    issues.add_item(week, section=Section.EVENTS, title="Spanish only", languages=["es"])
    khmer = subscriber("km@example.net", language="km")
    assert titles(issues.items_for(week, khmer)) == ["Interpreted"]


def test_entries_added_by_the_editor_go_to_the_end_of_their_section(week):
    first = issues.add_item(week, section=Section.NEWS, title="First news")
    issues.add_item(week, section=Section.RESOURCES, title="A resource")
    issues.add_item(week, section=Section.NEWS, title="Second news")
    issues.add_item(week, section=Section.ANNOUNCEMENTS, title="Announcement")
    assert titles(issues.issue_items(week)) == [
        "Announcement",
        "First news",
        "Second news",
        "A resource",
    ]
    issues.move_item(first, up=False)
    assert titles(issues.issue_items(week))[1:3] == ["Second news", "First news"]
    issues.move_item(first, up=False)  # already last of its section: nothing moves
    assert titles(issues.issue_items(week))[1:3] == ["Second news", "First news"]


def test_the_plain_text_copy_keeps_each_summary_on_one_indented_line(week):
    from commons.newsletter import sending

    issues.add_item(
        week, section=Section.EVENTS, title="Long event", summary="First part.\n\nSecond part."
    )
    reader = subscriber("text@example.net")
    message = sending.build_message(week, reader, issues.items_for(week, reader))
    assert "\n  First part. Second part.\n" in message.body
