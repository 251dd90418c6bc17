"""An editor corrects where and when an article appeared (URL, publisher, date) after it was
submitted; the correction is recorded, and the next published version of a check of its
claims carries it in its ClaimReview (`itemReviewed.appearance`, `datePublished`)."""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from claims.ingestion.services import article_source_correct
from claims.models import Article, ArticleSourceCorrection
from reviewers.models import Review
from reviewers.services import review_correct

Publish = Callable[..., Review]
CORPUS = Path(__file__).resolve().parents[3] / "factcheck" / "demo" / "corpus.jsonl"


def test_a_correction_reaches_the_next_published_version(
    publish_check: Publish, editor: User, chief_editor: User
) -> None:
    review = publish_check()
    article = review.claim.article
    submitted_url = article.url
    article_source_correct(
        article=article,
        user=editor,
        url="https://courier.example/2026/10/11/the-real-story",
        publisher="Riverton Courier",
        published_at=datetime(2026, 10, 11, 8, tzinfo=UTC),
    )
    first = review.versions.get(version=1).claim_review
    assert first["itemReviewed"]["appearance"]["url"] == submitted_url  # as it was published
    review_correct(review=review, corrector=chief_editor, note="The source's date.")
    document = review.versions.get(is_current=True).claim_review
    assert document["itemReviewed"]["appearance"] == {
        "@type": "CreativeWork",
        "url": "https://courier.example/2026/10/11/the-real-story",
    }
    assert document["itemReviewed"]["datePublished"] == "2026-10-11"
    [correction] = ArticleSourceCorrection.objects.filter(article=article)
    assert correction.actor == editor
    assert correction.changes["publisher"]["new"] == "Riverton Courier"
    assert correction.changes["published_at"] == {
        "old": "2026-10-12T00:00:00+00:00",
        "new": "2026-10-11T08:00:00+00:00",
    }


def test_the_api_corrects_a_source_and_refuses_bad_input(
    make_article: Callable[..., Article], editor: User, client_for: Any
) -> None:
    article = make_article("The bridge cost 400 million dollars, a post says.")
    other = make_article("Another text.", url="https://news.example/taken")
    api = client_for(editor)
    url = f"/api/v1/articles/{article.id}/source/"
    answer = api.post(url, {"url": "https://news.example/right", "publisher": "Courier"})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["canonical_url"] == "https://news.example/right"
    for bad, field in [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": other.url}, "url"),
        ({"published_at": "yesterday"}, "published_at"),
    ]:
        refused = api.post(url, bad)
        assert refused.status_code == 400 and field in refused.json(), bad
    article.refresh_from_db()
    assert (article.canonical_url, article.publisher) == ("https://news.example/right", "Courier")
    assert ArticleSourceCorrection.objects.count() == 1


def test_only_editors_correct_sources(
    make_article: Callable[..., Article], reviewer: User, outsider: User
) -> None:
    article = make_article("The bridge cost 400 million dollars, a post says.")
    for user in (reviewer, outsider):
        with pytest.raises(PermissionDenied):
            article_source_correct(article=article, user=user, publisher="Someone")
    assert not ArticleSourceCorrection.objects.exists()


def test_the_admin_form_corrects_a_source(
    make_article: Callable[..., Article], editor: User, client: Client
) -> None:
    article = make_article("The bridge cost 400 million dollars, a post says.")
    client.force_login(editor)
    page = client.get(f"/admin/claims/article/{article.id}/change/").content.decode()
    assert f"/admin/claims/article/{article.id}/source/" in page
    response = client.post(
        f"/admin/claims/article/{article.id}/source/",
        {"url": "https://news.example/fixed", "publisher": "", "published_at": ""},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.canonical_url == "https://news.example/fixed"


def test_nothing_changed_records_nothing(
    make_article: Callable[..., Article], editor: User
) -> None:
    article = make_article("A text.", publisher="Courier")
    article_source_correct(article=article, user=editor, publisher="Courier")
    assert not ArticleSourceCorrection.objects.exists()
    with pytest.raises(ValidationError):
        article_source_correct(article=article, user=editor, url="not a url")


def test_the_demo_corpus_says_where_and_when_each_article_appeared() -> None:
    entries = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    assert entries and all(e["url"].startswith("https://") and e["published_at"] for e in entries)
