from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks from the database queue. Start as many as you need; "
        "each claims work with a locked select so no task runs twice."
    )
