"""Gathering runs: one job per provider, run in parallel by the workers, never lost.

The database holds the state: a run per round of gathering, a job per provider with its
status, attempts, lease and last error. A worker claims a job with a conditional UPDATE
(queued, or running with a lease that has passed), so a redelivered message finds
nothing to do; evidence is inserted under its unique constraint, so nothing is doubled.

A claim confirmed as checked before gathers no more: its jobs not yet running are cancelled
with the reason (`gathering_cancel`), and a worker handed one later cancels it rather than
run it. Undoing the confirmation does not start gathering again; `gathering_start` does.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from claims import tasks
from claims.events import changed, claim_event_record
from claims.evidence.services import evidence_find, evidence_rerank
from claims.evidence.sources import ProviderError, enabled_providers
from claims.ingestion.fetching import FetchError
from claims.models import Claim, ClaimEvent, Evidence, GatheringRun, ProviderJob
from factcheck.auth import require_perm
from factcheck.celery import Backlog
from factcheck.facts import facts_changed
from factcheck.limits import STUCK_AFTER


class ClaimNotAccepted(Exception):
    """Evidence is gathered for accepted claims only."""

    http_status = 409


class ClaimCheckedBefore(Exception):
    """Evidence is not gathered for a claim an editor confirmed as checked before."""

    http_status = 409


# A job holds its lease this long (longer than its task may run); past it, the job is
# presumed lost (a killed worker) and taken again.
LEASE = STUCK_AFTER
MAX_JOB_ATTEMPTS = 3
JOB_BACKOFF_SECONDS = 15


@transaction.atomic
def gathering_start(*, claim: Claim, user: User | None = None) -> GatheringRun:
    """Start a run of every enabled provider for an accepted claim (or return the running one)."""
    require_perm(user, "claims.add_gatheringrun")
    claim = Claim.objects.select_for_update().get(id=claim.id)
    if claim.status != Claim.Status.ACCEPTED:
        raise ClaimNotAccepted(f"Claim #{claim.id} is {claim.status}; accept it first.")
    if claim.checked_before:
        raise ClaimCheckedBefore(
            f"Claim #{claim.id} was confirmed as {_checked_before_as(claim)}, so its evidence "
            "is not gathered; undo the confirmation to gather it."
        )
    running = claim.gathering_runs.filter(state=GatheringRun.State.RUNNING).first()
    if running:
        return running
    providers = enabled_providers()
    run = GatheringRun.objects.create(claim=claim, providers_total=len(providers), started_by=user)
    jobs = ProviderJob.objects.bulk_create(
        [ProviderJob(run=run, provider=provider) for provider in providers]
    )
    facts_changed(ProviderJob, run.started_at)
    Claim.objects.filter(id=claim.id).update(
        gathering=Claim.Gathering.PENDING, gathering_error="", gathering_changed_at=timezone.now()
    )
    for job in jobs:
        tasks.gather_from_provider.delay_on_commit(job.id)
    if not jobs:
        _run_progress(run.id)
    return run


class NotRetryable(Exception):
    """Only a provider's job in the claim's latest run, not running now, can be retried."""

    http_status = 409


RETRYABLE = (ProviderJob.Status.QUEUED, ProviderJob.Status.DONE, ProviderJob.Status.FAILED)


@transaction.atomic
def provider_job_retry(*, job: ProviderJob, user: User | None) -> ProviderJob:
    """Ask one provider again now, with a fresh count of attempts: a failed one, a done one
    (its sources may have changed), or one waiting to retry (it need not wait). The run it
    belongs to is running again until the job finishes."""
    require_perm(user, "claims.add_gatheringrun")
    run = GatheringRun.objects.select_for_update().select_related("claim").get(id=job.run_id)
    if run.claim.gathering_runs.order_by("-started_at", "-id").first() != run:
        raise NotRetryable("A newer gathering run has replaced this one; retry in that run.")
    if run.claim.checked_before:
        raise NotRetryable("The claim was confirmed as checked before; nothing is gathered.")
    retried = ProviderJob.objects.filter(id=job.id, status__in=RETRYABLE).update(
        status=ProviderJob.Status.QUEUED,
        attempts=0,
        last_error="",
        retry_at=None,
        lease_until=None,
        changed_at=timezone.now(),
    )
    if not retried:
        raise NotRetryable(f"{job.provider} is {job.status}; it cannot be retried now.")
    claim_event_record(
        claim=run.claim,
        actor=user,
        action=ClaimEvent.Action.PROVIDER_RETRY,
        detail={"job": job.id, "provider": job.provider, "status": changed(job.status, "queued")},
    )
    facts_changed(ProviderJob, run.started_at)  # its outcome no longer counts
    if run.state != GatheringRun.State.RUNNING:
        _run_reopen(run)
    tasks.gather_from_provider.delay_on_commit(job.id)
    job.refresh_from_db()
    return job


def _run_reopen(run: GatheringRun) -> None:
    run.state, run.finished_at, run.errors = GatheringRun.State.RUNNING, None, ""
    run.providers_done = run.jobs.filter(status__in=ProviderJob.TERMINAL).count()
    run.save(update_fields=["state", "finished_at", "errors", "providers_done"])
    Claim.objects.filter(id=run.claim_id).update(
        gathering=Claim.Gathering.PENDING, gathering_error="", gathering_changed_at=timezone.now()
    )


def gathering_cancel(*, claim_ids: Iterable[int]) -> int:
    """Cancel the jobs not yet running of those claims that are confirmed as checked before,
    saying why; a job already running may finish. Return how many were cancelled.

    A step of the match decisions (claims/matching/decisions.py), which check who acts.
    """
    cancelled = 0
    for claim in Claim.objects.checked_before().filter(id__in=list(claim_ids)).order_by("id"):
        cancelled += _jobs_cancel(ProviderJob.objects.filter(run__claim=claim), claim)
    return cancelled


def provider_job_run(*, job_id: int, task_id: str = "", redelivered: bool = False) -> int:
    """Run one provider's job if it is free to take; return how many pieces of evidence are new.

    `task_id` is the message's: `redelivered` (its worker died, or it is retried after a
    database error), it takes back the job it held, without waiting for the lease. A second
    copy of a message still running is not redelivered, and finds the job taken.
    """
    checked_before = Claim.objects.checked_before().filter(gathering_runs__jobs=job_id).first()
    if checked_before is not None:  # confirmed after the job was queued, or while it ran
        with transaction.atomic():
            _jobs_cancel(ProviderJob.objects.filter(id=job_id), checked_before)
        return 0
    now = timezone.now()
    held = _held_by(task_id) if redelivered else Q(pk__in=[])
    claimed = ProviderJob.objects.filter(_free(now) | held, id=job_id).update(
        status=ProviderJob.Status.RUNNING,
        attempts=F("attempts") + 1,
        lease_until=now + LEASE,
        retry_at=None,
        task_id=task_id,
        changed_at=now,
    )
    if not claimed:
        return 0  # done, failed, or running under someone else's lease
    job = ProviderJob.objects.select_related("run__claim__article").get(id=job_id)
    try:
        found = evidence_find(job.run.claim, job.provider)
    except FetchError as error:
        _job_failed(job, str(error), transient=error.transient)
        return 0
    except ProviderError as error:
        _job_failed(job, str(error), transient=error.transient)
        return 0
    return _job_done(job, found)


def _free(now: datetime) -> Q:
    """A job free to take: queued, or running under a lease that has passed (presumed lost)."""
    return Q(status=ProviderJob.Status.QUEUED) | Q(
        status=ProviderJob.Status.RUNNING, lease_until__lt=now
    )


def _held_by(task_id: str) -> Q:
    """A job this message held when its run ended early (a killed worker, a database error):
    no other run can hold it, as a message is redelivered only once its run is over. Its
    attempts are counted, so a job that kills its worker every time is given up."""
    if not task_id:
        return Q(pk__in=[])
    return Q(status=ProviderJob.Status.RUNNING, task_id=task_id, attempts__lt=MAX_JOB_ATTEMPTS)


def _jobs_cancel(jobs: QuerySet[ProviderJob], claim: Claim) -> int:
    now = timezone.now()
    free = jobs.filter(_free(now))
    run_ids = sorted(set(free.values_list("run_id", flat=True)))
    cancelled = free.update(
        status=ProviderJob.Status.CANCELLED,
        lease_until=None,
        cancel_reason=f"Not run: the claim was confirmed as {_checked_before_as(claim)}.",
        changed_at=now,
    )
    for run_id in run_ids:
        _run_progress(run_id)
    return cancelled


def _checked_before_as(claim: Claim) -> str:
    if claim.duplicate_of_id is not None:
        return f"the same claim as claim #{claim.duplicate_of_id}"
    return f"checked by another fact-checker (their review #{claim.checked_by_external_id})"


@transaction.atomic
def _job_done(job: ProviderJob, found: list[Evidence]) -> int:
    claim = job.run.claim
    before = claim.evidence.count()
    Evidence.objects.bulk_create(found, ignore_conflicts=True)
    new = claim.evidence.count() - before
    finished = _job_finish(job, ProviderJob.Status.DONE, evidence_found=len(found))
    return new if finished else 0


def _job_finish(job: ProviderJob, status: str, **fields: object) -> bool:
    """Move a job we hold to a final status; False if our lease was lost to another worker."""
    held = ProviderJob.objects.filter(
        id=job.id, status=ProviderJob.Status.RUNNING, attempts=job.attempts
    ).update(status=status, lease_until=None, changed_at=timezone.now(), **fields)
    if held:
        facts_changed(ProviderJob, job.run.started_at)
        _run_progress(job.run_id)
    return bool(held)


@transaction.atomic
def _job_failed(job: ProviderJob, reason: str, *, transient: bool) -> None:
    if not transient or job.attempts >= MAX_JOB_ATTEMPTS:
        if transient:
            reason = f"Gave up after {job.attempts} attempts: {reason}"
        _job_finish(job, ProviderJob.Status.FAILED, last_error=reason)
        return
    delay = JOB_BACKOFF_SECONDS * 2 ** (job.attempts - 1)
    now = timezone.now()
    held = ProviderJob.objects.filter(
        id=job.id, status=ProviderJob.Status.RUNNING, attempts=job.attempts
    ).update(
        status=ProviderJob.Status.QUEUED,
        lease_until=None,
        last_error=f"{reason} Trying again in {delay} s.",
        retry_at=now + timedelta(seconds=delay),
        changed_at=now,
    )
    if held:
        tasks.gather_from_provider.apply_async_on_commit((job.id,), countdown=delay)


def _run_progress(run_id: int) -> None:
    """Count the run's finished jobs and rank the evidence so far; when all jobs are
    finished, finish the run."""
    run = GatheringRun.objects.select_for_update().select_related("claim").get(id=run_id)
    evidence_rerank(run.claim_id)
    jobs = list(run.jobs.all())
    run.providers_done = sum(job.status in ProviderJob.TERMINAL for job in jobs)
    if run.state != GatheringRun.State.RUNNING or run.providers_done < run.providers_total:
        run.save(update_fields=["providers_done"])
        return
    run.state, gathering = _outcome(jobs)
    run.errors = _errors(jobs)
    run.finished_at = timezone.now()
    run.save(update_fields=["providers_done", "state", "errors", "finished_at"])
    Claim.objects.filter(id=run.claim_id).update(
        gathering=gathering, gathering_error=run.errors, gathering_changed_at=run.finished_at
    )


def _outcome(jobs: list[ProviderJob]) -> tuple[str, str]:
    """Return the finished run's state and the claim's gathering: cancelled if any job was,
    failed if every job failed, else done."""
    statuses = {job.status for job in jobs}
    if ProviderJob.Status.CANCELLED in statuses:
        return GatheringRun.State.CANCELLED, Claim.Gathering.CANCELLED
    if statuses == {ProviderJob.Status.FAILED}:
        return GatheringRun.State.FAILED, Claim.Gathering.FAILED
    return GatheringRun.State.DONE, Claim.Gathering.DONE


def _errors(jobs: list[ProviderJob]) -> str:
    """Each failed provider's reason, then the cancelled ones with why (once per reason)."""
    lines = [
        f"{job.provider}: {job.last_error}"
        for job in jobs
        if job.status == ProviderJob.Status.FAILED
    ]
    cancelled: dict[str, list[str]] = {}
    for job in jobs:
        if job.status == ProviderJob.Status.CANCELLED:
            cancelled.setdefault(job.cancel_reason, []).append(job.provider)
    lines += [f"{', '.join(providers)}: {reason}" for reason, providers in cancelled.items()]
    return "\n".join(lines)


