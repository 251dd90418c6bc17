"""Full-text search over the archive of articles.

PostgreSQL: a GIN index on the same expression that claims/evidence/sources/archive.py queries.
SQLite: an FTS5 table over title and text, kept in step by triggers, so that no code
path can forget to index an article (claims.evidence.sources.archive.ensure_sqlite_index, which
also runs after every migrate).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from claims.evidence.sources.archive import ensure_sqlite_index

POSTGRESQL_INDEX = (
    "CREATE INDEX article_search_idx ON claims_article USING GIN ("
    "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, '')))"
)


def create_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_INDEX)
    ensure_sqlite_index(schema_editor.connection)


def drop_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX article_search_idx")
    if schema_editor.connection.vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS claims_article_fts_{name}")
        schema_editor.execute("DROP TABLE IF EXISTS claims_article_fts")


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
