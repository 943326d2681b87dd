"""A data steward builds a draft on the web, watches it build, previews it and publishes."""

import io

from django.urls import reverse

from commons.conftest import client_for
from commons.core.models import AuditEvent, Progress
from commons.journeys.demo import synthetic_csv
from commons.journeys.models import Release
from commons.journeys.services import import_records


def test_a_steward_builds_previews_and_publishes_a_release(verified, steward, alice):
    import_records(
        organisation=verified,
        by=None,
        origin="command",
        source=io.BytesIO(synthetic_csv(rows=3000, seed=3)),
        attestation="Synthetic test data.",
    )
    assert client_for(alice).get(reverse("journeys:steward")).status_code == 403
    client = client_for(steward)
    assert reverse("journeys:steward") in client.get(reverse("journeys:map")).content.decode()
    response = client.post(reverse("journeys:steward"), {"epsilon": "20", "k": "11"})
    progress = Progress.objects.get()
    assert response.url == reverse("progress", args=[progress.pk])
    # Tasks run immediately under test: the job is finished and points at the draft.
    page = client.get(response.url).content.decode()
    draft = Release.objects.get()
    assert progress.label in page and reverse("journeys:draft", args=[draft.pk]) in page
    preview = client.get(reverse("journeys:draft", args=[draft.pk])).content.decode()
    assert "People by route and year" in preview
    assert "Smallest count shown" in preview and "± " in preview
    assert AuditEvent.objects.filter(action="journeys.steward_read").exists()
    # Nothing public yet.
    assert (
        "No release has been published yet"
        in client_for(None).get(reverse("journeys:map")).content.decode()
    )
    client.post(reverse("journeys:draft", args=[draft.pk]), {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "Myanmar" in client_for(None).get(reverse("journeys:map")).content.decode()
