"""An Atom feed lists published and corrected checks, most recently changed first."""

from collections.abc import Callable

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


def test_feed_lists_published_and_corrected_checks(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    first = publish_check(headline="Not 400 million", rating="False")
    second = publish_check(headline="Ferry fares did rise", rating="True")
    review_correct(review=first, corrector=chief_editor, note="Added the final accounts.")
    found = entries(client)
    assert [entry["title"] for entry in found] == [
        "Corrected: Not 400 million (False)",
        "Ferry fares did rise (True)",
    ]
    assert found[0]["link"] == f"http://127.0.0.1:8000/checks/{first.id}/"
    assert found[0]["id"].endswith(f"/checks/{first.id}/#version-2")
    assert found[1]["link"] == f"http://127.0.0.1:8000/checks/{second.id}/"


def test_retracted_checks_leave_the_feed(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    review = publish_check(headline="Withdrawn")
    review_retract(review=review, retractor=chief_editor, reason="Wrong claim.")
    assert entries(client) == []


def test_feed_text_is_escaped(publish_check: Publish, client: Client) -> None:
    publish_check("He said </title><script>x()</script> & more.", headline="<b>Bold</b>")
    [entry] = entries(client)
    assert entry["title"] == "<b>Bold</b> (False)"  # parsed back: it was escaped in the XML
