"""Twenty people writing at once to the embedded SQLite database, through a real server.

Sets up a throw-away SQLite database (WAL, IMMEDIATE transactions and the busy timeout of
commons/settings.py) in a temporary directory, starts gunicorn with 4 workers of 5 threads
(20 requests at once) on a free loopback port, and for ``--seconds`` lets 20 client
threads write as people do: guests registering for an upcoming event with no limit on
places (the public form), signed-in members registering in one click, visitors
subscribing to the newsletter, and members of a verified organisation importing journey
records: each upload a new CSV file of ``--import-rows`` rows (bench/journeys.py's
generator), imported within the request (files under 1 MB are) in one transaction that
holds SQLite's write lock while it stores every row. Each client GETs the form first (its
CSRF cookie and token), then POSTs. Prints, per run and as the median of ``--runs`` runs, the writes
attempted, succeeded and failed by status, p50/p95/p99 latency and writes per second,
counts "database is locked" in the answers and in the server's log, and checks that the
database holds exactly one new row per successful answer (one batch of ``--import-rows``
records per successful import) (issue 11).

    .venv/bin/python bench/sqlite_writers.py [--seconds 20] [--runs 3] [--clients 20]
        [--importers 2] [--import-rows 500]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS, THREADS = 4, 5
SLUG = "bench-writers"
LOCKED = b"database is locked"
DROPPED_ENV = ("DATABASE_URL", "REDIS_URL", "MEDIA_STORAGE", "MEDIA_ROOT", "COMMONS_DEMO")
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
IMPORTED = re.compile(rb"Batch \d+: [\d,]+ records? accepted")
ORG_SLUG = "bench-writers-importers"
ATTESTATION = "Synthetic benchmark data (bench/sqlite_writers.py): no real person is described."


@dataclass
class Tally:
    statuses: collections.Counter = field(default_factory=collections.Counter)
    succeeded: collections.Counter = field(default_factory=collections.Counter)
    latencies: list[float] = field(default_factory=list)
    by_kind: dict = field(default_factory=lambda: collections.defaultdict(list))
    locked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: int | str, ok: bool, seconds: float, body: bytes) -> None:
        with self.lock:
            self.statuses[status if not ok else "ok"] += 1
            self.succeeded[kind] += ok
            self.latencies.append(seconds)
            self.by_kind[kind].append(seconds)
            self.locked += body.count(LOCKED)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of one run (20)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs (3)")
    parser.add_argument("--clients", type=int, default=20, help="client threads (20)")
    parser.add_argument(
        "--members", type=int, default=3, help="of the clients, members registering (3)"
    )
    parser.add_argument(
        "--subscribers", type=int, default=3, help="of the clients, newsletter subscribers (3)"
    )
    parser.add_argument(
        "--importers", type=int, default=2, help="of the clients, journeys importers (2)"
    )
    parser.add_argument(
        "--import-rows", type=int, default=500, help="records in each imported file (500)"
    )
    args = parser.parse_args()
    writers = args.members + args.subscribers + args.importers
    if writers > args.clients or args.seconds <= 0 or args.runs < 1 or args.import_rows < 1:
        parser.error(
            "--members + --subscribers + --importers must not exceed --clients; "
            "runs, seconds and import rows > 0"
        )
    return args


def bench_env(var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE="commons.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        COMMONS_VAR_DIR=var_dir,
        DEBUG="true",
        DATABASE_URL="",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        PASSWORD_BREACH_CHECK="false",
        EMAIL_BACKEND="locmem",
        # Every subscription here comes from 127.0.0.1: the per-address limit (10 an hour)
        # would answer 429 after ten, so it is raised out of reach for the benchmark.
        NEWSLETTER_SUBSCRIPTIONS_PER_HOUR="100000000",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def prepare(member_sessions: int, importers: int) -> tuple[list[str], list[str]]:
    """Migrate, publish the event, and sign in members: their session keys, one a write;
    and the importers, members of a verified organisation: their session keys."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from commons.events import services

    call_command("migrate", verbosity=0, interactive=False)
    start = timezone.now() + datetime.timedelta(days=30)
    services.save_event(
        fields={
            "slug": SLUG,
            "kind": "webinar",
            "title": "A webinar everyone registers for",
            "status": "published",
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2),
            "time_zone": "Asia/Bangkok",
            "region": "asia-pacific",
            "languages": ["en"],
            "online_url": "https://meet.example.org/room",
            "registration": "open",
            "capacity": 1_000_000,
        },
        organisers=[],
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        User(email=f"member{i}@bench.example.org", name=f"Member {i}", password="!")
        for i in range(member_sessions)
    )
    from commons.accounts.models import Membership, Organisation

    staff = User.objects.create(email="staff@bench.example.org", password="!", is_staff=True)
    organisation = Organisation.objects.create(
        name="Bench importers", slug=ORG_SLUG, country="TH", verified_at=start,
        verified_by=staff,
    )  # fmt: skip
    importer_users = User.objects.bulk_create(
        User(email=f"importer{i}@bench.example.org", name=f"Importer {i}", password="!")
        for i in range(importers)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisation, role="member", status="active")
        for user in importer_users
    )
    client, keys, importer_keys = Client(), [], []
    for user in users + importer_users:
        client.force_login(user)
        (keys if user in users else importer_keys).append(client.cookies["sessionid"].value)
        client.cookies.clear()
    connection.close()
    return keys, importer_keys


