"""Recruitment-fraud alerts: warnings about a recruitment actor (agency, employer,
broker, online advertiser), written by members of verified organisations, reviewed by a
moderator against a written standard, read only by members of verified organisations
and moderators. An alert expires unless renewed; corrections, retractions and the
actor's right of reply are kept and shown (``AlertEvent``)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.core.models import TimeStampedModel


class ActorKind(models.TextChoices):
    AGENCY = "agency", _("Recruitment agency")
    EMPLOYER = "employer", _("Employer")
    BROKER = "broker", _("Individual broker")
    ONLINE = "online", _("Online advertiser")
    OTHER = "other", pgettext_lazy("kind of actor", "Other")


class Pattern(models.TextChoices):
    """What the actor is reported to do (several may apply)."""

    FAKE_JOB = "fake-job", _("Fake job offer")
    FEES = "fees", _("Recruitment fee charging")
    DOCUMENTS = "documents", _("Document retention")
    CONTRACT = "contract-substitution", _("Contract substitution")
    DEBT = "debt-bondage", _("Debt bondage")
    DECEPTION = "deception", _("Deception about working or living conditions")
    VISA = "visa-fraud", _("Visa or migration document fraud")
    SEXUAL = "sexual-exploitation", _("Lure into sexual exploitation")
    WAGES = "wage-theft", _("Withheld or unpaid wages")
    CONFINEMENT = "confinement", _("Restriction of movement or confinement")
    OTHER = "other", pgettext_lazy("fraud pattern", "Other")


class SourceKind(models.TextChoices):
    DIRECT = "direct-case", _("Direct case handled by the reporting organisation")
    PARTNER = "partner-report", _("Report from a partner organisation")
    MEDIA = "media", _("Media report")
    OFFICIAL = (
        "official-record",
        _("Official record (court, licensing authority, labour inspection)"),
    )


class Alert(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("alert status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("alert status", "Waiting for review")
        PUBLISHED = "published", pgettext_lazy("alert status", "Published")
        REJECTED = "rejected", pgettext_lazy("alert status", "Not published")
        RETRACTED = "retracted", pgettext_lazy("alert status", "Retracted")
        EXPIRED = "expired", pgettext_lazy("alert status", "Expired")

    # Statuses every reader of alerts sees; the others are the author's and moderators'.
    READABLE = (Status.PUBLISHED, Status.RETRACTED, Status.EXPIRED)

    actor_name = models.CharField(_("name of the recruitment actor"), max_length=300)
    actor_kind = models.CharField(_("kind of actor"), max_length=16, choices=ActorKind.choices)
    actor_aliases = models.JSONField(_("other names and spellings"), default=list, blank=True)
    licence_number = models.CharField(
        _("registration or licence number"), max_length=100, blank=True
    )
    # The licence number without spaces, dashes or case, for exact matching.
    licence_key = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    # Every name of the actor, normalised (lower case, Latin letters, no company suffix),
    # one per line: what the fuzzy search compares.
    search_names = models.TextField(blank=True, editable=False)
    actor_country = models.CharField(_("country where the actor is based"), max_length=2)
    countries = models.JSONField(_("countries concerned"), default=list, blank=True)
    routes = models.JSONField(
        _("routes"), default=list, blank=True, help_text=_("[origin, destination] pairs")
    )
    patterns = models.JSONField(_("patterns"), default=list)
    evidence_summary = models.TextField(_("evidence summary"), max_length=5000)
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("moderator's note"), max_length=2000, blank=True)
    rejection_reason = models.TextField(_("reason for not publishing"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, db_index=True)
    renewed_at = models.DateTimeField(_("last renewed"), null=True, blank=True)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True)
    retraction_reason = models.TextField(
        _("reason for the retraction"), max_length=2000, blank=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="alert_rejection_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="retracted") | ~models.Q(retraction_reason=""),
                name="alert_retraction_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["published", "retracted", "expired"])
                | (models.Q(reviewed_at__isnull=False) & models.Q(expires_at__isnull=False)),
                name="alert_published_was_reviewed",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return self.actor_name

    def get_absolute_url(self):
        return reverse("alerts:detail", kwargs={"pk": self.pk})

    @property
    def is_readable(self) -> bool:
        return self.status in self.READABLE

    @property
    def has_expired(self) -> bool:
        """Expired, or past its date while ``commons alerts expire`` has not run yet."""
        if self.status == self.Status.EXPIRED:
            return True
        return (
            self.status == self.Status.PUBLISHED
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )


class AlertEvent(models.Model):
    """One line of an alert's history, shown on its page: kept, never edited."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("alert history", "Submitted for review")
        PUBLISHED = "published", pgettext_lazy("alert history", "Reviewed and published")
        REJECTED = "rejected", pgettext_lazy("alert history", "Not published")
        CORRECTED = "corrected", pgettext_lazy("alert history", "Correction")
        RETRACTED = "retracted", pgettext_lazy("alert history", "Retracted")
        RENEWED = "renewed", pgettext_lazy("alert history", "Renewed")
        EXPIRED = "expired", pgettext_lazy("alert history", "Expired")
        REPLY = "reply", pgettext_lazy("alert history", "Right of reply attached")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("alert history entry")
        verbose_name_plural = _("alert history")

    def __str__(self):
        return f"{self.alert_id} {self.kind} {self.at:%Y-%m-%d}"


class RightOfReply(TimeStampedModel):
    """A statement sent through the public form by (or for) a named actor. A moderator
    attaches it to the alert it answers, which then shows it, or dismisses it."""

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("right-of-reply statement status", "Waiting for a moderator")
        ATTACHED = (
            "attached",
            pgettext_lazy("right-of-reply statement status", "Attached to an alert"),
        )
        DISMISSED = "dismissed", pgettext_lazy("right-of-reply statement status", "Dismissed")

    name = models.CharField(_("your name"), max_length=200)
    represents = models.CharField(_("organisation or person you speak for"), max_length=300)
    email = models.EmailField(_("e-mail address"))
    actor_name = models.CharField(_("name the alert would be about"), max_length=300)
    licence_number = models.CharField(
        _("registration or licence number"), max_length=100, blank=True
    )
    statement = models.TextField(_("statement"), max_length=5000)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    alert = models.ForeignKey(
        Alert,
        verbose_name=_("alert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    moderator_note = models.TextField(_("moderator's note"), max_length=2000, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("right of reply")
        verbose_name_plural = _("rights of reply")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="attached") | models.Q(alert__isnull=False),
                name="reply_attached_has_an_alert",
            )
        ]
        indexes = [models.Index(fields=["ip_address", "created_at"])]

    def __str__(self):
        return f"{self.represents} ({self.actor_name})"


class AlertSubscription(TimeStampedModel):
    """A verified organisation's wish to hear of new alerts about its countries. Its
    admins are told; its other members too when ``members_too``. The e-mail carries no
    content of the alert, only the country and a link."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="alert_subscription",
    )
    countries = models.JSONField(_("countries"), default=list, blank=True)
    members_too = models.BooleanField(_("tell every member, not only the admins"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")

    def __str__(self):
        return f"{self.organisation}: {', '.join(self.countries)}"
