"""The local archive provider: full-text search over every stored article.

PostgreSQL searches a stored tsvector of title and text with a GIN index (migration 0008).
SQLite searches an FTS5 table that triggers keep in step with the articles table.
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from claims.evidence.sources import Lead
from claims.models import Article, Claim

NAME = "archive"
SEARCH_DEPTH = 20
# Matches ranked at most, per search: bounds the work a common word makes on PostgreSQL.
RANK_DEPTH = 2000
# A term in more of the stored articles than this share is left out of a search (if another
# term is left): it would make the index read a large part of the archive for little.
COMMON_SHARE = 0.1

SQLITE_INDEX = {
    "claims_article_fts": (
        "CREATE VIRTUAL TABLE claims_article_fts USING fts5(title, text,"
        " content='claims_article', content_rowid='id', tokenize='porter unicode61')"
    ),
    "claims_article_fts_insert": (
        "CREATE TRIGGER claims_article_fts_insert AFTER INSERT ON claims_article BEGIN"
        " INSERT INTO claims_article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
        " END"
    ),
    "claims_article_fts_delete": (
        "CREATE TRIGGER claims_article_fts_delete AFTER DELETE ON claims_article BEGIN"
        " INSERT INTO claims_article_fts(claims_article_fts, rowid, title, text)"
        " VALUES ('delete', old.id, old.title, old.text);"
        " END"
    ),
    "claims_article_fts_update": (
        "CREATE TRIGGER claims_article_fts_update AFTER UPDATE OF title, text ON claims_article"
        " BEGIN"
        " INSERT INTO claims_article_fts(claims_article_fts, rowid, title, text)"
        " VALUES ('delete', old.id, old.title, old.text);"
        " INSERT INTO claims_article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
        " END"
    ),
}


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float


def find(claim: Claim, terms: list[str]) -> list[Lead]:
    """Return the stored articles that match the claim's terms best."""
    hits = search_archive(terms, exclude_article_id=claim.article_id, limit=SEARCH_DEPTH)
    return [Lead(article_id=hit.article_id) for hit in hits]


def search_archive(terms: list[str], *, exclude_article_id: int, limit: int = 10) -> list[Hit]:
    """Return extracted articles matching any of `terms`, most relevant first."""
    if not terms:
        return []
    if connection.vendor == "postgresql":
        hits = _search_postgresql(terms, exclude_article_id, limit)
    else:
        hits = _search_sqlite(terms, exclude_article_id, limit)
    return hits


def _search_postgresql(terms: list[str], exclude_article_id: int, limit: int) -> list[Hit]:
    """Articles with every telling term first, then those with any; each set ranked, but
    only its first RANK_DEPTH matches: a common word matches hundreds of thousands of
    articles of a million, and ranking them all took seconds (bench/README.md)."""
    terms = _telling_terms(terms)
    hits = _ranked_postgresql(" ".join(terms), exclude_article_id, limit, skip=[])
    if len(hits) < limit and len(terms) > 1:
        found = [hit.article_id for hit in hits]
        hits += _ranked_postgresql(
            " OR ".join(terms), exclude_article_id, limit - len(hits), skip=found
        )
    return hits


def _telling_terms(terms: list[str]) -> list[str]:
    """Leave out the terms found in more than COMMON_SHARE of the stored articles (as the
    statistics ANALYZE keeps of the search column say), but never all of them: the index
    reads every article a term is in before it can stop, and a word in a third of the
    archive tells little about a claim anyway."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH stats AS ("
            "  SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs"
            "  FROM pg_stats WHERE schemaname = current_schema()"
            "  AND tablename = 'claims_article' AND attname = 'search_document')"
            " SELECT term, COUNT(word.lexeme),"
            " COALESCE(MAX(stats.freqs[array_position(stats.elems, word.lexeme)]), 0)"
            " FROM unnest(%s::text[]) AS term"
            " LEFT JOIN LATERAL unnest(to_tsvector('english', term)) AS word ON true"
            " LEFT JOIN stats ON true GROUP BY term",
            [terms],
        )
        rows = cursor.fetchall()
    # A stop word ("the") has no lexeme: the search would leave it out anyway.
    share = {term: float(found) for term, lexemes, found in rows if lexemes}
    telling = [term for term in terms if term in share and share[term] <= COMMON_SHARE]
    if telling or not share:
        return telling or terms
    return [min(share, key=share.__getitem__)]


def _ranked_postgresql(
    search: str, exclude_article_id: int, limit: int, *, skip: list[int]
) -> list[Hit]:
    # search_document is a stored generated column with a GIN index (migration 0008); the
    # inner LIMIT stops the scan of the matches after RANK_DEPTH of them.
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH query AS MATERIALIZED (SELECT websearch_to_tsquery('english', %s) AS q)"
            " SELECT match.id, ts_rank(match.search_document, query.q) AS score"
            " FROM query, ("
            "   SELECT article.id, article.search_document FROM claims_article AS article, query"
            "   WHERE article.search_document @@ query.q AND article.status = %s"
            "   AND article.id != %s AND NOT (article.id = ANY(%s)) LIMIT %s"
            " ) AS match"
            " ORDER BY score DESC, match.id LIMIT %s",
            [search, Article.Status.EXTRACTED, exclude_article_id, skip, RANK_DEPTH, limit],
        )
        return [Hit(article_id, float(score)) for article_id, score in cursor.fetchall()]


def _search_sqlite(terms: list[str], exclude_article_id: int, limit: int) -> list[Hit]:
    match = " OR ".join('"{}"'.format(term.replace('"', "")) for term in terms)
    with connection.cursor() as cursor:
        # bm25() is lower for better matches; negate it so that higher is better.
        cursor.execute(
            "SELECT fts.rowid, -bm25(claims_article_fts) AS score"
            " FROM claims_article_fts AS fts"
            " JOIN claims_article AS article ON article.id = fts.rowid"
            " WHERE claims_article_fts MATCH %s AND article.status = %s AND article.id != %s"
            " ORDER BY score DESC, fts.rowid LIMIT %s",
            [match, Article.Status.EXTRACTED, exclude_article_id, limit],
        )
        return [Hit(article_id, float(score)) for article_id, score in cursor.fetchall()]


def ensure_sqlite_index(connection: BaseDatabaseWrapper) -> None:
    """Create SQLite's search table and triggers where missing, and rebuild the index then.

    SQLite drops a table's triggers whenever a migration rebuilds that table (which it
    does to add or alter a column), so this runs after every `migrate`, not only once.
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
            cursor.execute("INSERT INTO claims_article_fts(claims_article_fts) VALUES ('rebuild')")


def ensure_index_after_migrate(using: str, **kwargs: Any) -> None:
    ensure_sqlite_index(connections[using])
