from django_tasks import task

from commons.discussions import notifications


@task()
def send_digests() -> int:
    return notifications.send_digests()
