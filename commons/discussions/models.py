"""Discussions: categories of threads, each readable by everyone or by members only;
threads of messages (Markdown, sanitised) with replies, quotes, @mentions, attachments
and tags; flags and moderation; who watches or mutes a thread, what each person has
read, and their notifications.

Who may read and write is ``rules.py``; what a person sees is ``queries.py``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.core.models import TimeStampedModel


class Category(models.Model):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone can read")
        MEMBERS = "members", _("Members of organisations only")

    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    audience = models.CharField(
        _("who can read"), max_length=8, choices=Audience.choices, default=Audience.MEMBERS
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("discussions:category", kwargs={"slug": self.slug})


class Thread(TimeStampedModel):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="discussion_threads",
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # set when its first message is published, then with every reply published
    last_activity_at = models.DateTimeField(_("last activity"), null=True, db_index=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    is_locked = models.BooleanField(_("locked"), default=False)
    # False while its first message waits for a moderator, or when a moderator hid or
    # deleted it: nobody but moderators (and its author, while held) sees it then
    is_visible = models.BooleanField(_("visible"), default=False, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [models.Index(fields=["category", "is_visible", "last_activity_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("discussions:thread", kwargs={"pk": self.pk})


class Message(TimeStampedModel):
    """The first message of a thread or a reply to it."""

    class Status(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("discussion message status", "Published")
        HELD = "held", pgettext_lazy("discussion message status", "Waiting for a moderator")
        HIDDEN = "hidden", pgettext_lazy("discussion message status", "Hidden by a moderator")
        DELETED = "deleted", pgettext_lazy("discussion message status", "Deleted")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="discussion_messages",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(
        pgettext_lazy("discussion message", "message"),
        max_length=20000,
        help_text=_("Markdown: **bold**, *italic*, lists, links, > quotes; @name to mention."),
    )
    body_html = models.TextField(editable=False, blank=True)
    quotes = models.ForeignKey(
        "self",
        verbose_name=_("quotes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quoted_by",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="discussion_mentions"
    )
    # a moderator's edit is shown under the message with its note
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edit_note = models.CharField(_("why it was edited"), max_length=300, blank=True)
    moderation_note = models.CharField(_("moderator's reason"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["thread", "created_at", "pk"]
        verbose_name = pgettext_lazy("discussion message", "message")
        verbose_name_plural = pgettext_lazy("discussion message", "messages")
        indexes = [models.Index(fields=["thread", "status", "created_at"])]

    def __str__(self):
        return f"{self.thread_id}#{self.pk}"

    def get_absolute_url(self):
        return f"{self.thread.get_absolute_url()}#message-{self.pk}"


def attachment_path(instance, filename: str) -> str:
    return f"discussions/{instance.message.thread_id}/{secrets.token_hex(8)}/{filename}"


class Attachment(models.Model):
    """A file on a message, checked by the library's upload rules (``library.files``)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=16)
    size = models.PositiveBigIntegerField(_("file size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class Flag(TimeStampedModel):
    """Someone's report that a message breaks the rules, for the moderators' queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Abusive or hateful")
        SAFETY = "safety", _("Puts someone at risk (names, photos, locations of victims)")
        MISINFORMATION = "misinformation", _("False or misleading")
        OFF_TOPIC = "off-topic", _("Off topic")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = (
            "open",
            pgettext_lazy("status of a flag on a discussion message", "Waiting for a moderator"),
        )
        ACTED = (
            "acted",
            pgettext_lazy("status of a flag on a discussion message", "A moderator acted on it"),
        )
        DISMISSED = (
            "dismissed",
            pgettext_lazy("status of a flag on a discussion message", "Dismissed"),
        )

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("details"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=models.Q(status="open"),
                name="discussions_one_open_flag_each",
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.message_id}"


class Watch(models.Model):
    """A person's choice for one thread: hear of every reply, or of nothing (not even
    mentions). Without one, a thread's author and repliers watch it."""

    class Level(models.TextChoices):
        WATCHING = "watching", _("Watching")
        MUTED = "muted", _("Muted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_watches"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(max_length=8, choices=Level.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="discussions_watch_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.level} {self.thread_id}"


class ReadMark(models.Model):
    """How far a person has read a thread: messages published after ``read_at`` are
    unread for them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_reads"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_marks")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="discussions_read_once")
        ]

    def __str__(self):
        return f"{self.user_id} read {self.thread_id} to {self.read_at:%Y-%m-%d %H:%M}"


class Participant(models.Model):
    """A person taking part in discussions: the handle others mention them by (``@handle``,
    made from their name when they first take part) and how they hear of discussions by
    e-mail. The token opens the one-click unsubscribe of those e-mails without signing
    in; only its hash is stored."""

    class Email(models.TextChoices):
        IMMEDIATELY = "immediately", _("At once, one e-mail each")
        DAILY = "daily", _("A daily digest")
        NEVER = "never", _("Never: on the platform only")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="discussion_participant",
    )
    handle = models.SlugField(_("handle"), max_length=40, unique=True)
    email = models.CharField(
        _("e-mails about discussions"), max_length=12, choices=Email.choices, default=Email.DAILY
    )
    token_salt = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return f"@{self.handle}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("A reply in a thread you watch")
        MENTION = "mention", _("You were mentioned")
        MODERATION = "moderation", _("A moderator acted on your message")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # when it went out by e-mail (at once or in a digest); empty for "never"
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "message"], name="discussions_notify_once"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.kind} → {self.user_id}"
