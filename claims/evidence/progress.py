"""Gathering as a reviewer follows it: each provider's state in words, and which settings
would add the providers that are not configured."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from claims.evidence.sources import configured
from claims.models import Claim, GatheringRun, ProviderJob

PROVIDER_LABELS = {
    "archive": "our archive",
    "links": "the article's links",
    "feeds": "trusted feeds",
    "web_search": "web search",
    "mediawiki": "the encyclopedia",
    "claimreview": "other fact-checkers",
    "our_checks": "our own published checks",
}
# What an admin sets to add a provider that is not configured.
PROVIDER_SETTINGS = {
    "web_search": "web search with SEARXNG_URL",
    "mediawiki": "an encyclopedia with MEDIAWIKI_API_URL",
    "claimreview": "other fact-checkers with CLAIMREVIEW_API_URL",
    "feeds": "trusted news feeds with EVIDENCE_FEEDS",
}


@dataclass(frozen=True)
class JobView:
    job: ProviderJob
    label: str
    state: str  # queued, running, retrying, done, failed, cancelled
    detail: str
    retry_at: datetime | None
    can_retry: bool


@dataclass(frozen=True)
class Progress:
    run: GatheringRun | None
    jobs: list[JobView]
    unconfigured: str

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.state == GatheringRun.State.RUNNING


def gathering_progress(claim: Claim) -> Progress:
    """Return the claim's latest gathering run with each provider's state in words."""
    run = claim.gathering_runs.order_by("-started_at", "-id").first()
    jobs = list(run.jobs.order_by("id")) if run else []
    retryable = not claim.checked_before
    return Progress(run, [_job_view(job, retryable) for job in jobs], unconfigured_note())


def _job_view(job: ProviderJob, retryable: bool) -> JobView:
    label = PROVIDER_LABELS.get(job.provider, job.provider)
    status = ProviderJob.Status
    if job.status == status.QUEUED and job.last_error:
        state, detail = "retrying", _retrying(job)
    elif job.status == status.DONE:
        state, detail = "done", _passages(job.evidence_found)
    elif job.status == status.FAILED:
        state, detail = "failed", job.last_error
    elif job.status == status.CANCELLED:
        state, detail = "cancelled", job.cancel_reason
    else:
        state = str(job.status)
        detail = "waiting for a worker" if job.status == status.QUEUED else "asking it now"
    can_retry = retryable and job.status in (status.QUEUED, status.DONE, status.FAILED)
    return JobView(job, label, state, detail, job.retry_at, can_retry)


def _retrying(job: ProviderJob) -> str:
    reason = job.last_error.rsplit(" Trying again in", 1)[0]
    if job.retry_at is None:
        return f"{reason} (attempt {job.attempts} failed)"
    wait = max(0, round((job.retry_at - timezone.now()).total_seconds()))
    at = timezone.localtime(job.retry_at).strftime("%H:%M:%S")
    return f"{reason} Next try at {at} (in {wait} s), after attempt {job.attempts}."


def _passages(found: int) -> str:
    return (
        f"{found} passage{'s' if found != 1 else ''}"
        if found
        else "no passage shared enough of the claim's words"
    )


def unconfigured_note() -> str:
    """A sentence for an admin when no provider beyond the archive (and the article's own
    links) is configured; "" otherwise."""
    on = configured()
    if any(on.get(name) for name in PROVIDER_SETTINGS):
        return ""
    wanted = list(PROVIDER_SETTINGS.values())
    return (
        "Only our archive, our own published checks and the article's own links are searched. "
        "An admin adds "
        + ", ".join(wanted[:-1])
        + f" and {wanted[-1]}: in the environment, or for the first three under "
        "Provider settings in the admin."
    )
