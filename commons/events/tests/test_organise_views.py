"""The organisers' pages: writing an event in its own time zone, publishing it, its
programme, the participant list with attendance and exports, feedback, and "My events"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.core.tests.languages import translated
from commons.events import services
from commons.events.models import Event, Material, Registration, Session, Speaker, Theme
from commons.lib.tabular import read_table

from .conftest import make_event

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 14:00 to 16:00 in Bangkok (UTC+7, no summer time): 07:00 to 09:00 UTC.
CLINIC_START = datetime.datetime(2030, 1, 15, 7, 0, tzinfo=UTC)


def _event_form(**changes) -> dict:
    form = {
        "title": "Safe migration clinic",
        "slug": "",
        "kind": "webinar",
        "summary": "Questions and answers on **recruitment fees**.",
        "external_organiser": "",
        "external_url": "",
        "region": "asia-pacific",
        "countries": ["TH", "KH"],
        "languages": "en, tha",
        "interpretation": "km",
        "themes": [Theme.objects.get(code="migration").pk],
        "online_url": "https://meet.example.org/clinic",
        "venue": "",
        "city": "",
        "country": "",
        "time_zone": "Asia/Bangkok",
        "starts_at": "2030-01-15T14:00",
        "ends_at": "2030-01-15T16:00",
        "registration": "open",
        "capacity": "50",
        "feedback_open": "on",
    }
    form.update(changes)
    return form


@pytest.fixture
def clinic(lantern) -> Event:
    return make_event(
        organisers=[lantern],
        slug="clinic",
        title="Safe migration clinic",
        starts_at=CLINIC_START,
        capacity=None,
    )


def _formset(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{name}": value for name, value in row.items()})
    return data


def _programme(sessions=(), speakers=(), materials=(), *, initial=None) -> dict:
    initial = initial or {}
    return {
        **_formset("sessions", list(sessions), initial=initial.get("sessions", 0)),
        **_formset("speakers", list(speakers), initial=initial.get("speakers", 0)),
        **_formset("materials", list(materials), initial=initial.get("materials", 0)),
    }


# --- Creating and editing an event ------------------------------------------------------


def test_it_creates_a_draft_only_its_organisers_see_and_publishes_it(alice, bob, lantern):
    client = client_for(alice)
    page = client.get(reverse("events:new")).text
    assert f'name="own_organisations" value="{lantern.pk}"' in page
    answer = client.post(reverse("events:new"), _event_form(own_organisations=[lantern.pk]))
    event = Event.objects.get()
    assert answer.status_code == 302 and answer["Location"] == "/events/safe-migration-clinic/edit/"
    assert (event.slug, event.status, event.created_by) == ("safe-migration-clinic", "draft", alice)
    assert list(event.organisers.all()) == [lantern]
    assert (event.languages, event.interpretation, event.countries) == (
        ["en", "th"],
        ["km"],
        ["TH", "KH"],
    )
    assert [t.code for t in event.themes.all()] == ["migration"]
    assert "<strong>recruitment fees</strong>" in event.summary_html

    mine = client.get(reverse("events:mine")).text
    assert "Safe migration clinic" in mine and "Draft" in mine
    assert "Safe migration clinic" not in client_for(None).get(reverse("events:calendar")).text
    assert client_for(bob).get(event.get_absolute_url()).status_code == 404
    assert client.get(event.get_absolute_url()).status_code == 200

    page = client.get(answer["Location"]).text
    assert "Publish" in page and "Safe migration clinic" in page
    answer = client.post(reverse("events:status", args=[event.slug]), {"status": "published"})
    assert answer.status_code == 302
    event.refresh_from_db()
    assert event.status == "published"
    assert "is published" in client.get(answer["Location"]).text
    assert "Safe migration clinic" in client_for(None).get(reverse("events:calendar")).text
    assert client_for(bob).get(event.get_absolute_url()).status_code == 200


def test_it_stores_times_entered_in_the_events_time_zone_and_shows_them_back(alice, lantern):
    client = client_for(alice)
    # Alice reads times in London, but the form speaks the event's own zone.
    client.cookies["tz"] = "Europe/London"
    client.post(reverse("events:new"), _event_form(own_organisations=[lantern.pk]))
    event = Event.objects.get()
    assert event.starts_at == datetime.datetime(2030, 1, 15, 7, 0, tzinfo=UTC)
    assert event.ends_at == datetime.datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
    assert event.time_zone == "Asia/Bangkok"
    page = client.get(reverse("events:edit", args=[event.slug])).text
    assert 'value="2030-01-15T14:00"' in page and 'value="2030-01-15T16:00"' in page
    # The same wall-clock time in another zone is another instant.
    answer = client.post(
        reverse("events:edit", args=[event.slug]),
        _event_form(time_zone="Europe/London", own_organisations=[lantern.pk]),
    )
    assert answer.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == datetime.datetime(2030, 1, 15, 14, 0, tzinfo=UTC)


def test_it_refuses_an_end_before_the_start_and_a_time_the_clocks_skip(alice, lantern):
    client = client_for(alice)
    page = client.post(
        reverse("events:new"),
        _event_form(ends_at="2030-01-15T13:00", own_organisations=[lantern.pk]),
    ).text
    assert 'id="id_ends_at_error"' in page and "The end is before the start." in page
    page = client.post(
        reverse("events:new"),
        _event_form(
            time_zone="Europe/London",
            starts_at="2030-03-31T01:30",
            ends_at="2030-03-31T03:00",
            own_organisations=[lantern.pk],
        ),
    ).text
    assert "This time does not exist in Europe/London" in page
    page = client.post(
        reverse("events:new"), _event_form(languages="en, klingon", own_organisations=[lantern.pk])
    ).text
    assert "klingon is not an ISO 639 language code." in page
    assert not Event.objects.exists()


def test_an_admin_adds_and_removes_only_their_own_organisations(alice, lantern, harbour):
    event = make_event(organisers=[lantern, harbour], slug="joint")
    client = client_for(alice)
    url = reverse("events:edit", args=["joint"])
    page = client.get(url).text
    assert f'name="own_organisations" value="{lantern.pk}"' in page
    assert f'name="own_organisations" value="{harbour.pk}"' not in page
    page = client.post(url, _event_form(title="Joint webinar")).text
    assert "Choose at least one of your organisations." in page
    page = client.post(url, _event_form(own_organisations=[harbour.pk])).text
    assert "Select a valid choice" in page
    assert client.post(url, _event_form(own_organisations=[lantern.pk])).status_code == 302
    event.refresh_from_db()
    assert set(event.organisers.all()) == {lantern, harbour}
    assert event.slug == "joint"  # the address does not change


def test_staff_organise_any_event_and_name_its_organisers(staff, clinic, harbour):
    client = client_for(staff)
    url = reverse("events:edit", args=["clinic"])
    assert "lantern</textarea>" in client.get(url).text
    page = client.post(url, _event_form(organiser_names="harbour\nnowhere")).text
    assert "No organisation has the short name nowhere." in page
    assert client.post(url, _event_form(organiser_names="harbour")).status_code == 302
    assert list(clinic.organisers.all()) == [harbour]
    for name in ("programme", "participants", "feedback_results"):
        assert client.get(reverse(f"events:{name}", args=["clinic"])).status_code == 200
    answer = client.post(reverse("events:new"), _event_form(slug="platform-event"))
    assert answer.status_code == 302
    assert not Event.objects.get(slug="platform-event").organisers.exists()


def test_others_are_refused_and_visitors_sent_to_sign_in(clinic, bob, carol):
    organiser_pages = [
        reverse("events:edit", args=["clinic"]),
        reverse("events:programme", args=["clinic"]),
        reverse("events:participants", args=["clinic"]),
        reverse("events:participants_download", args=["clinic", "csv"]),
        reverse("events:feedback_results", args=["clinic"]),
    ]
    for url in organiser_pages:
        assert client_for(carol).get(url).status_code == 403
        assert client_for(bob).get(url).status_code == 403
        answer = client_for(None).get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert client_for(carol).post(organiser_pages[0], _event_form()).status_code == 403
    status = reverse("events:status", args=["clinic"])
    assert client_for(carol).post(status, {"status": "cancelled"}).status_code == 403
    clinic.refresh_from_db()
    assert clinic.status == "published" and clinic.title == "Safe migration clinic"
    assert client_for(bob).get(reverse("events:new")).status_code == 403
    assert client_for(None).get(reverse("events:new")).status_code == 302
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=carol)
    assert denied.count() == len(organiser_pages) + 2


def test_wrong_methods_are_refused(clinic, alice):
    client = client_for(alice)
    assert client.get(reverse("events:status", args=["clinic"])).status_code == 405
    assert client.put(reverse("events:edit", args=["clinic"])).status_code == 405
    assert client.delete(reverse("events:new")).status_code == 405
    assert client.put(reverse("events:programme", args=["clinic"])).status_code == 405
    assert client.put(reverse("events:participants", args=["clinic"])).status_code == 405
    download = reverse("events:participants_download", args=["clinic", "csv"])
    assert client.post(download).status_code == 405
    assert client.post(reverse("events:feedback_results", args=["clinic"])).status_code == 405
    assert client.post(reverse("events:mine")).status_code == 405


def test_the_status_goes_back_to_draft_or_cancelled_and_nothing_else(clinic, alice, bob):
    services.register(event=clinic, user=bob)
    client = client_for(alice)
    url = reverse("events:status", args=["clinic"])
    assert client.post(url, {"status": "archived"}).status_code == 404
    client.post(url, {"status": "cancelled"})
    clinic.refresh_from_db()
    assert clinic.status == "cancelled"
    page = client.get(reverse("events:edit", args=["clinic"])).text
    assert "Publish again" in page and "Cancel the event" not in page
    client.post(url, {"status": "draft"})
    clinic.refresh_from_db()
    assert clinic.status == "draft"
    assert client_for(bob).get(clinic.get_absolute_url()).status_code == 404


# --- The programme ------------------------------------------------------------------------


def test_the_programme_adds_a_session_a_speaker_and_a_material(clinic, alice, bob, lantern):
    client = client_for(alice)
    url = reverse("events:programme", args=["clinic"])
    page = client.get(url).text
    assert "Asia/Bangkok" in page and 'name="sessions-TOTAL_FORMS"' in page
    session = {
        "title": "Fees and debts",
        "description": "",
        "starts_at": "2030-01-15T14:30",
        "ends_at": "2030-01-15T15:15",
        "language": "tha",
    }
    material = {"kind": "slides", "title": "Slides", "url": "https://example.org/s.pdf"}
    answer = client.post(url, _programme([session], materials=[material]))
    assert answer.status_code == 302
    saved = Session.objects.get(event=clinic)
    assert saved.starts_at == datetime.datetime(2030, 1, 15, 7, 30, tzinfo=UTC)
    assert saved.language == "th"
    assert Material.objects.get(event=clinic).url == "https://example.org/s.pdf"

    speaker = {
        "name": "Bob Member",
        "role": "panelist",
        "session": str(saved.pk),
        "organisation_name": "lantern",
        "person_email": "BOB@example.org",
        "affiliation": "Field officer",
    }
    answer = client.post(
        url,
        _programme(
            [{**session, "id": str(saved.pk)}],
            [speaker],
            [{**material, "id": str(Material.objects.get().pk)}],
            initial={"sessions": 1, "materials": 1},
        ),
    )
    assert answer.status_code == 302
    speaker = Speaker.objects.get(event=clinic)
    assert (speaker.session, speaker.organisation, speaker.person) == (saved, lantern, bob)
    page = client.get(url).text
    assert 'value="lantern"' in page and 'value="bob@example.org"' in page
    assert 'value="2030-01-15T14:30"' in page
    assert "Bob Member" in client.get(clinic.get_absolute_url()).text


def test_the_programme_refuses_a_session_outside_the_event_and_unknown_links(clinic, alice):
    client = client_for(alice)
    url = reverse("events:programme", args=["clinic"])
    late = {"title": "After hours", "starts_at": "2030-01-15T16:30", "ends_at": "2030-01-15T17:00"}
    page = client.post(url, _programme([late])).text
    assert "A session takes place during the event: between 2030-01-15 14:00 and" in page
    speaker = {"name": "X", "role": "speaker", "organisation_name": "nowhere"}
    page = client.post(url, _programme(speakers=[{**speaker, "person_email": "no@x.org"}])).text
    assert "No organisation has the short name nowhere." in page
    assert "No account has this address." in page
    assert not Session.objects.exists() and not Speaker.objects.exists()


def test_the_programme_deletes_a_ticked_row(clinic, alice):
    gone = Material.objects.create(event=clinic, title="Old", url="https://example.org/old")
    data = _programme(
        materials=[
            {"id": str(gone.pk), "kind": "other", "title": "Old", "url": gone.url, "DELETE": "on"}
        ],
        initial={"materials": 1},
    )
    assert (
        client_for(alice).post(reverse("events:programme", args=["clinic"]), data).status_code
        == 302
    )
    assert not Material.objects.exists()


# --- Participants, attendance, exports -------------------------------------------------


@pytest.fixture
def registered(webinar, bob, carol, dave):
    """Bob and Carol hold the webinar's two places, Dave waits, a guest has not confirmed."""
    for person in (bob, carol, dave):
        services.register(event=webinar, user=person)
    services.register(event=webinar, name="Guest Person", email="guest@example.org")
    return {r.email: r for r in webinar.registrations.all()}


