"""The review desk follows gathering: each provider's state (retrying with its reason and
next try, done with its passages, failed with its reason), a retry button per provider, a
sentence for admins when nothing beyond the archive is configured; and evidence a reviewer
holds is added from the desk itself."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.evidence.gathering import (
    NotRetryable,
    gathering_start,
    provider_job_retry,
    provider_job_run,
)
from claims.models import Claim, GatheringRun, ProviderJob
from tests.conftest import LocalSite

STEEL = "Steel prices pushed the Harbour Street bridge over budget, the council said in 2023."


def desk(client: Client, claim: Claim) -> str:
    response = client.get(reverse("admin:reviewers_review_desk", args=[claim.id]))
    assert response.status_code == 200
    return response.content.decode()


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def searching(settings: Any, local_site: LocalSite) -> LocalSite:
    """Web search configured, answering 503 (overloaded)."""
    settings.EVIDENCE_PROVIDERS = ["archive", "web_search"]
    settings.SEARXNG_URL = local_site.base_url
    local_site.add("/search", "overloaded", status=503)
    return local_site


def restarted(claim: Claim, editor: User) -> GatheringRun:
    claim.gathering_runs.update(state="done", finished_at=timezone.now())
    return gathering_start(claim=claim, user=editor)


def test_the_desk_shows_a_retrying_provider_with_its_reason_and_next_try(
    accepted_claim: Claim, editor: User, reviewer: User, searching: LocalSite
) -> None:
    run = restarted(accepted_claim, editor)
    search = run.jobs.get(provider="web_search")
    provider_job_run(job_id=search.id)
    search.refresh_from_db()
    assert search.status == "queued" and search.retry_at is not None
    html = desk(logged_in(reviewer), accepted_claim)
    assert 'id="provider-web_search" data-state="retrying"' in html
    assert "HTTP 503" in html
    next_try = timezone.localtime(search.retry_at).strftime("%H:%M:%S")
    assert f"Next try at {next_try}" in html
    assert 'data-running="true"' in html
    assert "No evidence yet — gathering is still running" in html


def test_the_desk_shows_done_providers_with_their_passages_and_failed_ones_with_why(
    accepted_claim: Claim, editor: User, reviewer: User, searching: LocalSite
) -> None:
    run = restarted(accepted_claim, editor)
    ProviderJob.objects.filter(run=run, provider="archive").update(status="done", evidence_found=3)
    ProviderJob.objects.filter(run=run, provider="web_search").update(
        status="failed", last_error="Gave up after 3 attempts: HTTP 503."
    )
    html = desk(logged_in(reviewer), accepted_claim)
    assert 'data-state="done"' in html and "3 passages" in html
    assert 'data-state="failed"' in html and "Gave up after 3 attempts: HTTP 503." in html


def test_retrying_a_failed_provider_asks_it_again_and_reopens_the_run(
    accepted_claim: Claim,
    editor: User,
    reviewer: User,
    searching: LocalSite,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = restarted(accepted_claim, editor)
    search = run.jobs.get(provider="web_search")
    ProviderJob.objects.filter(id=search.id).update(status="failed", last_error="HTTP 503.")
    ProviderJob.objects.filter(run=run, provider="archive").update(status="done")
    GatheringRun.objects.filter(id=run.id).update(
        state="done", providers_done=2, finished_at=timezone.now()
    )
    client = logged_in(reviewer)
    desk_url = reverse("admin:reviewers_review_desk", args=[accepted_claim.id])
    assert "Retry web search" in desk(client, accepted_claim)
    retry = reverse("admin:claims_provider_retry", args=[search.id]) + f"?next={desk_url}"
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post(retry)
    assert response.status_code == 302 and response["Location"] == desk_url
    assert len(enqueued) == 1
    search.refresh_from_db()
    run.refresh_from_db()
    assert (search.status, search.attempts, search.last_error) == ("queued", 0, "")
    assert (run.state, run.providers_done, run.finished_at) == ("running", 1, None)
    accepted_claim.refresh_from_db()
    assert accepted_claim.gathering == Claim.Gathering.PENDING
    retried = accepted_claim.events.get(action="provider_retry")  # the claim's history says who
    assert (retried.actor, retried.detail) == (
        reviewer,
        {"job": search.id, "provider": "web_search", "status": {"old": "failed", "new": "queued"}},
    )


def test_only_the_latest_run_is_retried_and_only_by_who_may_gather(
    accepted_claim: Claim, editor: User, outsider: User, searching: LocalSite
) -> None:
    old = accepted_claim.gathering_runs.get()
    old_job = old.jobs.first()
    assert old_job is not None
    run = restarted(accepted_claim, editor)
    with pytest.raises(NotRetryable, match="newer gathering run"):
        provider_job_retry(job=old_job, user=editor)
    search = run.jobs.get(provider="web_search")
    with pytest.raises(PermissionDenied):
        provider_job_retry(job=search, user=outsider)
    ProviderJob.objects.filter(id=search.id).update(status="running", lease_until=timezone.now())
    search.refresh_from_db()
    with pytest.raises(NotRetryable, match="running"):
        provider_job_retry(job=search, user=editor)


def test_the_api_retries_one_provider_and_refuses_a_running_one(
    accepted_claim: Claim, editor: User, client_for: Any
) -> None:
    job = accepted_claim.gathering_runs.get().jobs.get(provider="archive")
    ProviderJob.objects.filter(id=job.id).update(status="failed", last_error="HTTP 503.")
    url = reverse("api-provider-job-retry", args=[job.id])
    retried = client_for(editor).post(url)
    assert retried.status_code == 202
    assert (retried.json()["status"], retried.json()["attempts"]) == ("queued", 0)
    ProviderJob.objects.filter(id=job.id).update(status="running", lease_until=timezone.now())
    refused = client_for(editor).post(url)
    assert refused.status_code == 409 and "cannot be retried now" in refused.json()["detail"]


def test_the_desk_tells_admins_which_settings_add_providers(
    accepted_claim: Claim, reviewer: User, settings: Any
) -> None:
    html = desk(logged_in(reviewer), accepted_claim)
    assert "Only our archive, our own published checks and the article&#x27;s own links" in html
    assert "under Provider settings in the admin" in html
    assert "web search with SEARXNG_URL" in html
    assert "an encyclopedia with MEDIAWIKI_API_URL" in html
    assert "other fact-checkers with CLAIMREVIEW_API_URL" in html
    settings.SEARXNG_URL = "https://search.example"
    assert 'id="providers-unconfigured"' not in desk(logged_in(reviewer), accepted_claim)


def test_the_progress_alone_is_served_for_the_page_that_follows_it(
    accepted_claim: Claim, reviewer: User, outsider: User
) -> None:
    url = reverse("admin:claims_gathering_progress", args=[accepted_claim.id])
    response = logged_in(reviewer).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="gathering"') or '<div id="gathering"' in html
    assert "<html" not in html
    assert 'id="provider-archive" data-state="queued"' in html
    assert logged_in(outsider).get(url).status_code in (302, 403)


def test_a_reviewer_adds_a_quotation_from_the_desk_and_comes_back_to_it(
    accepted_claim: Claim, reviewer: User
) -> None:
    client = logged_in(reviewer)
    desk_url = reverse("admin:reviewers_review_desk", args=[accepted_claim.id])
    html = desk(client, accepted_claim)
    assert 'enctype="multipart/form-data"' in html and "Add evidence you hold" in html
    add = reverse("admin:claims_evidence_add", args=[accepted_claim.id]) + f"?next={desk_url}"
    response = client.post(
        add,
        {
            "text": "The auditor told us the bridge cost 212 million dollars, not 400 million.",
            "source_name": "Riverton town auditor",
            "source_kind": "interview",
            "source_date": "2026-10-20",
            "supplied_by": "Our reporter",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == desk_url
    page = response.content.decode()
    assert "Added and pinned" in page
    assert "interview supplied by Our reporter" in page
    assert "suggested, not confirmed" in page
    evidence = accepted_claim.evidence.get()
    assert (evidence.source.kind, evidence.added_by, evidence.stance_by) == (
        "interview",
        reviewer,
        None,
    )


def test_an_empty_paste_on_the_desk_says_why_and_stores_nothing(
    accepted_claim: Claim, reviewer: User
) -> None:
    client = logged_in(reviewer)
    desk_url = reverse("admin:reviewers_review_desk", args=[accepted_claim.id])
    add = reverse("admin:claims_evidence_add", args=[accepted_claim.id]) + f"?next={desk_url}"
    response = client.post(add, {"text": "   ", "source_name": "x"}, follow=True)
    assert "Give one source: a URL, a pasted text or a file." in response.content.decode()
    assert not accepted_claim.evidence.exists()


def test_a_next_address_elsewhere_is_not_followed(accepted_claim: Claim, reviewer: User) -> None:
    add = reverse("admin:claims_evidence_add", args=[accepted_claim.id])
    response = logged_in(reviewer).post(add + "?next=https://evil.example/", {"text": ""})
    assert response["Location"].startswith(
        reverse("admin:claims_claim_change", args=[accepted_claim.id])
    )


def test_a_job_seen_as_the_worker_runs_it_says_so(accepted_claim: Claim, reviewer: User) -> None:
    job = accepted_claim.gathering_runs.get().jobs.get(provider="archive")
    ProviderJob.objects.filter(id=job.id).update(status="running", lease_until=timezone.now())
    html = desk(logged_in(reviewer), accepted_claim)
    assert 'id="provider-archive" data-state="running"' in html
    assert "Retry our archive" not in html