def stuck_jobs_requeue(cutoff: timedelta, backlog: Backlog) -> int:
    """Enqueue again the jobs whose lease has passed or whose message seems lost."""
    now = timezone.now()
    requeued = 0
    for job in lapsed_jobs(now):
        if job.attempts >= MAX_JOB_ATTEMPTS:
            with transaction.atomic():
                reason = f"Gave up after {job.attempts} attempts (the worker was lost)."
                _job_finish(job, ProviderJob.Status.FAILED, last_error=reason)
            continue
        tasks.gather_from_provider.delay_on_commit(job.id)
        requeued += 1
    forgotten = forgotten_jobs(now - cutoff).values_list("id", flat=True)
    if backlog.holds(tasks.gather_from_provider):  # their messages may wait in it
        forgotten = forgotten.none()
    for job_id in forgotten:
        ProviderJob.objects.filter(id=job_id, status=ProviderJob.Status.QUEUED).update(
            changed_at=now
        )
        tasks.gather_from_provider.delay_on_commit(job_id)
        requeued += 1
    return requeued


def lapsed_jobs(now: datetime) -> QuerySet[ProviderJob]:
    """Running jobs whose lease has passed (read through providerjob_running_idx, in no
    order: the default one joins the run, the claim and the article to sort them)."""
    jobs = ProviderJob.objects.filter(status=ProviderJob.Status.RUNNING, lease_until__lt=now)
    return jobs.order_by()


def forgotten_jobs(cutoff: datetime) -> QuerySet[ProviderJob]:
    """Queued jobs that have not moved since `cutoff`: their message seems lost (read
    through providerjob_queued_idx, in no order)."""
    jobs = ProviderJob.objects.filter(status=ProviderJob.Status.QUEUED, changed_at__lt=cutoff)
    return jobs.order_by()