def test_the_participant_list_shows_who_registered_and_is_audited(webinar, registered, alice):
    page = client_for(alice).get(reverse("events:participants", args=["webinar"])).text
    for email in registered:
        assert email in page
    assert "Guest Person" in page and "On the waiting list" in page
    assert "<dt>Registered</dt><dd>2</dd>" in page
    assert "<dt>On the waiting list</dt><dd>1</dd>" in page
    assert "<dt>Places left</dt><dd>0</dd>" in page
    [read] = AuditEvent.objects.filter(action=AuditEvent.Action.SENSITIVE_READ)
    assert (read.actor, read.target_type, read.target_id) == (
        alice,
        "events.event",
        str(webinar.pk),
    )


def test_the_participant_list_is_downloaded_in_the_organisers_language(webinar, registered, alice):
    alice.language = "es"
    alice.save(update_fields=["language"])
    client = client_for(alice)
    for fmt in ("csv", "xlsx"):
        answer = client.get(reverse("events:participants_download", args=["webinar", fmt]))
        header, rows = read_table(answer.content)
        assert header[:4] == [
            translated("es", "Name"),
            translated("es", "E-mail address"),
            translated("es", "Organisation"),
            translated("es", "Status"),
        ]
        assert translated("es", "Registered at") in header
        by_address = {row[header[1]]: row for _number, row in rows}
        with translation.override("es"):
            waiting = str(Registration.Status.WAITLISTED.label)
        assert by_address["dave@example.org"][header[3]] == waiting


