"""The outcome pages: an event's outcomes, fast entry by its organisers, themes, the list
of recommendations, a recommendation's page, commitments and their progress."""

import pytest
from django.urls import reverse

from commons.conftest import client_for
from commons.core.models import AuditEvent
from commons.events.models import Commitment, Event, Priority, Recommendation, Theme
from commons.events.outcomes import add_priority, add_recommendations, commit_to

from .conftest import make_event

NAMED = Recommendation.Audience.GOVERNMENT_OF_COUNTRY
HOSTILE = "<script>alert('x')</script> Protect workers"


def _edit_url(event) -> str:
    return reverse("events:outcomes_edit", args=[event.slug])


def _entry(**fields) -> dict:
    data = {
        "action": "add",
        "entry-region": "asia-pacific",
        "entry-audience": "legal-field",
        "entry-audience_country": "",
        "entry-themes": ["awareness", "prosecution"],
        "entry-countries": "TH, Cambodia",
        "entry-texts": "Train prosecutors.\n\n   \nTrain judges.\r\n  Fund legal aid.  \n",
    }
    data.update({f"entry-{name}": value for name, value in fields.items()})
    return data


@pytest.fixture
def lantern_commitment(recommendation, lantern, bob):
    return commit_to(
        recommendation=recommendation, organisation=lantern, action="Brief MPs", actor=bob
    )


# --- An event's outcomes -------------------------------------------------------------------


def test_it_shows_priorities_and_recommendations_by_region_and_audience(
    forum, recommendation, lantern_commitment, client, alice, bob
):
    add_priority(event=forum, region="asia-pacific", title="Debt bondage at sea")
    add_recommendations(
        event=forum, region="africa", audience="businesses", texts=["Audit supply chains."]
    )
    page = client.get(reverse("events:outcomes", args=[forum.slug])).content.decode()
    assert "Debt bondage at sea" in page
    listed = page.split('id="recommendations"', 1)[1]
    assert listed.index("<h3>Africa</h3>") < listed.index("<h3>Asia and the Pacific</h3>")
    assert "<h4>National governments</h4>" in page and "<h4>Businesses</h4>" in page
    assert f'href="/recommendations/{recommendation.pk}/"' in page
    assert "Safe migration" in page and "Thailand" in page
    assert "1 commitment" in page and "0 commitments" in page
    assert 'href="/recommendations/matrix/?event=asia-forum"' in page
    assert "Enter outcomes" not in page
    assert "Enter outcomes" not in client_for(bob).get(f"/events/{forum.slug}/outcomes/").text
    assert "Enter outcomes" in client_for(alice).get(f"/events/{forum.slug}/outcomes/").text
    assert client.post(reverse("events:outcomes", args=[forum.slug])).status_code == 405


def test_it_hides_the_outcomes_of_a_draft_event(lantern, client, alice):
    draft = make_event(organisers=[lantern], slug="draft", status=Event.Status.DRAFT)
    assert client.get(reverse("events:outcomes", args=["draft"])).status_code == 404
    assert client_for(alice).get(reverse("events:outcomes", args=[draft.slug])).status_code == 200


# --- Fast entry ----------------------------------------------------------------------------


def test_it_adds_one_recommendation_per_non_blank_line(forum, alice):
    client = client_for(alice)
    answer = client.post(_edit_url(forum), _entry())
    assert answer.status_code == 302
    added = list(Recommendation.objects.filter(event=forum).order_by("order"))
    assert [r.text for r in added] == ["Train prosecutors.", "Train judges.", "Fund legal aid."]
    for recommendation in added:
        assert (recommendation.region, recommendation.audience) == ("asia-pacific", "legal-field")
        assert recommendation.countries == ["KH", "TH"]
        assert recommendation.created_by == alice
        assert sorted(recommendation.themes.values_list("code", flat=True)) == [
            "awareness",
            "prosecution",
        ]
    page = client.get(answer["Location"]).content.decode()
    assert "3 recommendations added." in page
    # The choices stay for the next batch; the text area is empty and has the focus.
    assert '<option value="asia-pacific" selected>' in page
    assert '<option value="legal-field" selected>' in page
    assert 'value="awareness"' in page and 'value="prosecution"' in page
    assert page.count("checked") == 2
    assert 'value="TH, Cambodia"' in page
    textarea = page.split('name="entry-texts"', 1)[1].split("</textarea>", 1)[0]
    assert "autofocus" in textarea and textarea.endswith(">\n")
    assert page.index("Train prosecutors.") < page.index("Fund legal aid.")


