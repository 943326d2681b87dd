"""Forms of the public event pages: a guest's registration and a participant's feedback."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from commons.events.models import Feedback, Registration


class GuestRegistrationForm(forms.Form):
    """Who a guest is; the address is confirmed by e-mail before they hold a place.

    ``website`` is a honeypot: hidden from people (CSS and ``aria-hidden``), filled in by
    the robots that post every form they find."""

    name = forms.CharField(
        label=_("Your name"), max_length=Registration._meta.get_field("name").max_length
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send a link to confirm it; your place is held once you confirm."),
    )
    organisation_name = forms.CharField(
        label=_("Your organisation"),
        required=False,
        max_length=Registration._meta.get_field("organisation_name").max_length,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"

    @property
    def is_robot(self) -> bool:
        return bool(self.is_bound and self.data.get("website"))


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=capfirst(Feedback._meta.get_field("rating").verbose_name),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not useful, 5: very useful."),
    )
    useful = forms.CharField(
        label=capfirst(Feedback._meta.get_field("useful").verbose_name),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    improve = forms.CharField(
        label=capfirst(Feedback._meta.get_field("improve").verbose_name),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
