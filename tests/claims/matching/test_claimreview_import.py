"""Other fact-checkers' ClaimReviews come in from a page (through the safe fetch) or a dump,
each stored once with its publisher, rating, URL and dates; bad ones are reported by line."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from claims.matching.imports import external_reviews_import_url
from claims.models import ExternalReview, MatchEntry
from tests.conftest import LocalSite

pytestmark = pytest.mark.django_db

BRIDGE_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checkers.example/2026/bridge-cost",
    "name": "No, the Harbour Street bridge did not cost 400 million dollars",
    "claimReviewed": "The Harbour Street bridge in Riverton cost 400 million dollars.",
    "datePublished": "2026-10-14",
    "inLanguage": "en",
    "author": {
        "@type": "Organization",
        "name": "Checkers United",
        "url": "https://checkers.example",
    },
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "A viral post"},
        "datePublished": "2026-10-11",
        "appearance": [{"@type": "CreativeWork", "url": "https://social.example/p/1"}],
    },
}

# One page reviewing two claims in a @graph, with the publisher and the claim by reference.
GRAPH_PAGE = """<!doctype html><html><head><title>Two claims about the bridge</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "WebSite",
 "name": "Checkers United"}</script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "Organization", "@id": "#org", "name": "Checkers United",
   "url": "https://checkers.example"},
  {"@type": "Claim", "@id": "#toll", "author": {"@type": "Person", "name": "A councillor"},
   "datePublished": "2026-10-02", "appearance": {"@type": "CreativeWork",
   "url": "https://radio.example/interview"}},
  {"@type": "ClaimReview", "claimReviewed": "Crossing the new bridge will cost a 5 dollar toll.",
   "author": {"@id": "#org"}, "itemReviewed": {"@id": "#toll"}, "datePublished": "2026-10-05",
   "reviewRating": {"@type": "Rating", "alternateName": "Mostly false", "ratingValue": "2",
   "bestRating": "5", "worstRating": "1"}},
  {"@type": "ClaimReview", "url": "/reviews/traffic",
   "claimReviewed": "The bridge carries 60,000 vehicles a day.",
   "author": {"@id": "#org"}, "datePublished": "2026-10-06T08:30:00Z",
   "reviewRating": {"@type": "Rating", "alternateName": "Exaggerated"}}
]}
</script></head><body><p>Two claims, reviewed.</p></body></html>"""


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_claimreviews", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def page_with(*documents: Any, broken: str = "") -> str:
    scripts = [json.dumps(document) for document in documents] + ([broken] if broken else [])
    tags = "".join(f'<script type="application/ld+json">{script}</script>' for script in scripts)
    return f"<!doctype html><html><head>{tags}</head><body><p>A review.</p></body></html>"


def test_imports_every_claimreview_of_a_page_with_a_graph(
    local_site: LocalSite, editor: User
) -> None:
    url = local_site.add("/checks/bridge", GRAPH_PAGE)

    summary = external_reviews_import_url(url=url, user=editor)

    assert (len(summary.imported), summary.known, summary.rejected) == (2, 0, 0)
    toll = ExternalReview.objects.get(claim_reviewed__startswith="Crossing")
    # Without its own url, a review is the page it was read from.
    assert toll.url == url and toll.source == url
    assert (toll.publisher_name, toll.publisher_url) == (
        "Checkers United",
        "https://checkers.example",
    )
    assert (toll.claimant, toll.appearance_url) == (
        "A councillor",
        "https://radio.example/interview",
    )
    assert (str(toll.claim_date), str(toll.review_date)) == ("2026-10-02", "2026-10-05")
    assert (toll.rating_name, toll.rating_value, toll.rating_best, toll.rating_worst) == (
        "Mostly false", 2.0, 5.0, 1.0,
    )  # fmt: skip
    assert toll.rating_display == "Mostly false (2 of 5)"
    assert toll.imported_by == editor
    assert toll.raw["itemReviewed"] == {"@id": "#toll"}  # kept as it was written
    traffic = ExternalReview.objects.get(claim_reviewed__startswith="The bridge carries")
    assert traffic.url == local_site.base_url + "/reviews/traffic"  # resolved against the page
    assert (traffic.rating_name, traffic.rating_value) == ("Exaggerated", None)
    assert str(traffic.review_date) == "2026-10-06"


def test_a_page_imported_again_adds_nothing(local_site: LocalSite, editor: User) -> None:
    url = local_site.add("/checks/bridge", GRAPH_PAGE)
    external_reviews_import_url(url=url, user=editor)

    again = external_reviews_import_url(url=url, user=editor)

    assert (len(again.imported), again.known) == (0, 2)
    assert ExternalReview.objects.count() == 2


def test_reads_item_lists_and_schema_prefixed_types(local_site: LocalSite, editor: User) -> None:
    second = {**BRIDGE_REVIEW, "@type": "schema:ClaimReview", "claimReviewed": "Tolls are free."}
    item_list = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "item": BRIDGE_REVIEW},
            {"@type": "ListItem", "position": 2, "item": second},
        ],
    }
    url = local_site.add("/list", page_with(item_list))

    summary = external_reviews_import_url(url=url, user=editor)

    assert len(summary.imported) == 2
    bridge = ExternalReview.objects.get(claim_reviewed__contains="400 million")
    assert bridge.url == "https://checkers.example/2026/bridge-cost"
    assert (bridge.claimant, bridge.appearance_url) == (
        "A viral post",
        "https://social.example/p/1",
    )
    assert (bridge.language, bridge.rating_display) == ("en", "False (1 of 5)")


def test_one_bad_review_on_a_page_leaves_the_others(local_site: LocalSite, editor: User) -> None:
    bad_date = {**BRIDGE_REVIEW, "claimReviewed": "Another claim.", "datePublished": "last week"}
    no_claim = {**BRIDGE_REVIEW, "claimReviewed": "  "}
    url = local_site.add("/mixed", page_with(BRIDGE_REVIEW, bad_date, no_claim, broken="{oops"))

    summary = external_reviews_import_url(url=url, user=editor)

    assert len(summary.imported) == 1
    problems = " ".join(summary.problems)
    assert "datePublished 'last week' is not an ISO 8601 date" in problems
    assert "claimReviewed is missing or empty" in problems
    assert "JSON-LD script 4 is not valid JSON" in problems


def test_a_page_without_claimreview_is_refused(local_site: LocalSite, editor: User) -> None:
    url = local_site.add("/plain", "<html><body><p>No markup here.</p></body></html>")
    with pytest.raises(ValidationError, match="no ClaimReview JSON-LD"):
        external_reviews_import_url(url=url, user=editor)


def test_pages_are_fetched_safely(editor: User) -> None:
    # No FETCH_ALLOWED_HOSTS here: loopback is refused like any private address.
    with pytest.raises(ValidationError, match="could not be fetched"):
        external_reviews_import_url(url="http://127.0.0.1/checks", user=editor)


def test_outsiders_cannot_import(local_site: LocalSite, outsider: User) -> None:
    url = local_site.add("/checks/bridge", GRAPH_PAGE)
    with pytest.raises(PermissionDenied):
        external_reviews_import_url(url=url, user=outsider)
    assert local_site.requests == []


def test_imports_a_json_lines_dump_reporting_bad_lines(tmp_path: Path, editor: User) -> None:
    dump = tmp_path / "reviews.jsonl"
    lines = [
        json.dumps(BRIDGE_REVIEW),
        '{"@type": "ClaimReview", "claimReviewed": "Half a claim"',
        json.dumps({**BRIDGE_REVIEW, "url": "", "claimReviewed": "No address."}),
        "",
        json.dumps({"@type": "WebPage", "name": "not a review"}),
        json.dumps({**BRIDGE_REVIEW, "claimReviewed": "The toll is 5 dollars."}),
        json.dumps(
            {k: v for k, v in BRIDGE_REVIEW.items() if k != "@type"}
            | {"url": "https://c.example/x"}
        ),
    ]
    dump.write_text("\n".join(lines) + "\n")

    out, err = run(str(dump), "--user", "editor")

    assert out.strip() == "Imported 3 new review(s); 0 already known; 3 rejected."
    assert "line 2: not valid JSON" in err
    assert "line 3: url (the review's address) is missing" in err
    assert "line 5: no ClaimReview in it" in err
    assert "[##############################] 6/6" in err  # six parts: four reviews, two bad lines
    reviews = ExternalReview.objects.all()
    assert {review.source for review in reviews} == {"reviews.jsonl"}
    assert {review.imported_by for review in reviews} == {editor}
    # Imported reviews are encoded for matching right away.
    assert MatchEntry.objects.filter(external__in=reviews, target=True).count() == 3

    again, _ = run(str(dump))
    assert again.strip() == "Imported 0 new review(s); 3 already known; 3 rejected."


def test_imports_a_json_array_and_an_object_holding_a_list(tmp_path: Path, db: None) -> None:
    array = tmp_path / "reviews.json"
    array.write_text(
        json.dumps([BRIDGE_REVIEW, {**BRIDGE_REVIEW, "claimReviewed": "Tolls are free."}])
    )
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            {
                "@type": "DataFeed",
                "dataFeedElement": [
                    {
                        "@type": "DataFeedItem",
                        "item": [{**BRIDGE_REVIEW, "claimReviewed": "It opened in 2025."}],
                    }
                ],
            }
        )
    )

    assert run(str(array))[0].strip() == "Imported 2 new review(s); 0 already known; 0 rejected."
    assert run(str(feed))[0].strip() == "Imported 1 new review(s); 0 already known; 0 rejected."


def test_a_broken_json_array_is_reported_with_its_line(tmp_path: Path, db: None) -> None:
    dump = tmp_path / "reviews.json"
    dump.write_text('[\n  {"@type": "ClaimReview",\n  "claimReviewed": oops}\n]\n')
    out, err = run(str(dump))
    assert "line 3: not valid JSON" in err
    assert out.strip() == "Imported 0 new review(s); 0 already known; 1 rejected."


def test_reads_a_fact_check_tools_answer(tmp_path: Path, db: None) -> None:
    answer = {
        "claims": [
            {
                "text": "The Harbour Street bridge cost 400 million dollars",
                "claimant": "Viral post",
                "claimDate": "2026-10-11T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Checkers United", "site": "checkers.example"},
                        "url": "https://checkers.example/2026/bridge-cost",
                        "title": "Bridge cost",
                        "reviewDate": "2026-10-14T00:00:00Z",
                        "textualRating": "False",
                        "languageCode": "en",
                    },
                    {
                        "publisher": {"name": "Other Desk"},
                        "url": "https://desk.example/bridge",
                        "textualRating": "Misleading",
                        "languageCode": "en",
                    },
                ],
            }
        ],
        "nextPageToken": "abc",
    }
    dump = tmp_path / "search.json"
    dump.write_text(json.dumps(answer))

    out, _ = run(str(dump))

    assert out.strip() == "Imported 2 new review(s); 0 already known; 0 rejected."
    first = ExternalReview.objects.get(publisher_name="Checkers United")
    assert (first.publisher_url, first.rating_name, first.claimant) == (
        "https://checkers.example", "False", "Viral post",
    )  # fmt: skip
    assert (str(first.claim_date), str(first.review_date)) == ("2026-10-11", "2026-10-14")
    assert first.raw["claimReview"][0]["title"] == "Bridge cost"


def test_imports_pages_by_url_from_the_command(local_site: LocalSite, db: None) -> None:
    good = local_site.add("/checks/bridge", GRAPH_PAGE)
    missing = local_site.base_url + "/gone"
    out, err = run("--url", good, "--url", missing)
    assert out.strip() == "Imported 2 new review(s); 0 already known; 1 rejected."
    assert f"{missing}: The page could not be fetched" in err


def test_the_command_needs_a_file_or_urls(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="either a dump file or"):
        run()
    with pytest.raises(CommandError, match="is not a file"):
        run(str(tmp_path / "missing.json"))
    (tmp_path / "r.json").write_text("[]")
    with pytest.raises(CommandError, match="No user named"):
        run(str(tmp_path / "r.json"), "--user", "nobody")


def test_editors_import_a_page_in_the_admin(local_site: LocalSite, editor: User) -> None:
    url = local_site.add("/checks/bridge", GRAPH_PAGE)
    browser = Client()
    browser.force_login(editor)

    form = browser.get("/admin/claims/externalreview/add/")
    assert form.status_code == 200 and b"ClaimReview JSON-LD" in form.content
    response = browser.post("/admin/claims/externalreview/add/", {"url": url}, follow=True)

    assert b"2 imported, 0 already known, 0 rejected" in response.content
    listing = response.content.decode()
    assert "Checkers United" in listing and "Mostly false (2 of 5)" in listing
    assert "other fact-checkers" in listing.lower()
    assert ExternalReview.objects.count() == 2


def test_the_admin_shows_a_fetch_failure_on_the_form(local_site: LocalSite, editor: User) -> None:
    browser = Client()
    browser.force_login(editor)
    response = browser.post(
        "/admin/claims/externalreview/add/", {"url": local_site.base_url + "/gone"}
    )
    assert response.status_code == 200
    assert b"could not be fetched" in response.content
    assert not ExternalReview.objects.exists()


def test_reviewers_cannot_import_in_the_admin(reviewer: User) -> None:
    browser = Client()
    browser.force_login(reviewer)
    assert browser.get("/admin/claims/externalreview/add/").status_code == 403
    assert browser.get("/admin/claims/externalreview/").status_code == 200  # they may read
