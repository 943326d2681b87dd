"""Forms of the contributing pages: submitting a new work, adding a language version of
one, editing a version (and its work), rejecting a submission, and a collection."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from commons.accounts.models import Membership, Organisation, User
from commons.core.forms import CountriesField
from commons.core.services import unique_slug
from commons.lib.geo import Region
from commons.lib.languages import LANGUAGE_CHOICES, canonical_language, language_name
from commons.library import queries
from commons.library.files import (
    ACCEPT_DOCUMENTS,
    ACCEPT_IMAGES,
    CheckedFile,
    UploadRefused,
    check_upload,
)
from commons.library.models import Collection, Resource, Work
from commons.library.topics import topic_choices

MAX_AUTHORS = 50
MAX_COLLECTION_WORKS = 500
# The paths under /library/collections/ that a collection's slug must not take.
RESERVED_COLLECTION_SLUGS = {"new"}


def interface_language() -> str:
    """The reader's interface language as an ISO 639 code of the choices ('en' else)."""
    code = canonical_language((get_language() or "en").split("-")[0])
    return code if code in dict(LANGUAGE_CHOICES) else "en"


def organisations_of(user) -> list[Organisation]:
    """The organisations this person is an active member of: who they submit for."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            memberships__user=user, memberships__status=Membership.Status.ACTIVE
        ).order_by("name")
    )


# --- Fields ------------------------------------------------------------------------------


class PlainLinesField(forms.CharField):
    """One item a line; commas stay (an author may be written “Sok, Dara”)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class PublicationDateField(forms.CharField):
    """A year (2023), a month (2023-05) or a day (2023-05-17); kept as a date (the 1st of
    January for a year, the 1st of the month for a month)."""

    PATTERN = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            if (value.month, value.day) == (1, 1):
                return str(value.year)
            return value.isoformat()
        return value

    def to_python(self, value) -> datetime.date | None:
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        match = self.PATTERN.match(text)
        try:
            if match is None:
                raise ValueError(text)
            year, month, day = (int(part) if part else 1 for part in match.groups())
            found = datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(_("Write a year (2023) or a date (2023-05-17).")) from None
        if found.year < 1800 or found > datetime.date.today() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("This date is not plausible for a publication."))
        return found


def _checked(upload, *, images_only: bool = False) -> CheckedFile | None:
    if not upload:
        return None
    try:
        return check_upload(upload, images_only=images_only)
    except UploadRefused as refusal:
        raise forms.ValidationError(str(refusal)) from None


# --- A language version ------------------------------------------------------------------


