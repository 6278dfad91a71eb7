"""A GIN index over the set of characters in each firm's name (PostgreSQL only).

Chinese name searches are mostly one or two characters, too short for pg_trgm; an index over the name's
characters lets `filter_search` narrow to candidate rows before the exact `icontains` check.
"""

from django.db import migrations

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS enterprise_name_chars_gin ON enterprises_enterprise "
    "USING gin (string_to_array(upper(name::text), NULL))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_name_chars_gin")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_load_counties")]

    operations = [migrations.RunPython(create_index, drop_index)]
