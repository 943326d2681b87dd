"""A long schemathesis campaign against /api/v1/: the test of the suite
(commons/core/tests/test_api_schema.py) with more examples per operation, counting what
it sent.

    .venv/bin/python bench/api_fuzz.py                       # 200 examples, SQLite, -n 2
    .venv/bin/python bench/api_fuzz.py --max-examples 500 --workers 1
    DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/test .venv/bin/python bench/api_fuzz.py

Prints the operations, the cases sent (by caller and by status class), the failing
operations with the first failure of each (Hypothesis stops an operation at its first
failure and shrinks it), and the time. Exits 1 when anything failed.

It runs pytest in a subprocess with this module as a plugin (``-p bench.api_fuzz``):
every process that runs tests counts the cases (a wrapper around ``schemathesis.Case.call``)
and writes them to a JSON file in a temporary directory, which this script adds up.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "commons/core/tests/test_api_schema.py"
COUNTS_DIR = "API_FUZZ_COUNTS_DIR"


# --- The plugin (runs inside pytest and its xdist workers) --------------------------------

_cases: collections.Counter = collections.Counter()
_failures: dict[str, str] = {}


def pytest_configure(config):
    if not os.environ.get(COUNTS_DIR):
        return
    from schemathesis.generation.case import Case

    call = Case.call

    def counting_call(self, *args, **kwargs):
        response = call(self, *args, **kwargs)
        headers = kwargs.get("headers") or (args[2] if len(args) > 2 else None) or {}
        caller = "member" if "Authorization" in headers else "anonymous"
        _cases[f"{self.operation.label}|{caller}|{response.status_code // 100}xx"] += 1
        return response

    Case.call = counting_call


def pytest_runtest_logreport(report):
    if report.failed and os.environ.get(COUNTS_DIR) and not hasattr(report, "node"):
        text = str(report.longrepr)
        kinds = [line.strip(" |-") for line in text.splitlines() if " ST" in line[:12]]
        curls = [line.strip(" |") for line in text.splitlines() if "curl -X" in line]
        _failures[report.nodeid] = " / ".join(dict.fromkeys(kinds[:2] + curls[:1]))


def pytest_sessionfinish(session):
    directory = os.environ.get(COUNTS_DIR)
    if not directory:
        return
    name = getattr(session.config, "workerinput", {}).get("workerid", "main")
    Path(directory, f"{name}.json").write_text(
        json.dumps({"cases": dict(_cases), "failures": _failures})
    )


# --- The script ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max-examples", type=int, default=200, help="random cases per operation and caller"
    )
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (-n)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        env = {
            **os.environ,
            "SCHEMATHESIS_MAX_EXAMPLES": str(options.max_examples),
            COUNTS_DIR: directory,
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "pytest", TEST, "-p", "no:cacheprovider", "-q"]
        command += ["-p", "bench.api_fuzz", "-n", str(options.workers)]
        started = time.monotonic()
        finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        cases: collections.Counter = collections.Counter()
        failures: dict[str, str] = {}
        for path in Path(directory).glob("*.json"):
            data = json.loads(path.read_text())
            cases.update(data["cases"])
            failures.update(data["failures"])

    if not cases:
        print(finished.stdout[-5000:], finished.stderr[-5000:], sep="\n")
        return 1
    operations = {key.split("|")[0] for key in cases}
    by_caller: collections.Counter = collections.Counter()
    by_status: collections.Counter = collections.Counter()
    for key, count in cases.items():
        _operation, caller, status = key.split("|")
        by_caller[caller] += count
        by_status[status] += count
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    database = "PostgreSQL" if postgres else "SQLite"
    print(f"schemathesis campaign on {database}, {options.max_examples} examples per operation")
    print(f"  operations:  {len(operations)}, each for 2 callers (anonymous, member token)")
    print(f"  cases sent:  {sum(cases.values())}", dict(sorted(by_caller.items())))
    print("  by status:  ", dict(sorted(by_status.items())))
    print(f"  failures:    {len(failures)}")
    for nodeid, first in sorted(failures.items()):
        print(f"    {nodeid.split('[', 1)[-1]}: {first}")
    print(f"  time:        {elapsed:.0f} s with -n {options.workers}")
    if finished.returncode not in (0, 1):
        print(finished.stdout[-3000:], finished.stderr[-3000:], sep="\n")
    return 1 if failures or finished.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
