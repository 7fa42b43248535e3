"""Trigram GIN indexes for tracker/search.py, created by SQL on PostgreSQL only (a helper of the
migrations that add them; the loader skips modules named with a leading underscore)."""

from django.db import migrations


def trigram_indexes(searched):
    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, columns in searched.items():
            for column in columns:
                schema_editor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{table}_{column}_trgm" '
                    f'ON "{table}" USING gin ("{column}" gin_trgm_ops)'
                )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, columns in searched.items():
            for column in columns:
                schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_{column}_trgm"')

    return migrations.RunPython(create, drop, elidable=False)
