"""PostgreSQL: the search-key columns use the "C" collation.

Under a linguistic collation (the machines here use C.UTF-8 / ja_JP.UTF-8 defaults) ``LIKE 'key%'``
cannot become a range scan of a plain b-tree, and ``ORDER BY key LIMIT 50`` cannot be answered
from the text_pattern_ops indexes of 0002, so a kana search walked the whole index (seen at
0.8–2 s with 1,000,000 residents). The keys are normalised katakana / kanji strings compared by
code point, for which "C" is exactly right; the (status, key) b-trees then serve both the prefix
range and the ordering, and the text_pattern_ops indexes of 0002 become redundant.
The 通称 (alias) column gets a prefix index for kanji 通称 search. SQLite: nothing to do."""

from django.db import migrations

KEY_COLUMNS = ("name_kana_key", "name_kana_exact", "name_kanji_key", "alias_kana_key")
OLD_PREFIX_INDEXES = ("person_kana_prefix_idx", "person_kana_exact_prefix_idx", "person_kanji_prefix_idx",
                      "person_alias_prefix_idx")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in OLD_PREFIX_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    for column in KEY_COLUMNS:
        schema_editor.execute(f'ALTER TABLE registry_person ALTER COLUMN {column} TYPE varchar(240) COLLATE "C"')
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_alias_kanji_prefix_idx ON registry_person (status, alias text_pattern_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_alias_kanji_prefix_idx")
    for column in KEY_COLUMNS:
        schema_editor.execute(f'ALTER TABLE registry_person ALTER COLUMN {column} TYPE varchar(240) COLLATE "default"')
    for index, column in zip(OLD_PREFIX_INDEXES, KEY_COLUMNS[:3] + ("alias_kana_key",)):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON registry_person (status, {column} text_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_identity_unique_and_household_pending")]
    operations = [migrations.RunPython(forwards, backwards)]
