"""The subscription forms: an address and preferences, or preferences alone."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commons.lib.geo import Region
from commons.library.topics import topic_choices
from commons.newsletter.models import Subscriber


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