def test_the_participant_list_downloads_as_csv_and_xlsx_audited(webinar, registered, alice):
    client = client_for(alice)
    for fmt in ("csv", "xlsx"):
        answer = client.get(reverse("events:participants_download", args=["webinar", fmt]))
        assert answer.status_code == 200
        assert answer["Content-Disposition"] == f'attachment; filename="webinar-participants.{fmt}"'
        header, rows = read_table(answer.content)
        assert header == [
            "Name",
            "E-mail address",
            "Organisation",
            "Status",
            "Registered at",
            "Confirmed",
            "Attended",
            "Language for e-mails",
        ]
        rows = {row["E-mail address"]: row for _number, row in rows}
        assert set(rows) == set(registered)
        bob = rows["bob@example.org"]
        assert (bob["Status"], bob["Organisation"]) == ("Registered", "Lantern Outreach")
        assert bob["Registered at"].endswith("+00:00")
        assert (
            datetime.datetime.fromisoformat(bob["Registered at"])
            == registered["bob@example.org"].created_at
        )
        assert rows["guest@example.org"]["Confirmed"] == ""
    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=alice)
    assert sorted(e.data["format"] for e in exports) == ["csv", "xlsx"]
    assert (
        client.get(reverse("events:participants_download", args=["webinar", "pdf"])).status_code
        == 404
    )


