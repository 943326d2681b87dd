"""The library's e-mails are written in each recipient's language."""

import pytest
from django.core import mail

from commons.conftest import make_user
from commons.core.tests.languages import translated
from commons.library import services
from commons.library.models import Work

pytestmark = pytest.mark.django_db


def test_each_moderator_is_told_of_a_submission_in_their_language(
    bob, moderator, django_capture_on_commit_callbacks
):
    moderator.language = "th"
    moderator.save(update_fields=["language"])
    make_user("moussa@example.org", is_moderator=True, language="fr")
    work = services.create_work(fields={"type": Work.Type.REPORT}, title="Shelter report")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_resource(
            work=work, fields={"language": "en", "title": "Shelter report"}, submitter=bob
        )
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert len(mail.outbox) == 2
    title = "New library submission: %(title)s"
    assert subjects["mona@example.org"].endswith(
        translated("th", title) % {"title": "Shelter report"}
    )
    assert subjects["moussa@example.org"].endswith(
        translated("fr", title) % {"title": "Shelter report"}
    )


def test_the_submitter_reads_the_decision_in_their_language(
    pending, bob, moderator, django_capture_on_commit_callbacks
):
    bob.language = "ar"
    bob.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_resource(resource=pending, moderator=moderator)
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert message.subject.endswith(
        translated("ar", "Published in the library: %(title)s")
        % {"title": "Shelter standards report"}
    )
