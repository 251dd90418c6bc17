"""Gathering finds the archive's best passages for a claim, ranked, and never twice."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from claims.models import Article, Claim, Evidence
from claims.services import evidence_gather, stuck_work_requeue

ACCOUNTS = (
    "The City of Riverton has published its accounts. The total cost of the Harbour Street "
    "bridge was 212 million dollars, against a budget of 190 million dollars."
)
STEEL = "Steel prices pushed the Harbour Street bridge over budget, the council said in 2023."
RAIN = "The drought warning for the valley was lifted after two weeks of rain."


def gather(claim: Claim) -> list[Evidence]:
    evidence_gather(claim_id=claim.id)
    return list(Evidence.objects.filter(claim=claim).select_related("source"))


def test_finds_and_ranks_passages_from_the_archive(
    accepted_claim: Claim, make_article: Any
) -> None:
    accounts, steel = make_article(ACCOUNTS, title="Accounts"), make_article(STEEL)
    make_article(RAIN)
    evidence = gather(accepted_claim)
    assert [item.source for item in evidence] == [accounts, steel]
    assert [item.rank for item in evidence] == [1, 2]
    assert "212 million dollars" in evidence[0].passage
    assert evidence[0].relevance > evidence[1].relevance
    assert evidence[0].snapshot_hash == accounts.content_hash
    assert evidence[0].provider == "archive"
    accepted_claim.refresh_from_db()
    assert accepted_claim.gathering == Claim.Gathering.DONE


def test_skips_the_claims_own_article_and_unfinished_ones(
    accepted_claim: Claim, make_article: Any
) -> None:
    Article.objects.create(url="https://news.example/queued", status=Article.Status.QUEUED)
    make_article(ACCOUNTS).delete()  # deleted articles leave the search index too
    assert gather(accepted_claim) == []


def test_a_redelivered_task_adds_nothing(accepted_claim: Claim, make_article: Any) -> None:
    make_article(ACCOUNTS)
    first = gather(accepted_claim)
    Claim.objects.filter(id=accepted_claim.id).update(gathering=Claim.Gathering.PENDING)
    assert len(gather(accepted_claim)) == len(first) == 1


def test_the_sweep_requeues_work_that_was_lost(
    accepted_claim: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    Claim.objects.filter(id=accepted_claim.id).update(gathering_changed_at=long_ago)
    stuck = Article.objects.create(url="https://news.example/stuck", status_changed_at=long_ago)
    Article.objects.filter(id=stuck.id).update(status_changed_at=long_ago)
    hopeless = Article.objects.create(url="https://news.example/hopeless", attempts=3)
    Article.objects.filter(id=hopeless.id).update(status_changed_at=long_ago)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert stuck_work_requeue() == 2
    assert len(enqueued) == 2
    hopeless.refresh_from_db()
    assert hopeless.status == Article.Status.FAILED
    assert hopeless.failure_reason == "Gave up after 3 attempts."


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search triggers only")
def test_search_triggers_come_back_after_a_table_rebuild(
    accepted_claim: Claim, make_article: Any
) -> None:
    with connection.cursor() as cursor:  # what SQLite does when a migration rebuilds a table
        cursor.execute("DROP TRIGGER claims_article_fts_insert")
    call_command("migrate", verbosity=0)
    make_article(ACCOUNTS)
    assert len(gather(accepted_claim)) == 1
