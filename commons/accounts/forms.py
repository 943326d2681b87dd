from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commons.accounts.models import Membership, Organisation, User
from commons.lib.timezones import time_zone_choices


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "country", "type", "website", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "summary": _(
                "What the organisation does, in one or two sentences. Public once verified."
            ),
        }


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the organisation's admins (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language", "time_zone"]
        widgets = {"time_zone": forms.Select(choices=[("", "—"), *time_zone_choices()])}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say where you will use it, e.g. “reporting script”."),
    )
