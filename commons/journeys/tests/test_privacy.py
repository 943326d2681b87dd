"""The record allowlist: the fields of a journey record are exactly those reviewed in
docs/privacy.md, and nothing else."""

import re
from pathlib import Path

from commons.journeys.models import RECORD_FIELDS, Record

REVIEW = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"


def _reviewed_fields() -> set[str]:
    text = REVIEW.read_text(encoding="utf-8")
    table = text.split("## The fields", 1)[1]
    found = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            found.update(re.findall(r"`([a-z_]+)`", first_cell))
    return found


def test_a_record_has_exactly_the_reviewed_fields():
    fields = {field.name for field in Record._meta.get_fields() if field.concrete}
    assert fields == set(RECORD_FIELDS), "update RECORD_FIELDS and docs/privacy.md together"
    assert fields == _reviewed_fields(), (
        "a field of journeys.Record is not reviewed in docs/privacy.md (or the review "
        "names one that does not exist): review it there first"
    )


def test_no_field_can_hold_free_text():
    # Text columns are short codes, country codes or gazetteer names; JSON columns are
    # lists of codes or stages. A TextField would invite case notes.
    from django.db import models

    for field in Record._meta.get_fields():
        assert not isinstance(field, models.TextField), field.name
        if isinstance(field, models.CharField):
            assert field.max_length <= 100, field.name
