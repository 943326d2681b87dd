"""Requests per second of the home page against a minimal Django view, under gunicorn.

Sets up a throw-away SQLite database with the demo data in a temporary directory, starts
gunicorn (2 sync workers) on a free loopback port and measures ``/`` and
``/__bench__/minimal`` in turns with a threaded keep-alive load generator. See
bench/README.md for what the figures mean.

    .venv/bin/python bench/run.py [--seconds N] [--runs R] [--concurrency C]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.metadata
import importlib.util
import os
import platform
import secrets
import shlex
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

HOST = "127.0.0.1"
WORKERS = 2
URLS = {"home page": "/", "minimal view": "/__bench__/minimal"}
# Settings that point at another database, cache or storage are dropped, so the benchmark
# never touches anything outside its temporary directory.
DROPPED_ENV = ("DATABASE_URL", "REDIS_URL", "MEDIA_STORAGE", "MEDIA_ROOT", "COMMONS_DEMO")


@dataclass
class Run:
    requests: int = 0
    errors: int = 0
    connections: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one run (5)")
    parser.add_argument("--runs", type=int, default=3, help="runs per URL, interleaved (3)")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="client threads, one connection each (4)"
    )
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="cap on requests in one run (200000)"
    )
    parser.add_argument(
        "--warmup", type=float, default=1.0, help="seconds of unmeasured load per URL (1)"
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.runs < 1 or args.concurrency < 1 or args.max_requests < 1:
        parser.error("--seconds, --runs, --concurrency and --max-requests must be positive")
    return args


def bench_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    python_path = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=os.pathsep.join(python_path),
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        COMMONS_VAR_DIR=str(var_dir),
        PASSWORD_BREACH_CHECK="false",
        EMAIL_BACKEND="locmem",
        LOG_LEVEL="WARNING",
    )
    return env


def prepare(env: dict[str, str]) -> None:
    """Migrate, collect static files and load the demo data, each in its own process."""
    steps = [
        (["migrate", "--no-input", "-v", "0"], {}),
        (["collectstatic", "--no-input", "-v", "0"], {}),
        (["demo"], {"COMMONS_DEMO": "true"}),
    ]
    for argv, extra in steps:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "commons.cli", *argv],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"commons {' '.join(argv)} failed (exit {result.returncode})")
        print(f"  commons {argv[0]:<13} {time.perf_counter() - started:5.1f} s", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_command(port: int, log: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--chdir",
        str(ROOT),
        "--env",
        "DJANGO_SETTINGS_MODULE=bench.settings",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
        "commons.wsgi:application",
    ]


def wait_until_up(server: subprocess.Popen, port: int, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log.read_text(errors="replace")[-4000:])
            raise SystemExit(f"gunicorn exited early (exit {server.returncode})")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            try:
                for path in URLS.values():
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        sys.stderr.write(log.read_text(errors="replace")[-4000:])
                        raise SystemExit(f"GET {path} answered {response.status}, not 200")
                return
            finally:
                conn.close()
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM is gunicorn's graceful shutdown; SIGKILL the group only if it hangs."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def client(port: int, path: str, deadline: float, budget: int, stop: threading.Event) -> Run:
    """One thread's share of the load: sequential GETs on one connection, kept alive while
    the server allows it and opened again when the server closes it."""
    run = Run()
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    perf = time.perf_counter
    try:
        while run.requests + run.errors < budget and not stop.is_set() and perf() < deadline:
            started = perf()
            if conn.sock is None:
                run.connections += 1
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                run.errors += 1
                conn.close()
                continue
            if response.status == 200:
                run.requests += 1
                run.latencies.append(perf() - started)
            else:
                run.errors += 1
    finally:
        conn.close()
    return run


def load(port: int, path: str, seconds: float, concurrency: int, max_requests: int) -> Run:
    stop = threading.Event()
    results: list[Run] = []
    lock = threading.Lock()
    budget = max(1, max_requests // concurrency)

    def work() -> None:
        run = client(port, path, deadline, budget, stop)
        with lock:
            results.append(run)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    deadline = started + seconds
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
    total = Run(elapsed=time.perf_counter() - started)
    for run in results:
        total.requests += run.requests
        total.errors += run.errors
        total.connections += run.connections
        total.latencies.extend(run.latencies)
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(results: dict[str, list[Run]]) -> None:
    print()
    medians = {}
    for name, runs in results.items():
        rates = [run.rate for run in runs]
        latencies = [x for run in runs for x in run.latencies]
        requests = sum(run.requests for run in runs)
        errors = sum(run.errors for run in runs)
        connections = sum(run.connections for run in runs)
        medians[name] = statistics.median(rates)
        print(f"{name} ({URLS[name]}):")
        print(
            f"  req/s   median {medians[name]:8.1f}   min {min(rates):8.1f}   "
            f"max {max(rates):8.1f}   ({len(runs)} runs)"
        )
        if latencies:
            print(
                f"  latency p50 {percentile(latencies, 0.50) * 1000:6.2f} ms   "
                f"p95 {percentile(latencies, 0.95) * 1000:6.2f} ms"
            )
        reused = 1 - connections / requests if requests else 0.0
        print(
            f"  {requests} requests, {errors} errors, "
            f"{connections} connections ({reused:.0%} of requests reused one)"
        )
    home, minimal = medians["home page"], medians["minimal view"]
    if minimal:
        print(f"\nhome page: {home / minimal:.2f}x the minimal view (median req/s)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if importlib.util.find_spec("gunicorn") is None:
        raise SystemExit(
            "gunicorn is not installed here; run `make install` (it is a dev dependency)."
        )
    import django

    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {importlib.metadata.version('gunicorn')}, {os.cpu_count()} CPUs"
    )
    print(
        f"{WORKERS} sync workers, {args.concurrency} client threads, {args.runs} runs x "
        f"{args.seconds:g} s per URL (cap {args.max_requests} requests), "
        f"{args.warmup:g} s warm-up"
    )
    # SIGTERM ends the runner like Ctrl+C does, through the clean-up below.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="commons-bench-") as tmp:
        var_dir = Path(tmp)
        env = bench_env(var_dir)
        print(f"setting up in {var_dir}", flush=True)
        prepare(env)
        port = free_port()
        log = var_dir / "gunicorn.log"
        command = gunicorn_command(port, log)
        print(f"server: {shlex.join(command)}", flush=True)
        # Its own session, so Ctrl+C reaches only the runner, which then stops it cleanly.
        server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        try:
            wait_until_up(server, port, log)
            for path in URLS.values():
                load(port, path, args.warmup, args.concurrency, args.max_requests)
            results: dict[str, list[Run]] = {name: [] for name in URLS}
            names = list(URLS)
            with tqdm(
                total=args.runs * len(names), desc="measuring", unit="run", disable=None
            ) as bar:
                for index in range(args.runs):
                    # A B, B A, A B ...: slow drift (heat, other load) weighs on both alike.
                    order = names if index % 2 == 0 else names[::-1]
                    for name in order:
                        run = load(
                            port, URLS[name], args.seconds, args.concurrency, args.max_requests
                        )
                        results[name].append(run)
                        bar.write(
                            f"  run {index + 1}/{args.runs}  {name:<12} {run.rate:8.1f} req/s"
                            f"  ({run.requests} ok, {run.errors} errors)"
                        )
                        bar.update()
                    if server.poll() is not None:
                        raise SystemExit(f"gunicorn died (exit {server.returncode})")
        except KeyboardInterrupt:
            print("\ninterrupted; stopping gunicorn", file=sys.stderr)
            return 130
        finally:
            stop_server(server)
    report(results)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
