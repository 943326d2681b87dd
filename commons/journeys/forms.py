"""Forms for contributors: one record on the web, or a file of records.

A record entered on the web goes through the same checks as a row of a file
(``formats.native_row``), so the form and the import can never disagree.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from commons.journeys import formats
from commons.journeys.vocabularies import (
    AgeBand,
    Exploitation,
    MeansOfControl,
    RecruiterRelation,
    Sector,
    Sex,
)
from commons.lib.geo import COUNTRY_CHOICES

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
FORM_TRANSITS = 3


def _optional_countries():
    """No country, then every country in the reader's order (read per form)."""
    return [("", "—"), *COUNTRY_CHOICES]


_PLACE_HELP = _("Optional: a province or state, or a town. Never an address.")


class _Contribution(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Contributing organisation"))
    attestation = forms.CharField(
        label=_("On what basis do you share this?"),
        help_text=_(
            "For example: the people's informed consent, a legal obligation, or your "
            "data-sharing agreement with the network."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
            self.fields["organisation"].widget = forms.HiddenInput()


class UploadForm(_Contribution):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One row per record, with the columns of the layout linked above."),
    )
    no_identifiers = forms.BooleanField(
        label=_("The file holds no names, contact details, dates of birth or case notes."),
    )

    field_order = ["organisation", "file", "attestation", "no_identifiers"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it, or use the command line."),
                params={"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
        return upload


class RecordForm(_Contribution):
    case_reference = forms.CharField(
        label=_("Your case reference"),
        required=False,
        max_length=100,
        help_text=_(
            "Optional. Never stored: only a coded form of it, so that the same case sent "
            "twice is counted once."
        ),
    )
    year = forms.IntegerField(
        label=_("Year of identification or of the start of exploitation"),
        min_value=formats.FIRST_YEAR,
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN
    )
    citizenship = forms.ChoiceField(
        label=_("Citizenship"), choices=_optional_countries, required=False
    )
    recruitment_country = forms.ChoiceField(
        label=_("Country of recruitment"), choices=_optional_countries, required=False
    )
    recruitment_place = forms.CharField(
        label=_("Place of recruitment"), required=False, max_length=100, help_text=_PLACE_HELP
    )
    # Starts empty: a preselected first country would be sent by anyone who skips it.
    exploitation_country = forms.ChoiceField(
        label=_("Country of exploitation"), choices=_optional_countries
    )
    exploitation_place = forms.CharField(
        label=_("Place of exploitation"), required=False, max_length=100, help_text=_PLACE_HELP
    )
    sector = forms.ChoiceField(
        label=_("Labour sector"), choices=[("", "—"), *Sector.choices], required=False
    )
    means_of_control = forms.MultipleChoiceField(
        label=_("Means of control"),
        choices=MeansOfControl.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recruiter_relation = forms.ChoiceField(
        label=_("Who recruited them"),
        choices=RecruiterRelation.choices,
        initial=RecruiterRelation.UNKNOWN,
    )
    count = forms.IntegerField(
        label=_("People"),
        min_value=1,
        max_value=formats.MAX_COUNT,
        initial=1,
        help_text=_("1 for one case; more if these people shared exactly this route."),
    )

    # Declared last: once it is, ``forms`` in this class body is the field, not the module.
    forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=Exploitation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = [
        "organisation", "case_reference", "year", "sex", "age_band", "citizenship",
        "recruitment_country", "recruitment_place", "exploitation_country",
        "exploitation_place", "forms", "sector", "means_of_control", "recruiter_relation",
        "count", "attestation",
    ]  # fmt: skip

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # correcting a record: who contributed it and on what basis stay
            for name in ("organisation", "attestation", "case_reference"):
                del self.fields[name]
        # Transit stages go between recruitment and exploitation, in order.
        fields = list(self.fields.items())
        at = [name for name, _field in fields].index("exploitation_country")
        transit = []
        for n in range(1, FORM_TRANSITS + 1):
            transit.append(
                (
                    f"transit_{n}_country",
                    forms.ChoiceField(
                        label=_("Transit country %(n)s") % {"n": n},
                        choices=_optional_countries,
                        required=False,
                    ),
                )
            )
            transit.append(
                (
                    f"transit_{n}_place",
                    forms.CharField(
                        label=_("Transit place %(n)s") % {"n": n},
                        required=False,
                        max_length=100,
                    ),
                )
            )
        self.fields = dict(fields[:at] + transit + fields[at:])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        row = {
            name: ";".join(value) if isinstance(value, list) else str(value or "")
            for name, value in data.items()
            if name in formats.NATIVE_COLUMNS
        }
        try:
            self.record = formats.native_row(row)
        except formats.RowRejected as error:
            column = str(error).split(":", 1)[0]
            self.add_error(column if column in self.fields else None, str(error))
        return data


class ReleaseForm(forms.Form):
    epsilon = forms.FloatField(
        label=_("ε, the privacy-loss budget of the whole release"),
        initial=1.0,
        min_value=0.01,
        max_value=100,
        help_text=_(
            "Smaller means more noise and more protection. Each table gets a share; the "
            "preview shows what it costs in accuracy before anything is published."
        ),
    )
    k = forms.IntegerField(
        label=_("k, the smallest count shown"),
        initial=11,
        min_value=2,
        max_value=1000,
        help_text=_("Counts below it after noise are left out (CTDC uses 11)."),
    )


def record_initial(record) -> dict:
    """A stored record as the form's initial values."""
    row = formats.export_row(record)
    initial = {name: value for name, value in row.items() if value not in ("", None)}
    for name in ("forms", "means_of_control"):
        initial[name] = [code for code in str(row[name]).split(";") if code]
    return initial
