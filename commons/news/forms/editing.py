"""Forms of the writing pages: a post (submitted or edited) and an editor's refusal."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commons.accounts.models import Organisation, User
from commons.core.forms import CountriesField
from commons.lib.languages import LANGUAGE_CHOICES, language_name
from commons.library.forms.contribute import interface_language, organisations_of
from commons.library.topics import topic_choices
from commons.news.models import Post

# What ``services.submit_post`` / ``update_post`` take as ``fields``.
POST_FIELDS = (
    "kind",
    "title",
    "summary",
    "body",
    "language",
    "countries",
    "topics",
    "audience",
    "source_url",
    "opportunity_type",
    "deadline",
    "how_to_apply",
)


class PostForm(forms.Form):
    """A post of any kind; the fields of one kind are checked only for that kind."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=Post.Kind.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "News: something published elsewhere, with its link. Field report: what your "
            "organisation sees on the ground. Opportunity: a job, a call or a fellowship, "
            "with its deadline. Announcement: news of the network or the platform."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One or two sentences, shown in listings and the newsletter."),
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=50000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy("Markdown: **bold**, *italic*, lists and links."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=LANGUAGE_CHOICES,
        help_text=gettext_lazy("The language the post is written in."),
    )
    countries = CountriesField(label=gettext_lazy("Countries"))
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Topics"),
        choices=topic_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("None: I write for myself"),
        help_text=gettext_lazy(
            "The organisation the post is written for. A field report is written by a "
            "member organisation: choose yours."
        ),
    )
    audience = forms.ChoiceField(
        label=gettext_lazy("Who may read it"),
        choices=Post.Audience.choices,
        initial=Post.Audience.PUBLIC,
        widget=forms.RadioSelect,
    )
    source_url = forms.URLField(
        label=gettext_lazy("Source"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("For news: the link to where it was first published."),
    )
    opportunity_type = forms.ChoiceField(
        label=gettext_lazy("Type of opportunity"),
        choices=[("", "—"), *Post.Opportunity.choices],
        required=False,
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "For opportunities: the last day to apply (2026-05-17). It is no longer listed "
            "after that day."
        ),
    )
    how_to_apply = forms.CharField(
        label=gettext_lazy("How to apply"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("For opportunities: where to write, what to send."),
    )

    def __init__(self, *args, user: User, post: Post | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.post = post
        mine = [o.pk for o in organisations_of(user)]
        if post is not None and post.organisation_id:
            # An editor correcting someone's post keeps its organisation.
            mine.append(post.organisation_id)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=mine).order_by(
            "name"
        )
        if post is not None and post.language not in dict(LANGUAGE_CHOICES):
            self.fields["language"].choices = [
                (post.language, language_name(post.language)),
                *LANGUAGE_CHOICES,
            ]
        if self.is_bound:
            return
        if post is None:
            self.initial.setdefault("language", interface_language())
            if len(mine) == 1:
                self.initial.setdefault("organisation", mine[0])
            return
        self.initial.update({name: getattr(post, name) for name in POST_FIELDS})
        self.initial["organisation"] = post.organisation_id

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if (
            kind == Post.Kind.NEWS
            and not cleaned.get("source_url")
            and "source_url" not in self.errors
        ):
            self.add_error("source_url", _("Give the link to where the news was published."))
        if (
            kind == Post.Kind.FIELD_REPORT
            and not cleaned.get("organisation")
            and "organisation" not in self.errors
        ):
            self.add_error(
                "organisation",
                _("A field report is written by a member organisation: choose yours."),
            )
        if kind == Post.Kind.OPPORTUNITY:
            self._clean_opportunity(cleaned)
        return cleaned

    def _clean_opportunity(self, cleaned: dict) -> None:
        if not cleaned.get("opportunity_type"):
            self.add_error("opportunity_type", _("Choose the type of opportunity."))
        deadline = cleaned.get("deadline")
        if "deadline" not in self.errors:
            if deadline is None:
                self.add_error("deadline", _("Give the last day to apply."))
            elif deadline < timezone.localdate() and (
                self.post is None or deadline != self.post.deadline
            ):
                # A past deadline kept unchanged while correcting a post is not refused.
                self.add_error("deadline", _("This day has passed: give a day to come."))
        if not cleaned.get("how_to_apply", "").strip() and "how_to_apply" not in self.errors:
            self.add_error("how_to_apply", _("Say how to apply."))

    def post_fields(self) -> dict:
        cleaned = self.cleaned_data
        fields = {name: cleaned[name] for name in POST_FIELDS}
        fields["countries"] = list(fields["countries"])
        fields["topics"] = list(fields["topics"])
        fields["opportunity_type"] = fields["opportunity_type"] or ""
        return fields

    def chosen_organisation(self) -> Organisation | None:
        return self.cleaned_data.get("organisation")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "The author reads it in the e-mail that tells them: say what to change, kindly "
            "and precisely."
        ),
        error_messages={
            "required": gettext_lazy(
                "Write the reason: the author is told why, so they can fix it."
            )
        },
    )
