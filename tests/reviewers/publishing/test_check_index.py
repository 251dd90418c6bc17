"""Readers find checks at /checks/: newest first, searched by their words, narrowed by
rating, tag, claimant, language and date, page by page; a page any crawler or screen reader
can read without scripts, and whatever a claim says is shown as text."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviewers.models import Review
from reviewers.publishing.index import PAGE_SIZE
from reviewers.services import review_correct, review_retract

Publish = Callable[..., Review]


def listed(client: Client, query: str = "", status: int = 200) -> str:
    response = client.get(f"/checks/{query}")
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response.content.decode()


def headlines(html: str) -> list[str]:
    """The headlines the index lists, in order (each entry is an <h3> linking its page)."""
    import re

    return re.findall(r'<h3><a href="/checks/\d+/">([^<]*)</a></h3>', html)


def test_index_lists_checks_newest_first_each_linking_its_page(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    older = publish_check(headline="Older verdict")
    newer = publish_check(headline="Newer verdict")
    html = listed(client)
    assert headlines(html) == ["Newer verdict", "Older verdict"]
    assert f'href="/checks/{newer.id}/"' in html and f'href="/checks/{older.id}/"' in html
    review_correct(review=older, corrector=chief_editor, note="Added a source.")
    assert headlines(listed(client)) == ["Older verdict", "Newer verdict"]


def test_retracted_checks_leave_the_index(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    review = publish_check(headline="Withdrawn verdict")
    publish_check(headline="Standing verdict")
    review_retract(review=review, retractor=chief_editor, reason="Wrong claim.")
    assert headlines(listed(client)) == ["Standing verdict"]


def test_search_finds_checks_by_the_words_of_claim_headline_or_justification(
    publish_check: Publish, client: Client
) -> None:
    publish_check("The bridge cost 400 million dollars.", headline="Bridge cost overstated")
    publish_check(
        "Ferry fares doubled.", headline="Fares rose by a third", justification="Tickets."
    )
    publish_check("Schools closed.", headline="Open", justification="The ferries ran all week.")
    assert headlines(listed(client, "?q=bridge")) == ["Bridge cost overstated"]
    # Stemmed: "ferry" finds "ferries" and "Ferry"; every word must be there.
    assert sorted(headlines(listed(client, "?q=ferry"))) == ["Fares rose by a third", "Open"]
    assert headlines(listed(client, "?q=ferry+tickets")) == ["Fares rose by a third"]
    assert headlines(listed(client, "?q=nothing+like+this")) == []


def test_search_words_are_only_words(publish_check: Publish, client: Client) -> None:
    publish_check("The bridge cost 400 million dollars.", headline="Bridge cost overstated")
    for hostile in ['"', "bridge OR NEAR(", "*", "bridge\"'; DROP TABLE x; --", "%00"]:
        response = client.get("/checks/", {"q": hostile})
        assert response.status_code == 200, hostile
    assert headlines(listed(client, '?q=bridge"')) == ["Bridge cost overstated"]


def test_filters_narrow_the_index(publish_check: Publish, client: Client) -> None:
    publish_check(rating="False", tags=("transport",), claimant="Mayor Jane Doe", headline="A")
    publish_check(rating="True", language="fr", claimant="A viral post", headline="B")
    publish_check(rating="False", headline="C", published_at=datetime(2025, 1, 5, 12, tzinfo=UTC))
    assert headlines(listed(client, "?rating=false")) == ["C", "A"]
    assert headlines(listed(client, "?tag=transport")) == ["A"]
    assert headlines(listed(client, "?claimant=jane")) == ["A"]
    assert headlines(listed(client, "?language=fr")) == ["B"]
    assert headlines(listed(client, "?published_before=2025-01-05")) == ["C"]
    assert headlines(listed(client, "?published_after=2025-01-06")) == ["B", "A"]
    assert headlines(listed(client, "?rating=False&published_after=2025-01-06")) == ["A"]


def test_bad_filters_get_a_clear_answer_and_no_results(
    publish_check: Publish, client: Client
) -> None:
    publish_check(headline="A")
    html = listed(client, "?published_after=yesterday&tag=not+a+slug", status=400)
    assert "Published from: Enter a valid date." in html
    assert "Tag: " in html
    assert headlines(html) == []


def test_index_is_paged_and_keeps_the_filters_on_each_page(
    publish_check: Publish, client: Client
) -> None:
    for number in range(PAGE_SIZE + 3):
        publish_check(headline=f"Verdict {number:02}", rating="False")
    first = listed(client, "?rating=False")
    assert len(headlines(first)) == PAGE_SIZE
    assert 'href="?rating=False&amp;page=2" rel="next"' in first
    second = listed(client, "?rating=False&page=2")
    assert headlines(second) == ["Verdict 02", "Verdict 01", "Verdict 00"]
    assert '<span aria-current="page">2</span>' in second
    assert headlines(listed(client, "?page=99")) == headlines(second)  # past the end: the last


def test_index_reads_the_same_few_queries_whatever_the_page_holds(
    publish_check: Publish, client: Client
) -> None:
    publish_check()
    with CaptureQueriesContext(connection) as one:
        listed(client, "?q=bridge&rating=False")
    for _ in range(5):
        publish_check()
    with CaptureQueriesContext(connection) as six:
        listed(client, "?q=bridge&rating=False")
    assert len(six) == len(one) <= 5  # stamp, count, page, ratings, languages


def test_unchanged_index_answers_not_modified(publish_check: Publish, client: Client) -> None:
    publish_check()
    etag = client.get("/checks/")["ETag"]
    assert client.get("/checks/", headers={"if-none-match": etag}).status_code == 304
    publish_check()
    assert client.get("/checks/", headers={"if-none-match": etag}).status_code == 200


def test_claim_text_is_shown_as_text(publish_check: Publish, client: Client) -> None:
    publish_check(
        "He said <script>alert(1)</script> & more.",
        headline="<img src=x onerror=alert(1)>",
        claimant="<b>Someone</b>",
    )
    html = listed(client)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>Someone" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    html = listed(client, "?q=%3Cscript%3E&claimant=%22%3E%3Cscript%3E")
    assert '"><script>' not in html


def test_index_is_semantic(publish_check: Publish, client: Client, settings: Any) -> None:
    publish_check(headline="A verdict")
    html = listed(client)
    assert '<html lang="en">' in html
    assert "<main>" in html and 'role="search"' in html
    for field in ("q", "rating", "language", "tag", "claimant", "published_after"):
        assert f'<label for="id_{field}">' in html and f'id="id_{field}"' in html
    assert '<ol class="checks">' in html and "<article" in html and "<time datetime=" in html


def test_counts_and_choices_follow_each_new_version(publish_check: Publish, client: Client) -> None:
    publish_check(rating="False")
    first = listed(client)
    assert "1 check<" in first and '<option value="True"' not in first
    publish_check(rating="True", language="fr")
    second = listed(client)
    assert "2 checks<" in second
    assert '<option value="True"' in second and '<option value="fr"' in second
