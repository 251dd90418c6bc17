"""No evidence is gathered for a claim confirmed as checked before: its jobs not yet running
are cancelled with the reason (a running one may finish), a job handed to a worker later is
cancelled rather than run, and gathering starts again only when an editor asks, after undo."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from claims.evidence.gathering import ClaimCheckedBefore, gathering_start, provider_job_run
from claims.extraction.services import claim_accept
from claims.matching.decisions import claim_match_confirm, claim_match_undo
from claims.models import Claim, Evidence, ExternalReview, GatheringRun, ProviderJob
from tests.claims.matches import suggest

pytestmark = pytest.mark.django_db

MakeClaim = Callable[..., Claim]
ACCOUNTS = "The accounts say the Harbour Street bridge cost 212 million dollars, not 400 million."


@pytest.fixture(autouse=True)
def _two_providers(settings: Any) -> None:
    """The archive and the article's links: two providers are enough to see cancelling."""
    settings.EVIDENCE_PROVIDERS = ["archive", "links"]


def jobs_of(claim: Claim) -> list[tuple[str, str]]:
    return sorted(ProviderJob.objects.filter(run__claim=claim).values_list("provider", "status"))


def running_under_lease(claim: Claim, provider: str, *, lease: timedelta) -> ProviderJob:
    """A worker has taken the claim's job for this provider (a negative lease: long gone)."""
    job = ProviderJob.objects.get(run__claim=claim, provider=provider)
    ProviderJob.objects.filter(id=job.id).update(
        status=ProviderJob.Status.RUNNING, attempts=1, lease_until=timezone.now() + lease
    )
    return job


def test_confirming_a_duplicate_cancels_its_queued_jobs_and_says_why(
    make_claim: MakeClaim, editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")

    claim_match_confirm(match=suggest(later, earlier), user=editor)

    assert jobs_of(later) == [("archive", "cancelled"), ("links", "cancelled")]
    assert jobs_of(earlier) == [("archive", "queued"), ("links", "queued")]  # the canonical
    reason = f"Not run: the claim was confirmed as the same claim as claim #{earlier.id}."
    reasons = ProviderJob.objects.filter(run__claim=later).values_list("cancel_reason", flat=True)
    assert set(reasons) == {reason}
    run = later.gathering_runs.get()
    assert (run.state, run.providers_done) == (GatheringRun.State.CANCELLED, 2)
    assert run.errors == f"archive, links: {reason}"
    later.refresh_from_db()
    assert (later.gathering, later.gathering_error) == (Claim.Gathering.CANCELLED, run.errors)


def test_confirming_a_review_of_another_fact_checker_cancels_the_whole_groups_gathering(
    make_claim: MakeClaim, editor: User, external_review: ExternalReview
) -> None:
    canonical = make_claim("The bridge cost 400 million dollars.")
    member = make_claim("Riverton's bridge cost taxpayers 400 million.")
    claim_match_confirm(match=suggest(member, canonical), user=editor)

    claim_match_confirm(match=suggest(member, external_review), user=editor)

    assert jobs_of(canonical) == [("archive", "cancelled"), ("links", "cancelled")]
    job = ProviderJob.objects.filter(run__claim=canonical).first()
    assert job is not None and "checked by another fact-checker" in job.cancel_reason


def test_a_running_job_may_finish_and_a_lost_one_is_cancelled(
    make_claim: MakeClaim, editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    running = running_under_lease(later, "archive", lease=timedelta(minutes=4))
    lost = running_under_lease(later, "links", lease=-timedelta(minutes=1))

    claim_match_confirm(match=suggest(later, earlier), user=editor)

    running.refresh_from_db()
    lost.refresh_from_db()
    assert (running.status, running.lease_until is not None) == ("running", True)
    assert (lost.status, lost.lease_until) == ("cancelled", None)
    run = later.gathering_runs.get()
    assert (run.state, run.providers_done) == (GatheringRun.State.RUNNING, 1)


def test_a_job_handed_to_a_worker_after_the_confirmation_is_cancelled_not_run(
    make_claim: MakeClaim, make_article: Callable[..., Any], editor: User
) -> None:
    make_article(ACCOUNTS)
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("The Harbour Street bridge cost 400 million dollars.")
    job = running_under_lease(later, "archive", lease=timedelta(minutes=4))
    claim_match_confirm(match=suggest(later, earlier), user=editor)
    # The worker's try failed for a moment, and the job went back to the queue.
    ProviderJob.objects.filter(id=job.id).update(status=ProviderJob.Status.QUEUED)

    assert provider_job_run(job_id=job.id) == 0

    job.refresh_from_db()
    assert (job.status, job.attempts) == ("cancelled", 1)
    assert not Evidence.objects.filter(claim=later).exists()
    assert later.gathering_runs.get().state == GatheringRun.State.CANCELLED


def test_accepting_a_claim_confirmed_as_a_duplicate_gathers_nothing(
    make_claim: MakeClaim, editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    candidate = make_claim("Riverton's bridge cost taxpayers 400 million.", accepted=False)
    claim_match_confirm(match=suggest(candidate, earlier), user=editor)

    accepted = claim_accept(claim=candidate, user=editor)

    assert accepted.status == Claim.Status.ACCEPTED
    assert (accepted.gathering, accepted.gathering_runs.count()) == ("not_started", 0)


def test_gathering_is_refused_while_checked_before_and_started_again_by_hand_after_undo(
    make_claim: MakeClaim, editor: User, client_for: Any
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    match = claim_match_confirm(match=suggest(later, earlier), user=editor)

    with pytest.raises(ClaimCheckedBefore, match=f"the same claim as claim #{earlier.id}"):
        gathering_start(claim=later, user=editor)
    refused = client_for(editor).post(f"/api/v1/claims/{later.id}/gather/")
    claim_match_undo(match=match, user=editor)
    later.refresh_from_db()
    assert later.gathering == Claim.Gathering.CANCELLED  # undo does not start it again
    assert later.gathering_runs.count() == 1
    started = client_for(editor).post(f"/api/v1/claims/{later.id}/gather/")

    assert refused.status_code == 409 and "undo the confirmation" in refused.json()["detail"]
    assert started.status_code == 202
    assert [job["status"] for job in started.json()["jobs"]] == ["queued", "queued"]
    later.refresh_from_db()
    assert (later.gathering, later.gathering_runs.count()) == (Claim.Gathering.PENDING, 2)


def test_editors_see_why_gathering_was_cancelled(make_claim: MakeClaim, editor: User) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    claim_match_confirm(match=suggest(later, earlier), user=editor)
    browser = Client()
    browser.force_login(editor)

    claim_page = browser.get(f"/admin/claims/claim/{later.id}/change/").content.decode()
    run_page = browser.get(
        f"/admin/claims/gatheringrun/{later.gathering_runs.get().id}/change/"
    ).content.decode()
    gather = browser.post(f"/admin/claims/claim/{later.id}/gather/", follow=True).content.decode()

    assert 'id="provider-archive" data-state="cancelled"' in claim_page
    assert "<td>Not run: the claim was confirmed as the same claim" in claim_page
    assert "Retry our archive" not in claim_page
    assert "No evidence is gathered for a claim confirmed as checked before" in claim_page
    assert "Gather evidence again</button>" not in claim_page
    assert f"confirmed as the same claim as claim #{earlier.id}" in run_page
    assert "so its evidence is not gathered" in gather
