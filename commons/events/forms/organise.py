"""Forms of the organisers' pages: an event, its programme (sessions, speakers and
materials), and the times in them, entered in the event's own time zone."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from commons.accounts.models import Organisation, User
from commons.accounts.queries import organisations_administered_by
from commons.accounts.services import unique_slug
from commons.core.forms import LinesField, organisations_named
from commons.events.models import Event, Material, Session, Speaker, Theme
from commons.lib.geo import COUNTRY_CHOICES
from commons.lib.languages import canonical_language
from commons.lib.timezones import known_time_zones, time_zone_choices

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


# --- Times in the event's time zone ------------------------------------------------------


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time with no time zone: the form places it in the event's
    zone (``aware``). Django's own field would read it in the viewer's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def to_python(self, value) -> datetime.datetime | None:
        # Parsed as if in UTC, which has no gaps or repeated hours, then made naive again.
        with timezone.override(datetime.UTC):
            found = super().to_python(value)
        return None if found is None else found.replace(tzinfo=None)


def aware(naive: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The instant a wall-clock time in ``zone`` denotes; raises ValidationError for a
    time the clocks skip when they go forward."""
    found = naive.replace(tzinfo=zone)
    if found.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            _("This time does not exist in %(zone)s: the clocks go forward then."),
            params={"zone": zone.key},
        )
    return found


def local(moment: datetime.datetime | None, zone: zoneinfo.ZoneInfo) -> datetime.datetime | None:
    """The wall-clock time of ``moment`` in ``zone``, for a form's initial value."""
    if moment is None:
        return None
    return timezone.localtime(moment, zone).replace(tzinfo=None)


def _place_times(form: forms.Form, zone: zoneinfo.ZoneInfo | None) -> None:
    """Turn the form's cleaned local start and end into instants in ``zone`` (errors on
    the fields), and refuse an end before the start."""
    cleaned = form.cleaned_data
    for name in ("starts_at", "ends_at"):
        if cleaned.get(name) is None:
            continue
        if zone is None:
            cleaned.pop(name)
            continue
        try:
            cleaned[name] = aware(cleaned[name], zone)
        except forms.ValidationError as error:
            form.add_error(name, error)
    starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
    if starts is not None and ends is not None and ends < starts:
        form.add_error("ends_at", _("The end is before the start."))


def https_urls(field, **kwargs):
    """Model fields' form fields, with an address typed without a scheme taken as
    https (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


# --- Lists of codes ----------------------------------------------------------------------


class LanguageCodesField(forms.CharField):
    """ISO 639 codes separated by commas or spaces, kept as their canonical codes."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text", gettext_lazy("ISO 639 codes separated by commas, e.g. en, th, km.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        codes = [code for code in text.replace(",", " ").split() if code]
        found, unknown = [], []
        for code in codes:
            canonical = canonical_language(code)
            if canonical is None:
                unknown.append(code)
            elif canonical not in found:
                found.append(canonical)
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "%(codes)s is not an ISO 639 language code.",
                    "These are not ISO 639 language codes: %(codes)s.",
                    len(unknown),
                )
                % {"codes": ", ".join(unknown)}
            )
        return found


def _language(value: str) -> str:
    """One optional ISO 639 code, canonical."""
    value = (value or "").strip()
    if not value:
        return ""
    canonical = canonical_language(value)
    if canonical is None:
        raise forms.ValidationError(
            _("%(code)s is not an ISO 639 language code.") % {"code": value}
        )
    return canonical


# --- The event ---------------------------------------------------------------------------


