import re

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from commons.accounts.forms import OrganisationForm
from commons.accounts.models import Organisation
from commons.directory import vocabularies as v
from commons.directory.models import PersonProfile, Profile
from commons.directory.queries import FACETS, FACETS_BY_NAME, SORTS, PartnerNeed, SearchQuery
from commons.lib.gazetteer import find_place
from commons.lib.geo import COUNTRY_CHOICES, COUNTRY_CODES
from commons.lib.languages import LANGUAGE_CHOICES, is_language
from commons.lib.phones import to_e164
from commons.library.files import UploadRefused, check_upload, content_type

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
MAX_VALUES_PER_FACET = 50


def _valid(facet_name: str, code: str) -> bool:
    facet = FACETS_BY_NAME[facet_name]
    if facet.vocabulary is not None:
        return code in facet.vocabulary.values
    if facet_name in {"country", "hq"}:
        return code in COUNTRY_CODES
    if facet_name == "languages":
        return is_language(code)
    return bool(_SLUG.match(code))  # network: an organisation's slug


def _codes(params: QueryDict, name: str, facet: str) -> list[str]:
    """The valid values of parameter ``name`` for ``facet``, in order, without repeats."""
    codes: list[str] = []
    for raw in params.getlist(name)[:MAX_VALUES_PER_FACET]:
        code = raw.strip().upper() if facet in {"country", "hq"} else raw.strip()
        if code and code not in codes and _valid(facet, code):
            codes.append(code)
    return codes


def parse_search(params: QueryDict) -> SearchQuery:
    """Read a search from a query string. Unknown values are dropped, never an error:
    shared links must keep working after a vocabulary or a country list changes."""
    filters = {}
    for facet in FACETS:
        codes = _codes(params, facet.name, facet.name)
        if codes:
            filters[facet.name] = codes
    sort = params.get("sort", "relevance")
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    return SearchQuery(
        q=params.get("q", "").strip()[:200],
        filters=filters,
        verified=params.get("verified") in {"1", "on", "true"},
        frontline=params.get("frontline") in {"1", "on", "true"},
        sort=sort if sort in SORTS else "relevance",
        page=page,
    )


# --- Editing a profile ----------------------------------------------------------------


MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


class LogoField(forms.ImageField):
    """An image Pillow can open; one it refuses to open because of its size says so."""

    def to_python(self, data):
        from PIL import Image

        try:
            return super().to_python(data)
        except ValidationError as error:
            if isinstance(error.__cause__, Image.DecompressionBombError):
                raise ValidationError(
                    _("This image is too large to open safely (a “decompression bomb”).")
                ) from None
            raise


def _select_many(label, choices, size: int) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=choices,
        widget=forms.SelectMultiple(attrs={"size": size}),
    )


def _checkboxes(label, vocabulary) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, choices=vocabulary.choices, widget=forms.CheckboxSelectMultiple
    )


