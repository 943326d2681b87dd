"""Events (webinars, regional forums, workshops, roundtables, conferences), the people
who register for them, and what forums leave behind: priorities, recommendations to
named audiences, and the commitments organisations make to act on them.

Times are stored in UTC; ``Event.time_zone`` is where the event happens and is shown
next to the viewer's own time zone.
"""

import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.core.models import TimeStampedModel
from commons.lib.geo import CountryField, Region
from commons.lib.timezones import validate_time_zone
from commons.lib.tokens import hash_token


class Theme(models.Model):
    """A theme of recommendations and events. The curated themes (``CURATED``) are named
    in every interface language; organisers add their own, named as typed."""

    CURATED = {
        "awareness": _("Awareness"),
        "research": _("Research and data"),
        "funding": _("Funding"),
        "collaboration": _("Collaboration and networks"),
        "capacity-building": _("Capacity building"),
        "legal-frameworks": _("Legal frameworks and policy"),
        "prosecution": _("Prosecution and access to justice"),
        "survivor-inclusion": _("Survivor inclusion and leadership"),
        "technology": _("Technology"),
        "migration": _("Safe migration"),
        "corruption": _("Corruption"),
        "community-based": _("Community-based approaches"),
        "victim-support": _("Victim identification and support"),
        "supply-chains": _("Supply chains and business"),
        "media": _("Media engagement"),
        "education": _("Education and livelihoods"),
        "child-protection": _("Child protection"),
        "gender": _("Gender and violence against women"),
        "crisis-response": _("Crisis and emergency response"),
    }

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return str(self.CURATED.get(self.code, self.name))

    @property
    def is_curated(self) -> bool:
        return self.code in self.CURATED


