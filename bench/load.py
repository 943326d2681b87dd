"""A realistic mix of visitors against a production-like server: gunicorn, PostgreSQL, Redis.

Starts its own PostgreSQL cluster (``initdb`` into a temporary folder, its own port) and its
own ``redis-server`` (its own port), so it never touches another database or cache; runs
``migrate``, ``collectstatic`` and ``commons demo``; starts gunicorn (``--workers`` times
``--threads``, gthread) with production settings (DEBUG off, cache and session copies in
that Redis, kept database connections, static files by WhiteNoise); then drives it with
locust (``bench/locustfile.py``, headless, loopback only, bounded in time): the home page,
directory searches, the flow map and its API, event pages, library searches and sign-ins.
It prints the sustained requests per second, p50/p95/p99 latency, the errors and a table
per endpoint, then the same server's rate on a minimal Django view and the ratio of the
two; with ``--runs`` > 1, the median of the runs (the two kinds of run alternate).

``--fault postgres-restart`` stops the PostgreSQL cluster in the middle of the (first) mix
run, keeps it down ``--down-seconds``, starts it again, and reports the errors before,
while and after it was down and the time to the first success after it is back: the site
must serve errors only while it is down and recover by itself (issue 11).

    .venv/bin/python bench/load.py [--seconds 300] [--runs 1] [--users 12]
    .venv/bin/python bench/load.py --seconds 60 --fault postgres-restart
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DROPPED_ENV = ("DATABASE_URL", "REDIS_URL", "MEDIA_STORAGE", "MEDIA_ROOT", "COMMONS_DEMO")


# --- Services: a PostgreSQL cluster and a Redis of the benchmark's own ------------------


def free_port(preferred: int = 0) -> int:
    """``preferred`` when nothing listens on it, else any free loopback port."""
    for port in (preferred, 0) if preferred else (0,):
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parent)
    if not found:
        raise SystemExit("PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin)")
    return found[-1].parent


class Postgres:
    """A throw-away PostgreSQL cluster in ``folder``, on ``port`` of the loopback only.

    PostgreSQL refuses to run as root, so when we are root it runs as the system user
    ``postgres`` (the Debian package's). Trust authentication: nothing but this machine's
    loopback reaches it, and it lives as long as the benchmark.
    """

    def __init__(self, folder: Path, port: int) -> None:
        self.bin = postgres_bin()
        self.folder = folder
        self.data = folder / "data"
        self.port = port
        self.log = folder / "postgres.log"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], check=check, capture_output=True, text=True, cwd=self.folder
        )

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"), "--pgdata", str(self.data), "--username", "postgres",
            "--auth", "trust", "--encoding", "UTF8", "--locale", "C.UTF-8", "--no-sync",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '{HOST}'\n"
                f"unix_socket_directories = '{self.folder}'\nmax_connections = 100\n"
            )

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "--pgdata", str(self.data), "--log", str(self.log),
                  "--wait", "--timeout", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "--pgdata", str(self.data), "--mode", mode,
                  "--wait", "stop", check=False)  # fmt: skip

    def create_database(self, name: str) -> str:
        self._run(str(self.bin / "createdb"), "-h", HOST, "-p", str(self.port), "-U", "postgres",
                  name)  # fmt: skip
        return f"postgres://postgres@{HOST}:{self.port}/{name}"


class Redis:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port, self.process = folder, port, None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        for _attempt in range(100):
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.2):
                return
            time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"


@dataclass
class Stack:
    """The benchmark's database, cache and settings; ``env`` runs commands against them."""

    folder: Path
    postgres: Postgres | None
    redis: Redis | None
    env: dict[str, str]
    cleanups: list = field(default_factory=list)

    def commons(self, *args: str, extra_env: dict | None = None) -> str:
        result = subprocess.run(
            [str(commons_bin()), *args],
            cwd=ROOT, env={**self.env, **(extra_env or {})}, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode:
            raise SystemExit(f"commons {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            with contextlib.suppress(Exception):
                cleanup()
        if os.environ.get("BENCH_KEEP") != "true":
            shutil.rmtree(self.folder, ignore_errors=True)


def commons_bin() -> Path:
    return Path(sys.executable).parent / "commons"


def make_stack(
    *, prefix: str, postgres: bool = True, redis: bool = True, settings: str = "bench.settings"
) -> Stack:
    """Start the services and write the settings: a folder of the benchmark's own (kept
    with ``BENCH_KEEP=true``), PostgreSQL on port 55432 (or another free one) unless
    ``postgres`` is false (then SQLite in that folder), Redis on 56379 (or another)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        COMMONS_VAR_DIR=str(folder / "var"),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        # Plain HTTP on the loopback: no proxy in front to end TLS.
        SECURE_SSL_REDIRECT="false",
        # Asking Pwned Passwords needs the internet; the bench never reaches it.
        PASSWORD_BREACH_CHECK="false",
        EMAIL_BACKEND="locmem",
        LOG_LEVEL="WARNING",
        # As docs/deployment.md's environment file: one connection kept per thread.
        DB_CONN_MAX_AGE="60",
    )
    stack = Stack(folder=folder, postgres=None, redis=None, env=env)
    try:
        if postgres:
            stack.postgres = Postgres(folder / "postgres", free_port(55432))
            stack.postgres.init()
            stack.postgres.start()
            stack.cleanups.append(lambda: stack.postgres.stop("immediate"))
            env["DATABASE_URL"] = stack.postgres.create_database("commons")
        if redis:
            stack.redis = Redis(folder / "redis", free_port(56379))
            stack.redis.start()
            stack.cleanups.append(stack.redis.stop)
            env["REDIS_URL"] = stack.redis.url
    except BaseException:
        stack.close()
        raise
    return stack


def prepare_site(stack: Stack) -> str:
    """migrate, collectstatic and the demo data; returns the demo people's password."""
    stack.commons("migrate", "--no-input", "-v", "0")
    stack.commons("collectstatic", "--no-input", "-v", "0")
    stack.commons("demo", extra_env={"COMMONS_DEMO": "true"})
    return (Path(stack.env["COMMONS_VAR_DIR"]) / "demo-password.txt").read_text().strip()


class Gunicorn:
    def __init__(self, stack: Stack, *, workers: int, threads: int) -> None:
        self.stack, self.workers, self.threads = stack, workers, threads
        self.port = free_port()
        self.log = stack.folder / "gunicorn.log"
        self.process = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, probe: str = "/__bench__/minimal") -> None:
        command = [
            sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers), "--threads", str(self.threads),
            "--worker-class", "gthread", "--chdir", str(ROOT), "--log-level", "warning",
            "commons.wsgi:application",
        ]  # fmt: skip
        print("server:", " ".join(command[1:]), flush=True)
        with self.log.open("ab") as log_file:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.stack.env, stdout=log_file,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.stack.cleanups.append(self.stop)
        for _attempt in range(600):
            with contextlib.suppress(OSError, http.client.HTTPException):
                if get(self.port, probe)[0] == 200:
                    return
            if self.process.poll() is not None:
                raise SystemExit(self.log.read_text(errors="replace")[-4000:])
            time.sleep(0.1)
        raise SystemExit("gunicorn did not answer in 60 s:\n" + self.log.read_text()[-4000:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def get_json(port: int, path: str) -> dict:
    status, body = get(port, path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return json.loads(body)


# --- What the visitors look at -----------------------------------------------------------


def discover(port: int, password: str) -> dict:
    """What the simulated visitors will ask for, read from the public API of the demo
    site: organisations' words and facet values, journey countries, event slugs,
    library works and their words, and the demo people who may sign in."""
    orgs = get_json(port, "/api/v1/organisations?page_size=100")
    words = set()
    for item in orgs["items"]:
        words.update(_words(item["name"] + " " + item["summary"]))
    facets = {
        name: [value["code"] for value in values if value["count"]]
        for name, values in orgs["facets"].items()
    }
    flows = get_json(port, "/api/v1/journeys/flows")["flows"]
    countries = sorted({f[key] for f in flows for key in ("recruitment", "exploitation")})
    events = get_json(port, "/api/v1/events?when=all&page_size=100")["items"]
    resources = get_json(port, "/api/v1/resources?page_size=100")["items"]
    library_words = set()
    for item in resources:
        library_words.update(_words(item["title"] + " " + item["summary"]))
    plan = {
        "words": sorted(words)[:200] or ["trafficking"],
        "facets": {name: codes[:30] for name, codes in facets.items() if codes},
        "countries": countries or ["TH", "KH", "MY"],
        "events": sorted({e["slug"] for e in events}),
        "works": sorted({r["work"] for r in resources}),
        "topics": sorted({t for r in resources for t in r["topics"]}),
        "types": sorted({r["type"] for r in resources}),
        "library_words": sorted(library_words)[:200] or ["report"],
        # Members without a second factor to set up (stewards and staff must set one).
        "people": ["alice@example.org", "bob@example.org", "carol@example.org",
                   "dave@example.org", "moderator@example.org"],
        "password": password,
    }  # fmt: skip
    missing = [key for key in ("events", "works") if not plan[key]]
    if missing:
        raise SystemExit(f"the demo data has no {', '.join(missing)}: nothing to ask for")
    return plan


def _words(text: str) -> set[str]:
    found = {word.strip(".,;:()\"'").lower() for word in text.split()}
    return {word for word in found if len(word) >= 5 and word.isalpha() and word != "demo"}


# --- Running locust and reading its log --------------------------------------------------


@dataclass
class Request:
    start: float
    name: str
    status: int
    ms: float
    ok: bool
    error: str


def run_locust(
    *, url: str, user_class: str, users: int, seconds: float, folder: Path, env: dict, tag: str
) -> list[Request]:
    """One headless locust run; every request it made (bench/locustfile.py logs them)."""
    log = folder / f"requests-{tag}.csv"
    log.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--host", url, "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{max(1, round(seconds))}s", "--stop-timeout", "10",
        "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
        "--skip-log-setup", user_class,
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=ROOT, env={**env, "BENCH_REQUEST_LOG": str(log)},
        capture_output=True, text=True, timeout=seconds + 120,
    )  # fmt: skip
    if result.returncode or not log.exists():
        raise SystemExit(f"locust failed ({result.returncode}):\n{result.stderr[-4000:]}")
    with log.open() as handle:
        return [
            Request(float(r[0]), r[1], int(r[2]), float(r[3]), r[4] == "1", r[5])
            for r in csv.reader(handle)
        ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


@dataclass
class Summary:
    requests: int
    errors: int
    rate: float
    p50: float
    p95: float
    p99: float


def window(requests: list[Request], seconds: float) -> float:
    """The seconds the run really lasted: from its first request to its last answer
    (locust may take a moment to start its visitors), at most ``seconds``."""
    if not requests:
        return seconds
    span = max(r.start + r.ms / 1000 for r in requests) - min(r.start for r in requests)
    return min(seconds, max(span, 0.001))


def summarise(requests: list[Request], seconds: float) -> Summary:
    times = [r.ms for r in requests]
    return Summary(
        requests=len(requests),
        errors=sum(not r.ok for r in requests),
        rate=sum(r.ok for r in requests) / seconds,
        p50=percentile(times, 0.50),
        p95=percentile(times, 0.95),
        p99=percentile(times, 0.99),
    )


def print_table(requests: list[Request], seconds: float) -> None:
    by_name: dict[str, list[Request]] = {}
    for request in requests:
        by_name.setdefault(request.name, []).append(request)
    width = max(len(name) for name in by_name) if by_name else 10
    print(f"  {'endpoint':<{width}}  {'share':>6} {'req/s':>7} {'p50':>7} {'p95':>7} "
          f"{'p99':>7} {'errors':>6}")  # fmt: skip
    for name, group in sorted(by_name.items(), key=lambda item: -len(item[1])):
        s = summarise(group, seconds)
        print(
            f"  {name:<{width}}  {len(group) / len(requests):>6.1%} {s.rate:>7.1f} "
            f"{s.p50:>5.0f}ms {s.p95:>5.0f}ms {s.p99:>5.0f}ms {s.errors:>6}"
        )
    errors: dict[str, int] = {}
    for request in requests:
        if not request.ok:
            key = f"{request.name}: {request.status} {request.error}"[:160]
            errors[key] = errors.get(key, 0) + 1
    for key, count in sorted(errors.items(), key=lambda item: -item[1])[:10]:
        print(f"  error x{count}: {key}")


def print_summary(label: str, s: Summary) -> None:
    print(
        f"{label}: {s.rate:.1f} req/s sustained, p50 {s.p50:.0f} ms, p95 {s.p95:.0f} ms, "
        f"p99 {s.p99:.0f} ms, {s.requests} requests, {s.errors} errors",
        flush=True,
    )


# --- The PostgreSQL restart ---------------------------------------------------------------


def restart_postgres_during(postgres: Postgres, *, after: float, down: float, marks: dict) -> None:
    time.sleep(after)
    marks["stop"] = time.time()
    postgres.stop("fast")
    marks["stopped"] = time.time()
    time.sleep(down)
    marks["start"] = time.time()
    postgres.start()
    marks["up"] = time.time()


def report_restart(requests: list[Request], marks: dict) -> bool:
    """Errors before, while and after PostgreSQL was down, and the recovery time; True
    when the site erred only while it was down and recovered by itself."""
    stop, up = marks["stop"], marks["up"]
    before = [r for r in requests if r.start + r.ms / 1000 < stop]
    during = [r for r in requests if r not in before and r.start < up]
    after = [r for r in requests if r.start >= up]
    first_ok = min((r.start + r.ms / 1000 for r in after if r.ok), default=None)
    statuses: dict = {}
    for request in during:
        if not request.ok:
            statuses[request.status] = statuses.get(request.status, 0) + 1
    print(
        f"PostgreSQL stopped at +{stop - min(r.start for r in requests):.1f} s "
        f"(stop took {marks['stopped'] - stop:.1f} s), started again "
        f"{marks['start'] - stop:.1f} s later, accepting connections after "
        f"{up - marks['start']:.1f} s: down {up - stop:.1f} s"
    )
    print(f"  before: {len(before)} requests, {sum(not r.ok for r in before)} errors")
    print(
        f"  while down: {len(during)} requests, {sum(not r.ok for r in during)} errors "
        f"(by status {statuses or '{}'})"
    )
    after_errors = [r for r in after if not r.ok]
    print(f"  after: {len(after)} requests, {len(after_errors)} errors")
    for request in after_errors[:5]:
        print(f"    +{request.start - up:.2f} s {request.name}: {request.status} {request.error}")
    if first_ok is None:
        print("  no request succeeded after PostgreSQL came back: NOT RECOVERED")
        return False
    print(f"  first success {first_ok - up:.2f} s after PostgreSQL accepted connections")
    verdict = not after_errors and not any(not r.ok for r in before)
    print(f"  {'PASS' if verdict else 'FAIL'}: errors only while the database was down")
    return verdict


# --- Main --------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="length of a mix run (300)")
    parser.add_argument(
        "--minimal-seconds", type=float, default=None,
        help="length of a minimal-view run (default: as --seconds, at most 60)",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=1, help="runs of each kind (1)")
    parser.add_argument("--users", type=int, default=12, help="simulated visitors at once (12)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--warmup", type=float, default=10, help="unmeasured seconds first (10)")
    parser.add_argument(
        "--fault", choices=["postgres-restart"], default=None,
        help="postgres-restart: stop PostgreSQL in the middle of the first mix run",
    )  # fmt: skip
    parser.add_argument(
        "--down-seconds", type=float, default=5, help="how long PostgreSQL stays down (5)"
    )
    args = parser.parse_args()
    if args.seconds <= 0 or args.runs < 1 or args.users < 1:
        parser.error("--seconds, --runs and --users must be positive")
    if args.minimal_seconds is None:
        args.minimal_seconds = min(args.seconds, 60)
    return args


def main() -> None:
    args = parse_args()
    started_at = time.time()
    # BENCH_SETTINGS: another settings module to compare (it should import bench.load_settings).
    settings = os.environ.get("BENCH_SETTINGS", "bench.load_settings")
    stack = make_stack(prefix="commons-bench-load-", settings=settings)
    stopping = []

    def on_signal(signum, _frame):
        stopping.append(signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        print(
            f"PostgreSQL {stack.postgres.bin.parent.name} on port {stack.postgres.port}, "
            f"Redis on port {stack.redis.port}, folder {stack.folder}",
            flush=True,
        )
        password = prepare_site(stack)
        server = Gunicorn(stack, workers=args.workers, threads=args.threads)
        server.start()
        plan = discover(server.port, password)
        plan_path = stack.folder / "plan.json"
        plan_path.write_text(json.dumps(plan))
        env = {**stack.env, "BENCH_PLAN": str(plan_path)}
        print(
            f"set-up took {time.time() - started_at:.0f} s; plan: {len(plan['words'])} words, "
            f"{len(plan['countries'])} journey countries, {len(plan['events'])} events, "
            f"{len(plan['works'])} library works, {len(plan['people'])} people signing in",
            flush=True,
        )
        common = {"url": server.url, "users": args.users, "folder": stack.folder, "env": env}
        if args.warmup:
            run_locust(user_class="MixUser", seconds=args.warmup, tag="warmup-mix", **common)
            run_locust(
                user_class="MinimalUser", seconds=min(args.warmup, 5), tag="warmup-min", **common
            )
        mixes, minimals, verdict = [], [], None
        for run in range(1, args.runs + 1):
            marks: dict = {}
            fault = None
            if args.fault == "postgres-restart" and run == 1:
                fault = threading.Thread(
                    target=restart_postgres_during,
                    args=(stack.postgres,),
                    kwargs={"after": args.seconds * 0.4, "down": args.down_seconds,
                            "marks": marks},
                    daemon=True,
                )  # fmt: skip
                fault.start()
            requests = run_locust(
                user_class="MixUser", seconds=args.seconds, tag=f"mix-{run}", **common
            )
            seconds = window(requests, args.seconds)
            summary = summarise(requests, seconds)
            if fault is not None:
                fault.join(timeout=120)
                print_summary(f"mix run {run} (with the restart)", summary)
                print_table(requests, seconds)
                verdict = report_restart(requests, marks)
            else:
                mixes.append(summary)
                print_summary(f"mix run {run}", summary)
                print_table(requests, seconds)
            requests = run_locust(
                user_class="MinimalUser", seconds=args.minimal_seconds, tag=f"min-{run}", **common
            )
            minimal = summarise(requests, window(requests, args.minimal_seconds))
            minimals.append(minimal)
            print_summary(f"minimal view run {run}", minimal)
        if mixes:
            median = {
                key: statistics.median(getattr(s, key) for s in mixes)
                for key in ("rate", "p50", "p95", "p99")
            }
            print(
                f"\nmix, median of {len(mixes)} run(s): {median['rate']:.1f} req/s, "
                f"p50 {median['p50']:.0f} ms, p95 {median['p95']:.0f} ms, "
                f"p99 {median['p99']:.0f} ms; errors {sum(s.errors for s in mixes)} "
                f"in {sum(s.requests for s in mixes)} requests"
            )
        minimal_rate = statistics.median(s.rate for s in minimals)
        print(
            f"minimal view, median of {len(minimals)} run(s): {minimal_rate:.1f} req/s, "
            f"errors {sum(s.errors for s in minimals)}"
        )
        if mixes:
            print(
                f"the mix: {statistics.median(s.rate for s in mixes) / minimal_rate:.2f}x "
                "the minimal view (median req/s)"
            )
        in_log = server.log.read_text(errors="replace")
        print(f"server log: {in_log.count('Traceback')} tracebacks ({server.log})")
        if verdict is False:
            sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        stack.close()


if __name__ == "__main__":
    main()
