"""Two people take the last place at the same moment: one gets it, the other waits.

Runs in real transactions on separate connections (one per thread), on SQLite and on
PostgreSQL (``make test-postgres``), where the event row's lock is what prevents it.
"""

import threading

import pytest
from django.db import connection

from commons.conftest import make_user
from commons.events import services
from commons.events.models import Registration

pytestmark = pytest.mark.django_db(transaction=True)


def _race(event, users) -> list:
    barrier = threading.Barrier(len(users))
    results, errors = [], []

    def take_a_place(user):
        try:
            barrier.wait(timeout=10)
            registration, _token = services.register(event=event, user=user)
            results.append(registration.status)
        except Exception as error:  # reported below: a failed thread must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_a_place, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


def test_two_people_taking_the_last_place_at_once_do_not_overbook(lantern):
    from commons.events.tests.conftest import make_event

    event = make_event(organisers=[lantern], capacity=1)
    for _round in range(3):
        Registration.objects.all().delete()
        users = [make_user(f"racer{_round}-{n}@example.org") for n in range(4)]
        statuses = _race(event, users)
        assert (
            sorted(statuses)
            == [Registration.Status.CONFIRMED] + [Registration.Status.WAITLISTED] * 3
        )
        assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 1


def test_cancelling_while_others_register_keeps_the_count_right(lantern):
    from commons.events.tests.conftest import make_event

    event = make_event(organisers=[lantern], capacity=2)
    first = make_user("first@example.org")
    holder, _token = services.register(event=event, user=first)
    services.register(event=event, user=make_user("second@example.org"))
    waiting = [make_user(f"wait{n}@example.org") for n in range(3)]
    barrier = threading.Barrier(2)
    errors = []

    def cancel():
        try:
            barrier.wait(timeout=10)
            services.cancel_registration(registration=holder)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def register_all():
        try:
            barrier.wait(timeout=10)
            for user in waiting:
                services.register(event=event, user=user)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel), threading.Thread(target=register_all)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 2
    assert event.registrations.filter(status=Registration.Status.WAITLISTED).count() == 2
