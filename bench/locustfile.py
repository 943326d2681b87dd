"""The visitors of bench/load.py, for locust (run by it, headless, never on its own).

``MixUser`` does what people do on the site, in these proportions (task weights, out
of 100): the home page (12); directory searches as a page (20: a word, facets, a word
and facets, the map view, the second page) and through the API (5); the flow map page
(4) and its API (10: flows with filters, a country's routes); the calendar (5) and
event pages (10, with their iCalendar file now and then); library searches as a page
(14: a word, a word in every language, facets) and through the API (4), and works'
pages (5); and one sign-in in a hundred (1): the form, a real POST of a demo person's
e-mail and password with its CSRF token, the dashboard, then signing out again (POST).
Visitors wait for nothing between requests: the server is kept busy, so the rate is
the most it sustains with ``--users`` requests at once.

``MinimalUser`` asks for ``/__bench__/minimal`` (bench/urls.py) only.

Every request is written to ``BENCH_REQUEST_LOG`` as a CSV line: start (epoch seconds),
name, status, milliseconds, 1 when it succeeded, the error. A request succeeds when it
answers 200 (a sign-in: 302 to the dashboard; a sign-out: 302).
"""

import csv
import json
import os
import random
import re
from pathlib import Path

from locust import FastHttpUser, events, task

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text()) if "BENCH_PLAN" in os.environ else {}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_log = None
_writer = None


@events.init.add_listener
def _open_log(environment, **_kwargs):
    global _log, _writer
    path = os.environ.get("BENCH_REQUEST_LOG")
    if path:
        _log = open(path, "w", newline="")  # noqa: SIM115 - closed at quit
        _writer = csv.writer(_log)


@events.request.add_listener
def _record(name, response_time, response, exception, start_time=None, context=None, **_kw):
    if _writer is None:
        return
    status = getattr(response, "status_code", 0) or 0
    _writer.writerow(
        [
            f"{start_time:.4f}",
            name,
            status,
            f"{response_time:.2f}",
            0 if exception else 1,
            str(exception or "")[:200].replace("\n", " "),
        ]
    )


@events.quitting.add_listener
def _close_log(environment, **_kwargs):
    if _log is not None:
        _log.flush()
        _log.close()


def _pick(values, k=1):
    return random.sample(values, min(k, len(values))) if values else []


def _facet(name):
    return _pick(PLAN.get("facets", {}).get(name, []))


class MixUser(FastHttpUser):
    """A visitor doing what people do on the site (see the module's docstring)."""

    def _get(self, path, name, params=None, expect=(200,)):
        with self.client.get(path, params=params, name=name, catch_response=True) as response:
            if response.status_code not in expect:
                response.failure(f"status {response.status_code}")
            return response

    @task(12)
    def home(self):
        self._get("/", "home")

    @task(20)
    def directory_search(self):
        kind = random.choice(["word", "facets", "word+facets", "map", "page 2", "empty"])
        params = {}
        if "word" in kind or kind == "page 2":
            params["q"] = random.choice(PLAN["words"])
        if "facets" in kind or kind == "map":
            params["country"] = _facet("country")
            params["services"] = _facet("services")
            params["type"] = _facet("type")
        if kind == "map":
            params["view"] = "map"
        if kind == "page 2":
            params = {"page": 2}
        self._get("/directory/", f"directory search ({kind})", params=params)

    @task(5)
    def directory_api(self):
        params = {"q": random.choice(PLAN["words"]), "country": _facet("country")}
        self._get("/api/v1/organisations", "API organisations search", params=params)

    @task(4)
    def flow_map_page(self):
        self._get("/journeys/", "flow map page")

    @task(10)
    def flow_map_api(self):
        countries = PLAN["countries"]
        kind = random.choice(["all", "recruitment", "exploitation", "country"])
        if kind == "country":
            self._get(
                f"/api/v1/journeys/countries/{random.choice(countries)}",
                "API journeys country",
            )
            return
        params = {}
        if kind != "all":
            params[kind] = random.choice(countries)
        self._get("/api/v1/journeys/flows", f"API journeys flows ({kind})", params=params)

    @task(5)
    def calendar(self):
        self._get("/events/", "events calendar")

    @task(10)
    def event_page(self):
        slug = random.choice(PLAN["events"])
        self._get(f"/events/{slug}/", "event page")
        if random.random() < 0.1:
            self._get(f"/events/{slug}/event.ics", "event iCalendar")

    @task(14)
    def library_search(self):
        kind = random.choice(["word", "word, all languages", "facets"])
        params = {}
        if kind.startswith("word"):
            params["q"] = random.choice(PLAN["library_words"])
        if kind == "word, all languages":
            params["all"] = "1"
        if kind == "facets":
            params["all"] = "1"
            params["topic"] = _pick(PLAN["topics"])
            params["type"] = _pick(PLAN["types"])
        self._get("/library/", f"library search ({kind})", params=params)

    @task(4)
    def library_api(self):
        params = {"q": random.choice(PLAN["library_words"])}
        self._get("/api/v1/resources", "API library search", params=params)

    @task(5)
    def library_work(self):
        self._get(f"/library/{random.choice(PLAN['works'])}/", "library work page")

    @task(1)
    def sign_in_and_out(self):
        form = self._get("/accounts/login/", "sign-in form")
        match = TOKEN.search(form.text or "")
        if match is None:
            return
        with self.client.post(
            "/accounts/login/",
            data={
                "login": random.choice(PLAN["people"]),
                "password": PLAN["password"],
                "csrfmiddlewaretoken": match.group(1),
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign-in (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "login" in location:
                response.failure(f"status {response.status_code}, to {location or '-'}")
                return
        page = self._get(location, "dashboard (signed in)")
        match = TOKEN.search(page.text or "")
        if match is None:
            return
        with self.client.post(
            "/accounts/logout/",
            data={"csrfmiddlewaretoken": match.group(1)},
            headers={"Referer": f"{self.host}/"},
            name="sign-out (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")


class MinimalUser(FastHttpUser):
    """The baseline: as little as a Django view can do."""

    @task
    def minimal(self):
        with self.client.get("/__bench__/minimal", name="minimal view", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
