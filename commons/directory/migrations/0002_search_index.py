"""Full-text search over organisation names, acronyms and descriptions.

Both indexes work on character trigrams, so they also find words in scripts written
without spaces (Thai, Khmer, Lao, Burmese):
- SQLite: an FTS5 table with the trigram tokenizer, kept in sync by triggers;
- PostgreSQL: a GIN trigram index (pg_trgm) serving ILIKE.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE directory_profile_fts USING fts5(
        search_text, content='directory_profile', content_rowid='organisation_id', tokenize='trigram'
    )""",
    """CREATE TRIGGER directory_profile_fts_insert AFTER INSERT ON directory_profile BEGIN
        INSERT INTO directory_profile_fts(rowid, search_text) VALUES (new.organisation_id, new.search_text);
    END""",
    """CREATE TRIGGER directory_profile_fts_delete AFTER DELETE ON directory_profile BEGIN
        INSERT INTO directory_profile_fts(directory_profile_fts, rowid, search_text)
        VALUES ('delete', old.organisation_id, old.search_text);
    END""",
    """CREATE TRIGGER directory_profile_fts_update AFTER UPDATE OF search_text ON directory_profile BEGIN
        INSERT INTO directory_profile_fts(directory_profile_fts, rowid, search_text)
        VALUES ('delete', old.organisation_id, old.search_text);
        INSERT INTO directory_profile_fts(rowid, search_text) VALUES (new.organisation_id, new.search_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_profile_fts_update",
    "DROP TRIGGER IF EXISTS directory_profile_fts_delete",
    "DROP TRIGGER IF EXISTS directory_profile_fts_insert",
    "DROP TABLE IF EXISTS directory_profile_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX directory_profile_search_trgm ON directory_profile USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS directory_profile_search_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
