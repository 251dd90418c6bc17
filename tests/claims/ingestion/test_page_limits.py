"""Extraction is bounded by the work a page asks for: a page of too many tags is refused
with its reason before it is parsed, so it cannot hold a worker for minutes."""

from datetime import UTC, datetime

import pytest

from claims.ingestion.fetching import FetchedPage
from claims.ingestion.pages import MAX_TAGS, ExtractionError, extract_page


def page(body: bytes) -> FetchedPage:
    return FetchedPage(
        url="https://news.example/a",
        status=200,
        content_type="text/html",
        charset="utf-8",
        body=body,
        fetched_at=datetime.now(UTC),
    )


def test_a_page_of_too_many_nested_tags_is_refused_with_its_reason() -> None:
    nested = b"<html><body>" + b"<div>" * MAX_TAGS + b"<p>The bridge cost 212 million.</p>"
    with pytest.raises(ExtractionError, match="more than 100,000 HTML tags"):
        extract_page(page(nested))


def test_an_ordinary_article_is_extracted() -> None:
    paragraphs = b"".join(
        b"<p>The council said on Monday that the new bridge over the river cost 212 million "
        b"dollars, less than the 400 million a viral post claimed.</p>"
        for _ in range(20)
    )
    content = extract_page(
        page(b"<html><body><article>" + paragraphs + b"</article></body></html>")
    )
    assert "212 million" in content.text