def django_connection_close() -> None:
    from django.db import connection

    connection.close()


def counts() -> dict[str, int]:
    from django.db import connection

    from commons.events.models import Registration
    from commons.journeys.models import Batch, Record
    from commons.newsletter.models import Subscriber

    registrations = Registration.objects.filter(event__slug=SLUG)
    found = {
        "guest": registrations.filter(user__isnull=True).count(),
        "member": registrations.filter(user__isnull=False).count(),
        "newsletter": Subscriber.objects.count(),
        "import": Batch.objects.filter(organisation__slug=ORG_SLUG).count(),
        "import records": Record.objects.filter(organisation__slug=ORG_SLUG).count(),
    }
    connection.close()
    return found


class Session:
    """One visitor's connection and cookies."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies = dict(cookies or {})
        self.answered = 0  # requests answered on the current connection

    def request(self, method: str, path: str, form: dict | None = None, files=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if files:
            body, headers["Content-Type"] = multipart(form or {}, files)
            headers["Referer"] = f"http://{HOST}/"
        elif form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}/"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # The server closed a kept-alive connection before reading this request
                # (its keep-alive timeout ran out while this thread waited for a CPU):
                # sent again on a new connection, as browsers do. Never after an answer.
                reused, self.answered = self.answered, 0
                self.conn.close()
                if attempt == 2 or not reused:
                    raise
            except (OSError, http.client.HTTPException):
                self.answered = 0
                self.conn.close()
                raise
        self.answered += 1
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.answered = 0
            self.conn.close()
        return response.status, data

    def token(self, path: str) -> str:
        status, body = self.request("GET", path)
        match = TOKEN.search(body)
        if status != 200 or match is None:
            raise RuntimeError(f"GET {path} answered {status} without a CSRF token")
        return match.group(1).decode()


def multipart(fields: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, as a browser sends a form."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def journeys_file(folder: Path, *, rows: int, seed: int) -> bytes:
    """A new CSV file of ``rows`` journey records (its own case references)."""
    from bench.journeys import generate_csv

    path = folder / f"journeys-{seed}.csv"
    generate_csv(path, records=rows, seed=seed)
    data = path.read_bytes()
    path.unlink()
    return data


def client(kind, number, port, deadline, tally, member_keys, run_id, importer) -> None:
    register = f"/events/{SLUG}/register/"
    contribute = "/journeys/contribute/"
    if kind == "import":
        session = Session(port, {"sessionid": importer["key"]})
        token = session.token(contribute)
    else:
        session = Session(port)
        token = session.token("/newsletter/" if kind == "newsletter" else register)
    sent = 0
    while time.perf_counter() < deadline:
        sent += 1
        email = f"{kind}-r{run_id}-c{number}-{sent}@bench.example.org"
        files = None
        if kind == "import":
            seed = run_id * 1_000_000 + number * 10_000 + sent
            data = journeys_file(importer["folder"], rows=importer["rows"], seed=seed)
            # Writing the file may outlast the server's keep-alive: a new connection, as a
            # browser opens for an upload after a pause, never a send into a closed one.
            session.conn.close()
            path, files = contribute, {"file": (f"journeys-{seed}.csv", data)}
            form = {
                "organisation": importer["organisation"],
                "attestation": ATTESTATION,
                "no_identifiers": "on",
            }
        elif kind == "member":
            if not member_keys:
                return
            session = Session(port, {"sessionid": member_keys.pop()})
            token = session.token(register)
            path, form = register, {}
        elif kind == "guest":
            path = register
            form = {"name": f"Guest {number}-{sent}", "email": email, "organisation_name": "X"}
        else:
            path = "/newsletter/"
            form = {"email": email, "language": "en", "frequency": "weekly"}
        form["csrfmiddlewaretoken"] = token
        started = time.perf_counter()
        try:
            status, body = session.request("POST", path, form, files)
        except (OSError, http.client.HTTPException) as error:
            tally.add(kind, type(error).__name__, False, time.perf_counter() - started, b"")
            continue
        elapsed = time.perf_counter() - started
        if kind == "member":
            ok = status == 302
        elif kind == "import":
            ok = status == 200 and IMPORTED.search(body) is not None
        else:
            ok = status == 200 and email.encode() in body
        tally.add(kind, status, ok, elapsed, body)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    args = parse_args()
    var_dir = tempfile.mkdtemp(prefix="commons-bench-writers-")
    env = bench_env(var_dir)
    os.environ.update(env)
    for name in DROPPED_ENV:
        if name != "DATABASE_URL":
            os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    print(f"database: {var_dir}/commons.sqlite3 (WAL, IMMEDIATE, busy timeout)", flush=True)
    member_keys, importer_keys = prepare(args.members * 400 * args.runs, args.importers)
    from commons.accounts.models import Organisation

    organisation = Organisation.objects.get(slug=ORG_SLUG).pk
    django_connection_close()
    files_folder = Path(var_dir) / "import-files"
    files_folder.mkdir()
    port, log = free_port(), Path(var_dir) / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}",
        "--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread",
        "--chdir", str(ROOT), "--log-level", "warning", "commons.wsgi:application",
    ]  # fmt: skip
    print("server:", " ".join(command[1:]), flush=True)
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    results = []
    try:
        for _attempt in range(300):
            with contextlib.suppress(OSError, RuntimeError, http.client.HTTPException):
                Session(port).token(f"/events/{SLUG}/register/")
                break
            if server.poll() is not None:
                raise SystemExit(log.read_text(errors="replace")[-4000:])
            time.sleep(0.1)
        kinds = (
            ["member"] * args.members
            + ["newsletter"] * args.subscribers
            + ["import"] * args.importers
            + ["guest"] * (args.clients - args.members - args.subscribers - args.importers)
        )
        print(f"clients: {collections.Counter(kinds)}", flush=True)
        for run_id in range(1, args.runs + 1):
            before = counts()
            tally = Tally()
            deadline = time.perf_counter() + args.seconds
            started = time.perf_counter()
            importers = iter(
                {"key": key, "organisation": organisation, "folder": files_folder,
                 "rows": args.import_rows}
                for key in importer_keys
            )  # fmt: skip
            threads = [
                threading.Thread(
                    target=client,
                    args=(kind, n, port, deadline, tally, member_keys, run_id),
                    kwargs={"importer": next(importers) if kind == "import" else None},
                )
                for n, kind in enumerate(kinds)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            after = counts()
            attempted = sum(tally.statuses.values())
            succeeded = sum(tally.succeeded.values())
            rows = {kind: after[kind] - before[kind] for kind in after}
            matches = (
                all(
                    rows[kind] == tally.succeeded[kind] for kind in rows if kind != "import records"
                )
                and rows["import records"] == tally.succeeded["import"] * args.import_rows
            )
            failed = {k: v for k, v in tally.statuses.items() if k != "ok"}
            result = {
                "attempted": attempted,
                "succeeded": succeeded,
                "rate": succeeded / elapsed,
                "p50": percentile(tally.latencies, 0.50) * 1000,
                "p95": percentile(tally.latencies, 0.95) * 1000,
                "p99": percentile(tally.latencies, 0.99) * 1000,
                "locked": tally.locked,
            }
            results.append(result)
            by_kind = {k: f"{percentile(v, 0.5) * 1000:.0f} ms" for k, v in tally.by_kind.items()}
            print(
                f"run {run_id}: {attempted} writes attempted, {succeeded} succeeded "
                f"({dict(tally.succeeded)}), failed by status {failed or '{}'}; "
                f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, "
                f"p99 {result['p99']:.0f} ms; {result['rate']:.1f} writes/s; "
                f"p50 by kind {by_kind}; "
                f"'database is locked' in answers: {tally.locked}; new rows {rows} "
                f"{'= successes' if matches else '!= successes: MISMATCH'}",
                flush=True,
            )
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    in_log = log.read_bytes().count(LOCKED)
    print(
        f"median of {len(results)} runs: "
        + ", ".join(
            f"{key} {statistics.median(r[key] for r in results):.1f}"
            for key in ("attempted", "succeeded", "rate", "p50", "p95", "p99")
        )
        + " (rate in writes/s, latencies in ms)"
    )
    print(
        f"'database is locked': {sum(r['locked'] for r in results)} in answers, "
        f"{in_log} in the server's log ({log})"
    )


if __name__ == "__main__":
    main()
