"""The editors' pages for issues: opening a draft with its proposed entries, editing,
reordering and removing entries, previewing a subscriber's copy, sending a test,
scheduling, and following the sending."""

from __future__ import annotations

import copy
import datetime
import secrets
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons.core.errors import deny
from commons.core.middleware import allow_inline_styles
from commons.core.models import AuditEvent
from commons.core.services import record_audit
from commons.newsletter import issues, queries, rules, scheduling, sending
from commons.newsletter.forms import EntryForm, IssueForm, ScheduleForm, TestSendForm
from commons.newsletter.models import Issue, IssueItem, Subscriber

PAGE = 50


def _editor(request) -> None:
    if not rules.can_edit_issues(request.user):
        deny(request, reason="newsletter issues are for editors")


def _draft(request, pk: int, *, changing: bool = True) -> Issue:
    """An issue for the editors; when ``changing`` it, it must still be a draft (a
    scheduled or sent one sends the editor back to its page with the reason)."""
    issue = queries.get_issue_for_editor(request, pk)
    if changing and issue.status != Issue.Status.DRAFT:
        messages.error(request, _("Only a draft can be changed. Unschedule it first."))
        raise _Locked(issue)
    return issue


class _Locked(Exception):
    def __init__(self, issue: Issue) -> None:
        self.issue = issue


def _entry(issue: Issue, item_pk: int) -> IssueItem:
    item = issue.items.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    return item


def _back(issue: Issue, anchor: str = "entries"):
    return redirect(reverse("newsletter:issue", kwargs={"pk": issue.pk}) + f"#{anchor}")


def _drafts_only(view):
    """Refuse changes to an issue that is no longer a draft by sending the editor back to
    its page with the reason."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Locked as locked:
            return _back(locked.issue, "top")

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


# --- Issues -------------------------------------------------------------------------------


@require_GET
@login_required
def issue_list(request):
    _editor(request)
    open_issues = Issue.objects.exclude(status=Issue.Status.SENT).order_by("-pk")
    sent = Paginator(queries.sent_issues(), PAGE).get_page(request.GET.get("page"))
    return render(request, "newsletter/issues.html", {"open_issues": open_issues, "sent": sent})


def _default_period() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today - datetime.timedelta(days=7), today - datetime.timedelta(days=1)


@require_http_methods(["GET", "POST"])
@login_required
def issue_new(request):
    """Open a draft: its period's posts, events and resources are proposed at once."""
    _editor(request)
    start, end = _default_period()
    initial = {
        "period_start": start,
        "period_end": end,
        "subject": _("%(site)s: the week to %(date)s")
        % {"site": settings.SITE_NAME, "date": formats.date_format(end, "DATE_FORMAT")},
    }
    posted = request.method == "POST"
    form = IssueForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        issue = issues.create_issue(**form.cleaned_data, created_by=request.user)
        proposed = issues.propose_items(issue)
        messages.success(request, _proposed_message(len(proposed)))
        return _back(issue, "top")
    return render(request, "newsletter/issue_new.html", {"form": form})


def _proposed_message(count: int) -> str:
    if not count:
        return _("Nothing was published in this period: add entries yourself.")
    return _("%(n)d entries are proposed: shorten, reorder or remove them.") % {"n": count}