class VersionForm(forms.Form):
    """The fields of one language version: title, summary, language, file or link, cover.

    ``work`` (when known) and ``resource`` (when editing) let the language be checked
    against the work's other versions."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What it is, who it is for, what it covers."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=LANGUAGE_CHOICES,
        help_text=gettext_lazy("The language this version is written in."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_DOCUMENTS}),
    )
    external_url = forms.URLField(
        label=gettext_lazy("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("Where it can be read, watched or downloaded elsewhere."),
    )
    cover = forms.FileField(
        label=gettext_lazy("Cover image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_IMAGES}),
    )

    def __init__(self, *args, work: Work | None = None, resource: Resource | None = None, **kw):
        super().__init__(*args, **kw)
        self.work = work
        self.resource = resource
        self.fields["file"].help_text = _(
            "A PDF, an office document (Word, Excel, PowerPoint, OpenDocument) or an image, "
            "at most %(mb)d MB. Audio and video: give a link instead."
        ) % {"mb": settings.LIBRARY_MAX_FILE_MB}
        self.fields["cover"].help_text = _(
            "Optional: a PNG, JPEG, GIF or WebP image, at most %(mb)d MB. Its hidden data "
            "(camera, place) is removed."
        ) % {"mb": settings.LIBRARY_MAX_IMAGE_MB}
        if resource is None:
            self.initial.setdefault("language", interface_language())

    def clean_file(self) -> CheckedFile | None:
        return _checked(self.cleaned_data.get("file"))

    def clean_cover(self) -> CheckedFile | None:
        return _checked(self.cleaned_data.get("cover"), images_only=True)

    def clean_language(self) -> str:
        language = self.cleaned_data["language"]
        if self.work is None or self.work.pk is None:
            return language
        taken = self.work.versions.filter(language=language)
        if self.resource is not None:
            taken = taken.exclude(pk=self.resource.pk)
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "This work already has a version in %(language)s (perhaps one waiting "
                    "for review). Choose another language, or edit that version."
                )
                % {"language": language_name(language)}
            )
        return language

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("file")) or bool(self.resource and self.resource.file)
        if "file" not in self.errors and not has_file and not cleaned.get("external_url"):
            self.add_error(
                "file",
                _("Upload a file or give a link to the resource (or both): one is needed."),
            )
        return cleaned

    def version_fields(self) -> dict:
        """What ``services.submit_resource`` / ``update_resource`` take as ``fields``."""
        return {
            name: self.cleaned_data[name]
            for name in ("language", "title", "summary", "external_url")
        }

    @property
    def checked_file(self) -> CheckedFile | None:
        return self.cleaned_data.get("file")

    @property
    def checked_cover(self) -> CheckedFile | None:
        return self.cleaned_data.get("cover")


class SubmittedForMixin(forms.Form):
    submitted_for = forms.ModelChoiceField(
        label=gettext_lazy("Submitted for"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=gettext_lazy(
            "Your organisation: its members can see the submission while it waits for review."
        ),
    )

    def _set_organisations(self, user) -> None:
        mine = organisations_of(user)
        field = self.fields["submitted_for"]
        if not mine:
            # Moderators and staff may belong to no organisation.
            del self.fields["submitted_for"]
            return
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in mine]).order_by("name")
        self.initial.setdefault("submitted_for", mine[0].pk)

    def organisation(self) -> Organisation | None:
        return self.cleaned_data.get("submitted_for")


# --- The work's shared fields ------------------------------------------------------------


class WorkForm(forms.Form):
    """What every language version of a work shares."""

    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=Work.Type.choices)
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Topics"),
        choices=topic_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = CountriesField(
        label=gettext_lazy("Countries covered"),
        help_text=gettext_lazy(
            "Names or ISO codes separated by commas, e.g. Cambodia, Thailand or KH, TH."
        ),
    )
    regions = forms.MultipleChoiceField(
        label=gettext_lazy("Regions covered"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    publisher = forms.CharField(
        label=gettext_lazy("Publisher"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "The short name of an organisation on the platform (as in its address in the "
            "directory) links to it; otherwise write the publisher's name."
        ),
    )
    authors = PlainLinesField(
        label=gettext_lazy("Authors"),
        required=False,
        help_text=gettext_lazy(
            "One a line. A line that is an organisation's short name (as in its address in "
            "the directory) links to that organisation; a line that is the e-mail address "
            "of a person's account links to them and shows their name, never the address. "
            "Any other line is shown as written."
        ),
    )
    published_on = PublicationDateField(
        label=gettext_lazy("Publication date"),
        help_text=gettext_lazy("A year (2023), a month (2023-05) or a day (2023-05-17)."),
    )
    licence = forms.CharField(
        label=gettext_lazy("Licence"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "e.g. CC BY 4.0, or “all rights reserved”. Submit only what may be shared."
        ),
    )

    def _set_work_initial(self, work: Work) -> None:
        self.initial.update(
            type=work.type,
            topics=list(work.topics),
            countries=list(work.countries),
            regions=list(work.regions),
            publisher=work.publisher.slug if work.publisher_id else work.publisher_name,
            authors=[_author_line(author) for author in work.authors.all()],
            published_on=work.published_on,
            licence=work.licence,
        )

    def clean_publisher(self) -> tuple[Organisation | None, str]:
        text = self.cleaned_data["publisher"].strip()
        if not text:
            return None, ""
        organisation = Organisation.objects.filter(slug=text.lower()).first()
        if organisation is None:
            named = list(Organisation.objects.filter(name__iexact=text)[:2])
            organisation = named[0] if len(named) == 1 else None
        return (organisation, "") if organisation else (None, text)

    def clean_authors(self) -> list[dict]:
        lines = self.cleaned_data["authors"]
        if len(lines) > MAX_AUTHORS:
            raise forms.ValidationError(
                _("At most %(n)d authors: name the main ones.") % {"n": MAX_AUTHORS}
            )
        authors, problems = [], []
        for line in lines:
            if "@" in line and " " not in line:
                person = User.objects.filter(email__iexact=line, is_active=True).first()
                if person is None:
                    problems.append(_("No account has the address %(email)s.") % {"email": line})
                elif not person.name:
                    problems.append(
                        _("The account of %(email)s has no name: write the name instead.")
                        % {"email": line}
                    )
                else:
                    authors.append({"name": person.name[:200], "person": person})
                continue
            organisation = Organisation.objects.filter(slug=line.lower()).first()
            if organisation is not None:
                authors.append({"name": organisation.name[:200], "organisation": organisation})
            else:
                authors.append({"name": line[:200]})
        if problems:
            raise forms.ValidationError(problems)
        return authors

    def work_fields(self) -> dict:
        """What ``services.create_work`` / ``update_resource`` take for the work."""
        cleaned = self.cleaned_data
        publisher, publisher_name = cleaned["publisher"]
        return {
            "type": cleaned["type"],
            "topics": list(cleaned["topics"]),
            "countries": list(cleaned["countries"]),
            "regions": list(cleaned["regions"]),
            "publisher": publisher,
            "publisher_name": publisher_name,
            "published_on": cleaned["published_on"],
            "licence": cleaned["licence"],
        }

    def author_list(self) -> list[dict]:
        return self.cleaned_data["authors"]


def _author_line(author) -> str:
    if author.organisation_id:
        return author.organisation.slug
    if author.person_id:
        return author.person.email
    return author.name


# --- The pages' forms --------------------------------------------------------------------

VERSION_ORDER = ["title", "summary", "language"]
WORK_ORDER = [
    "type",
    "topics",
    "countries",
    "regions",
    "publisher",
    "authors",
    "published_on",
    "licence",
]
FILE_ORDER = ["file", "external_url", "cover"]


class SubmitForm(VersionForm, WorkForm, SubmittedForMixin):
    """A new work and its first language version."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(user)
        self.order_fields([*VERSION_ORDER, *WORK_ORDER, *FILE_ORDER, "submitted_for"])


