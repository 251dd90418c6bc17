"""The archive search finds articles with every term of a claim before those with some, and
on PostgreSQL it leaves out a word found in most of the archive (as ANALYZE's statistics
say), so that a common word never makes it read the whole archive."""

from typing import Any

import pytest
from django.db import connection

from claims.evidence.sources.archive import search_archive


def test_articles_with_every_term_come_first(make_article: Any) -> None:
    some = make_article("The council met about the harbour on Tuesday.")
    every = make_article("The council said the harbour bridge cost 400 million.")
    unrelated = make_article("The weather stayed dry all week.")
    hits = search_archive(["council", "harbour", "bridge"], exclude_article_id=unrelated.id)
    assert [hit.article_id for hit in hits] == [every.id, some.id]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics only")
def test_a_word_in_most_articles_is_left_out_of_the_search(make_article: Any) -> None:
    for number in range(40):
        make_article(f"Story {number}: the council met again and talked for hours.")
    rare = make_article("The council heard that the viaduct cost 400 million.")
    only_rare = make_article("A viaduct is a kind of bridge.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_article")
    hits = search_archive(["council", "viaduct"], exclude_article_id=0)
    assert {hit.article_id for hit in hits} == {rare.id, only_rare.id}
    # A word alone is searched, however common.
    assert len(search_archive(["council"], exclude_article_id=0, limit=100)) == 41
