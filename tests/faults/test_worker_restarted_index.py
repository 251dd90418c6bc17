"""Scenario: a worker killed and started again reads its match index back from the snapshot
its pool process wrote (a child forked from it: claims/matching/snapshot.py) instead of
building it from the table, and follows what was stored while it was down."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from claims.extraction.decisions import claim_create
from claims.matching.services import matching_request
from claims.models import Article, Claim, ExternalReview
from tests.claims.matching.conftest import imported_review
from tests.faults.workers import Scenario, Started, scenario, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["scenario"]

REVIEWS = [
    "The Harbour Street bridge in Riverton cost 400 million dollars.",
    "The flu vaccine given at Riverton schools contains mercury.",
    "Riverton's mayor has banned dogs from every public park.",
]
LATER_REVIEW = "Riverton's river water is unsafe to drink, a viral post says."


def reviewed(text: str, number: int) -> ExternalReview:
    return imported_review(text, f"https://checkers.example/{number}")


def suggested(claim: Claim, worker: Started) -> list[int]:
    """The reviews suggested for the claim, once the worker has matched it."""

    def done() -> bool:
        claim.refresh_from_db()
        return claim.matching == Claim.Matching.DONE

    wait_for(done, what=f"the claim matched\n{worker.log_tail()}", timeout=120)
    return list(claim.matches.values_list("matched_external_id", flat=True))


def test_a_worker_started_again_reads_its_match_index_back(
    scenario: Scenario,
    editor: User,
    make_article: Callable[..., Article],
    tmp_path: Path,
) -> None:
    kept = tmp_path / "match-index.pickle"
    env = {
        "MATCH_INDEX_SNAPSHOT": str(kept),
        "MATCH_INDEX_SNAPSHOT_FROM": "3",
        "MATCH_EXACT_SEARCH_BELOW": "3",  # the graph too
    }

    def new_claim(text: str) -> Claim:
        article = make_article(text)
        with transaction.atomic():
            claim, _ = claim_create(article=article, user=editor, span_start=0, span_end=len(text))
            matching_request([claim])
        return claim

    stored = [reviewed(text, number) for number, text in enumerate(REVIEWS)]
    worker = scenario.start_worker(1, queues="bulk", **env)
    first = new_claim("A viral post says the Harbour Street bridge cost 400 million dollars.")
    assert stored[0].id in suggested(first, worker)
    wait_for(kept.exists, what="the snapshot written", timeout=60)
    worker.kill()

    later = reviewed(LATER_REVIEW, 3)  # stored while no worker ran
    restarted = scenario.start_worker(1, queues="bulk", **env)
    second = new_claim("Is Riverton's river water safe to drink?")

    assert later.id in suggested(second, restarted)
    log = restarted.log_text()
    assert "Match index read from" in log and "(3 entries)" in log, log[-3000:]