def test_the_organisers_mark_who_attended(webinar, registered, forum, alice, bob):
    elsewhere = Registration.objects.create(
        event=forum,
        name="Other",
        email="other@example.org",
        status="confirmed",
        token_hash="x" * 64,
    )
    bobs, carols, daves = (registered[f"{p}@example.org"] for p in ("bob", "carol", "dave"))
    client = client_for(alice)
    url = reverse("events:participants", args=["webinar"])
    page = client.get(url).text
    assert f'name="attended" value="{bobs.pk}"' in page
    assert f'name="attended" value="{daves.pk}"' not in page  # not holding a place
    answer = client.post(
        url,
        {"present": [bobs.pk, carols.pk, elsewhere.pk], "attended": [bobs.pk, elsewhere.pk, "x"]},
    )
    assert answer.status_code == 302
    for registration in (bobs, carols, daves, elsewhere):
        registration.refresh_from_db()
    assert (bobs.attended, carols.attended, daves.attended) == (True, False, None)
    assert elsewhere.attended is None  # another event's participant is out of reach
    assert f'name="attended" value="{bobs.pk}" checked' in client.get(url).text
    assert client_for(bob).post(url, {"present": [bobs.pk]}).status_code == 403


def test_feedback_results_show_the_answers_average_and_comments(webinar, registered, alice):
    Event.objects.filter(pk=webinar.pk).update(
        starts_at=webinar.starts_at - datetime.timedelta(days=20),
        ends_at=webinar.ends_at - datetime.timedelta(days=20),
    )
    services.save_feedback(
        registration=registered["bob@example.org"], rating=5, useful="The legal clinic", improve=""
    )
    services.save_feedback(
        registration=registered["carol@example.org"], rating=2, useful="", improve="Shorter talks"
    )
    page = client_for(alice).get(reverse("events:feedback_results", args=["webinar"])).text
    assert "<dt>Answers</dt><dd>2</dd>" in page
    assert "<dd>3.5</dd>" in page
    assert "1 (50 %)" in page and "0 (0 %)" in page
    assert "The legal clinic" in page and "Shorter talks" in page


