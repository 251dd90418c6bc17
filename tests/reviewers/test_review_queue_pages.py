"""The queue is read a page at a time from where the last page ended (a cursor), in the API
and on the desk, so that no request counts or skips the whole queue; how many claims a view
holds is counted up to a limit."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.models import Article, Claim
from reviewers.queue import QueueFilters, review_queue
from reviewers.services import review_self_assign

MakeClaims = Callable[[int], list[Claim]]
SAME_TIME = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def make_claims(make_article: Callable[..., Article], editor: User) -> MakeClaims:
    """Accepted claims with tied scores and tied acceptance times: only ids tell them apart."""

    def make(count: int) -> list[Claim]:
        claims = []
        for number in range(count):
            article = make_article(f"Claim {number}: the bridge cost {number} hundred million.")
            claims.append(
                Claim.objects.create(
                    article=article,
                    text=article.text,
                    checkworthiness=(0.9, 0.5)[number % 2],
                    status=Claim.Status.ACCEPTED,
                    accepted_by=editor,
                    accepted_at=SAME_TIME,
                )
            )
        return claims

    return make


def walk(client: Any, url: str, *, key: str) -> list[list[Any]]:
    """Follow a list's `key` links ("next" or "previous") from `url`; the pages' ids."""
    pages = []
    while url:
        body = client.get(url).json()
        pages.append([item["claim"] for item in body["results"]])
        url = body[key]
    return pages


def test_api_pages_follow_each_other_without_gaps_or_repeats(
    make_claims: MakeClaims, reviewer: User, client_for: Any
) -> None:
    first, *_ = make_claims(7)
    review_self_assign(claim=first, actor=reviewer)  # one row with a review, the rest new
    everything = [c.id for c in review_queue(user=reviewer, filters=QueueFilters())]
    as_reviewer = client_for(reviewer)
    pages = walk(as_reviewer, "/api/v1/reviews/queue/?page_size=3", key="next")
    assert pages == [everything[0:3], everything[3:6], everything[6:7]]
    last = as_reviewer.get("/api/v1/reviews/queue/?page_size=3").json()
    third = as_reviewer.get(as_reviewer.get(last["next"]).json()["next"]).json()
    back = walk(as_reviewer, third["previous"], key="previous")
    assert back == [everything[3:6], everything[0:3]]


def test_api_counts_the_queue_up_to_a_limit(
    make_claims: MakeClaims, reviewer: User, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_claims(5)
    as_reviewer = client_for(reviewer)
    exact = as_reviewer.get("/api/v1/reviews/queue/").json()
    assert (exact["count"], exact["count_is_exact"]) == (5, True)
    monkeypatch.setattr("reviewers.queue_pages.COUNT_LIMIT", 3)
    bounded = as_reviewer.get("/api/v1/reviews/queue/").json()
    assert (bounded["count"], bounded["count_is_exact"]) == (3, False)
    assert len(bounded["results"]) == 5


def test_api_refuses_a_cursor_it_did_not_give(reviewer: User, client_for: Any) -> None:
    answer = client_for(reviewer).get("/api/v1/reviews/queue/", {"cursor": "bm90IGEgY3Vyc29y"})
    assert answer.status_code == 400
    assert "cursor" in answer.json()


def test_the_desk_pages_with_next_and_previous_links_keeping_the_filters(
    make_claims: MakeClaims, reviewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reviewers.desk.QUEUE_PAGE_SIZE", 2)
    make_claims(3)
    everything = [c.id for c in review_queue(user=reviewer, filters=QueueFilters())]
    client = Client()
    client.force_login(reviewer)
    first = client.get("/admin/reviewers/review/", {"claimant": ""})
    assert [row.id for row, *_ in first.context["rows"]] == everything[:2]
    assert "previous_query" not in first.context and "claimant=" in first.context["next_query"]
    second = client.get("/admin/reviewers/review/?" + first.context["next_query"])
    assert [row.id for row, *_ in second.context["rows"]] == everything[2:]
    back = client.get("/admin/reviewers/review/?" + second.context["previous_query"])
    assert [row.id for row, *_ in back.context["rows"]] == everything[:2]
    hand_made = client.get("/admin/reviewers/review/", {"cursor": "edited"})
    assert hand_made.status_code == 200 and len(hand_made.context["rows"]) == 2


def test_the_desk_says_when_it_stopped_counting_new_claims(
    make_claims: MakeClaims, reviewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reviewers.queue.NEW_COUNT_LIMIT", 2)
    make_claims(3)
    client = Client()
    client.force_login(reviewer)
    html = client.get("/admin/reviewers/review/").content.decode()
    assert 'data-state="new"><strong>2+</strong>New' in html
