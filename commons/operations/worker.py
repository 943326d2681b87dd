"""The task worker's loop, kept alive through a database outage.

django-tasks-db's worker exits on the first database error that is not a lock: the
database restarting or unreachable, a full disk, a read-only database. Under systemd that
is a restart every few seconds for as long as the outage lasts, and in ``commons serve``
(where the worker is a thread) the end of background tasks until the process restarts.
"""

import logging
import time

from django.db import DatabaseError, connections
from django_tasks_db.management.commands.db_worker import Worker

from commons.operations.scheduling import requeue_abandoned_tasks

logger = logging.getLogger(__name__)


class ResilientWorker(Worker):
    """django-tasks-db's worker that waits out database errors.

    Starting, it puts back in the queue the tasks its id still holds: it runs nothing
    yet, so they were cut short (a worker restarted under the same ``--worker-id``).

    1. A database error escaping the loop (claiming a task, or recording how a task
       ended) is logged, every connection is closed, and the worker waits: 1 s, then
       twice as long each time, at most ``RETRY_MAX``; after a minute without error the
       wait starts again from 1 s.
    2. Then it puts back in the queue what it had claimed (a task whose end it could not
       record runs again; ``scheduling.requeue_abandoned_tasks``) and goes on.
    3. In ``--batch`` mode, or once asked to stop, the error is raised as before.
    """

    RETRY_FIRST = 1.0
    RETRY_MAX = 60.0

    def run(self) -> None:
        delay = self.RETRY_FIRST
        self._requeue_own()
        while True:
            started = time.monotonic()
            try:
                super().run()
                return
            except DatabaseError as error:
                if self.batch or not self.running:
                    raise
                if time.monotonic() - started > self.RETRY_MAX:
                    delay = self.RETRY_FIRST
                logger.error(
                    "Worker %s cannot use the database (%s: %s); trying again in %g s",
                    self.worker_id,
                    type(error).__name__,
                    error,
                    delay,
                )
            connections.close_all()
            time.sleep(delay)
            delay = min(delay * 2, self.RETRY_MAX)
            self._requeue_own()

    def _requeue_own(self) -> None:
        try:
            requeue_abandoned_tasks(restarted_worker=self.worker_id)
        except DatabaseError as error:
            if self.batch:
                raise
            # Still failing: the loop meets it again, logs it and waits longer.
            logger.debug("Could not requeue the tasks of %s: %s", self.worker_id, error)
            connections.close_all()
