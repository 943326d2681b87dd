"""Newsletter subscribers: anyone with an e-mail address, by double opt-in, with the
evidence of it kept. Issues and their per-recipient deliveries (a later ``Delivery``
refers to a ``Subscriber``) reach confirmed subscribers only."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.core.models import TimeStampedModel


class Subscriber(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = (
            "pending",
            pgettext_lazy("newsletter subscriber status", "Waiting for confirmation"),
        )
        CONFIRMED = "confirmed", pgettext_lazy("newsletter subscriber status", "Subscribed")
        UNSUBSCRIBED = "unsubscribed", pgettext_lazy("newsletter subscriber status", "Unsubscribed")
        # the address bounced or its owner reported our mail as spam: never write again
        SUPPRESSED = "suppressed", pgettext_lazy("newsletter subscriber status", "Suppressed")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("The weekly digest")
        MAJOR = "major", _("Only major announcements")

    class ConfirmedBy(models.TextChoices):
        LINK = "link", _("The link in the confirmation e-mail")
        ACCOUNT = "account", _("A signed-in member with this verified address")

    class Ending(models.TextChoices):
        LINK = "link", _("The unsubscribe page")
        ONE_CLICK = "one-click", _("One-click unsubscribe from the mail program")
        ACCOUNT = "account", _("The member's account")
        BOUNCE = "bounce", _("The address bounced")
        COMPLAINT = "complaint", _("Reported as spam")

    # kept lower-cased by the services; the constraint below holds whatever the case
    email = models.EmailField(_("e-mail address"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    frequency = models.CharField(
        _("how often"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # Links carry a token derived from this salt and the secret key (services.token_for);
    # only its SHA-256 is stored, so a copy of the database opens no subscription.
    token_salt = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # evidence of the double opt-in
    subscribed_at = models.DateTimeField(_("asked to subscribe"), null=True, blank=True)
    subscribe_ip = models.GenericIPAddressField(_("asked from"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("last e-mailed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirm_ip = models.GenericIPAddressField(_("confirmed from"), null=True, blank=True)
    confirmed_by = models.CharField(
        _("confirmed by"), max_length=8, choices=ConfirmedBy.choices, blank=True
    )
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    unsubscribed_how = models.CharField(
        _("unsubscribed by"), max_length=12, choices=Ending.choices, blank=True
    )
    suppression_reason = models.TextField(_("why suppressed"), max_length=2000, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed")
                | models.Q(confirmed_at__isnull=False, confirmed_by__gt=""),
                name="newsletter_confirmed_has_evidence",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["unsubscribed", "suppressed"])
                | models.Q(unsubscribed_at__isnull=False, unsubscribed_how__gt=""),
                name="newsletter_ending_is_recorded",
            ),
        ]
        indexes = [models.Index(fields=["status", "frequency"])]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class Issue(TimeStampedModel):
    """One issue of the newsletter: an introduction and the posts of a period."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("newsletter issue status", "Draft")
        SCHEDULED = "scheduled", pgettext_lazy("newsletter issue status", "Scheduled")
        SENDING = "sending", pgettext_lazy("newsletter issue status", "Sending")
        SENT = "sent", pgettext_lazy("newsletter issue status", "Sent")

    subject = models.CharField(_("subject"), max_length=200)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    introduction_html = models.TextField(editable=False, blank=True)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("newsletter issue: the member who made it", "editor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="newsletter_issue_period_in_order",
            ),
        ]

    def __str__(self):
        return self.subject


class IssueItem(models.Model):
    """One entry of an issue, in one of its sections: a post, an event or a library
    resource as proposed (its title and summary copied, for the editor to shorten), or an
    entry the editor wrote. Language, topics and regions say who receives it; empty means
    everyone."""

    class Section(models.TextChoices):
        ANNOUNCEMENTS = "announcements", _("Announcements")
        NEWS = "news", _("News")
        FIELD_REPORTS = "field-reports", _("Field reports")
        OPPORTUNITIES = "opportunities", _("Opportunities")
        EVENTS = "events", _("Events")
        RESOURCES = "resources", _("New resources")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("section"), max_length=16, choices=Section.choices)
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    # where a proposed entry came from; deleting the source takes the entry out
    post = models.ForeignKey(
        "news.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    resource = models.ForeignKey(
        "library.Resource", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["issue", "order", "pk"]
        verbose_name = _("issue entry")
        verbose_name_plural = _("issue entries")
        constraints = [
            models.UniqueConstraint(fields=["issue", "post"], name="newsletter_item_once"),
            models.UniqueConstraint(fields=["issue", "event"], name="newsletter_event_once"),
            models.UniqueConstraint(fields=["issue", "resource"], name="newsletter_resource_once"),
        ]

    def __str__(self):
        return self.title

    @property
    def source(self):
        return self.post or self.event or self.resource

    @property
    def href(self) -> str:
        """The absolute address the entry points to: its source's page, or the link the
        editor gave."""
        source = self.source
        if source is not None:
            return settings.SITE_URL + source.get_absolute_url()
        return self.url


class Delivery(models.Model):
    """One subscriber's copy of one issue: written before the message is handed to the
    mail backend, so that a restarted send knows who already has theirs."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("newsletter delivery status", "Queued")
        SENDING = "sending", pgettext_lazy("newsletter delivery status", "Being sent")
        SENT = "sent", pgettext_lazy("newsletter delivery status", "Sent")
        FAILED = "failed", pgettext_lazy("newsletter delivery status", "Failed")
        SKIPPED = "skipped", pgettext_lazy("newsletter delivery status", "Skipped")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    message_id = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="newsletter_delivery_once"
            ),
        ]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self):
        return f"{self.issue_id} → {self.subscriber_id}: {self.status}"
