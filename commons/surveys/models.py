"""Surveys and their responses.

A survey is an XLSForm workbook (kept as uploaded, and read with ``xlsform.read_form``)
owned by an organisation, or by the platform's staff when it has no owner. A response
holds its answers by question name: text, a choice name, a list of choice names, a
number or an ISO date; no answer is no key.
"""

import secrets
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.core.models import TimeStampedModel
from commons.surveys.xlsform import Form, read_form


class Survey(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("survey status", "Draft")
        OPEN = "open", pgettext_lazy("survey status", "Open")
        CLOSED = "closed", pgettext_lazy("survey status", "Closed")

    class Audience(models.TextChoices):
        LINK = "link", _("Anyone with the link")
        MEMBERS = "members", _("Members of the platform")
        ORGANISATIONS = "organisations", _("Members of chosen organisations")

    class Once(models.TextChoices):
        PERSON = "person", _("Once per person")
        ORGANISATION = "organisation", _("Once per organisation")

    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("Empty: the platform's staff run the survey."),
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    form_id = models.CharField(max_length=200, blank=True)
    version = models.CharField(max_length=100, blank=True)
    workbook = models.BinaryField(editable=False)  # the XLSForm as uploaded
    digest = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    audience = models.CharField(
        _("who may answer"), max_length=16, choices=Audience.choices, default=Audience.MEMBERS
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="+", verbose_name=_("organisations")
    )
    once_per = models.CharField(
        _("answers"), max_length=16, choices=Once.choices, default=Once.PERSON
    )
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("people who may read the responses"),
    )
    report_public = models.BooleanField(_("report published"), default=False)
    # The secret part of the address that lets anyone with the link answer; a new one
    # replaces it when the owner wants the old link to stop working.
    link_key = models.CharField(max_length=43, default=secrets.token_urlsafe, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title

    @property
    def form(self) -> Form:
        return form_of(bytes(self.workbook))


@lru_cache(maxsize=32)
def form_of(workbook: bytes) -> Form:
    """``read_form``, once per workbook in a process (pyxform takes a while)."""
    return read_form(workbook)


class Response(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("survey response status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("survey response status", "Submitted")

    class Source(models.TextChoices):
        WEB = "web", _("Answered here")
        IMPORT = "import", _("Imported")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.WEB)
    # KoboToolbox's _uuid or ODK's instanceID: the same submission imported again is known.
    external_id = models.CharField(max_length=100, blank=True)
    answers = models.JSONField(default=dict)
    metadata = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True)  # of the labels answered

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "external_id"],
                condition=~models.Q(external_id=""),
                name="surveys_response_one_per_submission",
            )
        ]
        indexes = [models.Index(fields=["survey", "status"])]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"
