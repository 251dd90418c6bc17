"""Anyone can read, filter and page through published checks, cheaply and cacheably."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from reviewers.models import PublishedCheck, Review
from reviewers.services import review_correct, review_retract

Publish = Callable[..., Review]


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [check["id"] for check in response.json()["results"]]


def test_list_shows_current_versions_newest_first(
    publish_check: Publish, anonymous: APIClient
) -> None:
    older, newer = publish_check(), publish_check(tags=("transport",))
    body = anonymous.get("/api/v1/checks/").json()
    assert [check["id"] for check in body["results"]] == [newer.id, older.id]
    assert set(body) == {"next", "previous", "results"}
    first = body["results"][0]
    assert first["tags"] == ["transport"]
    assert first["language"] == "en"
    assert first["version"] == 1 and first["change"] == "published"
    assert first["published_at"].endswith("Z")


def test_filters(publish_check: Publish, anonymous: APIClient) -> None:
    false = publish_check(rating="False", claimant="Mayor Jane Doe", tags=("budget", "bridge"))
    mixed = publish_check(rating="Mixed", language="fr", tags=("bridge",))
    old = publish_check(
        rating="Mostly true",
        text="Ferry tickets doubled in price last spring.",
        published_at=datetime(2025, 3, 1, 12, tzinfo=UTC),
    )

    def listed(query: str) -> list[int]:
        return ids(anonymous.get(f"/api/v1/checks/?{query}"))

    assert listed("rating=false") == [false.id]
    assert listed("claimant=jane") == [false.id]
    assert listed("language=fr") == [mixed.id]
    assert listed("tag=bridge") == [mixed.id, false.id]
    assert listed("tag=budget") == [false.id]
    assert listed("tag=bud") == []
    assert listed("q=ferry+spring") == [old.id]
    assert listed("q=verdict") == [old.id, mixed.id, false.id]  # headlines count too
    assert listed("published_before=2025-03-01") == [old.id]
    assert listed("published_after=2025-03-02") == [mixed.id, false.id]
    assert listed("published_after=2025-03-01&published_before=2025-03-01") == [old.id]
    assert listed("rating=mixed&language=en") == []


def test_bad_filters_are_refused_with_400(anonymous: APIClient, db: None) -> None:
    response = anonymous.get("/api/v1/checks/?published_after=yesterday")
    assert response.status_code == 400
    assert "published_after" in response.json()
    assert anonymous.get("/api/v1/checks/?tag=no%20spaces").status_code == 400


def test_cursor_pagination_walks_every_check_once(
    publish_check: Publish, anonymous: APIClient
) -> None:
    published = [publish_check().id for _ in range(5)]
    seen: list[int] = []
    url: str | None = "/api/v1/checks/?page_size=2"
    while url:
        response = anonymous.get(url)
        seen += ids(response)
        url = response.json()["next"]
    assert seen == published[::-1]


def test_previous_links_walk_back_the_same_pages(
    publish_check: Publish, anonymous: APIClient
) -> None:
    published = [publish_check().id for _ in range(5)][::-1]
    first = anonymous.get("/api/v1/checks/?page_size=2").json()
    assert first["previous"] is None
    second = anonymous.get(first["next"]).json()
    third = anonymous.get(second["next"]).json()
    assert [c["id"] for c in third["results"]] == published[4:] and third["next"] is None
    back = anonymous.get(third["previous"]).json()
    assert [c["id"] for c in back["results"]] == published[2:4]
    start = anonymous.get(back["previous"]).json()
    assert [c["id"] for c in start["results"]] == published[:2]
    assert start["previous"] is None and start["next"]


def test_checks_changed_at_the_same_instant_are_each_listed_once(
    publish_check: Publish, anonymous: APIClient
) -> None:
    published = [publish_check().id for _ in range(5)]
    PublishedCheck.objects.update(modified_at=datetime(2026, 1, 1, tzinfo=UTC))
    seen: list[int] = []
    url: str | None = "/api/v1/checks/?page_size=2"
    while url:
        response = anonymous.get(url)
        seen += ids(response)
        url = response.json()["next"]
    assert seen == sorted(published, reverse=True)


@pytest.mark.parametrize(
    "cursor", ["garbage", "bjE=", "eHwyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwfDE=", "%00", ""]
)
def test_a_cursor_the_api_did_not_give_is_refused_with_400(
    cursor: str, anonymous: APIClient, db: None
) -> None:
    response = anonymous.get(f"/api/v1/checks/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_corrected_check_is_listed_once_at_its_current_version(
    publish_check: Publish, anonymous: APIClient, chief_editor: Any
) -> None:
    review = publish_check()
    review_correct(review=review, corrector=chief_editor, note="Fixed the figure.")
    [check] = anonymous.get("/api/v1/checks/").json()["results"]
    assert (check["version"], check["change"]) == (2, "corrected")


def test_retracted_checks_leave_the_list_but_say_so_in_detail(
    publish_check: Publish, anonymous: APIClient, chief_editor: Any
) -> None:
    kept, withdrawn = publish_check(), publish_check()
    review_retract(review=withdrawn, retractor=chief_editor, reason="Wrong claim checked.")
    assert ids(anonymous.get("/api/v1/checks/")) == [kept.id]
    detail = anonymous.get(f"/api/v1/checks/{withdrawn.id}/").json()
    assert (detail["change"], detail["note"]) == ("retracted", "Wrong claim checked.")
    assert detail["claim_review"] == {}


def test_list_answers_304_to_a_conditional_get_until_something_changes(
    publish_check: Publish, anonymous: APIClient, chief_editor: Any
) -> None:
    review = publish_check()
    first = anonymous.get("/api/v1/checks/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = anonymous.get("/api/v1/checks/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert len(queries) == 1  # the stamp only, no page
    assert anonymous.get("/api/v1/checks/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    review_correct(review=review, corrector=chief_editor, note="Fixed the figure.")
    changed = anonymous.get("/api/v1/checks/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_detail_answers_304_per_version(
    publish_check: Publish, anonymous: APIClient, chief_editor: Any
) -> None:
    review = publish_check()
    url = f"/api/v1/checks/{review.id}/"
    etag = anonymous.get(url)["ETag"]
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    review_correct(review=review, corrector=chief_editor, note="Fixed the figure.")
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_detail_lists_the_version_history(
    publish_check: Publish, anonymous: APIClient, chief_editor: Any
) -> None:
    review = publish_check()
    review_correct(review=review, corrector=chief_editor, note="Fixed the figure.")
    history = anonymous.get(f"/api/v1/checks/{review.id}/").json()["history"]
    assert [(v["version"], v["change"], v["note"]) for v in history] == [
        (1, "published", ""),
        (2, "corrected", "Fixed the figure."),
    ]


@pytest.mark.parametrize("page_size", [1, 5, 20])
def test_list_makes_the_same_queries_whatever_the_page_size(
    publish_check: Publish,
    anonymous: APIClient,
    django_assert_num_queries: Any,
    page_size: int,
) -> None:
    for _ in range(page_size):
        publish_check(tags=("bridge",))
    with django_assert_num_queries(2):  # the stamp for the validators, then the page
        assert len(ids(anonymous.get(f"/api/v1/checks/?page_size={page_size}"))) == page_size
    with django_assert_num_queries(2):
        assert len(ids(anonymous.get(f"/api/v1/checks/?page_size={page_size}&tag=bridge"))) == (
            page_size
        )


def test_detail_makes_two_queries(
    publish_check: Publish, anonymous: APIClient, django_assert_num_queries: Any
) -> None:
    review = publish_check()
    with django_assert_num_queries(2):  # the version, its history
        assert anonymous.get(f"/api/v1/checks/{review.id}/").status_code == 200


def test_the_public_api_is_throttled(
    publish_check: Publish, anonymous: APIClient, settings: Any
) -> None:
    settings.PUBLIC_API_RATE = "3/minute"
    responses = [anonymous.get("/api/v1/checks/") for _ in range(4)]
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert 0 < int(responses[-1]["Retry-After"]) <= 60
    other_address = anonymous.get("/api/v1/checks/", REMOTE_ADDR="127.0.0.9")
    assert other_address.status_code == 200


def test_unknown_check_is_404(anonymous: APIClient, db: None) -> None:
    assert anonymous.get("/api/v1/checks/999/").status_code == 404
    assert PublishedCheck.objects.count() == 0