def test_it_needs_a_country_when_a_named_government_is_addressed(forum, alice):
    client = client_for(alice)
    page = client.post(_edit_url(forum), _entry(audience=NAMED)).content.decode()
    assert "Choose the country whose government the recommendations address." in page
    assert not Recommendation.objects.exists()
    client.post(_edit_url(forum), _entry(audience=NAMED, audience_country="MY"))
    assert set(Recommendation.objects.values_list("audience_country", flat=True)) == {"MY"}


def test_it_refuses_an_empty_batch_and_unknown_countries(forum, alice):
    client = client_for(alice)
    page = client.post(_edit_url(forum), _entry(texts="\n  \n")).content.decode()
    assert "Type at least one recommendation." in page
    page = client.post(_edit_url(forum), _entry(countries="TH, Narnia")).content.decode()
    assert "This is not a country we know: Narnia." in page
    assert not Recommendation.objects.exists()


def test_only_the_organisers_enter_outcomes(forum, bob, carol, dave, staff, client):
    url = _edit_url(forum)
    for person in (bob, carol, dave):
        assert client_for(person).get(url).status_code == 403
        assert client_for(person).post(url, _entry()).status_code == 403
    answer = client.post(url, _entry())
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert not Recommendation.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=bob).exists()
    assert client_for(staff).get(url).status_code == 200
    assert client_for(staff).put(url).status_code == 405


def test_it_corrects_a_recommendation(forum, recommendation, alice):
    client = client_for(alice)
    page = client.get(_edit_url(forum), {"edit": recommendation.pk}).content.decode()
    assert 'name="edit-text"' in page and "Regulate recruitment agencies" in page
    answer = client.post(
        _edit_url(forum),
        {
            "action": "edit",
            "pk": recommendation.pk,
            "edit-text": "Ban recruitment fees.",
            "edit-region": "mena",
            "edit-audience": NAMED,
            "edit-audience_country": "QA",
            "edit-themes": ["corruption"],
            "edit-countries": "qa",
        },
    )
    assert answer.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.text, recommendation.region, recommendation.audience_country) == (
        "Ban recruitment fees.",
        "mena",
        "QA",
    )
    assert recommendation.countries == ["QA"]
    assert [t.code for t in recommendation.themes.all()] == ["corruption"]


def test_it_deletes_a_recommendation_unless_someone_committed_to_it(
    forum, recommendation, lantern_commitment, alice
):
    client = client_for(alice)
    [other] = add_recommendations(
        event=forum, region="asia-pacific", audience="businesses", texts=["Pay fair wages."]
    )
    # The fast entry's choices in the address stay; the one being edited does not.
    answer = client.post(
        _edit_url(forum) + f"?region=africa&edit={other.pk}", {"action": "delete", "pk": other.pk}
    )
    assert answer["Location"] == _edit_url(forum) + "?region=africa#recommendations"
    assert not Recommendation.objects.filter(pk=other.pk).exists()
    answer = client.post(_edit_url(forum), {"action": "delete", "pk": recommendation.pk})
    page = client.get(answer["Location"]).content.decode()
    assert "This recommendation stays: organisations have committed to act on it." in page
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_it_will_not_touch_another_events_recommendation(forum, recommendation, alice, lantern):
    other = make_event(organisers=[lantern], slug="other")
    answer = client_for(alice).post(_edit_url(other), {"action": "delete", "pk": recommendation.pk})
    assert answer.status_code == 404
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_it_adds_and_deletes_priorities(forum, alice):
    client = client_for(alice)
    client.post(
        _edit_url(forum),
        {
            "action": "priority",
            "priority-region": "asia-pacific",
            "priority-title": "Online scams",
            "priority-description": "Compounds hold thousands.",
            "priority-themes": ["technology"],
        },
    )
    priority = Priority.objects.get()
    assert (priority.title, [t.code for t in priority.themes.all()]) == (
        "Online scams",
        ["technology"],
    )
    assert "Online scams" in client.get(reverse("events:outcomes", args=[forum.slug])).text
    client.post(_edit_url(forum), {"action": "delete-priority", "pk": priority.pk})
    assert not Priority.objects.exists()


# --- Themes --------------------------------------------------------------------------------


