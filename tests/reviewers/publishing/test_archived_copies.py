"""The archived copy of a cited source is someone else's page served from our address: it
is sandboxed and loads nothing from anywhere (no third-party styles, images, frames or
beacons), and it is withdrawn when its check is retracted."""

import gzip
import hashlib
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from claims.models import Article, Evidence, Snapshot
from reviewers.models import Review
from reviewers.services import review_correct, review_retract

Publish = Callable[..., Review]
RAW = (
    b'<html><link rel="stylesheet" href="https://tracker.example/a.css">'
    b'<img src="https://tracker.example/beacon.gif"><iframe src="https://tracker.example/"></iframe>'
    b"<p>212 million</p></html>"
)


@pytest.fixture
def archived(
    publish_check: Publish, chief_editor: User, make_article: Callable[..., Article]
) -> tuple[Review, str]:
    """A published check citing a source with a stored snapshot; its archived copy's URL."""
    review = publish_check()
    source = make_article("The final accounts put it at 212 million.", url="https://c.example/a")
    Snapshot.objects.create(
        article=source,
        url=source.url,
        content_type="text/html",
        sha256=hashlib.sha256(RAW).hexdigest(),
        body_gzip=gzip.compress(RAW),
        size=len(RAW),
        fetched_at=timezone.now(),
    )
    cited = Evidence.objects.create(
        claim=review.claim,
        source=source,
        provider="archive",
        passage="put it at 212 million",
        rank=1,
        relevance=0.9,
        snapshot_hash=source.content_hash,
        retrieved_at=timezone.now(),
    )
    review_correct(review=review, corrector=chief_editor, note="Cited.", cited_evidence=[cited])
    return review, f"/checks/{review.id}/evidence/0/archived/"


def test_an_archived_copy_may_load_nothing(archived: tuple[Review, str], client: Client) -> None:
    _, url = archived
    response = client.get(url)
    assert response.status_code == 200 and response.content == RAW
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_retracting_a_check_withdraws_its_archived_copies(
    archived: tuple[Review, str], client: Client, chief_editor: User
) -> None:
    review, url = archived
    review_retract(review=review, retractor=chief_editor, reason="We checked the wrong claim.")
    response = client.get(url)
    assert response.status_code == 404
    assert b"212 million" not in response.content
