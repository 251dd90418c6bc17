"""An Atom feed tells readers of every check published, corrected or retracted, most recent
first, under the newsroom's name, linking the index; unchanged, it answers 304."""

from collections.abc import Callable
from typing import Any

import feedparser
from django.contrib.auth.models import User
from django.test import Client

from reviewers.models import Review
from reviewers.services import review_correct, review_retract

Publish = Callable[..., Review]


def entries(client: Client) -> list[dict[str, str]]:
    response = client.get("/checks/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)  # as a feed reader reads it
    assert not feed.bozo, feed.bozo_exception
    return [
        {"title": entry.title, "link": entry.link, "id": entry.id, "updated": entry.updated}
        for entry in feed.entries
    ]


def test_feed_has_an_entry_for_each_publication_and_correction(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    first = publish_check(headline="Not 400 million", rating="False")
    second = publish_check(headline="Ferry fares did rise", rating="True")
    review_correct(review=first, corrector=chief_editor, note="Added the final accounts.")
    found = entries(client)
    assert [entry["title"] for entry in found] == [
        "Corrected: Not 400 million (False)",
        "Ferry fares did rise (True)",
        "Not 400 million (False)",
    ]
    assert found[0]["link"] == f"http://127.0.0.1:8000/checks/{first.id}/"
    assert found[0]["id"].endswith(f"/checks/{first.id}/#version-2")
    assert found[1]["link"] == f"http://127.0.0.1:8000/checks/{second.id}/"
    assert found[2]["id"].endswith(f"/checks/{first.id}/#version-1")


def test_retraction_is_an_entry_and_the_withdrawn_verdict_is_not_repeated(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    review = publish_check(headline="Withdrawn")
    review_correct(review=review, corrector=chief_editor, note="A figure.")
    review_retract(review=review, retractor=chief_editor, reason="Wrong claim.")
    [entry] = entries(client)
    assert entry["title"] == "Retracted: Withdrawn (False)"
    assert entry["id"].endswith(f"/checks/{review.id}/#version-3")


def test_feed_names_its_author_and_links_the_index(
    publish_check: Publish, client: Client, settings: Any
) -> None:
    settings.PUBLISHER_NAME = "Riverton Fact Desk"
    settings.PUBLISHER_URL = "https://riverton.example"
    publish_check()
    feed = feedparser.parse(client.get("/checks/feed.atom").content)
    assert feed.feed.author_detail == {
        "name": "Riverton Fact Desk",
        "href": "https://riverton.example",
    }
    assert feed.feed.link == "http://127.0.0.1:8000/checks/"
    assert client.get("/checks/").status_code == 200  # the alternate link leads somewhere


def test_unchanged_feed_answers_not_modified(publish_check: Publish, client: Client) -> None:
    publish_check()
    first = client.get("/checks/feed.atom")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get("/checks/feed.atom", headers={"if-none-match": etag}).status_code == 304
    since = client.get("/checks/feed.atom", headers={"if-modified-since": last_modified})
    assert since.status_code == 304
    publish_check()
    assert client.get("/checks/feed.atom", headers={"if-none-match": etag}).status_code == 200


def test_feed_text_is_escaped(publish_check: Publish, client: Client) -> None:
    publish_check("He said </title><script>x()</script> & more.", headline="<b>Bold</b>")
    [entry] = entries(client)
    assert entry["title"] == "<b>Bold</b> (False)"  # parsed back: it was escaped in the XML