class Event(TimeStampedModel):
    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("Webinar")
        REGIONAL_FORUM = "regional-forum", _("Regional forum")
        WORKSHOP = "workshop", _("Workshop")
        ROUNDTABLE = "roundtable", _("Roundtable")
        CONFERENCE = "conference", _("Conference")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "Draft")
        PUBLISHED = "published", pgettext_lazy("event status", "Published")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    class Registration(models.TextChoices):
        OPEN = "open", _("Members and guests register here")
        MEMBERS = "members", _("Only signed-in members register here")
        CLOSED = "closed", _("Registration closed")
        ELSEWHERE = "elsewhere", _("Registration with the organisers (external link)")

    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    summary_html = models.TextField(editable=False, blank=True)
    organisers = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("organisers"),
        blank=True,
        related_name="events_organised",
    )
    # Events run by others are listed with who runs them and where to register.
    external_organiser = models.CharField(
        _("organised by (outside the platform)"), max_length=200, blank=True
    )
    external_url = models.URLField(_("event's own page"), blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpretation = models.JSONField(
        _("interpretation into"),
        default=list,
        blank=True,
        help_text=_("Languages with simultaneous interpretation."),
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("topics"), blank=True)
    online_url = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_("Shown only to people whose registration is confirmed."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    registration = models.CharField(
        _("registration"), max_length=16, choices=Registration.choices, default=Registration.OPEN
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    feedback_open = models.BooleanField(
        _("ask participants for feedback"), default=True, help_text=_("After the event ends.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_online(self) -> bool:
        return not self.venue and not self.city

    @property
    def registers_here(self) -> bool:
        return self.registration in {self.Registration.OPEN, self.Registration.MEMBERS}


class Session(models.Model):
    """A part of an event with its own time: a panel, a workshop session, a keynote."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    language = models.CharField(_("language"), max_length=12, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class Speaker(models.Model):
    """Someone who speaks at an event or one of its sessions; linked to the directory's
    person and organisation when they are on the platform."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        PANELIST = "panelist", _("Panelist")
        MODERATOR = "moderator", pgettext_lazy("role in an event session", "Moderator")
        FACILITATOR = "facilitator", _("Facilitator")
        INTERPRETER = "interpreter", _("Interpreter")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="speakers",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SPEAKER)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person on the platform"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation on the platform"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)

    class Meta:
        ordering = ["session__starts_at", "pk"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.name


class Material(models.Model):
    class Kind(models.TextChoices):
        RECORDING = "recording", _("Recording")
        SLIDES = "slides", _("Slides")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other material")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    # A report or recording kept in the library is linked there, in the reader's language.
    work = models.ForeignKey(
        "library.Work",
        verbose_name=_("in the library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_materials",
    )
    language = models.CharField(_("language"), max_length=12, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="") | models.Q(work__isnull=False),
                name="material_has_a_link_or_a_library_work",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def href(self) -> str:
        return self.work.get_absolute_url() if self.work_id else self.url


class Registration(TimeStampedModel):
    """A person's place at an event. Members register in one click (``user`` set); guests
    give a name and an e-mail address and confirm it before they hold a place.

    A place is held by a CONFIRMED registration; WAITLISTED ones wait in ``created_at``
    order and are promoted by ``services.cancel_registration``.
    """

    class Status(models.TextChoices):
        UNCONFIRMED = (
            "unconfirmed",
            pgettext_lazy("event registration status", "Waiting for e-mail confirmation"),
        )
        CONFIRMED = "confirmed", pgettext_lazy("event registration status", "Registered")
        WAITLISTED = "waitlisted", pgettext_lazy("event registration status", "On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("event registration status", "Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    language = models.CharField(_("language for e-mails"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    # Only the hash of the link's secret is kept; the secret is in the person's e-mails.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One live registration per address and event: registering twice is a no-op.
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~models.Q(status="cancelled"),
                name="registration_one_live_per_email",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self):
        return f"{self.name} → {self.event}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        raw = secrets.token_urlsafe(24)
        return raw, hash_token(raw)

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.CANCELLED


class Feedback(TimeStampedModel):
    """What a participant thought of an event, asked for after it ends."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("overall, how useful was it?"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    useful = models.TextField(_("what was most useful?"), max_length=2000, blank=True)
    improve = models.TextField(_("what should we change next time?"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]


class Priority(TimeStampedModel):
    """A priority issue area a forum identified for its region."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="priorities")
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    title = models.CharField(_("priority"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["event", "region", "order", "pk"]
        verbose_name = _("priority issue area")
        verbose_name_plural = _("priority issue areas")

    def __str__(self):
        return self.title


class Recommendation(TimeStampedModel):
    class Audience(models.TextChoices):
        GLOBAL_MOVEMENT = "global-movement", _("The global movement and Alliance 8.7")
        GOVERNMENTS_REGIONAL = "governments-regional", _("Governments of the region")
        GOVERNMENTS_NATIONAL = "governments-national", _("National governments")
        GOVERNMENT_OF_COUNTRY = "government-of-country", _("The government of a named country")
        PRIVATE_SECTOR_CIVIL_SOCIETY = (
            "private-sector-civil-society",
            _("The private sector and civil society"),
        )
        LEGAL_FIELD = "legal-field", _("The legal field")
        BUSINESSES = "businesses", _("Businesses")
        INTERNATIONAL_COMMUNITY = "international-community", _("The international community")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="recommendations"
    )
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    audience = models.CharField(_("addressed to"), max_length=32, choices=Audience.choices)
    audience_country = CountryField(_("country addressed"), blank=True)
    text = models.TextField(_("recommendation"), max_length=4000)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["event", "region", "order", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(audience="government-of-country") & ~models.Q(audience_country="")
                )
                | (~models.Q(audience="government-of-country") & models.Q(audience_country="")),
                name="recommendation_country_only_for_a_named_government",
            )
        ]
        indexes = [models.Index(fields=["region", "audience"])]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("events:recommendation", kwargs={"pk": self.pk})


class Commitment(TimeStampedModel):
    """An organisation's promise to act on a recommendation, followed up with updates."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("commitment status", "Planned")
        IN_PROGRESS = "in-progress", pgettext_lazy("commitment status", "In progress")
        DONE = "done", pgettext_lazy("commitment status", "Done")
        STOPPED = "stopped", pgettext_lazy("commitment status", "Stopped")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="commitments"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="commitments",
    )
    action = models.TextField(_("what we will do"), max_length=2000)
    due = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self):
        return f"{self.organisation}: {self.action[:60]}"


class CommitmentUpdate(TimeStampedModel):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=16, choices=Commitment.Status.choices)
    text = models.TextField(_("progress"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
