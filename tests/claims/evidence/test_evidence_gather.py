"""Gathering runs one job per provider, finds the archive's best passages, ranked, and
never twice; failing providers are retried, then fail alone; the sweep loses nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from claims.evidence.gathering import MAX_JOB_ATTEMPTS, gathering_start, provider_job_run
from claims.models import Article, Claim, Evidence, GatheringRun, ProviderJob
from claims.sweep import stuck_work_requeue
from tests.conftest import LocalSite

ACCOUNTS = (
    "The City of Riverton has published its accounts. The total cost of the Harbour Street "
    "bridge was 212 million dollars, against a budget of 190 million dollars."
)
STEEL = "Steel prices pushed the Harbour Street bridge over budget, the council said in 2023."
RAIN = "The drought warning for the valley was lifted after two weeks of rain."


def run_jobs(claim: Claim) -> GatheringRun:
    """Do what the workers do: run every queued job of the claim's latest run."""
    run = claim.gathering_runs.latest("started_at")
    for job in run.jobs.filter(status=ProviderJob.Status.QUEUED):
        provider_job_run(job_id=job.id)
    run.refresh_from_db()
    return run


def gather(claim: Claim) -> list[Evidence]:
    run_jobs(claim)
    return list(Evidence.objects.filter(claim=claim).select_related("source"))


def test_accepting_starts_a_run_with_a_job_per_enabled_provider(
    accepted_claim: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    run = accepted_claim.gathering_runs.get()
    assert run.state == GatheringRun.State.RUNNING
    assert (run.providers_done, run.providers_total) == (0, 3)
    assert sorted(run.jobs.values_list("provider", "status")) == [
        ("archive", "queued"),
        ("links", "queued"),
        ("our_checks", "queued"),
    ]
    assert accepted_claim.gathering == Claim.Gathering.PENDING


def test_each_job_is_enqueued_after_commit(
    make_article: Any, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article(ACCOUNTS)
    claim = Claim.objects.create(
        article=article, text=ACCOUNTS, status=Claim.Status.ACCEPTED, accepted_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        gathering_start(claim=claim, user=editor)
    assert len(enqueued) == 3


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
    run = accepted_claim.gathering_runs.get()
    assert (run.state, run.providers_done, run.errors) == ("done", 3, "")
    assert run.finished_at is not None
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
    job = ProviderJob.objects.get(run__claim=accepted_claim, provider="archive")
    assert provider_job_run(job_id=job.id) == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 1)
    assert len(gather(accepted_claim)) == len(first) == 1


def test_a_job_under_lease_is_left_alone_and_a_lapsed_lease_is_taken_again(
    accepted_claim: Claim, make_article: Any
) -> None:
    make_article(ACCOUNTS)
    job = ProviderJob.objects.get(run__claim=accepted_claim, provider="archive")
    soon, long_ago = timezone.now() + timedelta(minutes=1), timezone.now() - timedelta(minutes=1)
    ProviderJob.objects.filter(id=job.id).update(status="running", attempts=1, lease_until=soon)
    assert provider_job_run(job_id=job.id) == 0
    assert not Evidence.objects.exists()
    ProviderJob.objects.filter(id=job.id).update(lease_until=long_ago)
    assert provider_job_run(job_id=job.id) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lease_until) == ("done", 2, None)


def test_a_message_delivered_again_after_its_worker_died_takes_its_job_back(
    accepted_claim: Claim, make_article: Any
) -> None:
    make_article(ACCOUNTS)
    job = ProviderJob.objects.get(run__claim=accepted_claim, provider="archive")
    soon = timezone.now() + timedelta(minutes=1)
    held = {"status": "running", "attempts": 1, "lease_until": soon, "task_id": "message-1"}
    ProviderJob.objects.filter(id=job.id).update(**held)
    # Another message waits; its own, sent back to the queue, takes it back.
    assert provider_job_run(job_id=job.id, task_id="message-2", redelivered=True) == 0
    assert provider_job_run(job_id=job.id, task_id="message-1", redelivered=True) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)


def test_a_second_copy_of_a_message_still_running_leaves_its_job(
    accepted_claim: Claim, make_article: Any
) -> None:
    make_article(ACCOUNTS)
    job = ProviderJob.objects.get(run__claim=accepted_claim, provider="archive")
    soon = timezone.now() + timedelta(minutes=1)
    held = {"status": "running", "attempts": 1, "lease_until": soon, "task_id": "message-1"}
    ProviderJob.objects.filter(id=job.id).update(**held)
    assert provider_job_run(job_id=job.id, task_id="message-1") == 0  # not redelivered: a copy
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)


def test_a_job_that_killed_its_worker_on_every_attempt_is_not_taken_back(
    accepted_claim: Claim,
) -> None:
    job = ProviderJob.objects.get(run__claim=accepted_claim, provider="archive")
    soon = timezone.now() + timedelta(minutes=1)
    ProviderJob.objects.filter(id=job.id).update(
        status="running", attempts=MAX_JOB_ATTEMPTS, lease_until=soon, task_id="message-1"
    )
    assert provider_job_run(job_id=job.id, task_id="message-1", redelivered=True) == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", MAX_JOB_ATTEMPTS)  # the sweep fails it


