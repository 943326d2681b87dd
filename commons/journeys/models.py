"""Journey records: the routes of the cases an organisation handled.

The most sensitive data of the platform (docs/privacy.md): a record holds only the
fields of ``RECORD_FIELDS``, none of which names or describes a person, and nobody but
the contributing organisation and the data stewards ever reads records; everyone else
sees releases (aggregate tables with noise).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.core.models import TimeStampedModel
from commons.journeys.vocabularies import AgeBand, RecruiterRelation, Sector, Sex

# Every field a record has. Adding one fails a test until docs/privacy.md reviews it.
RECORD_FIELDS = (
    "id",
    "batch",
    "organisation",
    "case_hash",
    "year",
    "sex",
    "age_band",
    "citizenship",
    "recruitment_country",
    "recruitment_subdivision",
    "recruitment_place",
    "transit",
    "exploitation_country",
    "exploitation_subdivision",
    "exploitation_place",
    "forms",
    "sector",
    "means_of_control",
    "recruiter_relation",
    "count",
)


class Batch(TimeStampedModel):
    """One upload (a file, or a record entered on the web) with its attestation."""

    class Source(models.TextChoices):
        FORM = "form", _("Web form")
        UPLOAD = "upload", _("File upload")
        COMMAND = "command", _("Command line")

    class Format(models.TextChoices):
        NATIVE = "native", _("Freedom Commons")
        CTDC = "ctdc", _("CTDC global dataset")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="journey_batches"
    )
    # Who contributed it; empty for a batch imported on the command line by the operator.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.NATIVE)
    attestation = models.TextField(
        _("attestation"),
        help_text=_(
            "On what basis the organisation shares these records: the people's consent, "
            "a legal obligation, an agreement …"
        ),
    )
    # SHA-256 of the uploaded file: the same file is never imported twice.
    digest = models.CharField(max_length=64, blank=True, db_index=True)
    records_accepted = models.PositiveIntegerField(default=0)
    records_rejected = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)  # the sum of the records' counts
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("batch of journey records")
        verbose_name_plural = _("batches of journey records")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.organisation_id})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Record(models.Model):
    """One case's route (or, with ``count`` above 1, a contributor's aggregated row).

    Places are ISO 3166-1 countries with an optional ISO 3166-2 subdivision or a town
    resolved against the offline gazetteer; ``transit`` is the ordered list of transit
    stages, each ``{"country": …, "subdivision": …, "place": …}``.
    """

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="records")
    # Not indexed alone: the (organisation, year) index serves its lookups.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # A keyed hash of the contributor's own case reference, to recognise a case sent
    # twice; never the reference itself. Empty when the contributor gave none.
    case_hash = models.CharField(max_length=64, blank=True)
    year = models.PositiveSmallIntegerField()
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    citizenship = models.CharField(max_length=2, blank=True)
    recruitment_country = models.CharField(max_length=2, blank=True)
    recruitment_subdivision = models.CharField(max_length=6, blank=True)
    recruitment_place = models.CharField(max_length=100, blank=True)
    transit = models.JSONField(default=list, blank=True)
    exploitation_country = models.CharField(max_length=2)
    exploitation_subdivision = models.CharField(max_length=6, blank=True)
    exploitation_place = models.CharField(max_length=100, blank=True)
    forms = models.JSONField(default=list, blank=True)  # Exploitation codes
    sector = models.CharField(max_length=32, choices=Sector.choices, blank=True)
    means_of_control = models.JSONField(default=list, blank=True)  # MeansOfControl codes
    recruiter_relation = models.CharField(
        max_length=20, choices=RecruiterRelation.choices, default=RecruiterRelation.UNKNOWN
    )
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "case_hash"],
                condition=~models.Q(case_hash=""),
                name="journeys_record_one_per_case",
            )
        ]
        indexes = [models.Index(fields=["organisation", "year"])]

    def __str__(self) -> str:
        return f"{self.recruitment_country or '?'} → {self.exploitation_country} ({self.year})"


class Tally(models.Model):
    """The exact number of people in one cell of a release table (or, in the table
    ``totals``, the number of records or of people), kept up to date as records are
    contributed, corrected and withdrawn, so that a release counts a few hundred
    thousand cells rather than every record (``tallies``).

    As sensitive as the records themselves: never shown, exported or served; only a
    release build reads it (docs/privacy.md).
    """

    table = models.CharField(max_length=32)
    key = models.CharField(max_length=200)  # the cell's dimensions (``tallies.key``)
    people = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table", "key"], name="journeys_tally_one_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.key!r}: {self.people}"


class Release(TimeStampedModel):
    """A published picture of the journeys: aggregate tables with differentially private
    noise, built by a data steward from the records of the moment and never changed
    afterwards (docs/privacy.md). Public pages, the API and exports read releases only."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("journey release status", "Draft")
        PUBLISHED = "published", pgettext_lazy("journey release status", "Published")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    epsilon = models.FloatField(help_text=_("The privacy-loss budget of the whole release."))
    delta = models.FloatField(default=0.0)
    k = models.PositiveSmallIntegerField(
        help_text=_("Cells below this count after noise are suppressed.")
    )
    records = models.PositiveIntegerField(help_text=_("Records it was built from (rounded)."))
    people = models.PositiveIntegerField(help_text=_("People they stand for (rounded)."))
    # Per table: its share of epsilon, contribution bound, noise scale, expected error …
    tables = models.JSONField(default=dict)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return f"release {self.pk} ({self.status})"


class ReleaseCell(models.Model):
    """One published count of a release table. A table's dimensions are the columns it
    fills; the others stay empty. ``count`` has noise and is at least the release's k."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="cells")
    table = models.CharField(max_length=32)
    recruitment = models.CharField(max_length=2, blank=True)
    transit = models.CharField(max_length=2, blank=True)
    exploitation = models.CharField(max_length=2, blank=True)
    origin = models.CharField(max_length=2, blank=True)  # a route leg's start …
    destination = models.CharField(max_length=2, blank=True)  # … and end
    citizenship = models.CharField(max_length=2, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    form = models.CharField(max_length=32, blank=True)
    sex = models.CharField(max_length=8, blank=True)
    age = models.CharField(max_length=8, blank=True)  # child, adult or unknown
    sector = models.CharField(max_length=32, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["release", "table", "recruitment", "exploitation"]),
            models.Index(fields=["release", "table", "exploitation"]),
        ]

    def __str__(self) -> str:
        return f"{self.table}: {self.count}"
