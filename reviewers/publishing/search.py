"""Full-text search over published checks, as claims/evidence/sources/archive.py searches
articles.

PostgreSQL searches a stored tsvector of each version's headline, claim, claimant and
justification with a GIN index (migration 0008). SQLite searches an FTS5 table that triggers
keep in step with the version rows. Only the words of a reader's query reach the
database, each as a quoted term.
"""

import re
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

MAX_QUERY_WORDS = 10
WORD = re.compile(r"\w+")
POSTGRESQL_DOCUMENT = (
    "to_tsvector('english'::regconfig, COALESCE(headline, '') || ' ' || COALESCE(claim_text, '')"
    " || ' ' || COALESCE(claimant, '') || ' ' || COALESCE(justification, ''))"
)

SQLITE_INDEX = {
    "reviewers_publishedcheck_fts": (
        "CREATE VIRTUAL TABLE reviewers_publishedcheck_fts USING fts5("
        "headline, claim_text, claimant, justification,"
        " content='reviewers_publishedcheck', content_rowid='id', tokenize='porter unicode61')"
    ),
    "reviewers_publishedcheck_fts_insert": (
        "CREATE TRIGGER reviewers_publishedcheck_fts_insert AFTER INSERT"
        " ON reviewers_publishedcheck BEGIN"
        " INSERT INTO reviewers_publishedcheck_fts"
        "(rowid, headline, claim_text, claimant, justification)"
        " VALUES (new.id, new.headline, new.claim_text, new.claimant, new.justification);"
        " END"
    ),
    "reviewers_publishedcheck_fts_delete": (
        "CREATE TRIGGER reviewers_publishedcheck_fts_delete AFTER DELETE"
        " ON reviewers_publishedcheck BEGIN"
        " INSERT INTO reviewers_publishedcheck_fts"
        "(reviewers_publishedcheck_fts, rowid, headline, claim_text, claimant, justification)"
        " VALUES ('delete', old.id, old.headline, old.claim_text, old.claimant,"
        " old.justification);"
        " END"
    ),
    # Versions are frozen, but a row edited by hand must not leave the index stale.
    "reviewers_publishedcheck_fts_update": (
        "CREATE TRIGGER reviewers_publishedcheck_fts_update"
        " AFTER UPDATE OF headline, claim_text, claimant, justification"
        " ON reviewers_publishedcheck BEGIN"
        " INSERT INTO reviewers_publishedcheck_fts"
        "(reviewers_publishedcheck_fts, rowid, headline, claim_text, claimant, justification)"
        " VALUES ('delete', old.id, old.headline, old.claim_text, old.claimant,"
        " old.justification);"
        " INSERT INTO reviewers_publishedcheck_fts"
        "(rowid, headline, claim_text, claimant, justification)"
        " VALUES (new.id, new.headline, new.claim_text, new.claimant, new.justification);"
        " END"
    ),
}


def query_words(text: str) -> list[str]:
    """Return the words of a reader's search, at most MAX_QUERY_WORDS of them."""
    return WORD.findall(text)[:MAX_QUERY_WORDS]


def matching(checks: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Return those of the version rows that contain every word of `text` (stemmed)."""
    words = query_words(text)
    if not words:
        return checks
    if connection.vendor == "postgresql":
        found = RawSQL(
            "search_document @@ plainto_tsquery('english', %s)",
            [" ".join(words)],
            output_field=BooleanField(),
        )
        searched: QuerySet[Any] = checks.alias(found=found).filter(found=True)
        return searched
    phrase = " ".join(f'"{word}"' for word in words)
    hits = RawSQL(
        "SELECT rowid FROM reviewers_publishedcheck_fts"
        " WHERE reviewers_publishedcheck_fts MATCH %s",
        [phrase],
    )
    return checks.filter(id__in=hits)


def ensure_sqlite_index(connection: BaseDatabaseWrapper) -> None:
    """Create SQLite's search table and triggers where missing, and rebuild the index then.

    SQLite drops a table's triggers whenever a migration rebuilds that table, so this runs
    after every `migrate`, as the archive's does.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        existing = {name for (name,) in cursor.fetchall()}
        missing = [name for name in SQLITE_INDEX if name not in existing]
        for name in missing:
            cursor.execute(SQLITE_INDEX[name])
        if missing:
            cursor.execute(
                "INSERT INTO reviewers_publishedcheck_fts(reviewers_publishedcheck_fts)"
                " VALUES ('rebuild')"
            )


def ensure_index_after_migrate(using: str, **kwargs: Any) -> None:
    ensure_sqlite_index(connections[using])
