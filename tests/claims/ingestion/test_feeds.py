"""Subscribed feeds are polled with conditional GET and each new item is ingested once."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from claims.ingestion.feeds import feed_poll, feed_subscribe, feeds_poll_due
from claims.models import Article, Feed, FeedEntry
from tests.conftest import LocalSite


def rss(*items: tuple[str, str]) -> str:
    entries = "".join(
        f"<item><title>Item</title><guid>{guid}</guid><link>{link}</link></item>"
        for guid, link in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Riverton Courier</title>'
        f"<link>https://courier.example/</link>{entries}</channel></rss>"
    )


@pytest.fixture
def feed(local_site: LocalSite, editor: User) -> Feed:
    url = local_site.add("/feed.xml", rss(), Content_Type="application/rss+xml", ETag='"v0"')
    return feed_subscribe(url=url, user=editor)


def serve_feed(site: LocalSite, *items: tuple[str, str], etag: str) -> None:
    site.add("/feed.xml", rss(*items), Content_Type="application/rss+xml", ETag=etag)


def test_new_items_become_articles_once(feed: Feed, local_site: LocalSite) -> None:
    serve_feed(
        local_site,
        ("a", "https://courier.example/a"),
        ("b", "https://courier.example/b"),
        etag='"v1"',
    )
    assert feed_poll(feed_id=feed.id) == 2
    assert set(Article.objects.values_list("url", flat=True)) == {
        "https://courier.example/a",
        "https://courier.example/b",
    }
    serve_feed(
        local_site,
        ("c", "https://courier.example/c"),
        ("a", "https://courier.example/a"),
        etag='"v2"',
    )
    assert feed_poll(feed_id=feed.id) == 1
    assert Article.objects.count() == 3
    assert FeedEntry.objects.filter(feed=feed).count() == 3
    feed.refresh_from_db()
    assert (feed.etag, feed.last_error) == ('"v2"', "")


def test_an_unchanged_feed_answers_304_and_adds_nothing(feed: Feed, local_site: LocalSite) -> None:
    serve_feed(local_site, ("a", "https://courier.example/a"), etag='"v1"')
    feed_poll(feed_id=feed.id)
    assert feed_poll(feed_id=feed.id) == 0
    assert local_site.request_headers[-1]["If-None-Match"] == '"v1"'
    assert Article.objects.count() == 1


def test_a_broken_feed_records_its_error(feed: Feed, local_site: LocalSite) -> None:
    local_site.add("/feed.xml", "<html>not a feed", Content_Type="application/rss+xml")
    assert feed_poll(feed_id=feed.id) == 0
    feed.refresh_from_db()
    assert feed.last_error.startswith("Not a readable RSS or Atom feed")
    assert feed.polled_at is not None
    local_site.add("/feed.xml", "gone", status=404)
    feed_poll(feed_id=feed.id)
    feed.refresh_from_db()
    assert feed.last_error == "The server answered HTTP 404."


def test_items_with_unusable_links_are_skipped_and_remembered(
    feed: Feed, local_site: LocalSite
) -> None:
    serve_feed(
        local_site,
        ("x", "ftp://courier.example/x"),
        ("a", "https://courier.example/a"),
        etag='"v1"',
    )
    assert feed_poll(feed_id=feed.id) == 1
    assert FeedEntry.objects.get(guid="x").article is None
    assert feed_poll(feed_id=feed.id) == 0


def test_only_due_feeds_are_polled(
    feed: Feed, editor: User, local_site: LocalSite, django_capture_on_commit_callbacks: Any
) -> None:
    other = feed_subscribe(url=local_site.base_url + "/other.xml", user=editor)
    Feed.objects.filter(id=feed.id).update(polled_at=timezone.now())
    Feed.objects.filter(id=other.id).update(polled_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert feeds_poll_due() == 1
    assert len(enqueued) == 1


def test_a_due_feed_is_polled_once_however_often_its_due_time_is_looked_at(
    feed: Feed, django_capture_on_commit_callbacks: Any
) -> None:
    Feed.objects.filter(id=feed.id).update(polled_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert feeds_poll_due() == 1
        assert feeds_poll_due() == 0  # beat restarted, or its message delivered again
    assert len(enqueued) == 1


def test_subscribing_checks_the_url_and_the_user(outsider: User, editor: User) -> None:
    with pytest.raises(ValidationError, match="Only http and https"):
        feed_subscribe(url="file:///etc/passwd", user=editor)
    with pytest.raises(PermissionDenied):
        feed_subscribe(url="https://courier.example/feed", user=outsider)
    assert not Feed.objects.exists()


def test_editor_subscribes_in_the_admin(editor: User) -> None:
    client = Client()
    client.force_login(editor)
    response = client.post(
        "/admin/claims/feed/add/",
        {
            "url": "https://courier.example/rss",
            "title": "Courier",
            "active": "on",
            "poll_every": "00:15:00",
        },
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert (feed.url, feed.title, feed.poll_every) == (
        "https://courier.example/rss",
        "Courier",
        timedelta(minutes=15),
    )


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://10.0.0.7/rss", "may not be fetched"),
        ("https://courier.example:8443/rss", "Port 8443 is not allowed"),
        ("https://courier.example/followed", "followed already"),
    ],
)
def test_the_admin_answers_a_refused_or_followed_feed_url_with_a_form_error(
    editor: User, url: str, error: str
) -> None:
    Feed.objects.create(url="https://courier.example/followed")
    client = Client()
    client.force_login(editor)
    data = {"url": url, "title": "Courier", "active": "on", "poll_every": "00:15:00"}
    response = client.post("/admin/claims/feed/add/", data)
    assert response.status_code == 200 and response.context_data is not None  # the form again
    assert error in " ".join(response.context_data["adminform"].form.errors["url"])
    assert Feed.objects.count() == 1
