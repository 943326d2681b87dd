"""Forms of the alerts: writing one, the moderator's decision, corrections, retraction,
the public right-of-reply form, the search and an organisation's subscription."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commons.accounts.models import Organisation, User
from commons.alerts import rules
from commons.alerts.models import ActorKind, Alert, Pattern, SourceKind
from commons.core.forms import CountriesField
from commons.lib.geo import COUNTRY_CHOICES, countries_typed, country_name

_ROUTE_ARROW = re.compile(r"\s*(?:->|→|>|–|—)\s*")


class AlertForm(forms.Form):
    actor_name = forms.CharField(
        label=gettext_lazy("Name of the recruitment actor"),
        max_length=300,
        help_text=gettext_lazy(
            "As the actor presents itself: the agency's or employer's registered name, "
            "the broker's known name, the advertiser's page or account name."
        ),
    )
    actor_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of actor"), choices=ActorKind.choices, widget=forms.RadioSelect
    )
    actor_aliases = forms.CharField(
        label=gettext_lazy("Other names and spellings"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One a line: trading names, spellings in other scripts (Thai, Khmer, Burmese, "
            "Arabic …), former names."
        ),
    )
    licence_number = forms.CharField(
        label=gettext_lazy("Registration or licence number"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Where known: the company registration or recruitment licence."),
    )
    actor_country = forms.ChoiceField(
        label=gettext_lazy("Country where the actor is based"),
        choices=lambda: [("", "—"), *COUNTRY_CHOICES],
    )
    countries = CountriesField(
        label=gettext_lazy("Countries concerned"),
        help_text=gettext_lazy(
            "Where people are recruited and sent to: ISO codes or names separated by "
            "commas, such as “TH, KH, Myanmar”."
        ),
    )
    routes = forms.CharField(
        label=gettext_lazy("Routes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One a line, origin > destination, such as “Cambodia > Thailand” or “NP > MY”."
        ),
    )
    patterns = forms.MultipleChoiceField(
        label=gettext_lazy("What the actor does"),
        choices=Pattern.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_summary = forms.CharField(
        label=gettext_lazy("Evidence summary"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What happened and what shows it, in factual terms, with no name or detail "
            "that could identify a victim or survivor."
        ),
    )
    source_kind = forms.ChoiceField(
        label=gettext_lazy("Source of the evidence"),
        choices=SourceKind.choices,
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Reporting organisation"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("The alert is published in this organisation's name."),
    )
    standard = forms.BooleanField(
        label=gettext_lazy("This alert meets the review standard above."),
        required=False,
    )

    def __init__(self, *args, user: User, alert: Alert | None = None, **kwargs) -> None:
        if alert is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "actor_name": alert.actor_name,
                "actor_kind": alert.actor_kind,
                "actor_aliases": "\n".join(alert.actor_aliases),
                "licence_number": alert.licence_number,
                "actor_country": alert.actor_country,
                "countries": alert.countries,
                "routes": "\n".join(
                    f"{country_name(a)} > {country_name(b)}" for a, b in alert.routes
                ),
                "patterns": alert.patterns,
                "evidence_summary": alert.evidence_summary,
                "source_kind": alert.source_kind,
                "organisation": alert.organisation_id,
            }
        super().__init__(*args, **kwargs)
        organisations = rules.verified_organisations_of(user)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )

    def clean_actor_aliases(self) -> list[str]:
        lines = self.cleaned_data["actor_aliases"].splitlines()
        return [line.strip()[:300] for line in lines if line.strip()][:30]

    def clean_routes(self) -> list[list[str]]:
        routes, problems = [], []
        for line in self.cleaned_data["routes"].splitlines():
            if not line.strip():
                continue
            parts = _ROUTE_ARROW.split(line.strip())
            codes = [countries_typed(part)[0] for part in parts] if len(parts) == 2 else []
            if len(codes) != 2 or any(len(found) != 1 for found in codes):
                problems.append(line.strip())
                continue
            routes.append([codes[0][0], codes[1][0]])
        if problems:
            raise forms.ValidationError(
                _("Write each route as “origin > destination” with one country each: %(lines)s")
                % {"lines": "; ".join(problems)}
            )
        return routes

    def check_standard(self) -> bool:
        """Submitting needs the author's word that the alert meets the standard; a draft
        does not."""
        if not self.cleaned_data.get("standard"):
            self.add_error(
                "standard",
                _(
                    "Read the review standard and confirm that the alert meets it before "
                    "sending it."
                ),
            )
            return False
        return True

    def alert_fields(self) -> dict:
        from commons.alerts.services import ALERT_FIELDS

        return {name: self.cleaned_data[name] for name in ALERT_FIELDS}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("publish", gettext_lazy("Publish: it meets the standard")),
            ("reject", gettext_lazy("Send it back to the author: it does not meet the standard")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "When publishing: an optional note shown with the review date. When sending it "
            "back: which point of the standard it misses (required)."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say which point of the standard the alert misses."))
        return data


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Correction"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Shown under the alert with today's date and your name; the reviewed text stays."
        ),
    )


class RetractForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the retraction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown on the alert, which stays readable, marked retracted."),
    )


class ReplyForm(forms.Form):
    """The public right-of-reply form. ``website`` is a trap for robots: people never
    see it (it is hidden by the style sheet), so a filled one is not from a person."""

    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    represents = forms.CharField(
        label=gettext_lazy("Organisation or person you speak for"), max_length=300
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        help_text=gettext_lazy("A moderator may write to you about your statement."),
    )
    actor_name = forms.CharField(
        label=gettext_lazy("Name of the agency, employer or person concerned"), max_length=300
    )
    licence_number = forms.CharField(
        label=gettext_lazy("Registration or licence number"), max_length=100, required=False
    )
    statement = forms.CharField(
        label=gettext_lazy("Your statement"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "What you want readers of an alert about you to know. If a moderator attaches "
            "it to an alert, it is shown there as you wrote it, with the name you speak for."
        ),
    )
    website = forms.CharField(
        label=gettext_lazy("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def reply_fields(self) -> dict:
        names = ("name", "represents", "email", "actor_name", "licence_number", "statement")
        return {name: self.cleaned_data[name] for name in names}


class AttachReplyForm(forms.Form):
    action = forms.ChoiceField(choices=[("attach", "attach"), ("dismiss", "dismiss")])
    alert = forms.IntegerField(required=False)
    note = forms.CharField(
        label=gettext_lazy("Note (kept for moderators)"), required=False, max_length=2000
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "attach" and not data.get("alert"):
            self.add_error("alert", _("Choose the alert this statement answers."))
        if data.get("action") == "dismiss" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the statement is dismissed."))
        return data


class SubscriptionForm(forms.Form):
    countries = CountriesField(
        label=gettext_lazy("Countries"),
        help_text=gettext_lazy(
            "Alerts that concern these countries are announced by e-mail (without their "
            "content). Empty: no announcements."
        ),
    )
    members_too = forms.BooleanField(
        label=gettext_lazy("Tell every member of the organisation, not only its admins"),
        required=False,
    )
