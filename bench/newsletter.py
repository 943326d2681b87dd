"""Newsletter sending at scale: ``commons.newsletter.sending`` against Django's own
``send_mass_mail`` (issue 8).

Generates 100,000 confirmed subscribers (and 1,000 waiting for confirmation, who must
get nothing) with varied languages, topics, regions and frequencies, and an issue of
about 30 entries in every section (public posts of the four kinds, upcoming events and
new library resources, in several languages, on several topics and regions), in a
throw-away SQLite database in a temporary directory; with ``--postgres`` the same in a
PostgreSQL database made and dropped for the run. For each database, in a new process:

1. **build and queue**: ``issues.propose_items`` and ``sending.queue_issue`` for every
   confirmed subscriber, timed; ``--runs`` times, the deliveries deleted between runs.
2. **send**: (a) ``sending.send_pending`` (its default batch) repeated until ``--send``
   deliveries are handled, through Django's SMTP backend to a local aiosmtpd server in a
   process of its own that counts and discards messages, without pacing (rate 0);
   ``--runs`` times, each on the next deliveries of the queue. The resident memory is
   read after the first 1,000 messages and at the end of each run; one more run, not
   timed, traces Python allocations (tracemalloc) at the same points. (b) Two spawned
   worker processes send the same issue at once, each until nothing is left to claim,
   on the next ``--send`` deliveries (the rest parked under a foreign lease); then
   every delivery is checked to have been sent exactly once (database and sink).
3. **comparisons**, to the same server: Django's ``send_mass_mail`` of as many
   pre-rendered plain-text messages (one subscriber's text part), and the same number of
   this issue's multipart messages built beforehand and handed over with one
   ``send_messages`` call: what the SMTP hand-off alone costs.

The issue's targets (build and queue within 60 s, at least 200 messages a second) are
printed beside the figures; the script only reports, it never fails on a figure. See
bench/README.md ("Newsletter sending").

    .venv/bin/python bench/newsletter.py [--postgres [URL]] [--subscribers N] [--send N]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import multiprocessing
import os
import platform
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.parse
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.directory_search import fresh_postgres, resident_mib, worker_env  # noqa: E402

DEFAULT_POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/bench_newsletter"
TARGET_QUEUE_S = 60.0
TARGET_RATE = 200.0
EARLY = 1_000  # messages after which memory is read a first time
PARALLEL = 2  # worker processes sending one issue at once (step 2b)
LANGUAGE_WEIGHTS = {
    "en": 30,
    "th": 12,
    "km": 8,
    "vi": 8,
    "my": 8,
    "id": 8,
    "es": 8,
    "fr": 8,
    "ar": 10,
}
COUNTRIES = ["TH", "KH", "MM", "VN", "ID", "PH", "US", "GB", "MX", "BR", "NG", "KE", "EG", "FR"]


# --- Worker process (one per database) --------------------------------------------------


def say(step: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {step}", flush=True)


def generate(spec: dict) -> dict:
    """The subscribers and the period's posts, events and resources."""
    from django.conf import settings
    from django.utils import timezone

    from commons.directory.vocabularies import Exploitation
    from commons.events.models import Event, Theme
    from commons.events.services import save_event
    from commons.lib.geo import Region
    from commons.library.models import Resource, Work
    from commons.news.models import Post
    from commons.newsletter import services
    from commons.newsletter.models import Subscriber

    rng = random.Random(spec["seed"])
    now = timezone.now()
    languages = [code for code, _name in settings.LANGUAGES]
    weights = [LANGUAGE_WEIGHTS.get(code, 5) for code in languages]
    topics = [*Exploitation.values, *Theme.CURATED]
    regions = [region for region in Region.values if region != Region.GLOBAL]

    def pick(values: list[str], most: int) -> list[str]:
        return rng.sample(values, rng.choice([0, 0, *range(1, most + 1)]))

    started = time.perf_counter()
    batch: list[Subscriber] = []
    total = spec["subscribers"] + spec["pending"]
    for n in range(total):
        confirmed = n < spec["subscribers"]
        subscriber = Subscriber(
            email=f"reader{n}@example.net",
            language=rng.choices(languages, weights)[0],
            topics=pick(topics, 3),
            regions=pick(regions, 2),
            frequency="major" if rng.random() < 0.2 else "weekly",
            status=Subscriber.Status.CONFIRMED if confirmed else Subscriber.Status.PENDING,
            subscribed_at=now,
            confirmed_at=now if confirmed else None,
            confirmed_by=Subscriber.ConfirmedBy.LINK if confirmed else "",
        )
        services._new_token(subscriber)
        batch.append(subscriber)
        if len(batch) == 5_000:
            Subscriber.objects.bulk_create(batch)
            batch = []
    Subscriber.objects.bulk_create(batch)
    subscribers_s = time.perf_counter() - started

    # the period's content does not depend on how many subscribers were drawn before it
    rng = random.Random(spec["seed"] + 1)

    def text(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    kinds = [Post.Kind.ANNOUNCEMENT] * 3 + [Post.Kind.NEWS] * 9 + [Post.Kind.FIELD_REPORT] * 5
    kinds += [Post.Kind.OPPORTUNITY] * 4
    for n, kind in enumerate(kinds):
        Post.objects.create(
            slug=f"bench-post-{n}",
            kind=kind,
            opportunity_type=Post.Opportunity.JOB if kind == Post.Kind.OPPORTUNITY else "",
            deadline=(now + timedelta(days=20)).date() if kind == Post.Kind.OPPORTUNITY else None,
            title=text(8),
            summary=text(40),
            # announcements reach every reader of their language, "major" subscribers
            # only them: in a language few read, some subscribers get nothing (skipped)
            language=(
                rng.choice(["th", "km", "my"])
                if kind == Post.Kind.ANNOUNCEMENT
                else rng.choice(["en", "en", *languages])
            ),
            countries=rng.sample(COUNTRIES, rng.choice([0, 1, 2])),
            topics=pick(topics, 2),
            status=Post.Status.PUBLISHED,
            audience=Post.Audience.PUBLIC,
            published_at=now - timedelta(hours=n + 1),
        )
    for n in range(5):
        start = now + timedelta(days=3 + n)
        save_event(
            fields={
                "slug": f"bench-event-{n}",
                "kind": Event.Kind.WEBINAR,
                "title": text(6),
                "summary": text(30),
                "status": Event.Status.PUBLISHED,
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "time_zone": "Asia/Bangkok",
                "region": rng.choice(regions),
                "languages": rng.sample(languages, 2),
                "online_url": "https://meet.example.org/room",
            },
            organisers=[],
        )
    for n in range(4):
        work = Work.objects.create(
            slug=f"bench-work-{n}",
            type=Work.Type.REPORT,
            topics=pick(topics, 2),
            countries=rng.sample(COUNTRIES, 1),
            regions=rng.sample(regions, 1),
        )
        Resource.objects.create(
            work=work,
            language=rng.choice(languages),
            title=text(7),
            summary=text(30),
            status=Resource.Status.APPROVED,
            approved_at=now - timedelta(hours=n + 1),
        )
    return {
        "subscribers": Subscriber.objects.filter(status="confirmed").count(),
        "pending": Subscriber.objects.filter(status="pending").count(),
        "subscribers_s": subscribers_s,
    }


WORDS_TEXT = """trafficking migrant workers labour forced shelter survivors recruitment debt
bondage fishing wages passport brokers protection prevention referral community training
outreach border court justice policy report guide rights safe migration employer contract
domestic garment factory construction agriculture online scam rescue counselling health
education livelihood family village province ministry network coalition"""
WORDS = WORDS_TEXT.split()


MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


class Sink:
    """An SMTP server's handler that counts messages and keeps none: the counts live in
    shared memory, for the process that measures to read; a Message-ID seen before (with
    the same recipients) counts as a duplicate."""

    def __init__(self, count, size, duplicates):
        self.count, self.size, self.duplicates = count, size, duplicates
        self.seen: set = set()

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.content[:8192])
        key = (found.group(1) if found else None, tuple(envelope.rcpt_tos))
        if found and key in self.seen:
            self.duplicates.value += 1
        self.seen.add(key)
        self.size.value += len(envelope.content)
        self.count.value += 1  # last: a reader that sees the count sees the rest
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sink_process(port, ready, stop, count, size, duplicates) -> None:
    """The SMTP sink's own process: aiosmtpd on the loopback until ``stop`` is set."""
    from aiosmtpd.controller import Controller

    controller = Controller(Sink(count, size, duplicates), hostname="127.0.0.1", port=free_port())
    controller.start()
    port.value = controller.port
    ready.set()
    stop.wait()
    controller.stop()


