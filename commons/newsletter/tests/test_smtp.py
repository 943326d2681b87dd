"""The real SMTP path: a local aiosmtpd server receives the issue's messages."""

import datetime
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from commons.news.tests.conftest import post
from commons.newsletter import issues, sending, services
from commons.newsletter.tests.conftest import subscriber


class Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def test_it_delivers_each_message_to_an_smtp_server_with_unsubscribe_headers(
    smtp_server, alice, moderator
):
    post(alice, moderator, title="Hotline opens")
    today = timezone.localdate()
    issue = issues.create_issue(
        subject="This week", period_start=today - datetime.timedelta(days=7), period_end=today
    )
    issues.propose_items(issue)
    readers = [subscriber(f"smtp{n}@example.net") for n in range(3)]
    subscriber("waiting@example.net", confirmed=False)
    mail.outbox.clear()
    sending.queue_issue(issue)
    assert sending.send_issue(issue, rate_per_second=0)["sent"] == 3
    received = {tuple(to): message for to, message in smtp_server.messages}
    assert sorted(received) == [(reader.email,) for reader in readers]
    for reader in readers:
        message = received[(reader.email,)]
        link = services.link("unsubscribe", services.token_for(reader))
        # a long header is folded; unfolding leaves the leading space, which is not data
        assert message["List-Unsubscribe"].strip() == f"<{link}>"
        assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
        assert message["Message-ID"].strip() == sending.message_id(issue, reader)
        assert message["Subject"] == "This week"
        kinds = {part.get_content_type() for part in message.walk()}
        assert {"text/plain", "text/html"} <= kinds
