"""Full-text search over the archive of articles.

PostgreSQL: a GIN index on the same expression that claims/sources/archive.py queries.
SQLite: an FTS5 table over title and text, kept in step by triggers, so that no code
path can forget to index an article.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRESQL = [
    "CREATE INDEX article_search_idx ON claims_article USING GIN ("
    "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, '')))",
]
POSTGRESQL_REVERSE = ["DROP INDEX article_search_idx"]

SQLITE = [
    "CREATE VIRTUAL TABLE claims_article_fts USING fts5("
    "title, text, content='claims_article', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER claims_article_fts_insert AFTER INSERT ON claims_article BEGIN"
    " INSERT INTO claims_article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
    " END",
    "CREATE TRIGGER claims_article_fts_delete AFTER DELETE ON claims_article BEGIN"
    " INSERT INTO claims_article_fts(claims_article_fts, rowid, title, text)"
    " VALUES ('delete', old.id, old.title, old.text);"
    " END",
    "CREATE TRIGGER claims_article_fts_update AFTER UPDATE OF title, text ON claims_article BEGIN"
    " INSERT INTO claims_article_fts(claims_article_fts, rowid, title, text)"
    " VALUES ('delete', old.id, old.title, old.text);"
    " INSERT INTO claims_article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
    " END",
    "INSERT INTO claims_article_fts(claims_article_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER claims_article_fts_update",
    "DROP TRIGGER claims_article_fts_delete",
    "DROP TRIGGER claims_article_fts_insert",
    "DROP TABLE claims_article_fts",
]


def _run(statements_by_vendor: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
