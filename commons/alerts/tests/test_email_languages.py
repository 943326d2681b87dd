"""Alert e-mails are written in each recipient's language (the notice to subscribed
organisations is tested in test_moderation.py)."""

import pytest
from django.core import mail

from commons.alerts import services
from commons.alerts.tests.conftest import make_alert
from commons.conftest import make_user
from commons.core.tests.languages import translated

pytestmark = pytest.mark.django_db


def test_each_moderator_and_the_author_read_their_own_language(
    vera, moderator, django_capture_on_commit_callbacks
):
    moderator.language = "my"
    moderator.save(update_fields=["language"])
    make_user("sofia@example.org", is_moderator=True, language="es")
    vera.language = "vi"
    vera.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        alert = make_alert(vera)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    waiting = "A recruitment-fraud alert waits for review"
    assert subjects["mona@example.org"].endswith(translated("my", waiting))
    assert subjects["sofia@example.org"].endswith(translated("es", waiting))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_alert(alert=alert, moderator=moderator)
    [told] = mail.outbox
    assert told.to == [vera.email]
    assert told.subject.endswith(translated("vi", "Your recruitment-fraud alert is published"))
