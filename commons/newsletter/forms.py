"""The subscription forms (an address and preferences, or preferences alone) and the
editors' forms for issues and their entries."""

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commons.lib.geo import Region
from commons.library.topics import topic_choices
from commons.newsletter.models import Issue, IssueItem, Subscriber


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to hear about every topic."),
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to hear about every region."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # the themes are rows in the database: read them when the form is made
        self.fields["topics"].choices = topic_choices()

    def preferences(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in ("language", "topics", "regions", "frequency")
        }

    @classmethod
    def initial_for(cls, subscriber: Subscriber) -> dict:
        return {
            "language": subscriber.language,
            "topics": subscriber.topics,
            "regions": subscriber.regions,
            "frequency": subscriber.frequency,
        }


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    field_order = ["email", "language", "frequency", "topics", "regions"]


# --- The editors' forms -------------------------------------------------------------------


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["subject", "period_start", "period_end", "introduction"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "introduction": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "period_start": _("The issue proposes what was published from this day…"),
            "period_end": _("…until this day, and the events of the weeks after it."),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period must end on or after its first day."))
        return cleaned


class EntryForm(forms.ModelForm):
    """An entry of an issue: its text and who receives it. The link is the editor's to
    give only for an entry they wrote; a proposed entry links to its source."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none for every subscriber, whatever their language."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none for subscribers of every topic."),
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        choices=[choice for choice in Region.choices if choice[0] != Region.GLOBAL],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none for subscribers of every region."),
    )

    class Meta:
        model = IssueItem
        fields = ["section", "title", "summary", "url", "languages", "topics", "regions"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = topic_choices()
        if self.instance.source is not None:
            del self.fields["url"]
        else:
            self.fields["url"].help_text = _("Where the entry's title leads; may be left empty.")


class TestSendForm(forms.Form):
    to = forms.EmailField(
        label=_("Send a test to"), max_length=254, help_text=_("Only this address receives it.")
    )
    subscriber = forms.EmailField(
        label=_("As received by"),
        required=False,
        max_length=254,
        help_text=_("A subscriber's address, to test with their preferences; empty for all."),
    )


class ScheduleForm(forms.Form):
    """When to send an issue; its "Send now" button (``now`` in the data) needs no time."""

    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def when(self) -> datetime.datetime | None:
        """The chosen time, or None for now."""
        return None if "now" in self.data else self.cleaned_data["send_at"]

    def clean(self):
        cleaned = super().clean()
        if "now" not in self.data and cleaned.get("send_at") is None and not self.errors:
            self.add_error("send_at", _("Choose when to send it, or send it now."))
        return cleaned