class AddVersionForm(VersionForm, SubmittedForMixin):
    """Another language version (a translation) of a work."""

    def __init__(self, *args, user: User, work: Work, **kwargs) -> None:
        super().__init__(*args, work=work, **kwargs)
        self._set_organisations(user)
        self.order_fields(["language", "title", "summary", *FILE_ORDER, "submitted_for"])
        self.fields["language"].choices = [("", "—"), *LANGUAGE_CHOICES]
        if not self.is_bound:
            existing = set(work.versions.values_list("language", flat=True))
            if self.initial.get("language") in existing:
                self.initial["language"] = ""
        self.fields["title"].help_text = _("The title in this language.")


class EditForm(VersionForm, WorkForm):
    """A version and the fields its work shares with its other versions."""

    def __init__(self, *args, resource: Resource, **kwargs) -> None:
        super().__init__(*args, work=resource.work, resource=resource, **kwargs)
        self.order_fields([*VERSION_ORDER, *FILE_ORDER, *WORK_ORDER])
        if resource.language not in dict(LANGUAGE_CHOICES):
            # A language with no two-letter code (written through the API or the demo).
            self.fields["language"].choices = [
                (resource.language, language_name(resource.language)),
                *LANGUAGE_CHOICES,
            ]
        shared = _("Shared by all the work's language versions.")
        for name in WORK_ORDER:
            help_text = self.fields[name].help_text
            self.fields[name].help_text = f"{help_text} {shared}" if help_text else shared
        if resource.file:
            now = _("Now: %(name)s. Upload another file only to replace it.") % {
                "name": resource.file_name
            }
            self.fields["file"].help_text = f"{now} {self.fields['file'].help_text}"
        if resource.cover:
            now = _("It has one. Upload another image only to replace it.")
            self.fields["cover"].help_text = f"{now} {self.fields['cover'].help_text}"
        if self.is_bound:
            return
        self.initial.update(
            title=resource.title,
            summary=resource.summary,
            language=resource.language,
            external_url=resource.external_url,
        )
        self._set_work_initial(resource.work)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "The submitter reads it in the e-mail that tells them: say what to change, "
            "kindly and precisely."
        ),
        error_messages={
            "required": gettext_lazy(
                "Write the reason: the submitter is told why, so they can fix it."
            )
        },
    )


