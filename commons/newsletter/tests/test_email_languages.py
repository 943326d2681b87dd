"""Newsletter e-mails are in the language the subscriber chose, and an issue's HTML runs
in that language's direction (mail programs drop <html>: the wrapper says it too)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from commons.core.tests.languages import translated
from commons.news.tests.conftest import post
from commons.newsletter import issues, sending, services
from commons.newsletter.tests.conftest import PREFERENCES, subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(alice, moderator):
    post(alice, moderator, title="Hotline opens")
    today = timezone.localdate()
    made = issues.create_issue(
        subject="This week",
        introduction="",
        period_start=today - datetime.timedelta(days=7),
        period_end=today,
        created_by=moderator,
    )
    issues.propose_items(made)
    return made


def _copies(issue) -> dict[str, tuple[str, object]]:
    mail.outbox.clear()
    sending.queue_issue(issue)
    sending.send_issue(issue, rate_per_second=0)
    return {message.to[0]: (message.alternatives[0][0], message) for message in mail.outbox}


def _tag(html: str, name: str, cls: str = "") -> str:
    found = re.search(rf"<{name}\b[^>]*{cls}[^>]*>", html)
    assert found, name
    return found.group(0)


def test_an_arabic_readers_issue_runs_right_to_left_and_a_thai_one_is_marked_thai(issue):
    subscriber("ar@example.net", language="ar")
    subscriber("th@example.net", language="th")
    subscriber("en@example.net", language="en")
    copies = _copies(issue)

    arabic, message = copies["ar@example.net"]
    assert message.extra_headers["Content-Language"] == "ar"
    html = _tag(arabic, "html")
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    wrapper = _tag(arabic, "div", 'class="wrapper"')
    assert 'dir="rtl"' in wrapper
    assert "direction: rtl" in wrapper and "text-align: right" in wrapper
    assert "text-align: left" not in arabic and "float: left" not in arabic
    assert translated("ar", "Unsubscribe") in arabic
    assert translated("ar", "Change what you receive") in arabic

    thai, message = copies["th@example.net"]
    assert message.extra_headers["Content-Language"] == "th"
    html = _tag(thai, "html")
    assert 'lang="th"' in html and 'dir="ltr"' in html
    assert translated("th", "Unsubscribe") in thai

    english, _message = copies["en@example.net"]
    assert "text-align: left" in _tag(english, "div", 'class="wrapper"')


def test_the_confirmation_e_mail_is_in_the_chosen_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe(
            email="lee@example.net", preferences={**PREFERENCES, "language": "km"}, ip="192.0.2.1"
        )
    [message] = mail.outbox
    assert message.subject.endswith(translated("km", "Confirm your subscription to the newsletter"))
