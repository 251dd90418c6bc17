"""Editors list articles and claims through the API, filtered as in the admin, page by page,
at the same cost in queries whatever the page's size."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Article, Claim, Feed, FeedEntry
from tests.token_clients import token_client

MakeArticle = Callable[..., Article]


def listed(client: Any, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def articles(make_article: MakeArticle) -> dict[str, Article]:
    made = {
        "courier": make_article(
            "The bridge opened.", title="Bridge opens", publisher="Riverton Courier"
        ),
        "gazette": make_article(
            "The ferry stopped.", title="Ferry stops", publisher="Valley Gazette"
        ),
        "failed": Article.objects.create(
            url="https://news.example/gone", status="failed", failure_reason="HTTP 404"
        ),
    }
    Article.objects.filter(id=made["courier"].id).update(
        created_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    feed = Feed.objects.create(url="https://courier.example/rss")
    FeedEntry.objects.create(
        feed=feed, guid="1", link="https://courier.example/1", article=made["gazette"]
    )
    return made


def test_editor_lists_articles_with_filters(articles: dict[str, Article], editor: User) -> None:
    client = token_client(editor)
    courier, gazette, failed = articles["courier"], articles["gazette"], articles["failed"]
    assert listed(client, "/api/v1/articles/") == [failed.id, gazette.id, courier.id]
    assert listed(client, "/api/v1/articles/?status=failed") == [failed.id]
    assert listed(client, "/api/v1/articles/?publisher=courier") == [courier.id]
    assert listed(client, "/api/v1/articles/?q=ferry+stops") == [gazette.id]
    assert listed(client, "/api/v1/articles/?q=ferry+bridge") == []
    feed = Feed.objects.get()
    assert listed(client, f"/api/v1/articles/?feed={feed.id}") == [gazette.id]
    assert listed(client, "/api/v1/articles/?created_before=2026-03-01") == [courier.id]
    assert courier.id not in listed(client, "/api/v1/articles/?created_after=2026-03-02")
    first = client.get("/api/v1/articles/").json()["results"][2]
    assert (first["title"], first["publisher"], first["status"]) == (
        "Bridge opens",
        "Riverton Courier",
        "extracted",
    )


def test_bad_list_filters_answer_400(editor: User, db: None) -> None:
    client = token_client(editor)
    assert client.get("/api/v1/articles/?status=lost").status_code == 400
    assert client.get("/api/v1/articles/?created_after=yesterday").status_code == 400
    assert client.get("/api/v1/claims/?min_score=2").status_code == 400
    assert "min_score" in client.get("/api/v1/claims/?min_score=high").json()


@pytest.fixture
def claims(make_article: MakeArticle) -> list[Claim]:
    one = make_article("The toll doubled. The mayor resigned.", title="Toll")
    two = make_article("Ferry fares rose.", title="Ferry")
    return [
        Claim.objects.create(article=one, text="The toll doubled.", checkworthiness=0.9,
                             claimant="Critics", status="accepted",
                             accepted_at=datetime(2026, 3, 1, tzinfo=UTC)),
        Claim.objects.create(article=one, text="The mayor resigned.", checkworthiness=0.3),
        Claim.objects.create(article=two, text="Ferry fares rose.", checkworthiness=0.6,
                             claimant="The ferry company"),
    ]  # fmt: skip


def test_editor_lists_claims_with_filters(claims: list[Claim], editor: User) -> None:
    client = token_client(editor)
    toll, mayor, ferry = claims
    assert listed(client, "/api/v1/claims/") == [ferry.id, mayor.id, toll.id]
    assert listed(client, "/api/v1/claims/?status=accepted") == [toll.id]
    assert listed(client, f"/api/v1/claims/?article={toll.article_id}") == [mayor.id, toll.id]
    assert listed(client, "/api/v1/claims/?claimant=ferry") == [ferry.id]
    assert listed(client, "/api/v1/claims/?min_score=0.6") == [ferry.id, toll.id]
    assert listed(client, "/api/v1/claims/?q=toll") == [toll.id]
    assert listed(client, "/api/v1/claims/?min_score=0.5&claimant=critics") == [toll.id]


def test_lists_come_in_pages(claims: list[Claim], editor: User) -> None:
    client = token_client(editor)
    first = client.get("/api/v1/claims/?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert [c["id"] for c in first["results"] + second["results"]] == [c.id for c in claims][::-1]
    assert second["next"] is None
    assert client.get("/api/v1/claims/?page=9").status_code == 404


def test_outsider_cannot_list(claims: list[Claim], outsider: User) -> None:
    client = token_client(outsider)
    assert client.get("/api/v1/claims/").status_code == 403
    assert client.get("/api/v1/articles/").status_code == 403
    assert client.get(f"/api/v1/articles/{claims[0].article_id}/").status_code == 403
    assert client.get(f"/api/v1/claims/{claims[0].id}/").status_code == 403


@pytest.mark.parametrize("count", [1, 30])
def test_lists_cost_the_same_queries_whatever_their_size(
    make_article: MakeArticle, editor: User, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        article = make_article(f"Claim number {n} is here.", title=f"Story {n}")
        Claim.objects.create(
            article=article,
            text=f"Claim number {n}.",
            status="dismissed",
            decided_by=editor,
            decided_at=datetime(2026, 3, 1, tzinfo=UTC),
        )
    client = token_client(editor)
    # The token and its user, the user's permissions and their groups', the count, the page.
    with django_assert_num_queries(5):
        assert len(listed(client, "/api/v1/claims/?page_size=100")) == count
    with django_assert_num_queries(5):
        assert len(listed(client, "/api/v1/articles/?page_size=100&q=story")) == count
