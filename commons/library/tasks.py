from django_tasks import task

from commons.library import services


@task()
def extract_resource_text(*, resource_id: int) -> None:
    services.extract_text(resource_id=resource_id)