class EventForm(forms.ModelForm):
    """An event's description, place and time, for ``services.save_event``.

    Organisers: staff name any organisations by their short names; an organisation's
    admin ticks among the organisations they run, and the event's other organisers stay
    as they are (``organisers()``).
    """

    slug = forms.SlugField(
        label=gettext_lazy("Short name in its address"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Optional: when left empty, it is made from the title."),
    )
    organiser_names = LinesField(
        label=gettext_lazy("Organised by"),
        required=False,
        help_text=gettext_lazy(
            "Short names of the organisations on the platform that run it (as in their "
            "address in the directory), one per line. Empty: the platform's staff."
        ),
    )
    own_organisations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Organised by"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one of your organisations.")},
    )
    countries = forms.MultipleChoiceField(
        label=gettext_lazy("Countries it is about"),
        choices=COUNTRY_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    languages = LanguageCodesField(label=gettext_lazy("Languages spoken"))
    interpretation = LanguageCodesField(
        label=gettext_lazy("Simultaneous interpretation into"),
    )
    themes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Topics"),
        queryset=Theme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone of the times below"),
        choices=time_zone_choices,
        help_text=gettext_lazy(
            "Where the event happens, or its organisers' zone for an online event. "
            "Everyone sees the times in their own time zone too."
        ),
    )
    starts_at = LocalDateTimeField(label=gettext_lazy("Starts"))
    ends_at = LocalDateTimeField(label=gettext_lazy("Ends"))

    class Meta:
        model = Event
        formfield_callback = https_urls
        fields = [
            "title",
            "slug",
            "kind",
            "summary",
            "external_organiser",
            "external_url",
            "region",
            "countries",
            "languages",
            "interpretation",
            "themes",
            "online_url",
            "venue",
            "city",
            "country",
            "time_zone",
            "starts_at",
            "ends_at",
            "registration",
            "capacity",
            "feedback_open",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}

    # What ``services.save_event`` takes as ``fields``.
    EVENT_FIELDS = tuple(name for name in Meta.fields if name != "themes")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.staff = user.is_staff
        self.administered = Organisation.objects.none()
        self.order_fields(["title", "slug", "kind", "organiser_names", "own_organisations"])
        event = self.instance
        if self.staff:
            del self.fields["own_organisations"]
        else:
            del self.fields["organiser_names"]
            self.administered = organisations_administered_by(user)
            self.fields["own_organisations"].queryset = self.administered
            self.fields["own_organisations"].help_text = _(
                "Among the organisations you run; at least one, so that you keep organising it."
            )
        if event.pk:
            # Links to the event have been shared and calendars keep its address.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("It no longer changes: links to it are out.")
        if self.is_bound:
            return
        current = list(event.organisers.order_by("slug")) if event.pk else []
        if self.staff:
            self.initial["organiser_names"] = [o.slug for o in current]
        elif event.pk:
            self.initial["own_organisations"] = [o for o in current if o in set(self.administered)]
        else:
            self.initial["own_organisations"] = list(self.administered[:1])
        if event.pk:
            self.initial.update(
                starts_at=local(event.starts_at, event.tz),
                ends_at=local(event.ends_at, event.tz),
                themes=list(event.themes.all()),
            )
        else:
            self.initial["time_zone"] = _initial_zone(user)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if self.instance.pk:
            return self.instance.slug
        if slug:
            return slug
        title = self.cleaned_data.get("title") or ""
        return unique_slug(slugify(title) or "event", model=Event, max_length=100)

    def clean_organiser_names(self) -> list[Organisation]:
        return organisations_named(self.cleaned_data["organiser_names"])

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("time_zone")
        _place_times(self, zoneinfo.ZoneInfo(name) if name in known_time_zones() else None)
        return cleaned

    def organisers(self) -> list[Organisation]:
        """The event's organisers once saved: for staff, those named; for an admin, the
        ones they ticked and the others the event already had, which are not theirs
        to remove."""
        if self.staff:
            return self.cleaned_data["organiser_names"]
        mine = set(self.administered)
        others = []
        if self.instance.pk:
            others = [o for o in self.instance.organisers.all() if o not in mine]
        return [*self.cleaned_data["own_organisations"], *others]

    def event_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.EVENT_FIELDS}


def _initial_zone(user: User) -> str:
    name = getattr(user, "time_zone", "") or timezone.get_current_timezone_name()
    return name if name in known_time_zones() else "UTC"


# --- The programme -----------------------------------------------------------------------