@require_http_methods(["GET", "POST"])
@login_required
@_drafts_only
def issue_edit(request, pk: int):
    """The issue's page: its text, its entries by section, and how it goes out."""
    issue = _draft(request, pk, changing=request.method == "POST")
    draft = issue.status == Issue.Status.DRAFT
    posted = request.method == "POST"
    form = IssueForm(request.POST if posted else None, instance=issue)
    if posted and form.is_valid():
        period_changed = {"period_start", "period_end"} & set(form.changed_data)
        issue.period_start = form.cleaned_data["period_start"]
        issue.period_end = form.cleaned_data["period_end"]
        issue.save(update_fields=["period_start", "period_end", "updated_at"])
        issues.update_issue(
            issue,
            subject=form.cleaned_data["subject"],
            introduction=form.cleaned_data["introduction"],
        )
        messages.success(request, _("The issue is saved."))
        if period_changed:
            messages.info(request, _("The period changed: propose the entries again to follow it."))
        return _back(issue, "top")
    items = issues.issue_items(issue)
    return render(
        request,
        "newsletter/issue.html",
        {
            "issue": issue,
            "draft": draft,
            "form": form,
            "sections": issues.sections(items),
            "entry_count": len(items),
            "test_form": TestSendForm(initial={"to": request.user.email}),
            "schedule_form": ScheduleForm(),
            "progress": sending.progress(issue),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@require_POST
@login_required
@_drafts_only
def issue_propose(request, pk: int):
    """Propose the period's entries again, replacing the current ones."""
    issue = _draft(request, pk)
    messages.success(request, _proposed_message(len(issues.propose_items(issue))))
    return _back(issue)


@require_POST
@login_required
@_drafts_only
def issue_delete(request, pk: int):
    issue = _draft(request, pk)
    issue.delete()
    messages.success(request, _("The draft is deleted."))
    return redirect("newsletter:issues")


# --- Entries ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
@_drafts_only
def entry_new(request, pk: int):
    """An entry the editor writes: a notice, a link to somewhere else."""
    issue = _draft(request, pk, changing=request.method == "POST")
    posted = request.method == "POST"
    form = EntryForm(request.POST if posted else None, instance=IssueItem(issue=issue))
    if posted and form.is_valid():
        item = issues.add_item(
            issue, **{name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("The entry is added."))
        return _back(issue, f"entry-{item.pk}")
    return render(request, "newsletter/entry.html", {"issue": issue, "form": form, "item": None})


@require_http_methods(["GET", "POST"])
@login_required
@_drafts_only
def entry_edit(request, pk: int, item: int):
    issue = _draft(request, pk, changing=request.method == "POST")
    entry = _entry(issue, item)
    posted = request.method == "POST"
    form = EntryForm(request.POST if posted else None, instance=entry)
    if posted and form.is_valid():
        form.save()
        messages.success(request, _("The entry is saved."))
        return _back(issue, f"entry-{entry.pk}")
    return render(request, "newsletter/entry.html", {"issue": issue, "form": form, "item": entry})


@require_POST
@login_required
@_drafts_only
def entry_move(request, pk: int, item: int):
    issue = _draft(request, pk)
    entry = _entry(issue, item)
    issues.move_item(entry, up=request.POST.get("direction") == "up")
    return _back(issue, f"entry-{entry.pk}")


@require_POST
@login_required
@_drafts_only
def entry_remove(request, pk: int, item: int):
    issue = _draft(request, pk)
    entry = _entry(issue, item)
    entry.delete()
    messages.success(request, _("“%(title)s” is removed from the issue.") % {"title": entry.title})
    return _back(issue)


# --- Preview and test ---------------------------------------------------------------------


def _reader(request, issue: Issue, email: str) -> tuple[Subscriber | None, Subscriber]:
    """(the confirmed subscriber of ``email`` or None, the copy to render): a real
    subscriber's preferences with links that open nothing, so that a preview or a test
    never hands the editor someone's unsubscribe link; without one, a reader in the
    editor's language who takes everything."""
    found = None
    if email:
        found = queries.confirmed_subscribers().filter(email__iexact=email.strip()).first()
    if found is not None:
        record_audit(
            action=AuditEvent.Action.SENSITIVE_READ,
            request=request,
            target=found,
            data={"read": "newsletter preferences, for a preview", "issue": issue.pk},
        )
        reader = copy.copy(found)
    else:
        language = get_language() if get_language() in dict(settings.LANGUAGES) else "en"
        reader = Subscriber(email=request.user.email, language=language)
    reader.token_salt = secrets.token_hex(16)  # links of a subscription that does not exist
    return found, reader


def _rendered(issue: Issue, reader: Subscriber):
    """The message ``reader`` would receive, and the entries it holds."""
    items = issues.issue_items(issue)
    chosen = issues.items_for(issue, reader, items=items)
    return sending.build_message(issue, reader, chosen), chosen, items


@require_GET
@login_required
@allow_inline_styles  # the e-mail's own <style>, shown in a sandboxed srcdoc frame
def issue_preview(request, pk: int):
    """The issue as a subscriber receives it, in HTML and in plain text."""
    issue = queries.get_issue_for_editor(request, pk)
    email = request.GET.get("subscriber", "")
    found, reader = _reader(request, issue, email)
    message, chosen, items = _rendered(issue, reader)
    html = next((content for content, kind in message.alternatives if kind == "text/html"), "")
    return render(
        request,
        "newsletter/issue_preview.html",
        {
            "issue": issue,
            "email": email,
            "found": found,
            "unknown": bool(email) and found is None,
            "reader": reader,
            "html": html,
            "text": message.body,
            "chosen": len(chosen),
            "total": len(items),
        },
    )


@require_POST
@login_required
def issue_test(request, pk: int):
    """Send one copy to the editor's chosen address, marked as a test."""
    issue = queries.get_issue_for_editor(request, pk)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The test was not sent: give a valid e-mail address."))
        return _back(issue, "send")
    found, reader = _reader(request, issue, form.cleaned_data["subscriber"])
    if form.cleaned_data["subscriber"] and found is None:
        messages.error(request, _("No confirmed subscriber has that address."))
        return _back(issue, "send")
    message, chosen, _items = _rendered(issue, reader)
    if not chosen:
        messages.error(request, _("This subscriber would receive nothing of this issue."))
        return _back(issue, "send")
    message.to = [form.cleaned_data["to"]]
    message.subject = _("[Test] %(subject)s") % {"subject": issue.subject}
    # its own Message-ID: a mail program must not take the real issue for a duplicate
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message.extra_headers["Message-ID"] = make_msgid("newsletter-test", domain=domain)
    message.send()
    messages.success(
        request, _("A test is sent to %(address)s.") % {"address": form.cleaned_data["to"]}
    )
    return _back(issue, "send")


# --- Sending ------------------------------------------------------------------------------


@require_POST
@login_required
def issue_schedule(request, pk: int):
    issue = queries.get_issue_for_editor(request, pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("send_at", form.non_field_errors()):
            messages.error(request, error)
        return _back(issue, "send")
    when = form.when()
    try:
        scheduling.schedule(issue, when=when)
    except scheduling.NotReady:
        messages.error(request, _("Only a draft with at least one entry can be sent."))
        return _back(issue, "send")
    record_audit(
        action=AuditEvent.Action.NEWSLETTER_SCHEDULED,
        request=request,
        target=issue,
        data={"send_at": issue.scheduled_for.isoformat()},
    )
    if when is None:
        messages.success(request, _("The issue is on its way."))
    else:
        messages.success(request, _("The issue is scheduled."))
    return _back(issue, "send")


@require_POST
@login_required
def issue_unschedule(request, pk: int):
    issue = queries.get_issue_for_editor(request, pk)
    if scheduling.unschedule(issue):
        messages.success(request, _("The issue is a draft again."))
    else:
        messages.error(request, _("The issue is already being sent: it cannot be called back."))
    return _back(issue, "send")


@require_GET
@login_required
def issue_progress(request, pk: int):
    """How far the sending has come; the issue page polls this fragment while it goes."""
    issue = queries.get_issue_for_editor(request, pk)
    return render(
        request,
        "newsletter/partials/_sending.html",
        {"issue": issue, "progress": sending.progress(issue)},
    )
