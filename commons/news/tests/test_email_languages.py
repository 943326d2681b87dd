"""News e-mails are written in each recipient's language."""

import pytest
from django.core import mail

from commons.conftest import make_user
from commons.core.tests.languages import translated
from commons.news.models import Post
from commons.news.services import publish_post, submit_post

pytestmark = pytest.mark.django_db


def test_each_editor_is_told_of_a_submission_in_their_language(
    bob, moderator, django_capture_on_commit_callbacks
):
    moderator.language = "ar"
    moderator.save(update_fields=["language"])
    make_user("ines@example.org", is_moderator=True, language="es")
    make_user("eli@example.org", is_moderator=True, language="es")
    make_user("stan@example.org", is_staff=True)  # no saved language: the site's
    fields = {"kind": Post.Kind.NEWS, "title": "Border report", "language": "en"}
    with django_capture_on_commit_callbacks(execute=True):
        submit_post(fields=fields, author=bob)
    by_address = {address: message for message in mail.outbox for address in message.to}
    assert len(mail.outbox) == 4  # one per editor: none reads another's address
    title = "New post to publish: %(title)s"
    assert by_address["mona@example.org"].subject.endswith(
        translated("ar", title) % {"title": "Border report"}
    )
    spanish = translated("es", title) % {"title": "Border report"}
    assert by_address["ines@example.org"].subject.endswith(spanish)
    assert by_address["eli@example.org"].subject.endswith(spanish)
    assert by_address["stan@example.org"].subject.endswith("New post to publish: Border report")


def test_the_author_reads_the_decision_in_their_language(
    submitted, bob, moderator, django_capture_on_commit_callbacks
):
    bob.language = "km"
    bob.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        publish_post(post=submitted, editor=moderator)
    [message] = mail.outbox
    assert message.subject.endswith(
        translated("km", "Published: %(title)s") % {"title": "Field report from the border"}
    )