class SinkProcess:
    """Starts ``sink_process`` (spawned, so it shares nothing with the senders) and reads
    its counters."""

    def __init__(self, context):
        self.count, self.size = context.RawValue("q", 0), context.RawValue("q", 0)
        self.duplicates, self.port = context.RawValue("q", 0), context.RawValue("i", 0)
        ready, self.stop_event = context.Event(), context.Event()
        self.process = context.Process(
            target=sink_process,
            args=(self.port, ready, self.stop_event, self.count, self.size, self.duplicates),
            name="smtp-sink",
        )
        self.process.start()
        if not ready.wait(60):
            raise SystemExit("the SMTP sink did not start")

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(30)


def use_sink(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.NEWSLETTER_RATE_PER_SECOND = 0


def sender_process(issue_pk: int, port: int, ready, go, results) -> None:
    """One of the parallel workers of step 2b, in a spawned process with its own Django
    and database connection: ``send_pending`` until nothing is left to claim."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Q
    from django.utils import timezone, translation

    from commons.newsletter import issues, sending
    from commons.newsletter.models import Delivery, Issue

    translation.activate("en")
    use_sink(settings, port)
    issue = Issue.objects.get(pk=issue_pk)
    # warm-up without sending: imports, templates, the inliner
    sent = Delivery.objects.filter(issue=issue, status="sent").select_related("subscriber")[0]
    sending.build_message(
        issue,
        sent.subscriber,
        issues.items_for(issue, sent.subscriber, items=issues.issue_items(issue)),
    )
    ready.put(os.getpid())
    go.wait()
    # what is still claimable, as ``sending._claim`` sees it
    expired = timezone.now() - sending.LEASE
    claimable = Delivery.objects.filter(
        Q(status="queued", claimed_at__isnull=True)
        | Q(status__in=["queued", "sending"], claimed_at__lt=expired),
        issue=issue,
    )
    started, handled, batches, early_stops = time.perf_counter(), 0, 0, 0
    error = None
    try:
        while True:
            # the deployment's loop (scheduling.run): send_pending until it returns 0
            while done := sending.send_pending(issue, rate_per_second=0):
                handled += done
                batches += 1
            # send_pending also returns 0 when another worker took the candidates it
            # had read first: counted, and the loop goes on while anything is claimable
            if not claimable.exists():
                break
            early_stops += 1
    except Exception as exc:  # reported, the parent prints it
        error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    connection.close()
    results.put(
        {
            "pid": os.getpid(),
            "handled": handled,
            "batches": batches,
            "early_stops": early_stops,
            "seconds": seconds,
            "memory": resident_mib(),
            "error": error,
        }
    )


def measure(spec: dict) -> dict:
    from django.utils import timezone, translation

    from commons.newsletter import issues, sending
    from commons.newsletter.models import Delivery, Issue, Subscriber

    translation.activate("en")
    output: dict = {}
    today = timezone.localdate()
    issue = issues.create_issue(
        subject="Freedom Commons this week",
        introduction="This week: **new** posts, events and resources.",
        period_start=today - timedelta(days=7),
        period_end=today,
    )

    # 1. Build and queue.
    say("build and queue")
    queue_s = []
    for _run in range(spec["runs"]):
        Delivery.objects.filter(issue=issue).delete()
        Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.DRAFT)
        started = time.perf_counter()
        items = issues.propose_items(issue)
        queued = sending.queue_issue(issue)
        queue_s.append(time.perf_counter() - started)
    output["queue_s"] = queue_s
    output["queued"] = queued
    output["items"] = len(items)
    output["sections"] = len({item.section for item in items})

    # What the subscribers get: how many distinct (language, entries) combinations.
    entries = issues.issue_items(issue)
    combinations, empty = set(), 0
    for subscriber in Subscriber.objects.filter(status="confirmed").iterator(chunk_size=5000):
        chosen = issues.items_for(issue, subscriber, items=entries)
        empty += not chosen
        combinations.add((subscriber.language, tuple(item.pk for item in chosen)))
    output["combinations"] = len(combinations)
    output["nothing_for"] = empty

    # 2. Send, through Django's SMTP backend to a local server.
    say("send, one worker")
    context = multiprocessing.get_context("spawn")
    sink = SinkProcess(context)
    try:
        output.update(send_and_compare(spec, issue, items, entries, sink, context))
    finally:
        sink.stop()
    return output


def send_and_compare(spec, issue, items, entries, sink, context) -> dict:
    from django.conf import settings
    from django.core.mail import get_connection, send_mass_mail
    from django.db import connection
    from django.db.models import Count, Q
    from django.utils import timezone

    from commons.newsletter import issues, sending
    from commons.newsletter.models import Delivery

    output: dict = {}
    use_sink(settings, sink.port.value)

    def send_sample(traced: bool = False) -> dict:
        # tracing slows Python down several times: a smaller sample shows the same trend
        wanted = min(spec["send"], 4 * EARLY) if traced else spec["send"]
        messages_before, handled = sink.count.value, 0
        early = None
        if traced:
            tracemalloc.start()
        start_memory = tracemalloc.get_traced_memory()[0] if traced else resident_mib()
        statements = []

        def count(execute, sql, params, many, context):
            statements.append(None)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            while handled < wanted:
                done = sending.send_pending(issue, rate_per_second=0)
                if not done:
                    break
                handled += done
                if early is None and sink.count.value - messages_before >= EARLY:
                    early = (
                        tracemalloc.get_traced_memory()[0] if traced else resident_mib(),
                        sink.count.value - messages_before,
                    )
            seconds = time.perf_counter() - started
        end_memory = tracemalloc.get_traced_memory()[0] if traced else resident_mib()
        peak = None
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        sent = sink.count.value - messages_before
        return {
            "handled": handled,
            "sent": sent,
            "seconds": seconds,
            "rate": sent / seconds,
            "memory": [start_memory, *(early or (None, None)), end_memory],
            "peak": peak,
            "queries": len(statements),
        }

    sending.send_pending(issue, batch=20, rate_per_second=0)  # warm-up: templates, imports
    output["send"] = [send_sample() for _run in range(spec["runs"])]
    output["traced"] = send_sample(traced=True)
    output["mean_size"] = sink.size.value / sink.count.value

    # 2b. Two worker processes send the same issue at once, each until nothing is left to
    # claim. The queue beyond the next --send deliveries is parked under a lease of
    # nobody's (as if another worker held it), so "nothing left" comes after --send.
    say("send, two workers")
    output["parallel"] = []
    for _run in range(spec["runs"]):
        queued = Delivery.objects.filter(issue=issue, status="queued")
        mine = list(queued.order_by("pk").values_list("pk", flat=True)[: spec["send"]])
        queued.exclude(pk__in=mine).update(claim="parked", claimed_at=timezone.now())
        messages_before, duplicates_before = sink.count.value, sink.duplicates.value
        connection.close()  # nothing held open while the children work
        ready, results, go = context.Queue(), context.Queue(), context.Event()
        children = [
            context.Process(
                target=sender_process,
                args=(issue.pk, sink.port.value, ready, go, results),
                name=f"sender-{n}",
            )
            for n in range(PARALLEL)
        ]
        for child in children:
            child.start()
        for _child in children:
            ready.get(timeout=300)
        before = timezone.now()
        started = time.perf_counter()
        go.set()
        workers = [results.get(timeout=3600) for _child in children]
        seconds = time.perf_counter() - started
        for child in children:
            child.join(60)
        sent = sink.count.value - messages_before
        states = Delivery.objects.filter(pk__in=mine).aggregate(
            sent=Count("pk", filter=Q(status="sent")),
            skipped=Count("pk", filter=Q(status="skipped")),
            other=Count("pk", filter=~Q(status__in=["sent", "skipped"])),
            twice=Count("pk", filter=Q(status="sent", attempts__gt=1)),
        )
        # nothing outside this run's deliveries was touched
        states["outside"] = (
            Delivery.objects.filter(issue=issue, sent_at__gte=before).exclude(pk__in=mine).count()
        )
        Delivery.objects.filter(issue=issue, claim="parked").update(claim="", claimed_at=None)
        output["parallel"].append(
            {
                "deliveries": len(mine),
                "sent": sent,
                "seconds": seconds,
                "rate": sent / seconds,
                "duplicates": sink.duplicates.value - duplicates_before,
                "states": states,
                "workers": workers,
            }
        )

    # 3. Comparisons on the same server.
    say("comparisons")
    delivery = Delivery.objects.filter(issue=issue, status="sent").select_related("subscriber")[0]
    subscriber = delivery.subscriber
    sample = sending.build_message(
        issue, subscriber, issues.items_for(issue, subscriber, items=entries)
    )
    n = output["send"][0]["sent"]
    plain = [
        (issue.subject, sample.body, settings.DEFAULT_FROM_EMAIL, [f"plain{i}@example.net"])
        for i in range(n)
    ]
    mass, multipart = [], []
    for _run in range(spec["runs"]):
        started = time.perf_counter()
        send_mass_mail(plain)
        mass.append(n / (time.perf_counter() - started))
        built = [
            sending.build_message(
                issue, subscriber, issues.items_for(issue, subscriber, items=entries)
            )
            for _i in range(min(n, 2_000))
        ]
        built = (built * (n // len(built) + 1))[:n]
        started = time.perf_counter()
        backend = get_connection()
        backend.send_messages(built)
        multipart.append(n / (time.perf_counter() - started))
    output["mass_rate"] = mass
    output["multipart_rate"] = multipart
    output["comparison_messages"] = n
    output["plain_size"] = len(sample.message().as_bytes()) - len(sample.alternatives[0][0])
    return output


def worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text())
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    say("migrate and generate the data")
    call_command("migrate", interactive=False, verbosity=0)
    output = generate(spec)
    output["generate_s"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        output["server_version"] = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    output.update(measure(spec))
    args.result.write_text(json.dumps(output))
    return 0


def run_worker(engine: str, spec: dict, var_dir: Path, database_url: str) -> dict:
    spec_path, result_path = var_dir / f"spec-{engine}.json", var_dir / f"result-{engine}.json"
    spec_path.write_text(json.dumps(spec))
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        *("--worker", engine, "--spec", str(spec_path), "--result", str(result_path)),
    ]
    env = worker_env(var_dir, database_url)
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode:
        raise SystemExit(f"{engine} failed (exit {result.returncode})")
    return json.loads(result_path.read_text())


# --- Main process --------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_POSTGRES,
        metavar="URL",
        help=f"also run on PostgreSQL; the database is created and dropped ({DEFAULT_POSTGRES})",
    )
    parser.add_argument("--subscribers", type=int, default=100_000, help="confirmed (100000)")
    parser.add_argument(
        "--send", type=int, default=10_000, help="deliveries handled in one send run (10000)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each step (3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data (1)")
    args = parser.parse_args(argv)
    if args.subscribers < 1_000 or not 1 <= args.runs <= 10:
        parser.error("--subscribers must be >= 1000 and --runs 1-10")
    if not EARLY < args.send <= args.subscribers // (2 * args.runs + 2):
        parser.error(
            f"--send must be more than {EARLY} and leave enough queued deliveries for "
            "2 x --runs + 1 send runs and the warm-up (at most subscribers / (2 x runs + 2))"
        )
    if args.postgres:
        parts = urllib.parse.urlsplit(args.postgres)
        if parts.hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
            parser.error("--postgres must point at this machine (loopback or a socket)")
        if "bench" not in parts.path.lstrip("/"):
            parser.error("the PostgreSQL database is dropped: its name must contain 'bench'")
    return args


def mib(value: float | None) -> str:
    return "?" if value is None else f"{value:,.1f} MiB"


def report(args, ctx: dict) -> None:
    print("\n=== Newsletter sending benchmark: summary ===")
    print(f"command:  {ctx['command']}")
    print(f"versions: {ctx['versions']}")
    for engine, result in ctx["engines"].items():
        print(f"\n--- {engine} {result['server_version']} ---")
        print(
            f"data: {result['subscribers']:,} confirmed subscribers and {result['pending']:,} "
            f"waiting (made in {result['subscribers_s']:.0f} s); an issue of "
            f"{result['items']} entries in {result['sections']} sections; "
            f"{result['combinations']:,} distinct (language, entries) copies, "
            f"{result['nothing_for']:,} subscribers with nothing (skipped)"
        )
        queue = statistics.median(result["queue_s"])
        runs = ", ".join(f"{s:.1f}" for s in result["queue_s"])
        print(
            f"build and queue (propose_items + queue_issue, {result['queued']:,} deliveries): "
            f"median {queue:.1f} s of {len(result['queue_s'])} runs ({runs}) — "
            f"{'PASS' if queue <= TARGET_QUEUE_S else 'FAIL'} (target <= {TARGET_QUEUE_S:.0f} s)"
        )
        sends = result["send"]
        rate = statistics.median(run["rate"] for run in sends)
        first = sends[0]
        print(
            f"send (a), one worker process (send_pending, SMTP to a local aiosmtpd sink in "
            f"its own process, no pacing): "
            f"{first['handled']:,} deliveries a run ({first['sent']:,} messages, the rest "
            f"skipped), {first['queries']:,} SQL statements; mean message "
            f"{result['mean_size'] / 1024:.1f} KiB"
        )
        print(
            f"  median {rate:,.0f} messages/s of {len(sends)} runs ("
            + ", ".join(f"{run['rate']:,.0f}" for run in sends)
            + f") — {'PASS' if rate >= TARGET_RATE else 'FAIL'} (target >= {TARGET_RATE:.0f}/s)"
        )
        for number, run in enumerate(sends, 1):
            start, early, early_n, end = run["memory"]
            print(
                f"  run {number} resident memory (RssAnon): start {mib(start)}, after "
                f"{early_n or '?'} messages {mib(early)}, end ({run['sent']:,}) {mib(end)}"
            )
        traced = result["traced"]
        start, early, early_n, end = traced["memory"]
        start, early, end = (None if v is None else v / 2**20 for v in (start, early, end))
        print(
            f"  traced run (tracemalloc, not timed, {traced['sent']:,} messages): Python "
            f"allocations start {mib(start)}, after {early_n or '?'} "
            f"messages {mib(early)}, end {mib(end)}, peak {mib(traced['peak'] / 2**20)}"
        )
        parallel = result["parallel"]
        prate = statistics.median(run["rate"] for run in parallel)
        print(
            f"send (b), {PARALLEL} worker processes sending the same issue at once, each "
            f"send_pending until nothing is left to claim: {parallel[0]['deliveries']:,} "
            f"deliveries a run ({parallel[0]['sent']:,} messages)"
        )
        print(
            f"  median {prate:,.0f} messages/s of {len(parallel)} runs ("
            + ", ".join(f"{run['rate']:,.0f}" for run in parallel)
            + f") — {'PASS' if prate >= TARGET_RATE else 'FAIL'} (target >= {TARGET_RATE:.0f}/s)"
        )
        exact = True
        for number, run in enumerate(parallel, 1):
            states = run["states"]
            errors = [w["error"] for w in run["workers"] if w["error"]]
            ok = (
                run["sent"] == states["sent"]
                and run["duplicates"] == 0
                and states["twice"] == states["other"] == states["outside"] == 0
                and not errors
            )
            exact = exact and ok
            split = " + ".join(
                f"{w['handled']:,} in {w['batches']} batches ({w['seconds']:.1f} s, "
                f"{mib(w['memory'])}, send_pending returned 0 with deliveries still "
                f"claimable {w['early_stops']}x)"
                for w in run["workers"]
            )
            print(
                f"  run {number}: sink accepted {run['sent']:,}, deliveries marked sent "
                f"{states['sent']:,}, skipped {states['skipped']:,}, left in another state "
                f"{states['other']:,}, sent with more than one attempt {states['twice']:,}, "
                f"duplicate Message-IDs at the sink {run['duplicates']:,}, deliveries outside "
                f"the run sent {states['outside']:,} — "
                f"{'exactly once' if ok else 'NOT exactly once'}"
                f"; workers: {split}" + (f"; errors: {errors}" if errors else "")
            )
        print(f"  exactly-once check: {'PASS' if exact else 'FAIL'}")
        mass = statistics.median(result["mass_rate"])
        multipart = statistics.median(result["multipart_rate"])
        print(
            f"comparison 1: Django send_mass_mail of {result['comparison_messages']:,} "
            f"pre-rendered plain-text messages (one subscriber's text part, "
            f"{result['plain_size'] / 1024:.1f} KiB) to the same sink: {mass:,.0f}/s "
            f"— send_pending is {rate / mass:.2f}x that"
        )
        print(
            f"comparison 2: the same number of this issue's multipart messages built "
            f"beforehand, one send_messages call: {multipart:,.0f}/s — send_pending is "
            f"{rate / multipart:.2f}x that"
        )
    print(
        "\nbuild and queue: from propose_items until queue_issue returns, deliveries of "
        "the previous run deleted first. send: from the first send_pending until "
        "--send deliveries are handled, each run on the next ones of the queue; rate = "
        "messages the SMTP server accepted / seconds. The SMTP server (aiosmtpd, counting "
        "and discarding) runs in a process of its own, spawned, on this machine's CPUs as "
        "the senders: its parsing competes for the CPUs, not for the sender's GIL. "
        f"send (b): {PARALLEL} spawned processes, each with its own Django and database "
        "connection, started together once both are ready; the time runs until both "
        "find nothing left to claim; the rest of the queue is parked under a foreign lease "
        "during the run and released after it. Exactly once: the sink's count equals the "
        "deliveries marked sent, no sink Message-ID repeated, every one sent at its first "
        "attempt, none left queued or sending."
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--worker" in argv:
        return worker(argv)
    args = parse_args(argv)
    import django

    command = shlex.join([sys.executable, *sys.argv])
    print(f"command: {command}", flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    ctx: dict = {"command": command, "engines": {}}
    spec = {
        "subscribers": args.subscribers,
        "pending": 1_000,
        "send": args.send,
        "runs": args.runs,
        "seed": args.seed,
    }
    with tempfile.TemporaryDirectory(prefix="commons-bench-newsletter-") as tmp:
        var_dir = Path(tmp)
        print("\nSQLite", flush=True)
        ctx["engines"]["SQLite"] = run_worker(
            "sqlite", spec, var_dir, f"sqlite:///{var_dir / 'commons.sqlite3'}"
        )
        if args.postgres:
            print("\nPostgreSQL", flush=True)
            with fresh_postgres(args.postgres):
                ctx["engines"]["PostgreSQL"] = run_worker("postgres", spec, var_dir, args.postgres)
    ctx["versions"] = ", ".join(
        [
            f"Python {platform.python_version()}",
            f"Django {django.get_version()}",
            f"aiosmtpd {importlib.metadata.version('aiosmtpd')}",
            f"css-inline {importlib.metadata.version('css-inline')}",
            f"{os.cpu_count()} CPUs",
        ]
    )
    report(args, ctx)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
