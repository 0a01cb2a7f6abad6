"""PostgreSQL-only objects: number sequences (nextval never blocks concurrent 異動) and
text_pattern_ops indexes so prefix searches (LIKE 'key%') use an index under any collation.
On SQLite neither is needed: writers are serialised, and prefix LIKE on the
plain (status, key) index is acceptable at the embedded scale."""

from django.db import migrations

PREFIX_INDEXES = {
    "person_kana_prefix_idx": "name_kana_key",
    "person_kana_exact_prefix_idx": "name_kana_exact",
    "person_kanji_prefix_idx": "name_kanji_key",
    "person_alias_prefix_idx": "alias_kana_key",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("atena", "household", "document"):
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS jumin_seq_{name}")
    for index, column in PREFIX_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON registry_person (status, {column} text_pattern_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in PREFIX_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    for name in ("atena", "household", "document"):
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS jumin_seq_{name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
