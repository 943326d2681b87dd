from django_tasks import task

from commons.core import services


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    attachments: list[list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    services.send_email(subject=subject, body=body, to=to, attachments=attachments, headers=headers)
