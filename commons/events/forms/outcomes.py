"""Forms of the outcome pages: fast entry of recommendations, priorities, themes, the
import of a table, the list's filters, commitments and their progress."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from commons.core.forms import CountriesField
from commons.events.models import Commitment, Priority, Recommendation, Theme
from commons.lib.geo import COUNTRY_CHOICES, Region

MAX_IMPORT_BYTES = 5 * 1024 * 1024
IMPORT_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
MAX_TEXT = Recommendation._meta.get_field("text").max_length


def _themes_field(**kwargs) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=gettext_lazy("Themes"),
        queryset=Theme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
        **kwargs,
    )


def _country_choices():
    return [("", "—"), *COUNTRY_CHOICES]


class AudienceMixin:
    """The country addressed goes with "the government of a named country" only."""

    def clean(self):
        data = super().clean()
        audience = data.get("audience")
        if audience == Recommendation.Audience.GOVERNMENT_OF_COUNTRY:
            if not data.get("audience_country"):
                self.add_error(
                    "audience_country",
                    _("Choose the country whose government the recommendations address."),
                )
        elif audience:
            # Kept from an earlier entry with another audience: it does not apply here.
            data["audience_country"] = ""
        return data


class FastEntryForm(AudienceMixin, forms.Form):
    """Many recommendations at once, one a line, sharing region, audience, themes and
    countries."""

    region = forms.ChoiceField(label=gettext_lazy("Region"), choices=Region.choices)
    audience = forms.ChoiceField(
        label=gettext_lazy("Addressed to"), choices=Recommendation.Audience.choices
    )
    audience_country = forms.ChoiceField(
        label=gettext_lazy("Country addressed"),
        choices=_country_choices,
        required=False,
        help_text=gettext_lazy("Only for “The government of a named country”."),
    )
    themes = _themes_field()
    countries = CountriesField()
    texts = forms.CharField(
        label=gettext_lazy("Recommendations, one a line"),
        widget=forms.Textarea(attrs={"rows": 8, "autofocus": True}),
        error_messages={"required": gettext_lazy("Type at least one recommendation.")},
        help_text=gettext_lazy(
            "Each line becomes one recommendation; blank lines are ignored. "
            "The choices above stay for the next batch."
        ),
    )

    def clean_texts(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["texts"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Type at least one recommendation."))
        for number, line in enumerate(lines, start=1):
            if len(line) > MAX_TEXT:
                raise forms.ValidationError(
                    _("Line %(n)d is longer than %(max)d characters.")
                    % {"n": number, "max": MAX_TEXT}
                )
        return lines


class RecommendationForm(AudienceMixin, forms.ModelForm):
    """One recommendation, corrected after it was entered."""

    themes = _themes_field()
    countries = CountriesField()

    class Meta:
        model = Recommendation
        fields = ["text", "region", "audience", "audience_country", "themes", "countries"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class PriorityForm(forms.ModelForm):
    themes = _themes_field()

    class Meta:
        model = Priority
        fields = ["region", "title", "description", "themes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ThemeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("New theme"), max_length=120)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not re.search(r"\w", name):
            raise forms.ValidationError(_("A theme needs a name with letters or digits."))
        return name


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": IMPORT_TYPES}),
    )
    add_themes = forms.BooleanField(
        label=gettext_lazy("Add unknown themes to the vocabulary"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise a row with a theme the platform does not know is refused."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("%(name)s is not a CSV or XLSX file: save the table as CSV or XLSX.")
                % {"name": upload.name}
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        return upload


class RecommendationFilterForm(forms.Form):
    """The list's and the matrix's filters (GET)."""

    q = forms.CharField(label=gettext_lazy("Words in the text"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    audience = forms.ChoiceField(label=gettext_lazy("Addressed to"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Theme"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    event = forms.ChoiceField(label=gettext_lazy("Event"), required=False)
    taken = forms.ChoiceField(
        label=gettext_lazy("Taken up"),
        required=False,
        choices=[
            ("", pgettext_lazy("filter option: every recommendation", "All")),
            ("no", gettext_lazy("Nobody has taken these up yet")),
            ("yes", gettext_lazy("With a commitment")),
        ],
    )

    def __init__(self, *args, events=(), fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        # "All" agrees with what is filtered (Toutes les régions, tous les thèmes).
        choices = {
            "region": (pgettext("filter option: every region", "All"), Region.choices),
            "audience": (
                pgettext("filter option: every audience", "All"),
                Recommendation.Audience.choices,
            ),
            "theme": (
                pgettext("filter option: every theme", "All"),
                [(t.code, t.label) for t in Theme.objects.all()],
            ),
            "country": (pgettext("filter option: every country", "All"), COUNTRY_CHOICES),
            "event": (pgettext("filter option: every event", "All"), events),
        }
        for name, (anything, options) in choices.items():
            self.fields[name].choices = [("", anything), *options]
        if fields is not None:
            for name in list(self.fields):
                if name not in fields:
                    del self.fields[name]


class CommitForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("On behalf of"), queryset=None, empty_label=None
    )

    class Meta:
        model = Commitment
        fields = ["organisation", "action", "due"]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 3}),
            "due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class CommitmentUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Commitment.Status.choices)
    text = forms.CharField(
        label=gettext_lazy("Progress"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What was done since the last update, and what comes next."),
    )