# --- Collections -------------------------------------------------------------------------


class CollectionForm(forms.Form):
    """A collection and the ordered list of its works, typed as their short names."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    slug = forms.SlugField(
        label=gettext_lazy("Short name in its address"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Optional: when left empty, it is made from the title."),
    )
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Markdown: **bold**, *italic*, lists and links."),
    )
    works = PlainLinesField(
        label=gettext_lazy("Works, in order"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "The short names of the works, one a line, in the order to show them. A work's "
            "short name is the last part of its address: for /library/migrant-worker-toolkit/ "
            "it is migrant-worker-toolkit."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        help_text=gettext_lazy("Optional: the language of the title and introduction."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Curated by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Only me"),
        help_text=gettext_lazy(
            "One of your organisations: its admins can then edit the collection too."
        ),
    )
    is_published = forms.BooleanField(
        label=gettext_lazy("Published: everyone can see it"),
        required=False,
    )

    def __init__(self, *args, user: User, collection: Collection | None = None, **kw):
        super().__init__(*args, **kw)
        self.user = user
        self.collection = collection
        self.fields["language"].choices = [("", "—"), *LANGUAGE_CHOICES]
        mine = Q(pk__in=[o.pk for o in organisations_of(user)])
        if collection is not None and collection.organisation_id:
            mine |= Q(pk=collection.organisation_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(mine).order_by("name")
        if collection is None or self.is_bound:
            return
        self.initial.update(
            title=collection.title,
            slug=collection.slug,
            introduction=collection.introduction,
            language=collection.language,
            organisation=collection.organisation_id,
            is_published=collection.is_published,
            works=[item.work.slug for item in collection.items.select_related("work")],
        )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if not slug:
            if self.collection is not None:
                return self.collection.slug
            slug = _unique_collection_slug(self.cleaned_data.get("title") or "")
        if slug in RESERVED_COLLECTION_SLUGS:
            raise forms.ValidationError(_("This short name is reserved: choose another."))
        taken = Collection.objects.filter(slug=slug)
        if self.collection is not None:
            taken = taken.exclude(pk=self.collection.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another collection has this short name."))
        return slug

    def clean_works(self) -> list[Work]:
        slugs = list(dict.fromkeys(self.cleaned_data["works"]))
        if len(slugs) > MAX_COLLECTION_WORKS:
            raise forms.ValidationError(
                _("At most %(n)d works in a collection.") % {"n": MAX_COLLECTION_WORKS}
            )
        # Only works this person may see: a slug of someone else's unpublished work is
        # as unknown as one that does not exist.
        visible = queries.resources_for(self.user).values("work")
        found = {w.slug: w for w in Work.objects.filter(slug__in=slugs, pk__in=visible)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise forms.ValidationError(
                ngettext(
                    "No work in the library has the short name %(names)s.",
                    "No work in the library has these short names: %(names)s.",
                    len(missing),
                )
                % {"names": ", ".join(missing)}
            )
        return [found[slug] for slug in slugs]

    def collection_fields(self) -> dict:
        """What ``services.save_collection`` takes as ``fields``."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "title",
                "slug",
                "introduction",
                "language",
                "organisation",
                "is_published",
            )
        }


def _unique_collection_slug(title: str) -> str:
    return unique_slug(
        title,
        model=Collection,
        max_length=90,
        fallback="collection",
        reserved=RESERVED_COLLECTION_SLUGS,
    )
