"""Forms of the survey pages: a new survey from a workbook, its settings, an upload of
responses, and the questionnaire itself built from the XLSForm."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from commons.accounts.models import Organisation, User
from commons.core.forms import LinesField, organisations_named
from commons.surveys.analysis import label
from commons.surveys.models import Survey
from commons.surveys.xlsform import Form, Question

MAX_WORKBOOK_BYTES = 5 * 1024 * 1024
MAX_EXPORT_BYTES = 200 * 1024 * 1024
MAX_TEXT = 5_000
# With more choices than this, a single choice is a drop-down rather than a list of
# radio buttons, which would fill a phone's screen.
MANY_CHOICES = 12
WORKBOOK_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(upload, *, suffixes: tuple[str, ...], limit: int, wrong_type: str):
    """The upload, when its name has one of ``suffixes`` (its content is checked when it
    is read) and it is within ``limit`` bytes; ``wrong_type`` says what is expected."""
    if not (upload.name or "").lower().endswith(suffixes):
        raise forms.ValidationError(wrong_type % {"name": upload.name})
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
        )
    return upload


class NewSurveyForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("XLSForm workbook"),
        help_text=gettext_lazy(
            "An .xlsx file with a survey sheet, a choices sheet and, if you like, a settings "
            "sheet, as KoboToolbox and ODK use."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": WORKBOOK_TYPES}),
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Run by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("The platform's staff"),
    )
    slug = forms.SlugField(
        label=gettext_lazy("Short name in its address"),
        required=False,
        max_length=80,
        help_text=gettext_lazy(
            "Optional: when left empty, it is made from form_id on the settings sheet, or "
            "from the form's title."
        ),
    )

    def __init__(self, *args, owners, staff: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].required = not staff
        if not staff:
            self.fields["owner"].empty_label = None
            first = owners.first()
            if first is not None:
                self.fields["owner"].initial = first.pk

    def clean_workbook(self):
        return _upload(
            self.cleaned_data["workbook"],
            suffixes=(".xlsx",),
            limit=MAX_WORKBOOK_BYTES,
            wrong_type=_("%(name)s is not an XLSForm workbook: choose an .xlsx file."),
        )


class SettingsForm(forms.ModelForm):
    """Who may answer, how often, who reads the responses, and whether the report is
    public. Organisations and readers are typed (short names, e-mail addresses): a
    network has too many organisations for a list of boxes."""

    organisation_names = LinesField(
        label=gettext_lazy("Organisations whose members may answer"),
        required=False,
        help_text=gettext_lazy(
            "Their short names (as in their address in the directory), one per line. Used "
            "when only members of chosen organisations may answer."
        ),
    )
    reader_emails = LinesField(
        label=gettext_lazy("Other people who may read the responses"),
        required=False,
        help_text=gettext_lazy(
            "E-mail addresses of their accounts, one per line. Members of the organisation "
            "that runs the survey may always read them."
        ),
    )

    class Meta:
        model = Survey
        fields = ["title", "audience", "once_per", "report_public"]
        widgets = {"audience": forms.RadioSelect, "once_per": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["organisation_names"] = "\n".join(
                self.instance.organisations.order_by("slug").values_list("slug", flat=True)
            )
            self.initial["reader_emails"] = "\n".join(
                self.instance.readers.order_by("email").values_list("email", flat=True)
            )

    def clean_organisation_names(self) -> list[Organisation]:
        return organisations_named(self.cleaned_data["organisation_names"])

    def clean_reader_emails(self) -> list[User]:
        emails = self.cleaned_data["reader_emails"]
        found = {u.email.casefold(): u for u in User.objects.filter(email__in=emails)}
        missing = [email for email in emails if email.casefold() not in found]
        if missing:
            raise forms.ValidationError(
                ngettext(
                    "No account has the address %(emails)s.",
                    "No account has these addresses: %(emails)s.",
                    len(missing),
                )
                % {"emails": ", ".join(missing)}
            )
        return list(found.values())

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("audience") == Survey.Audience.ORGANISATIONS
        if chosen and not cleaned.get("organisation_names"):
            self.add_error(
                "organisation_names",
                _("Name at least one organisation whose members may answer."),
            )
        return cleaned


class ResponsesUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Export from KoboToolbox or ODK"),
        help_text=gettext_lazy(
            "CSV or XLSX, as downloaded, with the question names (and group paths) as "
            "headers. Submissions imported before are skipped."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        return _upload(
            self.cleaned_data["file"],
            suffixes=(".csv", ".xlsx"),
            limit=MAX_EXPORT_BYTES,
            wrong_type=_("%(name)s is not a CSV or XLSX export: choose a .csv or .xlsx file."),
        )


class AnswerForm(forms.Form):
    """The questionnaire: a field per question, labels in ``language``.

    A question is asked only when its ``relevant`` holds for the answers before it: the
    answers to the others are dropped, and only relevant questions are required or
    checked against their constraint. A draft keeps what was typed without those two
    checks.
    """

    def __init__(self, *args, survey_form: Form, language: str, draft: bool = False, **kw):
        kw.setdefault("label_suffix", "")  # a question ends with its own punctuation
        super().__init__(*args, **kw)
        self.survey_form, self.language, self.draft = survey_form, language, draft
        for question in survey_form.asked:
            self.fields[question.name] = self._field(question)

    def _field(self, question: Question) -> forms.Field:
        common: dict[str, Any] = {
            "label": label(question.labels, self.language) or question.name,
            "help_text": label(question.hints, self.language),
            "required": False,
        }
        choices = [(c.name, label(c.labels, self.language) or c.name) for c in question.choices]
        if question.type == "select_one":
            widget = forms.Select if len(choices) > MANY_CHOICES else forms.RadioSelect
            if widget is forms.Select:
                choices = [("", "—"), *choices]
            return forms.ChoiceField(choices=choices, widget=widget, **common)
        if question.type == "select_multiple":
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        if question.type == "integer":
            return forms.IntegerField(**common)
        if question.type == "decimal":
            return forms.FloatField(widget=forms.NumberInput(attrs={"step": "any"}), **common)
        if question.type == "date":
            return forms.DateField(
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
            )
        return forms.CharField(
            max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}), **common
        )

    def clean(self):
        cleaned = super().clean()
        self.answers = self.relevant_answers(cleaned)
        if self.draft:
            return cleaned
        for question in self.survey_form.asked:
            if question.name in self.errors:
                continue
            if not self.is_relevant(question, self.answers):
                continue
            value = self.answers.get(question.name)
            if value is None:
                if question.required:
                    self.add_error(question.name, _("This question needs an answer."))
                continue
            if question.constraint is not None and not question.constraint.evaluate(
                self.answers, value
            ):
                message = label(question.constraint_messages, self.language)
                self.add_error(
                    question.name,
                    message or _("This answer is outside what the form allows."),
                )
        return cleaned

    @staticmethod
    def is_relevant(question: Question, answers: dict) -> bool:
        return question.relevant is None or bool(question.relevant.evaluate(answers, None))

    def relevant_answers(self, cleaned: dict) -> dict[str, Any]:
        """The answers to the questions asked, in the stored shape (``models``), in form
        order so that a question hidden by an earlier answer hides those after it."""
        answers: dict[str, Any] = {}
        for question in self.survey_form.questions:
            value = stored(cleaned.get(question.name))
            if value is None or not self.is_relevant(question, answers):
                continue
            if question.type == "select_multiple":
                value = [choice.name for choice in question.choices if choice.name in value]
            answers[question.name] = value
        return answers


def stored(value) -> Any:
    """A cleaned value as a response keeps it; None for no answer."""
    if value in (None, "", [], ()):
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return list(value)
    return value


def initial_answers(survey_form: Form, answers: dict) -> dict[str, Any]:
    """A saved draft's answers as the form's initial values."""
    initial = {}
    for question in survey_form.questions:
        value = answers.get(question.name)
        if value is None:
            continue
        if question.type == "date":
            value = datetime.date.fromisoformat(value)
        initial[question.name] = value
    return initial
