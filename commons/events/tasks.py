from django_tasks import task

from commons.events import services


@task()
def remind_participants(*, event_id: int) -> int:
    return services.send_reminders(event_id=event_id)
