"""schemathesis generates requests for every operation of /api/v1/openapi.json, valid and
invalid ones (huge integers, NUL bytes, unpaired surrogates, wrong types, missing
values), and sends them in-process to the WSGI application, as an anonymous visitor
and with the personal API token of a member of a verified organisation, against the
demo content (organisations, people, events, library, posts, newsletter, threads,
alerts and a published journeys release). Every answer must be no server error, carry
a documented status code, content type and headers, and match the documented schema.

``SCHEMATHESIS_MAX_EXAMPLES`` sets the examples per operation of the fuzzing phase for a
longer campaign (``bench/api_fuzz.py`` runs one and counts the cases)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from commons.accounts.models import Membership, Organisation
from commons.accounts.services import create_api_token
from commons.conftest import make_user, with_totp
from commons.core.demo import load_demo
from commons.directory import facet_index
from commons.discussions import search as discussions_search
from commons.journeys.demo import load_demo_journeys
from commons.library import search as library_search
from commons.wsgi import application

# Every operation's coverage phase (boundary and invalid values of each parameter) and
# this many random cases, valid and invalid, within the suite's budget.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",  # valid and invalid requests
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,  # the same cases on every run, for a stable CI
            "database": "none",
        },
    }
)

# The schema as the application serves it (no database is needed to read it).
with override_settings(ALLOWED_HOSTS=["localhost"]):  # the Host schemathesis sends
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

INDEXES = (facet_index, library_search, discussions_search)

# Values schemathesis does not send (it writes valid UTF-8 only, and integers within the
# documented bounds or just past them), percent-encoded as they reach the application.
HOSTILE = {
    "huge integer": "9" * 40,
    "NUL byte": "a%00b",
    "unpaired surrogate": "%ED%A0%80",  # U+D800 in UTF-8, which UTF-8 forbids
    "invalid UTF-8": "%FF%FE",
    "impossible date": "2025-02-30",
    "slash": "a%2Fb",
}
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture(scope="module")
def member_token(django_db_setup, django_db_blocker):
    """The demo content, loaded once for the module (each test runs in a savepoint of
    this transaction), with victor of the verified Beacon as in ``commons/conftest.py``:
    his personal API token is returned, and Beacon's journey records are in the release
    so that ``/journeys/mine/records`` answers him with rows."""
    # As Django's test client does: a request must not close the connection that holds
    # the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock(), transaction.atomic():
        for index in INDEXES:
            index.reset()  # built again from this content
        staff = with_totp(make_user("stella@example.org", name="Stella", is_staff=True))
        beacon = Organisation.objects.create(
            name="Beacon Shelter Network",
            slug="beacon",
            country="VN",
            verified_at=timezone.now(),
            verified_by=staff,
        )
        victor = make_user("victor@example.org", name="Victor")
        Membership.objects.create(user=victor, organisation=beacon, role="member", status="active")
        load_demo_journeys(Organisation.objects.filter(pk=beacon.pk))
        load_demo()
        _token, raw = create_api_token(user=victor, name="schemathesis")
        yield raw
        transaction.set_rollback(True)
        for index in INDEXES:
            index.reset()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "member"])
def caller(request, member_token) -> dict[str, str]:
    """The headers every request carries: none, or victor's personal API token."""
    return {} if request.param == "anonymous" else {"Authorization": f"Bearer {member_token}"}


@pytest.fixture(autouse=True)
def _schemathesis_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]


@schema.parametrize()
@settings(
    deadline=None,
    derandomize=True,
    max_examples=MAX_EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_every_answer_is_documented_and_no_server_error(case, caller):
    case.call_and_validate(headers=caller, checks=CHECKS)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@pytest.mark.django_db
def test_hostile_values_are_refused_or_ignored_as_documented(operation, member_token):
    """Each hostile value in each parameter, the others left out (path parameters 1),
    with the member's token, which reaches every operation's code."""
    client = Client(application)
    headers = {"Authorization": f"Bearer {member_token}"}
    parameters = operation.definition.raw.get("parameters", [])
    path_parameters = {p["name"]: "1" for p in parameters if p["in"] == "path"}
    for parameter in parameters:
        for value in HOSTILE.values():
            path, query = operation.path, ""
            for name in path_parameters:
                path = path.replace(f"{{{name}}}", value if name == parameter["name"] else "1")
            if parameter["in"] == "query":
                query = f"{parameter['name']}={value}"
            response = client.get(path, query_string=query, headers=headers)
            case = operation.Case(path_parameters=path_parameters)
            case.validate_response(response, checks=CHECKS)
