"""The resource library.

A ``Work`` is one report, toolkit, curriculum …; what does not depend on the language
lives on it (type, topics, places, publisher, authors, date, licence). Each of its
language versions is a ``Resource``: title, summary, file or link, cover, the text
extracted from the file, and its moderation status. A visitor sees the version in their
language when it exists.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.core.models import TimeStampedModel


def resource_file_path(resource, filename: str) -> str:
    # The stored name never comes from the uploader: a random name keeps the original's
    # extension out of the URL and one upload from overwriting another.
    import secrets

    return f"library/{resource.work_id or 'new'}/{secrets.token_hex(12)}{_suffix(filename)}"


def cover_path(resource, filename: str) -> str:
    import secrets

    return f"library/covers/{secrets.token_hex(12)}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()
    return suffix if suffix.isascii() and len(suffix) <= 6 else ""


class Work(TimeStampedModel):
    class Type(models.TextChoices):
        REPORT = "report", _("Report")
        RESEARCH = "research", _("Research study")
        TOOLKIT = "toolkit", _("Toolkit")
        GUIDE = "guide", _("Guide")
        CURRICULUM = "curriculum", _("Training curriculum")
        AWARENESS = "awareness", _("Awareness material")
        LAW = "law", _("Law or policy")
        CASE_STUDY = "case-study", _("Case study")
        VIDEO = "video", _("Video")
        PODCAST = "podcast", _("Podcast")
        DATASET = "dataset", _("Dataset")
        INFOGRAPHIC = "infographic", _("Infographic")

    slug = models.SlugField(_("short name in addresses"), max_length=120, unique=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    topics = models.JSONField(
        _("topics"), default=list, blank=True, help_text=_("Forms of exploitation and themes.")
    )
    countries = models.JSONField(_("countries covered"), default=list, blank=True)
    regions = models.JSONField(_("regions covered"), default=list, blank=True)
    publisher = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("publisher on the platform"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publications",
    )
    publisher_name = models.CharField(
        _("publisher"), max_length=200, blank=True, help_text=_("When not on the platform.")
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    licence = models.CharField(
        _("licence"),
        max_length=100,
        blank=True,
        help_text=_("e.g. CC BY 4.0, or “all rights reserved”"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("work")
        verbose_name_plural = _("works")
        indexes = [models.Index(fields=["type"]), models.Index(fields=["published_on"])]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        return reverse("library:work", kwargs={"slug": self.slug})

    @property
    def publisher_label(self) -> str:
        return self.publisher.name if self.publisher_id else self.publisher_name


class Author(models.Model):
    """An author of a work: a name, linked to a person or an organisation of the
    directory when they are on the platform."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="authors")
    name = models.CharField(_("name"), max_length=200)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["work", "order", "pk"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name


class Resource(TimeStampedModel):
    """One language version of a work, with its moderation status.

    Only APPROVED versions are shown to anyone but their submitter, the submitting
    organisation's members and moderators (``queries.resources_for``).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("library resource status", "Waiting for review")
        APPROVED = "approved", pgettext_lazy("library resource status", "Published")
        REJECTED = "rejected", pgettext_lazy("library resource status", "Rejected")

    class Extraction(models.TextChoices):
        NONE = "none", _("No file")
        PENDING = "pending", _("Reading the file")
        DONE = "done", _("Text read from the file")
        FAILED = "failed", _("The file's text could not be read")

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=12, help_text=_("ISO 639 code."))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    file = models.FileField(_("file"), upload_to=resource_file_path, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=16, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    external_url = models.URLField(_("link"), blank=True, max_length=500)
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True, max_length=200)
    extracted_text = models.TextField(editable=False, blank=True)
    extraction = models.CharField(
        max_length=16, choices=Extraction.choices, default=Extraction.NONE, editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_submissions",
    )
    submitted_for = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("submitted for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    approved_at = models.DateTimeField(_("published on"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-approved_at", "-pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.UniqueConstraint(fields=["work", "language"], name="one_version_a_language"),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="rejection_has_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "language"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "library:resource", kwargs={"slug": self.work.slug, "language": self.language}
        )


class TranslationRequest(TimeStampedModel):
    """A member asks for a work in a language it does not exist in yet."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="translation_requests")
    language = models.CharField(_("language"), max_length=12)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("translation request")
        verbose_name_plural = _("translation requests")
        constraints = [
            models.UniqueConstraint(
                fields=["work", "language", "user"], name="one_request_a_person_a_language"
            )
        ]


class Collection(TimeStampedModel):
    """An ordered, introduced selection of works (a crisis resource library, a toolkit
    for organisations serving migrant workers), curated by staff or members."""

    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    introduction_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("language"), max_length=12, blank=True)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("curated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collections",
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:collection", kwargs={"slug": self.slug})


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["collection", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "work"], name="a_work_once_a_collection")
        ]

    def __str__(self):
        return f"{self.collection_id}:{self.work_id}"
