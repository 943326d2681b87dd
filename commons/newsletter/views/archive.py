"""The public archive of sent issues: their list, and one issue with every entry that
is still public (not one subscriber's share)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commons.newsletter import issues, queries

PAGE_SIZE = 20


@require_GET
def archive(request):
    """Sent issues, newest first, a page at a time."""
    page = Paginator(queries.sent_issues(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "newsletter/archive.html", {"page": page, "issues": list(page.object_list)}
    )


@require_GET
def archived_issue(request, pk: int):
    """One sent issue as everyone may read it; drafts and issues being sent are 404."""
    issue = queries.get_sent_issue(pk)
    return render(
        request,
        "newsletter/archived_issue.html",
        {"issue": issue, "sections": issues.sections(queries.archived_items(issue))},
    )
