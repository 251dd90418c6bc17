"""Scenario 1: a worker killed mid-ingestion and mid-gathering (SIGKILL, as by the OOM
killer or a lost machine) loses nothing and doubles nothing: pool processes killed are
replaced and their messages taken back at once; a whole worker killed is replaced, and the
sweep sends its work again once its lease has passed."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.ingestion.services import article_submit
from claims.models import Article, ProviderJob
from tests.faults import ledger
from tests.faults.scenarios import fetches_in_hand, seconds_until_all_ended, submit_work
from tests.faults.sites import Site, site
from tests.faults.workers import Scenario, record_recovery, scenario, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["scenario", "site"]

# Four processes for five fetches: the first four taken hold at least one article (three
# are submitted) and at least one provider's job (two) when the kill comes.
CONCURRENCY = 4
# Only the queues of the fetches the scenarios count. Accepting a claim also sends its
# matching (the bulk queue), which occupies a pool process for seconds while it loads its
# encoders; a pool process holding that task when the kill came is what an earlier stop
# traced the count of work taken back coming out one short to (3 == 4, about one run in
# thirty).
FETCHING_QUEUES = "interactive,default"


@pytest.fixture(autouse=True)
def _links_only(settings: Any) -> None:
    settings.EVIDENCE_PROVIDERS = ["links"]


def test_pool_processes_killed_mid_fetch_are_replaced_and_their_work_taken_back(
    scenario: Scenario,
    site: Site,
    editor: User,
    make_article: Callable[..., Article],
    request: pytest.FixtureRequest,
) -> None:
    worker = scenario.start_worker(CONCURRENCY, queues=FETCHING_QUEUES, EVIDENCE_PROVIDERS="links")
    site.hold()
    work = submit_work(site, editor, make_article, "children", articles=3, claims=2)
    fetches_in_hand(site, CONCURRENCY, worker)
    killed_at = time.monotonic()
    killed = worker.kill_children()
    site.release()
    # No beat, so no sweep: only the messages, sent back to their queues, finish the work.
    recovery = seconds_until_all_ended(killed_at, 60, worker)
    ledger.assert_every_job_ended_once()
    taken_back = _attempts_of(work) - len(work.articles) - len(work.claims)
    assert taken_back == CONCURRENCY  # each job killed mid-fetch ran once more, no other
    record_recovery(
        request,
        "1a SIGKILL of the pool mid-fetch",
        {"processes killed": len(killed), "recovered after kill": recovery},
    )


def test_a_whole_worker_killed_mid_fetch_is_replaced_and_the_sweep_resends_its_work(
    scenario: Scenario,
    site: Site,
    editor: User,
    make_article: Callable[..., Article],
    request: pytest.FixtureRequest,
) -> None:
    scenario.start_beat()
    worker = scenario.start_worker(CONCURRENCY, queues=FETCHING_QUEUES, EVIDENCE_PROVIDERS="links")
    site.hold()
    work = submit_work(site, editor, make_article, "whole", articles=3, claims=2)
    fetches_in_hand(site, CONCURRENCY, worker)
    worker.kill()
    site.release()
    replacement = scenario.start_worker(
        CONCURRENCY, queues=FETCHING_QUEUES, EVIDENCE_PROVIDERS="links"
    )
    back_at = time.monotonic()
    recovery = seconds_until_all_ended(back_at, 75, replacement)
    ledger.assert_every_job_ended_once()
    assert _attempts_of(work) - len(work.articles) - len(work.claims) == CONCURRENCY
    record_recovery(
        request,
        "1b SIGKILL of the whole worker mid-fetch",
        {"recovered after restart": recovery},
    )


def test_a_whole_worker_killed_mid_proposal_is_started_again_and_the_sweep_resends_it(
    scenario: Scenario, editor: User, request: pytest.FixtureRequest
) -> None:
    scenario.start_beat()
    worker = scenario.start_worker(2)
    article = article_submit(text=LONG_ARTICLE, submitted_by=editor).article

    def proposing() -> bool:
        article.refresh_from_db()
        return article.proposal_started_at is not None and article.candidates_proposed_at is None

    wait_for(proposing, what="the proposal under way", timeout=60)
    killed_message = article.proposal_task_id
    worker.kill()
    # Started again under the same name, as a restarted container is: its heartbeat is
    # fresh, but it is not the worker that held the proposal.
    replacement = scenario.start_worker(2, name=worker.name)
    back_at = time.monotonic()

    def taken_up_again() -> bool:
        article.refresh_from_db()
        return article.proposal_task_id not in ("", killed_message)

    wait_for(taken_up_again, what="the proposal sent again and taken up", timeout=75)
    resumed = time.monotonic() - back_at
    recovery = seconds_until_all_ended(back_at, 180, replacement)  # scoring on a busy machine
    ledger.assert_every_job_ended_once()
    article.refresh_from_db()
    assert article.candidates_proposed_at is not None and article.claims.exists()
    assert resumed < 60, f"the proposal was taken up again {resumed:.0f} s after the restart"
    record_recovery(
        request,
        "1c SIGKILL of the whole worker mid-proposal",
        {"proposal taken up again after restart": resumed, "proposed after restart": recovery},
    )


# 400 sentences: scoring them takes seconds, long enough to be killed in the middle.
LONG_ARTICLE = " ".join(
    f"The council said on day {day} that the bridge cost {day * 7} million dollars."
    for day in range(1, 401)
)


def _attempts_of(work: Any) -> int:
    """Attempts of the submitted articles and of the claims' provider jobs, in all."""
    articles = sum(Article.objects.filter(id__in=[a.id for a in work.articles]).values_list(
        "attempts", flat=True
    ))  # fmt: skip
    jobs = sum(
        ProviderJob.objects.filter(run__claim__in=work.claims).values_list("attempts", flat=True)
    )
    return articles + jobs