def test_an_organiser_adds_a_theme_and_goes_back(forum, alice):
    url = reverse("events:theme_new")
    back = _edit_url(forum) + "?region=africa"
    answer = client_for(alice).post(url, {"theme-name": " Debt  bondage ", "next": back})
    assert answer.status_code == 302 and answer["Location"] == back
    theme = Theme.objects.get(code="debt-bondage")
    assert (theme.name, theme.created_by) == ("Debt bondage", alice)
    assert 'value="debt-bondage"' in client_for(alice).get(back).text
    answer = client_for(alice).post(url, {"theme-name": "Sea", "next": "https://evil.example/"})
    assert answer["Location"] == "/recommendations/"


def test_only_organisers_add_themes(bob, dave, client):
    url = reverse("events:theme_new")
    assert client_for(bob).post(url, {"theme-name": "Spam"}).status_code == 403
    assert client_for(dave).post(url, {"theme-name": "Spam"}).status_code == 403
    answer = client.post(url, {"theme-name": "Spam"})
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert client_for(bob).get(url).status_code == 405
    assert not Theme.objects.filter(code="spam").exists()


# --- The list of recommendations -----------------------------------------------------------


@pytest.fixture
def listed(forum, recommendation, lantern_commitment):
    add_recommendations(
        event=forum,
        region="africa",
        audience="businesses",
        texts=["Audit cocoa farms.", "Publish supplier lists."],
        themes=[Theme.objects.get(code="supply-chains")],
        countries=["GH"],
    )
    return forum


def test_the_list_filters_by_region_theme_country_and_words(listed, client):
    url = reverse("events:recommendations")

    def shown(**params):
        page = client.get(url, params).content.decode()
        return [
            text
            for text in ("Regulate recruitment", "Audit cocoa", "Publish supplier")
            if text in page
        ]

    assert shown() == ["Regulate recruitment", "Audit cocoa", "Publish supplier"]
    assert shown(region="africa") == ["Audit cocoa", "Publish supplier"]
    assert shown(theme="migration") == ["Regulate recruitment"]
    assert shown(country="GH") == ["Audit cocoa", "Publish supplier"]
    assert shown(q="cocoa") == ["Audit cocoa"]
    assert shown(audience="governments-national", event="asia-forum") == ["Regulate recruitment"]
    assert client.post(url).status_code == 405


def test_the_list_shows_what_nobody_has_taken_up(listed, client):
    url = reverse("events:recommendations")
    page = client.get(url).content.decode()
    assert 'class="untaken-link" href="?taken=no"' in page
    untaken = client.get(url, {"taken": "no"}).content.decode()
    assert "Regulate recruitment" not in untaken
    assert "Audit cocoa" in untaken and "Publish supplier" in untaken
    assert "2 recommendations" in untaken
    taken = client.get(url, {"taken": "yes"}).content.decode()
    assert "Regulate recruitment" in taken and "Audit cocoa" not in taken


def test_the_list_downloads_as_csv(listed, client):
    answer = client.get(reverse("events:recommendations"), {"region": "africa", "download": "csv"})
    assert answer["Content-Disposition"] == 'attachment; filename="recommendations.csv"'
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("kind,region,audience,audience_country,text,themes,countries")
    assert len(lines) == 3 and "Audit cocoa farms." in lines[1]


def test_the_list_is_paginated(forum, client):
    add_recommendations(
        event=forum, region="africa", audience="businesses", texts=[f"R{n}." for n in range(55)]
    )
    url = reverse("events:recommendations")
    first = client.get(url).content.decode()
    assert "Page 1 of 2" in first and "55 recommendations" in first
    assert "R54." in client.get(url, {"page": 2}).content.decode()


# --- A recommendation, commitments ---------------------------------------------------------


def test_a_recommendation_shows_its_commitments_and_who_may_commit(
    recommendation, lantern_commitment, client, carol, dave, lantern, harbour
):
    url = reverse("events:recommendation", args=[recommendation.pk])
    page = client.get(url).content.decode()
    assert "Regulate recruitment agencies" in page and "Asia regional forum" in page
    assert "Lantern Outreach" in page and "Brief MPs" in page and "Planned" in page
    assert "Sign in to commit" in page and 'name="commit-action"' not in page
    page = client_for(carol).get(url).content.decode()
    assert f'<option value="{harbour.pk}">Harbour Legal Aid</option>' in page
    assert f'<option value="{lantern.pk}"' not in page
    assert "Join your organisation first." in client_for(dave).get(url).text
    assert client.post(url).status_code == 405


