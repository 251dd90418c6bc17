"""Editors follow, change, poll and drop feeds through the API, as in the admin."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Article, Feed
from claims.tasks import poll_feed
from tests.conftest import LocalSite
from tests.token_clients import token_client, user_with

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title>'
    "<item><guid>1</guid><link>{link}</link></item></channel></rss>"
)


def test_editor_can_create_feed_with_token(
    editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = token_client(editor).post(
            "/api/v1/feeds/",
            {"url": "https://courier.example/rss", "title": "Courier", "poll_every_minutes": 15},
            format="json",
        )
    assert response.status_code == 201, response.content
    feed = Feed.objects.get()
    assert (feed.url, feed.title, feed.poll_every, feed.active) == (
        "https://courier.example/rss",
        "Courier",
        timedelta(minutes=15),
        True,
    )
    assert response.json()["poll_every_minutes"] == 15
    assert len(enqueued) == 1  # its first poll


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Only http and https"),
        ("http://user:secret@courier.example/rss", "credentials"),
        ("https://courier.example:22/rss", "Port 22"),
    ],
)
def test_feed_url_must_be_one_fetching_may_reach(editor: User, url: str, message: str) -> None:
    response = token_client(editor).post("/api/v1/feeds/", {"url": url}, format="json")
    assert response.status_code == 400
    assert message in str(response.json()["url"])
    assert not Feed.objects.exists()


def test_a_feed_is_followed_once(editor: User) -> None:
    client = token_client(editor)
    assert client.post("/api/v1/feeds/", {"url": "https://courier.example/rss"}).status_code == 201
    again = client.post("/api/v1/feeds/", {"url": "https://courier.example/rss"})
    assert again.status_code == 400
    assert "already" in str(again.json()["url"])


def test_polling_more_than_once_a_minute_is_refused(editor: User) -> None:
    response = token_client(editor).post(
        "/api/v1/feeds/", {"url": "https://courier.example/rss", "poll_every_minutes": 0}
    )
    assert response.status_code == 400
    assert "poll_every_minutes" in response.json()


def test_editor_lists_changes_and_pauses_a_feed(editor: User) -> None:
    client = token_client(editor)
    feed_id = client.post("/api/v1/feeds/", {"url": "https://courier.example/rss"}).json()["id"]
    changed = client.patch(
        f"/api/v1/feeds/{feed_id}/",
        {"title": "Riverton Courier", "active": False, "poll_every_minutes": 60},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    feed = Feed.objects.get()
    assert (feed.title, feed.active, feed.poll_every) == (
        "Riverton Courier",
        False,
        timedelta(hours=1),
    )
    [listed] = client.get("/api/v1/feeds/").json()["results"]
    assert (listed["id"], listed["title"], listed["active"]) == (feed_id, "Riverton Courier", False)
    assert client.get(f"/api/v1/feeds/{feed_id}/").json()["poll_every_minutes"] == 60


def test_poll_now_fetches_the_feed(
    editor: User, local_site: LocalSite, django_capture_on_commit_callbacks: Any
) -> None:
    article_url = local_site.add("/story", "<html><body><p>Story.</p></body></html>")
    feed_url = local_site.add(
        "/feed.xml", FEED.format(link=article_url), Content_Type="application/rss+xml"
    )
    client = token_client(editor)
    with django_capture_on_commit_callbacks(execute=False):
        feed_id = client.post("/api/v1/feeds/", {"url": feed_url}).json()["id"]
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post(f"/api/v1/feeds/{feed_id}/poll/")
    assert response.status_code == 202
    assert len(enqueued) == 1
    with django_capture_on_commit_callbacks(execute=False):  # the article's ingestion
        poll_feed(feed_id)  # the task the poll enqueued, run as the worker runs it
    assert Feed.objects.get().polled_at is not None
    assert Article.objects.filter(url=article_url).exists()


def test_deleting_a_feed_needs_the_delete_permission(editor: User) -> None:
    feed = Feed.objects.create(url="https://courier.example/rss")
    cannot = user_with("feed_keeper", "claims.view_feed", "claims.change_feed")
    assert token_client(cannot).delete(f"/api/v1/feeds/{feed.id}/").status_code == 403
    manager = user_with("feed_manager", "claims.delete_feed")
    assert token_client(manager).delete(f"/api/v1/feeds/{feed.id}/").status_code == 204
    assert not Feed.objects.exists()
    assert token_client(manager).delete(f"/api/v1/feeds/{feed.id}/").status_code == 404


def test_reviewer_cannot_manage_feeds(reviewer: User) -> None:
    feed = Feed.objects.create(url="https://courier.example/rss")
    client = token_client(reviewer)
    assert client.post("/api/v1/feeds/", {"url": "https://gazette.example/rss"}).status_code == 403
    assert client.patch(f"/api/v1/feeds/{feed.id}/", {"title": "Mine"}).status_code == 403
    assert client.post(f"/api/v1/feeds/{feed.id}/poll/").status_code == 403
    assert client.delete(f"/api/v1/feeds/{feed.id}/").status_code == 403
    assert client.get("/api/v1/feeds/").status_code == 403
    assert Feed.objects.get().title == ""