def test_a_failing_provider_is_retried_then_fails_alone(
    make_article: Any,
    editor: User,
    local_site: LocalSite,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EVIDENCE_PROVIDERS = ["archive", "web_search"]
    settings.SEARXNG_URL = local_site.base_url
    local_site.add("/search", "overloaded", status=503)
    make_article(ACCOUNTS)
    claim = Claim.objects.create(
        article=make_article(STEEL), text=STEEL, status="accepted", accepted_at=timezone.now()
    )
    run = gathering_start(claim=claim, user=editor)
    search = run.jobs.get(provider="web_search")
    for attempt in range(1, MAX_JOB_ATTEMPTS):
        with django_capture_on_commit_callbacks(execute=False) as retries:
            provider_job_run(job_id=search.id)
        search.refresh_from_db()
        assert (search.status, search.attempts) == ("queued", attempt)
        assert "HTTP 503" in search.last_error and "Trying again in" in search.last_error
        assert len(retries) == 1  # the retry goes out with a countdown, after commit
    provider_job_run(job_id=search.id)
    search.refresh_from_db()
    assert search.status == "failed"
    assert search.last_error.startswith(f"Gave up after {MAX_JOB_ATTEMPTS} attempts")
    run = run_jobs(claim)  # the archive's job was never held up
    assert (run.state, run.providers_done) == ("done", 2)
    assert run.errors.startswith("web_search: Gave up")
    assert claim.evidence.get().provider == "archive"
    claim.refresh_from_db()
    assert claim.gathering == Claim.Gathering.DONE
    assert "web_search" in claim.gathering_error


def test_a_run_fails_when_every_provider_fails(
    accepted_claim: Claim, local_site: LocalSite, settings: Any, editor: User
) -> None:
    settings.EVIDENCE_PROVIDERS = ["mediawiki"]
    settings.MEDIAWIKI_API_URL = local_site.add("/w/api.php", "<html>not json</html>")
    accepted_claim.gathering_runs.update(state="done", finished_at=timezone.now())
    run = run_jobs(gathering_start(claim=accepted_claim, user=editor).claim)
    assert run.state == GatheringRun.State.FAILED
    assert "not a readable page" in run.errors
    accepted_claim.refresh_from_db()
    assert accepted_claim.gathering == Claim.Gathering.FAILED


def test_gathering_runs_again_on_demand_but_never_twice_at_once(
    accepted_claim: Claim, make_article: Any, editor: User, outsider: User
) -> None:
    first = accepted_claim.gathering_runs.get()
    assert gathering_start(claim=accepted_claim, user=editor) == first
    gather(accepted_claim)
    make_article(ACCOUNTS)
    second = gathering_start(claim=accepted_claim, user=editor)
    assert second != first and second.started_by == editor
    assert len(gather(accepted_claim)) == 1
    with pytest.raises(PermissionDenied):
        gathering_start(claim=accepted_claim, user=outsider)


def test_the_sweep_requeues_work_that_was_lost(
    accepted_claim: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    jobs = ProviderJob.objects.filter(run__claim=accepted_claim)
    lapsed, forgotten = jobs.get(provider="archive"), jobs.get(provider="links")
    ProviderJob.objects.filter(id=lapsed.id).update(
        status="running", attempts=1, lease_until=long_ago
    )
    ProviderJob.objects.filter(id=forgotten.id).update(changed_at=long_ago)
    stuck = Article.objects.create(url="https://news.example/stuck", status_changed_at=long_ago)
    Article.objects.filter(id=stuck.id).update(status_changed_at=long_ago)
    hopeless = Article.objects.create(url="https://news.example/hopeless", attempts=3)
    Article.objects.filter(id=hopeless.id).update(status_changed_at=long_ago)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert stuck_work_requeue() == 3
    assert len(enqueued) == 3
    hopeless.refresh_from_db()
    assert hopeless.status == Article.Status.FAILED
    assert hopeless.failure_reason == "Gave up after 3 attempts."


def test_the_sweep_fails_a_job_whose_worker_kept_dying(accepted_claim: Claim) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    ProviderJob.objects.filter(run__claim=accepted_claim).update(
        status="running", attempts=MAX_JOB_ATTEMPTS, lease_until=long_ago
    )
    assert stuck_work_requeue() == 0
    run = accepted_claim.gathering_runs.get()
    assert run.state == GatheringRun.State.FAILED
    assert "the worker was lost" in run.errors


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search triggers only")
def test_search_triggers_come_back_after_a_table_rebuild(
    accepted_claim: Claim, make_article: Any
) -> None:
    with connection.cursor() as cursor:  # what SQLite does when a migration rebuilds a table
        cursor.execute("DROP TRIGGER claims_article_fts_insert")
    call_command("migrate", verbosity=0)
    make_article(ACCOUNTS)
    assert len(gather(accepted_claim)) == 1


def test_evidence_is_ranked_across_providers_as_each_job_finishes(
    accepted_claim: Claim, make_article: Any
) -> None:
    make_article(ACCOUNTS)
    make_article(STEEL)
    archive = ProviderJob.objects.get(run__claim=accepted_claim, provider="archive")
    provider_job_run(job_id=archive.id)  # the links job has not run yet
    assert sorted(accepted_claim.evidence.values_list("rank", flat=True)) == [1, 2]
    run = accepted_claim.gathering_runs.get()
    assert (run.state, run.providers_done) == ("running", 1)
