"""Forms of the writing pages: a new thread, a reply, an edit, a flag."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from commons.accounts.models import Membership, Organisation
from commons.discussions.models import Flag, Message
from commons.discussions.services import Upload, parse_tags
from commons.library.files import UploadRefused, check_upload

MAX_FILES = 3
BODY_HELP = _(
    "Markdown: **bold**, *italic*, lists, links, > quotes. Mention someone with @ and their "
    "handle. Never name or show a survivor, or where they are."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


def _organisations_of(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.ACTIVE
    ).order_by("name")


class MessageForm(forms.Form):
    """The shared part: the text, the organisation it is written for, the files."""

    body = forms.CharField(
        label=pgettext_lazy("discussion message", "Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Writing for"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "Up to three files: documents, spreadsheets, presentations or images, checked "
            "as the library checks them."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = BODY_HELP
        organisations = _organisations_of(user)
        self.fields["organisation"].queryset = organisations
        if not kwargs.get("initial", {}).get("organisation") and organisations[:1]:
            self.initial.setdefault("organisation", organisations[0].pk)

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."))
        return body

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(n)d files; you chose %(chosen)d.")
                % {"n": MAX_FILES, "chosen": len(files)}
            )
        uploads, refusals = [], []
        for upload in files:
            try:
                checked = check_upload(upload)
            except UploadRefused as refused:
                refusals.append(
                    forms.ValidationError(
                        _("%(name)s was not attached: %(reason)s")
                        % {"name": upload.name, "reason": refused}
                    )
                )
                continue
            uploads.append(Upload(name=checked.name, kind=checked.kind, content=checked.content))
        if refusals:
            refusals.append(
                forms.ValidationError(
                    _("Your text is kept below; choose the files again (without the refused ones).")
                )
            )
            raise forms.ValidationError(refusals)
        return uploads


class ThreadForm(MessageForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Separated by commas, e.g. recruitment, fishing, Thailand."),
    )
    field_order = ["title", "body", "tags", "organisation", "files"]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the thread a title."))
        return title

    def clean_tags(self):
        typed = self.cleaned_data.get("tags", "")
        unusable = [
            part.strip() for part in typed.split(",") if part.strip() and not parse_tags(part)
        ]
        if unusable:
            raise forms.ValidationError(
                _(
                    "Tags are short names in Latin letters and digits (they are part of "
                    "addresses); these have none: %(tags)s."
                )
                % {"tags": ", ".join(unusable)}
            )
        return parse_tags(typed)


class ReplyForm(MessageForm):
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(forms.Form):
    body = forms.CharField(
        label=pgettext_lazy("discussion message", "Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    note = forms.CharField(
        label=_("Why you edited it"),
        max_length=300,
        required=False,
        help_text=_("Shown under the message."),
    )

    def __init__(self, *args, note_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.note_required = note_required
        if note_required:
            self.fields["note"].required = True
            self.fields["note"].help_text = _(
                "You are editing someone else's message as a moderator: say why; it is shown "
                "under the message."
            )
        else:
            del self.fields["note"]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."))
        return body


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Details for the moderators (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def quote_text(message: Message) -> str:
    """A Markdown quote of ``message`` with its author, to start a reply with."""
    name = message.author.name if message.author and message.author.name else _("Someone")
    lines = [f"> {line}" if line else ">" for line in message.body.splitlines()]
    header = _("%(name)s wrote:") % {"name": name}
    return f"> **{header}**\n>\n" + "\n".join(lines) + "\n\n"
