"""Our own published checks of similar claims come in as evidence, "we checked this
before": found through the matching index, linked to our public page, never fetched, with
our rating as a suggested stance; a retracted check is not offered."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from claims.evidence.gathering import gathering_start, provider_job_run
from claims.matching import follower
from claims.matching.services import claim_match
from claims.models import Article, Claim, Evidence
from reviewers.models import Review
from reviewers.services import review_retract
from tests.claims.matching.conftest import imported_review

BRIDGE = "The new Harbour Street bridge in Riverton cost taxpayers 400 million dollars."
AGAIN = "Riverton's Harbour Street bridge cost the taxpayers 400 million dollars, a post says."
HEADLINE = "No, the Harbour Street bridge did not cost 400 million dollars"


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[None]:
    monkeypatch.setattr(follower, "_process_followers", {})
    settings.EVIDENCE_PROVIDERS = ["our_checks"]
    yield


def checked(publish_check: Callable[..., Review]) -> Review:
    review = publish_check(BRIDGE, rating="False", headline=HEADLINE)
    claim_match(claim_id=review.claim_id)  # as the worker does once a claim is accepted
    return review


def gathered(make_article: Callable[..., Article], editor: User) -> list[Evidence]:
    article = make_article(AGAIN, url="https://news.example/again")
    claim = Claim.objects.create(
        article=article, text=AGAIN, status=Claim.Status.ACCEPTED, accepted_at=timezone.now()
    )
    run = gathering_start(claim=claim, user=editor)
    for job in run.jobs.all():
        provider_job_run(job_id=job.id)
    run.refresh_from_db()
    assert run.state == "done", run.errors
    return list(claim.evidence.select_related("source"))


def test_our_published_check_of_the_same_claim_is_evidence_we_checked_this_before(
    publish_check: Callable[..., Review],
    make_article: Callable[..., Article],
    editor: User,
    settings: Any,
) -> None:
    review = checked(publish_check)
    [evidence] = gathered(make_article, editor)
    assert evidence.provider == "our_checks"
    assert evidence.source.url == f"{settings.SITE_URL}/checks/{review.id}/"
    assert evidence.source.title == f"We checked this before: {HEADLINE}"
    assert evidence.source.publisher == settings.PUBLISHER_NAME
    assert "Our rating: False." in evidence.passage
    assert (evidence.stance, evidence.stance_by) == ("refutes", None)  # a suggestion
    assert evidence.stance_cue == f"our check #{review.id} rated “False”"
    assert not evidence.source.snapshots.exists()  # linked, never fetched


def test_a_retracted_check_is_not_offered(
    publish_check: Callable[..., Review],
    make_article: Callable[..., Article],
    editor: User,
    chief_editor: User,
) -> None:
    review = checked(publish_check)
    review_retract(review=review, retractor=chief_editor, reason="We checked the wrong claim.")
    assert gathered(make_article, editor) == []


def test_while_the_workers_index_is_being_built_the_provider_says_so_and_tries_again(
    publish_check: Callable[..., Review],
    make_article: Callable[..., Article],
    editor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked(publish_check)
    imported_review("Riverton's mayor has banned dogs from every park.", "https://c.example/1")
    monkeypatch.setattr(follower, "_process_followers", {})  # a worker just started
    monkeypatch.setattr(follower, "LOAD_CHUNK", 1)
    monkeypatch.setattr("claims.matching.services.INDEX_BUILD_SECONDS", 0)
    article = make_article(AGAIN, url="https://news.example/again")
    claim = Claim.objects.create(
        article=article, text=AGAIN, status=Claim.Status.ACCEPTED, accepted_at=timezone.now()
    )
    [job] = gathering_start(claim=claim, user=editor).jobs.all()

    provider_job_run(job_id=job.id)

    job.refresh_from_db()
    assert job.status == "queued" and job.retry_at is not None
    assert job.last_error.startswith("This worker is still loading the index")
    assert "Trying again in" in job.last_error
    provider_job_run(job_id=job.id)  # as its retry would, once the index is whole
    job.refresh_from_db()
    assert job.status == "done" and claim.evidence.get().provider == "our_checks"
