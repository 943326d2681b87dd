from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from commons.accounts.models import Organisation
from commons.core.models import TimeStampedModel
from commons.directory import vocabularies as v
from commons.lib.geo import CountryField


def logo_path(profile, filename: str) -> str:
    return f"logos/{profile.organisation_id}/{filename}"


class Profile(TimeStampedModel):
    """The directory entry of an organisation: what it does, where, for whom.

    Single-valued facts live here; multi-valued vocabularies are ``Term`` rows, places
    are ``Presence`` rows. ``search_text`` and ``is_frontline`` are derived by
    ``services.save_profile`` and never edited directly.
    """

    organisation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.CASCADE, related_name="profile"
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
    description_html = models.TextField(editable=False, blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_path, blank=True)
    founded = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    size = models.CharField(_("size"), max_length=16, choices=v.SizeBand.choices, blank=True)
    is_frontline = models.BooleanField(
        _("frontline service provider"), default=False, editable=False
    )
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")
        indexes = [models.Index(fields=["is_frontline"])]

    def __str__(self):
        return str(self.organisation)


class Term(models.Model):
    """One code of one vocabulary attached to an organisation (services, 4Ps, …)."""

    class Vocabulary(models.TextChoices):
        FOUR_PS = "four_ps", _("The 4Ps")
        SERVICES = "services", _("Services")
        EXPLOITATION = "exploitation", _("Forms of exploitation")
        POPULATIONS = "populations", _("Populations served")
        SECTORS = "sectors", _("Industrial sectors")
        LANGUAGES = "languages", _("Languages worked in")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="terms")
    vocabulary = models.CharField(max_length=16, choices=Vocabulary.choices)
    code = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "vocabulary", "code"], name="term_unique_per_organisation"
            )
        ]
        indexes = [models.Index(fields=["vocabulary", "code", "organisation"])]

    def __str__(self):
        return f"{self.vocabulary}:{self.code}"


class Presence(models.Model):
    """A country of operation, optionally narrowed to a subdivision or a named place."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="presences"
    )
    country = CountryField(_("country"))
    subdivision = models.CharField(_("province or state"), max_length=8, blank=True)
    locality = models.CharField(_("town or city"), max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("country of operation")
        verbose_name_plural = _("countries of operation")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "country", "subdivision", "locality"],
                name="presence_unique",
            )
        ]
        indexes = [models.Index(fields=["country", "organisation"])]

    def __str__(self):
        return " / ".join(part for part in (self.country, self.subdivision, self.locality) if part)


class NetworkLink(TimeStampedModel):
    """An organisation belongs to a network or coalition (itself an organisation)."""

    network = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="network_members"
    )
    member = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="networks")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "member"], name="network_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(network=models.F("member")), name="network_not_self"
            ),
        ]
        indexes = [models.Index(fields=["network", "member"])]

    def __str__(self):
        return f"{self.member} ∈ {self.network}"


class Hotline(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="hotlines"
    )
    number = models.CharField(_("number (international format)"), max_length=20)
    label = models.CharField(_("what it is for"), max_length=120, blank=True)
    hours = models.CharField(
        _("hours"), max_length=120, blank=True, help_text=_("e.g. 24/7, or Mon–Fri 8:00–17:00 ICT")
    )
    channels = models.JSONField(_("channels"), default=list, blank=True)

    class Meta:
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self):
        return self.number


class PersonProfile(TimeStampedModel):
    """What a person shares about themselves in the directory, field by field.

    ``visibility`` maps each field of ``SHARED_FIELDS`` to a level. Contact details
    (e-mail, phone) can never be public: the highest level they take is ``members``.
    """

    class Level(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Signed-in members")
        PRIVATE = "private", _("Nobody")

    SHARED_FIELDS = (
        "name",
        "title",
        "organisations",
        "expertise",
        "languages",
        "countries",
        "bio",
        "email",
        "phone",
    )
    CONTACT_FIELDS = ("email", "phone")
    DEFAULT_VISIBILITY = {
        "name": Level.MEMBERS,
        "title": Level.MEMBERS,
        "organisations": Level.MEMBERS,
        "expertise": Level.MEMBERS,
        "languages": Level.MEMBERS,
        "countries": Level.MEMBERS,
        "bio": Level.MEMBERS,
        "email": Level.PRIVATE,
        "phone": Level.PRIVATE,
    }

    user = models.OneToOneField(
        "accounts.User", primary_key=True, on_delete=models.CASCADE, related_name="person_profile"
    )
    title = models.CharField(_("job title"), max_length=120, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    phone = models.CharField(_("phone (international format)"), max_length=20, blank=True)
    visibility = models.JSONField(_("who sees what"), default=dict, blank=True)
    # What each tier may search, derived by services.save_person_profile from the fields
    # and their levels, so that a search can never match a field its reader may not see.
    public_text = models.TextField(editable=False, blank=True)
    members_text = models.TextField(editable=False, blank=True)
    listed_publicly = models.BooleanField(default=False, editable=False, db_index=True)
    listed_to_members = models.BooleanField(default=False, editable=False, db_index=True)

    class Meta:
        verbose_name = _("person profile")
        verbose_name_plural = _("person profiles")

    def __str__(self):
        return str(self.user)

    def level(self, field: str) -> str:
        level = self.visibility.get(field, self.DEFAULT_VISIBILITY[field])
        if field in self.CONTACT_FIELDS and level == self.Level.PUBLIC:
            return self.Level.MEMBERS
        return level
