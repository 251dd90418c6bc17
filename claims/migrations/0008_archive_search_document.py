"""PostgreSQL: keep each article's search document in a stored generated column.

Ranking the matches of an expression index recomputed to_tsvector over every matching
article's text at query time (650 ms at 100,000 articles in bench/gathering.py), and the
planner, not knowing that cost, often skipped the index altogether. A stored tsvector is
computed once, when the article is written. SQLite keeps its FTS5 table (0002).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

DOCUMENT = "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(text, ''))"


def add_document(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE claims_article ADD COLUMN search_document tsvector"
        f" GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX article_search_document_idx ON claims_article USING GIN (search_document)"
    )
    schema_editor.execute("DROP INDEX article_search_idx")


def drop_document(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX article_search_idx ON claims_article USING GIN ({DOCUMENT})"
    )
    schema_editor.execute("ALTER TABLE claims_article DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_gathering_runs_evidence_fields")]

    operations = [migrations.RunPython(add_document, drop_document)]