def test_feedback_results_without_answers_say_so(webinar, alice):
    page = client_for(alice).get(reverse("events:feedback_results", args=["webinar"])).text
    assert "No participant has given feedback yet." in page


# --- My events ----------------------------------------------------------------------------


def test_my_events_lists_registrations_and_the_events_i_organise(webinar, alice, bob, dave):
    draft = make_event(
        organisers=webinar.organisers.all(), slug="draft", title="Draft forum", status="draft"
    )
    services.register(event=webinar, user=bob)
    page = client_for(bob).get(reverse("events:mine")).text
    assert "Safe recruitment webinar" in page and "Registered" in page
    assert draft.title not in page and "New event" not in page
    page = client_for(alice).get(reverse("events:mine")).text
    assert draft.title in page and reverse("events:edit", args=["draft"]) in page
    assert reverse("events:new") in page
    page = client_for(dave).get(reverse("events:mine")).text
    assert "You are not registered for any upcoming event." in page
    assert client_for(None).get(reverse("events:mine")).status_code == 302


def test_a_material_can_be_a_library_resource_shown_in_the_readers_language(
    clinic, alice, moderator, django_capture_on_commit_callbacks
):
    from commons.library.services import approve_resource, create_work, submit_resource

    work = create_work(fields={"type": "report"}, title="Forum report")
    for language in ("en", "km"):
        approve_resource(
            resource=submit_resource(
                work=work, fields={"language": language, "title": "Report"}, submitter=alice
            ),
            moderator=moderator,
        )
    client = client_for(alice)
    url = reverse("events:programme", args=["clinic"])
    unknown = {"kind": "report", "title": "Report", "url": "", "library_work": "no-such-work"}
    page = client.post(url, _programme(materials=[unknown])).text
    assert "No published library resource has this short name." in page
    neither = {"kind": "report", "title": "Report", "url": "", "library_work": ""}
    page = client.post(url, _programme(materials=[neither])).text
    assert "Give a link, or the short name of a library resource." in page
    linked = {**neither, "library_work": work.slug}
    assert client.post(url, _programme(materials=[linked])).status_code == 302
    assert Material.objects.get(event=clinic).work == work
    page = client_for(None).get(clinic.get_absolute_url()).text
    assert f'href="{work.get_absolute_url()}"' in page
