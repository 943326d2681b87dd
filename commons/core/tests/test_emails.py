"""Templated e-mails: which language a recipient reads, and one e-mail per person (in
their language) when several people are written to at once."""

import pytest
from django.core import mail

from commons.accounts.models import User
from commons.core.services import queue_templated_email_to_users, recipient_language
from commons.core.tests.languages import translated
from commons.library.models import Resource, Work


@pytest.mark.parametrize(
    ("saved", "fallback", "expected"),
    [
        ("th", "fr", "th"),  # the account's saved language wins
        ("", "fr", "fr"),  # else the language the person used when they acted
        ("", None, "en"),  # else the site's
        ("", "xx", "en"),  # a language the site does not offer is passed over
    ],
)
def test_it_writes_in_the_saved_language_else_the_one_used_else_the_sites(
    saved, fallback, expected
):
    assert recipient_language(User(language=saved), fallback=fallback) == expected


def test_it_writes_to_several_people_one_e_mail_each_in_their_language(
    db, django_capture_on_commit_callbacks
):
    people = [
        User.objects.create_user(email=f"{name}@example.org", language=language)
        for name, language in [("a", "fr"), ("b", "ar"), ("c", "fr"), ("d", "")]
    ]
    resource = Resource(work=Work(slug="report"), language="en", title="Shelter report")
    with django_capture_on_commit_callbacks(execute=True):
        queue_templated_email_to_users(
            users=people, template="library/email/submitted", context={"resource": resource}
        )
    # nobody reads another recipient's address
    assert sorted(message.to for message in mail.outbox) == [
        [f"{name}@example.org"] for name in "abcd"
    ]
    language_of = {
        message.to[0]: message.extra_headers["Content-Language"] for message in mail.outbox
    }
    assert language_of == {
        "a@example.org": "fr",
        "b@example.org": "ar",
        "c@example.org": "fr",
        "d@example.org": "en",
    }
    by_language = {message.extra_headers["Content-Language"]: message for message in mail.outbox}
    title = "New library submission: %(title)s"
    for language in ("fr", "ar"):
        subject = translated(language, title) % {"title": "Shelter report"}
        assert by_language[language].subject.endswith(subject)
    assert by_language["en"].subject.endswith("New library submission: Shelter report")
