"""Full-text search over published checks (reviewers/publishing/search.py).

PostgreSQL: a stored generated tsvector with a GIN index, as claims' articles have (claims
0008). SQLite: an FTS5 table kept in step by triggers, re-created after every migrate.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from reviewers.publishing.search import POSTGRESQL_DOCUMENT, SQLITE_INDEX, ensure_sqlite_index

TABLE = "reviewers_publishedcheck"


def create_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN search_document tsvector"
            f" GENERATED ALWAYS AS ({POSTGRESQL_DOCUMENT}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX check_search_document_idx ON {TABLE} USING GIN (search_document)"
        )
    ensure_sqlite_index(schema_editor.connection)


def drop_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN search_document")
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_INDEX:
            if name != "reviewers_publishedcheck_fts":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute("DROP TABLE IF EXISTS reviewers_publishedcheck_fts")


class Migration(migrations.Migration):
    dependencies = [("reviewers", "0009_correction_approval")]

    operations = [migrations.RunPython(create_index, drop_index)]
