"""Signing in while the database is down does not count toward the sign-in lockout."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from commons.conftest import PASSWORD


def _sign_in(client: Client):
    return client.post(
        reverse("account_login"), {"login": "dave@example.org", "password": PASSWORD}
    )


@pytest.mark.django_db(transaction=True)
def test_sign_ins_refused_by_a_database_outage_do_not_lock_the_account(dave, monkeypatch):
    client = Client(raise_request_exception=False)
    # The database stops answering: a file that cannot be opened, a port nobody listens on.
    connection.close()
    with monkeypatch.context() as outage:
        if connection.vendor == "sqlite":
            outage.setitem(connection.settings_dict, "NAME", "/nonexistent/commons.sqlite3")
        else:
            outage.setitem(connection.settings_dict, "PORT", "1")
        # More attempts than the lockout allows (5 in 5 minutes for one address).
        statuses = [_sign_in(client).status_code for _attempt in range(7)]
        connection.close()
    assert statuses == [503] * 7
    response = _sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