def test_carol_commits_for_harbour_but_not_for_lantern(recommendation, carol, harbour, lantern):
    client = client_for(carol)
    url = reverse("events:commit", args=[recommendation.pk])
    form = {"commit-action": "Train 40 paralegals", "commit-due": "2027-06-30"}
    answer = client.post(url, {**form, "commit-organisation": lantern.pk})
    assert answer.status_code == 403 and not Commitment.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=carol).exists()
    answer = client.post(url, {**form, "commit-organisation": harbour.pk})
    commitment = Commitment.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/commitments/{commitment.pk}/"
    assert (commitment.organisation, commitment.action, str(commitment.due)) == (
        harbour,
        "Train 40 paralegals",
        "2027-06-30",
    )
    page = client.post(url, {"commit-organisation": harbour.pk, "commit-action": ""})
    assert page.status_code == 200 and "This field is required." in page.text
    assert client.get(url).status_code == 405


def test_only_members_of_an_organisation_commit(recommendation, dave, harbour, client):
    url = reverse("events:commit", args=[recommendation.pk])
    form = {"commit-organisation": harbour.pk, "commit-action": "Help"}
    assert client_for(dave).post(url, form).status_code == 403
    answer = client.post(url, form)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert not Commitment.objects.exists()


def test_carol_posts_an_update_that_changes_the_status(recommendation, carol, harbour, client):
    commitment = commit_to(recommendation=recommendation, organisation=harbour, action="Train")
    url = reverse("events:commitment", args=[commitment.pk])
    assert 'name="text"' not in client.get(url).text
    answer = client_for(carol).post(url, {"status": "in-progress", "text": "20 trained so far."})
    assert answer.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "in-progress"
    page = client.get(url).content.decode()
    assert "20 trained so far." in page and "In progress" in page
    detail = client.get(reverse("events:recommendation", args=[recommendation.pk])).text
    assert "Latest progress" in detail and "20 trained so far." in detail


def test_bob_updates_lanterns_commitment_and_carol_cannot(lantern_commitment, bob, carol, client):
    url = reverse("events:commitment", args=[lantern_commitment.pk])
    assert 'name="text"' in client_for(bob).get(url).text
    assert 'name="text"' not in client_for(carol).get(url).text
    assert client_for(carol).post(url, {"status": "done", "text": "Hijack"}).status_code == 403
    answer = client.post(url, {"status": "done", "text": "Hijack"})
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    lantern_commitment.refresh_from_db()
    assert lantern_commitment.status == "planned"
    client_for(bob).post(url, {"status": "done", "text": "Law passed."})
    lantern_commitment.refresh_from_db()
    assert lantern_commitment.status == "done"
    assert list(lantern_commitment.updates.values_list("status", flat=True)) == [
        "done",
        "planned",
    ]
    assert client_for(bob).put(url).status_code == 405


def test_a_draft_events_recommendation_and_commitment_are_hidden(lantern, client, alice):
    draft = make_event(organisers=[lantern], slug="draft", status=Event.Status.DRAFT)
    [secret] = add_recommendations(
        event=draft, region="africa", audience="businesses", texts=["Draft"]
    )
    commitment = commit_to(recommendation=secret, organisation=lantern, action="Plan")
    assert client.get(reverse("events:recommendation", args=[secret.pk])).status_code == 404
    assert client.get(reverse("events:commitment", args=[commitment.pk])).status_code == 404
    assert client_for(alice).get(f"/recommendations/{secret.pk}/").status_code == 200


# --- Hostile text --------------------------------------------------------------------------


def test_hostile_text_is_escaped_on_every_page(forum, alice, lantern):
    [hostile] = add_recommendations(
        event=forum,
        region="africa",
        audience="businesses",
        texts=[HOSTILE],
        themes=[Theme.objects.get(code="awareness")],
    )
    add_priority(event=forum, region="africa", title=HOSTILE, description=HOSTILE)
    commitment = commit_to(recommendation=hostile, organisation=lantern, action=HOSTILE)
    client = client_for(alice)
    client.post(
        reverse("events:commitment", args=[commitment.pk]), {"status": "done", "text": HOSTILE}
    )
    pages = [
        reverse("events:outcomes", args=[forum.slug]),
        _edit_url(forum),
        _edit_url(forum) + f"?edit={hostile.pk}",
        reverse("events:recommendations"),
        reverse("events:recommendations") + "?q=script",
        reverse("events:recommendation", args=[hostile.pk]),
        reverse("events:commitment", args=[commitment.pk]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page, url
