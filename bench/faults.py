"""A worker killed (SIGKILL) in the middle of a long task: after it restarts, the task
completes exactly once.

Sets up its own PostgreSQL cluster (as bench/load.py does; ``--sqlite`` for the embedded
database instead), migrates, makes a verified organisation with a member, and queues the
import of a synthetic journeys file of ``--records`` rows (bench/journeys.py's generator)
as the web's upload does (``journeys.services.queue_import``). It starts
``commons worker --worker-id bench-worker-1``, waits ``--kill-after`` seconds once the
worker has claimed the task, kills it with SIGKILL, checks it left the import unfinished
(the task RUNNING, no batch: the rows are stored in one transaction; the uploaded file
still there), starts the worker again under the same
id and waits for the task to finish. It checks the database: the task SUCCESSFUL and run
twice by that worker, one batch, as many records as the file's good rows, the progress
done, the uploaded file deleted; and prints how long recovery took.

The restart under the same ``--worker-id`` is what a systemd unit with a fixed id does
(docs/deployment.md); a worker that never comes back has its task requeued by any other
worker once its heartbeat is ``ABANDONED_AFTER`` old (commons/operations/scheduling.py,
tested in commons/operations/tests/test_abandoned_tasks.py), which this bench does not
wait for.

    .venv/bin/python bench/faults.py [--records 200000] [--kill-after 5] [--sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import ROOT, commons_bin, make_stack

WORKER_ID = "bench-worker-1"
ATTESTATION = "Synthetic benchmark data (bench/faults.py): no real person is described."


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000, help="rows of the file (200000)")
    parser.add_argument(
        "--kill-after", type=float, default=5.0,
        help="seconds after the worker claims the task when it is killed (5)",
    )  # fmt: skip
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite database")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated file (1)")
    args = parser.parse_args()
    if args.records < 1000 or args.kill_after < 0:
        parser.error("--records must be at least 1000 and --kill-after positive")
    return args


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(commons_bin()), "worker", "--worker-id", WORKER_ID, "--no-reload",
             "--no-startup-delay", "--interval", "0.2", "--no-schedule"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def wait_for(condition, *, seconds: float, what: str, worker=None):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            raise SystemExit(f"the worker stopped ({worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.05)


def main() -> None:
    args = parse_args()
    stack = make_stack(prefix="commons-bench-faults-", postgres=not args.sqlite, redis=False)
    workers: list[subprocess.Popen] = []
    try:
        database = "SQLite" if args.sqlite else f"PostgreSQL on port {stack.postgres.port}"
        print(f"{database}, folder {stack.folder}", flush=True)
        stack.commons("migrate", "--no-input", "-v", "0")
        os.environ.update(stack.env)
        import django

        django.setup()
        from django.db import close_old_connections, transaction
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        from bench.journeys import generate_csv
        from commons.accounts.models import Membership, Organisation, User
        from commons.core.models import Progress
        from commons.journeys import services
        from commons.journeys.models import Batch, Record

        staff = User.objects.create_user(email="staff@bench.example", is_staff=True)
        member = User.objects.create_user(email="member@bench.example")
        organisation = Organisation.objects.create(
            name="Bench Faults", slug="bench-faults", country="TH",
            verified_at=timezone.now(), verified_by=staff,
        )  # fmt: skip
        Membership.objects.create(
            user=member, organisation=organisation, role="admin", status="active"
        )
        csv_path = stack.folder / "journeys.csv"
        written = generate_csv(csv_path, records=args.records, seed=args.seed)
        print(f"file: {written['records']} records, {written['mib']:.1f} MiB", flush=True)
        with transaction.atomic():
            progress = services.queue_import(
                organisation=organisation, by=member, data=csv_path.read_bytes(),
                attestation=ATTESTATION,
            )  # fmt: skip
        task = DBTaskResult.objects.get()
        upload = Path(task.args_kwargs["kwargs"]["path"])
        log = stack.folder / "worker.log"

        def reload_progress():
            close_old_connections()
            return Progress.objects.get(pk=progress.pk)

        started = time.monotonic()
        workers.append(start_worker(stack.env, log))
        wait_for(
            lambda: DBTaskResult.objects.filter(pk=task.pk, status="RUNNING").exists(),
            seconds=300, what="the worker to claim the task", worker=workers[-1],
        )  # fmt: skip
        claimed = time.monotonic()
        time.sleep(args.kill_after)
        os.killpg(workers[-1].pid, signal.SIGKILL)
        workers[-1].wait()
        killed = time.monotonic()
        task.refresh_from_db()
        left = {
            "batches": Batch.objects.count(),
            "records": Record.objects.count(),
            "file": upload.exists(),
        }
        print(
            f"killed the worker (SIGKILL) {killed - claimed:.1f} s into the task "
            f"({claimed - started:.1f} s after the worker started)",
            flush=True,
        )
        print(
            f"  left behind: task {task.status}, claimed by {task.worker_ids}; "
            f"{left['batches']} batches, {left['records']} records; "
            f"uploaded file {'still there' if left['file'] else 'GONE'}",
            flush=True,
        )
        if left["batches"] or task.status != "RUNNING":
            raise SystemExit(
                "the import had already finished when the worker was killed: "
                "raise --records or lower --kill-after"
            )

        restarted = time.monotonic()
        workers.append(start_worker(stack.env, log))
        wait_for(
            lambda: DBTaskResult.objects.filter(pk=task.pk).exclude(
                status="RUNNING", started_at=task.started_at
            ).exclude(status="READY").exists(),
            seconds=120, what="the task to run again", worker=workers[-1],
        )  # fmt: skip
        rerun = time.monotonic()
        wait_for(
            lambda: DBTaskResult.objects.filter(
                pk=task.pk, status__in=["SUCCESSFUL", "FAILED"]
            ).exists(),
            seconds=1200, what="the task to finish", worker=workers[-1],
        )  # fmt: skip
        done = time.monotonic()
        task.refresh_from_db()
        final = reload_progress()
        batches = list(Batch.objects.filter(organisation=organisation))
        records = Record.objects.filter(organisation=organisation).count()
        accepted = batches[0].records_accepted if batches else 0
        rejected = batches[0].records_rejected if batches else 0
        print(
            f"restarted the worker under the same id: the task ran again "
            f"{rerun - restarted:.1f} s later (the worker's start included) and finished "
            f"{done - restarted:.1f} s after the restart",
            flush=True,
        )
        checks = {
            "task SUCCESSFUL": task.status == "SUCCESSFUL",
            "claimed twice, by the same worker": task.worker_ids == [WORKER_ID, WORKER_ID],
            "one batch": len(batches) == 1,
            "records = the batch's accepted rows": records == accepted and accepted > 0,
            "every row accepted or reported": accepted + rejected == args.records,
            "progress done": final.status == "done",
            "uploaded file deleted": not upload.exists(),
        }
        print(
            f"  result: {len(batches)} batch(es), {records} records ({accepted} accepted, "
            f"{rejected} rejected), progress {final.status} {final.done}/{final.total}"
        )
        for name, ok in checks.items():
            print(f"  {'ok  ' if ok else 'FAIL'} {name}")
        verdict = all(checks.values())
        print(f"{'PASS' if verdict else 'FAIL'}: the task completed exactly once", flush=True)
        if not verdict:
            print(log.read_text(errors="replace")[-3000:])
            sys.exit(1)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        stack.close()


if __name__ == "__main__":
    main()
