"""The local archive provider: full-text search over every stored article.

PostgreSQL searches an expression GIN index over title and text; SQLite searches an
FTS5 table that triggers keep in step with the articles table (migration 0002).
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection

from ..models import Article

NAME = "archive"


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float


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
    vector = SearchVector("title", "text", config="english")
    query = SearchQuery(" OR ".join(terms), search_type="websearch", config="english")
    rows = (
        Article.objects.annotate(document=vector, score=SearchRank(vector, query))
        .filter(document=query, status=Article.Status.EXTRACTED)
        .exclude(id=exclude_article_id)
        .order_by("-score", "id")
        .values_list("id", "score")[:limit]
    )
    return [Hit(article_id, float(score)) for article_id, score in rows]


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
