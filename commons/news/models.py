"""Posts: news items, field reports from member organisations, opportunities (jobs,
calls for proposals or submissions, fellowships) and announcements. Members submit,
editors (moderators and staff) publish; a post is public or for signed-in members."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.core.models import TimeStampedModel


class Post(TimeStampedModel):
    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        FIELD_REPORT = "field-report", _("Field report")
        OPPORTUNITY = "opportunity", _("Opportunity")
        ANNOUNCEMENT = "announcement", _("Announcement")

    class Opportunity(models.TextChoices):
        JOB = "job", _("Job")
        CALL_FOR_PROPOSALS = "call-for-proposals", _("Call for proposals")
        CALL_FOR_SUBMISSIONS = "call-for-submissions", _("Call for submissions")
        FELLOWSHIP = "fellowship", _("Fellowship")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("news post status", "Waiting for an editor")
        PUBLISHED = "published", pgettext_lazy("news post status", "Published")
        REJECTED = "rejected", pgettext_lazy("news post status", "Not published")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Signed-in members")

    slug = models.SlugField(_("short name in addresses"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    opportunity_type = models.CharField(
        _("type of opportunity"), max_length=24, choices=Opportunity.choices, blank=True
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    body_html = models.TextField(editable=False, blank=True)
    source_url = models.URLField(_("source"), blank=True, max_length=500)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    how_to_apply = models.TextField(_("how to apply"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=12)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    audience = models.CharField(
        _("who may read it"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rejection_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="opportunity") | models.Q(opportunity_type=""),
                name="post_opportunity_type_only_for_opportunities",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="opportunity") | ~models.Q(opportunity_type=""),
                name="post_opportunity_has_a_type",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="post_rejection_has_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind", "published_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:post", kwargs={"slug": self.slug})