class OrganisationProfileForm(OrganisationForm):
    """The registration form plus everything the directory shows."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, lists and links. No images or HTML."),
    )
    logo = LogoField(
        label=_("Logo"), required=False, help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB.")
    )
    founded = forms.IntegerField(
        label=_("Founding year"), required=False, min_value=1800, max_value=2100
    )
    size = forms.ChoiceField(
        label=_("Size"), required=False, choices=[("", "—"), *v.SizeBand.choices]
    )
    four_ps = _checkboxes(_("The 4Ps"), v.FourP)
    services = _checkboxes(_("Services"), v.Service)
    exploitation = _checkboxes(_("Forms of exploitation addressed"), v.Exploitation)
    populations = _checkboxes(_("Populations served"), v.Population)
    sectors = _checkboxes(_("Industrial sectors"), v.Sector)
    languages = _select_many(_("Languages worked in"), LANGUAGE_CHOICES, 8)
    networks = forms.ModelMultipleChoiceField(
        label=_("Networks and coalitions it belongs to"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    TERM_FIELDS = ("four_ps", "services", "exploitation", "populations", "sectors", "languages")

    def __init__(self, *args, profile: Profile, terms: dict[str, list[str]], networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["networks"].queryset = networks.exclude(pk=self.instance.pk).order_by("name")
        if not self.is_bound:
            self.initial.update(
                description=profile.description,
                founded=profile.founded,
                size=profile.size,
                logo=profile.logo,
                networks=list(Organisation.objects.filter(network_members__member=self.instance)),
                **{name: terms.get(name, []) for name in self.TERM_FIELDS},
            )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "image"):
            return logo
        if logo.size > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo is larger than 2 MB."))
        if logo.image.format not in LOGO_FORMATS:
            raise ValidationError(_("Upload a PNG, JPEG, WebP or GIF image."))
        # The library's checks: the name agrees with the content, the pixels are few
        # enough, and the image is re-encoded, so that what is served is an image and
        # nothing else (no metadata, nothing appended: a polyglot's other half).
        try:
            checked = check_upload(logo, images_only=True)
        except UploadRefused as refused:
            raise ValidationError(str(refused)) from None
        return SimpleUploadedFile(checked.name, checked.content, content_type(checked.kind))


class PresenceForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", "—"), *Organisation._meta.get_field("country").choices]
    )
    subdivision = forms.CharField(
        label=_("Province or state (ISO 3166-2 code)"),
        required=False,
        max_length=8,
        help_text=_("e.g. TH-50"),
    )
    locality = forms.CharField(label=_("Town or city"), required=False, max_length=120)

    def clean(self):
        data = super().clean()
        place = find_place(data.get("country", ""), (data.get("locality") or "").strip())
        data["latitude"] = place.latitude if place else None
        data["longitude"] = place.longitude if place else None
        code = (data.get("subdivision") or "").strip().upper()
        if code:
            subdivision = pycountry.subdivisions.get(code=code)
            if subdivision is None or subdivision.country_code != data.get("country"):
                self.add_error(
                    "subdivision", _("This is not a province or state of the chosen country.")
                )
            data["subdivision"] = code
        return data


class HotlineForm(forms.Form):
    number = forms.CharField(
        label=_("Number"), max_length=32, help_text=_("International format, e.g. +66 2 123 4567")
    )
    label = forms.CharField(label=_("What it is for"), required=False, max_length=120)
    hours = forms.CharField(label=_("Hours"), required=False, max_length=120)
    channels = _checkboxes(_("Channels"), v.HotlineChannel)

    def clean_number(self):
        return to_e164(self.cleaned_data["number"])


PresenceFormSet = forms.formset_factory(PresenceForm, extra=2, max_num=200, can_delete=True)
HotlineFormSet = forms.formset_factory(HotlineForm, extra=1, max_num=20, can_delete=True)


def parse_partner_need(params: QueryDict) -> PartnerNeed:
    """Read a partner search from a query string; unknown values are dropped."""
    return PartnerNeed(
        countries=_codes(params, "country", "country"),
        services=_codes(params, "services", "services"),
        populations=_codes(params, "populations", "populations"),
        languages=_codes(params, "languages", "languages"),
    )


class PersonProfileForm(forms.Form):
    """A person's directory profile, and for each field who may see it."""

    name = forms.CharField(label=_("Name"), max_length=150)
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    expertise = forms.CharField(
        label=_("Expertise"),
        required=False,
        max_length=500,
        help_text=_(
            "Separate with commas, e.g. victim identification, labour migration, case management"
        ),
    )
    languages = _select_many(_("Languages"), LANGUAGE_CHOICES, 6)
    countries = _select_many(_("Countries you work on"), COUNTRY_CHOICES, 6)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PersonProfile.SHARED_FIELDS:
            choices = PersonProfile.Level.choices
            if name in PersonProfile.CONTACT_FIELDS:
                choices = [c for c in choices if c[0] != PersonProfile.Level.PUBLIC]
            self.fields[f"show_{name}"] = forms.ChoiceField(
                label=_("Who sees this"),
                choices=choices,
                initial=PersonProfile.DEFAULT_VISIBILITY[name],
            )

    def clean_expertise(self):
        raw = self.cleaned_data["expertise"]
        # Latin, Arabic, ideographic and full-width commas all separate.
        parts = re.split("[,\u060c\u3001\uff0c]", raw)
        return list(dict.fromkeys(part.strip() for part in parts if part.strip()))[:20]

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        return to_e164(raw) if raw else ""

    def visibility(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"show_{name}"] for name in PersonProfile.SHARED_FIELDS}

    def rows(self):
        """(field or None, its visibility field, label) for the template; the e-mail
        address and the organisations come from the account, not from this form."""
        from_account = {"email": _("E-mail address"), "organisations": _("Your organisations")}
        for name in PersonProfile.SHARED_FIELDS:
            field = self[name] if name in self.fields else None
            yield field, self[f"show_{name}"], from_account.get(name, "")