class SessionForm(forms.ModelForm):
    starts_at = LocalDateTimeField(label=gettext_lazy("Starts"))
    ends_at = LocalDateTimeField(label=gettext_lazy("Ends"))
    language = forms.CharField(
        label=gettext_lazy("Language"),
        required=False,
        max_length=12,
        help_text=gettext_lazy("ISO 639 code, e.g. th."),
    )

    class Meta:
        model = Session
        fields = ["title", "description", "starts_at", "ends_at", "language"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        zone = event.tz
        self.fields["starts_at"].help_text = self.fields["ends_at"].help_text = _(
            "Time in %(zone)s."
        ) % {"zone": event.time_zone}
        if self.instance.pk and not self.is_bound:
            self.initial["starts_at"] = local(self.instance.starts_at, zone)
            self.initial["ends_at"] = local(self.instance.ends_at, zone)

    def clean_language(self) -> str:
        return _language(self.cleaned_data["language"])

    def clean(self):
        cleaned = super().clean()
        event = self.event
        _place_times(self, event.tz)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        outside = (starts is not None and not event.starts_at <= starts <= event.ends_at) or (
            ends is not None and not event.starts_at <= ends <= event.ends_at
        )
        if outside:
            raise forms.ValidationError(
                _(
                    "A session takes place during the event: between %(start)s and "
                    "%(end)s (%(zone)s)."
                )
                % {
                    "start": local(event.starts_at, event.tz).strftime("%Y-%m-%d %H:%M"),
                    "end": local(event.ends_at, event.tz).strftime("%Y-%m-%d %H:%M"),
                    "zone": event.time_zone,
                }
            )
        return cleaned


class SpeakerForm(forms.ModelForm):
    organisation_name = forms.SlugField(
        label=gettext_lazy("Organisation on the platform"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("Its short name, as in its address in the directory."),
    )
    person_email = forms.EmailField(
        label=gettext_lazy("Person on the platform"),
        required=False,
        help_text=gettext_lazy("The e-mail address of their account, to link their profile."),
    )

    class Meta:
        model = Speaker
        fields = ["name", "role", "session", "affiliation"]

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = event.sessions.all()
        self.fields["session"].empty_label = _("The whole event")
        self.order_fields(["name", "role", "session", "organisation_name", "person_email"])
        if self.instance.pk and not self.is_bound:
            self.initial["organisation_name"] = getattr(self.instance.organisation, "slug", "")
            self.initial["person_email"] = getattr(self.instance.person, "email", "")

    def clean_organisation_name(self) -> Organisation | None:
        slug = self.cleaned_data["organisation_name"]
        return organisations_named([slug])[0] if slug else None

    def clean_person_email(self) -> User | None:
        email = self.cleaned_data["person_email"]
        if not email:
            return None
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("No account has this address."))
        return person

    def clean(self):
        cleaned = super().clean()
        if "organisation_name" in cleaned:
            self.instance.organisation = cleaned["organisation_name"]
        if "person_email" in cleaned:
            self.instance.person = cleaned["person_email"]
        return cleaned


class MaterialForm(forms.ModelForm):
    language = forms.CharField(
        label=gettext_lazy("Language"),
        required=False,
        max_length=12,
        help_text=gettext_lazy("ISO 639 code, e.g. en."),
    )

    library_work = forms.SlugField(
        label=gettext_lazy("Or: in the library"),
        required=False,
        max_length=120,
        help_text=gettext_lazy(
            "The short name of a published library resource (as in its address), instead "
            "of a link: readers get it in their language."
        ),
    )

    class Meta:
        model = Material
        formfield_callback = https_urls
        fields = ["kind", "title", "url", "language"]

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.work_id and not self.is_bound:
            self.initial["library_work"] = self.instance.work.slug

    def clean_language(self) -> str:
        return _language(self.cleaned_data["language"])

    def clean_library_work(self):
        from commons.library.queries import published

        slug = self.cleaned_data["library_work"]
        if not slug:
            return None
        found = published().filter(work__slug=slug).select_related("work").first()
        if found is None:
            raise forms.ValidationError(_("No published library resource has this short name."))
        return found.work

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("title") and not cleaned.get("url") and not cleaned.get("library_work"):
            self.add_error("url", _("Give a link, or the short name of a library resource."))
        return cleaned

    def save(self, commit=True):
        self.instance.work = self.cleaned_data.get("library_work")
        return super().save(commit=commit)


SessionFormSet = forms.inlineformset_factory(
    Event, Session, form=SessionForm, extra=2, max_num=200, can_delete=True, can_delete_extra=False
)
SpeakerFormSet = forms.inlineformset_factory(
    Event, Speaker, form=SpeakerForm, extra=3, max_num=500, can_delete=True, can_delete_extra=False
)
MaterialFormSet = forms.inlineformset_factory(
    Event,
    Material,
    form=MaterialForm,
    extra=2,
    max_num=200,
    can_delete=True,
    can_delete_extra=False,
)


class Programme:
    """The three formsets of the programme page, validated and saved together."""

    def __init__(self, event: Event, data=None) -> None:
        kwargs = {"instance": event, "form_kwargs": {"event": event}}
        self.sessions = SessionFormSet(data, prefix="sessions", **kwargs)
        self.speakers = SpeakerFormSet(
            data,
            prefix="speakers",
            queryset=event.speakers.select_related("organisation", "person", "session"),
            **kwargs,
        )
        self.materials = MaterialFormSet(data, prefix="materials", **kwargs)

    def is_valid(self) -> bool:
        return all([self.sessions.is_valid(), self.speakers.is_valid(), self.materials.is_valid()])

    @transaction.atomic
    def save(self) -> None:
        """Side effects: inserts, changes and deletes the event's sessions, speakers and
        materials. Speakers first: deleting a session then takes its speakers with it,
        as the model's cascade says, instead of failing on a speaker just saved."""
        self.speakers.save()
        self.materials.save()
        self.sessions.save()
