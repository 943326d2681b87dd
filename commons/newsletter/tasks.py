from django_tasks import task

from commons.newsletter import scheduling
from commons.newsletter.models import Issue


@task()
def send_issue(*, issue_id: int) -> dict:
    """Start the issue if it is due, then send it (``scheduling.run``)."""
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return {}
    return scheduling.run(issue)
