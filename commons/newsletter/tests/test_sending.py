"""Issues and their sending: per-subscriber content, headers, and exactly one copy per
confirmed subscriber even across a crashed worker."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from commons.news.models import Post
from commons.news.tests.conftest import post
from commons.newsletter import issues, sending, services
from commons.newsletter.models import Delivery, Issue, IssueItem, Subscriber
from commons.newsletter.tests.conftest import subscriber


class WorkerKilled(BaseException):
    """Stands for the worker process dying: nothing in the sender may catch it."""


@pytest.fixture
def posts(alice, moderator):
    return {
        "news": post(alice, moderator, title="Hotline opens", topics=["migration"]),
        "report": post(
            alice,
            moderator,
            kind=Post.Kind.FIELD_REPORT,
            title="Rapport du terrain",
            language="fr",
            topics=["forced-labour"],
        ),
        "thai": post(alice, moderator, title="Thai news", language="th", topics=["migration"]),
        "announcement": post(
            alice, moderator, kind=Post.Kind.ANNOUNCEMENT, title="New steering group"
        ),
        "members": post(
            alice, moderator, title="Members' briefing", audience=Post.Audience.MEMBERS
        ),
    }


@pytest.fixture
def issue(posts, moderator) -> Issue:
    today = timezone.localdate()
    made = issues.create_issue(
        subject="This week",
        introduction="Hello **all**<script>x</script>",
        period_start=today - datetime.timedelta(days=7),
        period_end=today,
        created_by=moderator,
    )
    issues.propose_items(made)
    return made


def titles(items) -> set[str]:
    return {item.title for item in items}


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_it_proposes_the_public_posts_of_the_period_in_sections(issue, posts, alice, moderator):
    old = post(alice, moderator, title="Last month")
    Post.objects.filter(pk=old.pk).update(published_at=timezone.now() - datetime.timedelta(days=40))
    issues.propose_items(issue)
    items = issues.issue_items(issue)
    assert titles(items) == {
        "Hotline opens",
        "Rapport du terrain",
        "Thai news",
        "New steering group",
    }
    assert items[0].section == IssueItem.Section.ANNOUNCEMENTS
    assert "<strong>all</strong>" in issue.introduction_html
    assert "<script>" not in issue.introduction_html


def test_it_filters_items_by_language_topics_and_frequency(issue, db):
    everything = subscriber("all@example.net")
    french = subscriber("fr@example.net", language="fr", topics=["forced-labour"])
    thai = subscriber("th@example.net", language="th")
    major = subscriber("major@example.net", language="fr", frequency="major")
    assert titles(issues.items_for(issue, everything)) == {"Hotline opens", "New steering group"}
    assert titles(issues.items_for(issue, french)) == {"Rapport du terrain", "New steering group"}
    assert titles(issues.items_for(issue, thai)) == {
        "Hotline opens",
        "Thai news",
        "New steering group",
    }
    assert titles(issues.items_for(issue, major)) == {"New steering group"}


def test_it_never_queues_or_mails_an_unconfirmed_address(issue, db):
    subscriber("yes@example.net")
    subscriber("waiting@example.net", confirmed=False)
    mail.outbox.clear()
    assert sending.queue_issue(issue) == 1
    assert sending.queue_issue(issue) == 0  # idempotent
    sending.send_issue(issue, rate_per_second=0)
    assert recipients() == ["yes@example.net"]
    assert list(Delivery.objects.values_list("subscriber__email", flat=True)) == ["yes@example.net"]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.sent_at is not None


def test_it_sends_html_with_inline_styles_a_text_part_and_unsubscribe_headers(issue, db):
    reader = subscriber("reader@example.net")
    mail.outbox.clear()
    sending.queue_issue(issue)
    sending.send_issue(issue, rate_per_second=0)
    (message,) = mail.outbox
    token = services.token_for(reader)
    assert message.extra_headers["List-Unsubscribe"] == (f"<{services.link('unsubscribe', token)}>")
    assert f"/newsletter/unsubscribe/{token}/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"] == sending.message_id(issue, reader)
    assert "Hotline opens" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "<style" not in html
    assert 'style="' in html
    assert "Hotline opens" in html
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.message_id == sending.message_id(issue, reader)


def test_it_renders_a_copy_once_for_readers_of_the_same_entries_each_with_their_links(
    issue, db, monkeypatch
):
    readers = [subscriber(f"same{n}@example.net") for n in range(3)]
    french = subscriber("fr@example.net", language="fr", topics=["forced-labour"])
    renders = []
    real_render = sending._render

    def counting_render(issue, language, items):
        renders.append((language, tuple(item.pk for item in items)))
        return real_render(issue, language, items)

    monkeypatch.setattr(sending, "_render", counting_render)
    mail.outbox.clear()
    sending.queue_issue(issue)
    sending.send_issue(issue, rate_per_second=0)
    assert len(renders) == 2  # the three English readers share one rendering
    assert {language for language, _items in renders} == {"en", "fr"}
    by_address = {message.to[0]: message for message in mail.outbox}
    tokens = {reader.email: services.token_for(reader) for reader in [*readers, french]}
    for address, token in tokens.items():
        message = by_address[address]
        html = message.alternatives[0][0]
        for part in (message.body, html):
            assert services.link("manage", token) in part
            assert services.link("unsubscribe", token) in part
            assert sending._TOKEN_PLACEHOLDER not in part
            others = [other for email, other in tokens.items() if email != address]
            assert not any(other in part for other in others)
        assert message.extra_headers["List-Unsubscribe"] == (
            f"<{services.link('unsubscribe', token)}>"
        )
    assert "Rapport du terrain" in by_address["fr@example.net"].body
    assert "Rapport du terrain" not in by_address["same0@example.net"].body


def test_it_records_each_delivery_sent_once_with_its_message_id(issue, db):
    readers = [subscriber(f"r{n}@example.net") for n in range(4)]
    sending.queue_issue(issue)
    sending.send_issue(issue, rate_per_second=0)
    for reader in readers:
        delivery = Delivery.objects.get(subscriber=reader)
        assert delivery.status == Delivery.Status.SENT
        assert delivery.sent_at is not None
        assert delivery.attempts == 1
        assert delivery.message_id == sending.message_id(issue, reader)


def test_it_skips_an_address_unsubscribed_or_suppressed_after_queuing(issue, db):
    stays = subscriber("stays@example.net")
    leaves = subscriber("leaves@example.net")
    bounces = subscriber("bounces@example.net")
    mail.outbox.clear()
    sending.queue_issue(issue)
    services.unsubscribe(subscriber=leaves, how=Subscriber.Ending.ONE_CLICK)
    services.suppress(email=bounces.email, reason=Subscriber.Ending.BOUNCE)
    counts = sending.send_issue(issue, rate_per_second=0)
    assert recipients() == [stays.email]
    assert counts["sent"] == 1
    assert counts["skipped"] == 2


def test_it_skips_a_subscriber_for_whom_the_issue_has_nothing(issue, db):
    subscriber("only-trafficking@example.net", topics=["sexual-exploitation"], frequency="major")
    Post.objects.filter(kind=Post.Kind.ANNOUNCEMENT).delete()
    mail.outbox.clear()
    sending.queue_issue(issue)
    assert sending.send_issue(issue, rate_per_second=0)["skipped"] == 1
    assert mail.outbox == []


def _expire_leases():
    Delivery.objects.update(
        claimed_at=timezone.now() - sending.LEASE - datetime.timedelta(seconds=1)
    )


def test_it_sends_exactly_one_copy_each_when_the_worker_dies_between_deliveries(
    issue, db, monkeypatch
):
    addresses = [f"reader{n}@example.net" for n in range(10)]
    for address in addresses:
        subscriber(address)
    mail.outbox.clear()
    sending.queue_issue(issue)
    real_pace = sending._pace

    def die_after_half(started, sent, rate):
        if sent == 5:
            raise WorkerKilled
        real_pace(started, sent, rate)

    monkeypatch.setattr(sending, "_pace", die_after_half)
    with pytest.raises(WorkerKilled):
        sending.send_issue(issue, rate_per_second=0)
    assert len(mail.outbox) == 5
    monkeypatch.setattr(sending, "_pace", real_pace)
    # a new worker before the lease expires leaves the dead one's claims alone
    assert sending.send_pending(issue, rate_per_second=0) == 0
    _expire_leases()
    sending.send_issue(issue, rate_per_second=0)
    assert recipients() == sorted(addresses)
    assert sending.progress(issue)["sent"] == 10


def test_it_sends_exactly_one_copy_each_when_the_worker_dies_during_a_hand_off(issue, db, settings):
    addresses = [f"reader{n}@example.net" for n in range(10)]
    for address in addresses:
        subscriber(address)
    mail.outbox.clear()
    sending.queue_issue(issue)
    settings.EMAIL_BACKEND = "commons.newsletter.tests.test_sending.DyingBackend"
    DyingBackend.calls = 0
    with pytest.raises(WorkerKilled):
        sending.send_issue(issue, rate_per_second=0)
    assert len(mail.outbox) == 5
    stuck = Delivery.objects.get(status=Delivery.Status.SENDING)
    assert stuck.message_id == sending.message_id(issue, stuck.subscriber)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _expire_leases()
    sending.send_issue(issue, rate_per_second=0)
    assert recipients() == sorted(addresses)
    stuck.refresh_from_db()
    assert stuck.status == Delivery.Status.SENT
    assert stuck.attempts == 2


def test_it_queues_a_refused_message_again_then_marks_it_failed(issue, db, settings):
    subscriber("refused@example.net")
    mail.outbox.clear()
    sending.queue_issue(issue)
    settings.EMAIL_BACKEND = "commons.newsletter.tests.test_sending.RefusingBackend"
    counts = sending.send_issue(issue, rate_per_second=0)
    assert counts["failed"] == 1
    delivery = Delivery.objects.get()
    assert delivery.attempts == sending.MAX_ATTEMPTS
    assert "refused" in delivery.error
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_it_reports_progress(issue, db):
    for n in range(3):
        subscriber(f"p{n}@example.net")
    sending.queue_issue(issue)
    assert sending.progress(issue)["queued"] == 3
    assert sending.send_pending(issue, batch=2, rate_per_second=0) == 2
    counts = sending.progress(issue)
    assert (counts["sent"], counts["queued"], counts["total"]) == (2, 1, 3)


def test_it_sends_through_the_task(issue, db):
    from commons.newsletter.tasks import send_issue

    subscriber("task@example.net")
    mail.outbox.clear()
    sending.queue_issue(issue)
    send_issue.enqueue(issue_id=issue.pk)
    assert recipients() == ["task@example.net"]


from django.core.mail.backends.locmem import EmailBackend as _Locmem  # noqa: E402


class DyingBackend(_Locmem):
    """Delivers five messages, then the worker dies during the sixth hand-off."""

    calls = 0

    def send_messages(self, messages):
        DyingBackend.calls += 1
        if DyingBackend.calls == 6:
            raise WorkerKilled
        return super().send_messages(messages)


class RefusingBackend(_Locmem):
    def send_messages(self, messages):
        raise OSError("refused by the server")


def test_a_worker_that_loses_a_claim_race_claims_the_next_deliveries(issue, db, monkeypatch):
    """Another worker claims the very deliveries this one just read: this one must go on
    with the next ones, not stop as if nothing were left."""
    for n in range(4):
        subscriber(f"race{n}@example.net")
    sending.queue_issue(issue)
    looked = sending._candidates
    raced = []

    def racing(*args, **kwargs):
        found = looked(*args, **kwargs)
        if not raced:
            raced.extend(found)
            Delivery.objects.filter(pk__in=found).update(claim="other", claimed_at=timezone.now())
        return found

    monkeypatch.setattr(sending, "_candidates", racing)
    assert sending.send_pending(issue, batch=2, rate_per_second=0) == 2
    mine = Delivery.objects.exclude(pk__in=raced)
    assert sorted(mine.values_list("status", flat=True)) == ["sent", "sent"]
    assert set(Delivery.objects.filter(pk__in=raced).values_list("claim", flat=True)) == {"other"}
