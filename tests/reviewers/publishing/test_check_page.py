"""Each published check has a public page: verdict, justification, evidence with archived
copies, corrections, and its ClaimReview embedded as JSON-LD that search engines can read and
that no claim text can break out of."""

import gzip
import hashlib
from collections.abc import Callable
from typing import Any

import extruct
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from claims.models import Article, Evidence, Snapshot
from reviewers.models import Review
from reviewers.services import review_correct, review_retract

Publish = Callable[..., Review]
HOSTILE = "The mayor said </script><script>alert(1)</script> <!-- and \u2028 \u2029 then & < >."


def claim_reviews(html: str) -> list[dict[str, Any]]:
    """What a consumer (extruct, as search engines' tooling does) reads from the page."""
    found: list[dict[str, Any]] = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    return found


def page(client: Client, review: Review) -> str:
    response = client.get(f"/checks/{review.id}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response.content.decode()


def test_page_embeds_the_claim_review_every_field(
    publish_check: Publish, client: Client, settings: Any
) -> None:
    settings.PUBLISHER_NAME = "Riverton Fact Desk"
    settings.PUBLISHER_URL = "https://riverton.example"
    review = publish_check(rating="Mostly false", claimant="Mayor Jane Doe")
    [document] = claim_reviews(page(client, review))
    check = review.versions.get()
    assert document == check.claim_review
    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "ClaimReview"
    assert document["url"] == f"http://127.0.0.1:8000/checks/{review.id}/"
    assert document["claimReviewed"] == check.claim_text
    assert document["datePublished"] == check.published_at.date().isoformat()
    assert "dateModified" not in document
    assert document["author"] == {
        "@type": "Organization",
        "name": "Riverton Fact Desk",
        "url": "https://riverton.example",
    }
    assert document["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 6,
        "worstRating": 1,
        "alternateName": "Mostly false",
    }
    assert document["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Mayor Jane Doe"},
        "datePublished": "2026-10-12",
        "appearance": {"@type": "CreativeWork", "url": check.appearance_url},
    }


def test_corrected_page_carries_date_modified_and_the_history(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    review = publish_check()
    check = review_correct(
        review=review, corrector=chief_editor, note="The figure was 212 million."
    )
    html = page(client, review)
    [document] = claim_reviews(html)
    assert check is not None  # the same rating: published at once
    assert document["dateModified"] == check.modified_at.isoformat()
    assert "Corrections" in html and "The figure was 212 million." in html


def test_claim_text_cannot_break_out_of_the_json_ld(publish_check: Publish, client: Client) -> None:
    review = publish_check(HOSTILE, claimant="<b>Bold</b> claimant")
    html = page(client, review)
    assert html.count("<script") == 1 and html.count("</script>") == 1
    script = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in script
    [document] = claim_reviews(html)
    assert document["claimReviewed"] == HOSTILE
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # the visible quote, escaped
    assert "&lt;b&gt;Bold&lt;/b&gt; claimant" in html


def test_page_shows_verdict_and_evidence_with_archived_copy(
    publish_check: Publish,
    client: Client,
    chief_editor: User,
    make_article: Callable[..., Article],
) -> None:
    review = publish_check(justification="The accounts say 212 million.")
    source = make_article(
        "The council's final accounts put the bridge at 212 million dollars.",
        title="Final accounts",
        url="https://council.example/accounts",
    )
    raw = b"<html><script>steal()</script><p>212 million</p></html>"
    Snapshot.objects.create(
        article=source,
        url=source.url,
        content_type="text/html",
        sha256=hashlib.sha256(raw).hexdigest(),
        body_gzip=gzip.compress(raw),
        size=len(raw),
        fetched_at=timezone.now(),
    )
    accounts = Evidence.objects.create(
        claim=review.claim,
        source=source,
        provider="archive",
        passage="put the bridge at 212 million dollars",
        rank=1,
        relevance=0.9,
        stance=Evidence.Stance.REFUTES,
        stance_by=chief_editor,  # a person's stance: the page shows it
        snapshot_hash=source.content_hash,
        retrieved_at=timezone.now(),
    )
    review_correct(
        review=review,
        corrector=chief_editor,
        note="Cited the final accounts.",
        cited_evidence=[accounts],
    )
    html = page(client, review)
    assert "The accounts say 212 million." in html
    assert 'href="https://council.example/accounts"' in html
    assert "Refutes" in html
    archived_url = f"/checks/{review.id}/evidence/0/archived/"
    assert f'href="{archived_url}"' in html
    archived = client.get(archived_url)
    assert archived.status_code == 200
    assert archived.content == raw
    assert archived["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert client.get(f"/checks/{review.id}/evidence/1/archived/").status_code == 404


def test_retracted_page_says_so_and_drops_the_markup(
    publish_check: Publish, client: Client, chief_editor: User
) -> None:
    review = publish_check()
    review_retract(review=review, retractor=chief_editor, reason="We checked the wrong claim.")
    html = page(client, review)
    assert "This fact check was retracted" in html
    assert "We checked the wrong claim." in html
    assert claim_reviews(html) == []


def test_claim_review_by_content_negotiation_and_at_its_own_url(
    publish_check: Publish, client: Client
) -> None:
    review = publish_check()
    stored = review.versions.get().claim_review
    negotiated = client.get(f"/api/v1/checks/{review.id}/", HTTP_ACCEPT="application/ld+json")
    assert negotiated["Content-Type"] == "application/ld+json"
    assert negotiated.json() == stored
    own = client.get(f"/api/v1/checks/{review.id}/claim-review/")
    assert own["Content-Type"] == "application/ld+json"
    assert own.json() == stored
    plain = client.get(f"/api/v1/checks/{review.id}/")
    assert plain["Content-Type"] == "application/json"
    assert "Accept" in plain["Vary"]


def test_page_answers_304_to_a_conditional_get(publish_check: Publish, client: Client) -> None:
    review = publish_check()
    etag = client.get(f"/checks/{review.id}/")["ETag"]
    assert client.get(f"/checks/{review.id}/", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("path", ["/checks/999/", "/checks/999/evidence/0/archived/"])
def test_unknown_pages_are_404(client: Client, path: str, db: None) -> None:
    assert client.get(path).status_code == 404
