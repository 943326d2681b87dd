"""Directory search moved into the in-memory index (``facet_index.py``): the database's
trigram indexes go, and each profile's search text becomes its distinct words."""

from django.db import migrations

from commons.lib.wordindex import search_text

DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS directory_profile_fts_update",
        "DROP TRIGGER IF EXISTS directory_profile_fts_delete",
        "DROP TRIGGER IF EXISTS directory_profile_fts_insert",
        "DROP TABLE IF EXISTS directory_profile_fts",
    ],
    "postgresql": ["DROP INDEX IF EXISTS directory_profile_search_trgm"],
}


def forwards(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)
    Profile = apps.get_model("directory", "Profile")
    profiles = Profile.objects.select_related("organisation").order_by("pk")
    batch = []
    for profile in profiles.iterator(chunk_size=2000):
        organisation = profile.organisation
        profile.search_text = search_text(
            organisation.name, organisation.acronym, organisation.summary, profile.description
        )
        batch.append(profile)
        if len(batch) == 2000:
            Profile.objects.bulk_update(batch, ["search_text"])
            batch = []
    Profile.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_person_profile")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
