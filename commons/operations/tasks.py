from django_tasks import task

from commons.operations import scheduling


@task()
def run_scheduled_job(*, name: str) -> str:
    return scheduling.run_job(name=name)
