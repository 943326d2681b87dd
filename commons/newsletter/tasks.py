from django_tasks import task

from commons.newsletter import sending
from commons.newsletter.models import Issue


@task()
def send_issue(*, issue_id: int) -> dict:
    return sending.send_issue(Issue.objects.get(pk=issue_id))
