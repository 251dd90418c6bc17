"""The review desk follows gathering live in a real browser (Debian's chromium, driven by
Playwright): the providers' states change on the page without a reload while the run goes
on, and a reviewer uploads a PDF they hold as evidence from the desk."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, GatheringRun, ProviderJob
from tests.claims.evidence.test_evidence_from_any_source import pdf, text_page
from tests.e2e.test_review_desk_in_browser import browser, session_of, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

__all__ = ["browser"]  # the fixture, shared with the desk's other browser test


def test_the_desk_shows_providers_finish_without_a_reload_and_takes_a_pdf(
    browser: Any, live_server: Any, reviewer: User, accepted_claim: Claim, tmp_path: Path
) -> None:
    run = accepted_claim.gathering_runs.get()
    page = session_of(browser, live_server.url, reviewer)
    page.goto(live_server.url + reverse("admin:reviewers_review_desk", args=[accepted_claim.id]))
    assert page.get_attribute("#provider-archive", "data-state") == "queued"
    page.evaluate("window.notReloaded = true")

    # A worker finishes the archive's job and the run (the worker is not part of this test).
    ProviderJob.objects.filter(run=run).update(status="done", evidence_found=2)
    GatheringRun.objects.filter(id=run.id).update(
        state="done", providers_done=run.providers_total, finished_at=timezone.now()
    )
    page.wait_for_selector("#provider-archive[data-state=done]", timeout=15_000)
    assert "2 passages" in page.inner_text("#provider-archive")
    assert page.evaluate("window.notReloaded") is True
    shot(page, "gathering-done")

    report = tmp_path / "audit.pdf"
    report.write_bytes(pdf(text_page("The audit puts the Harbour Street bridge at 212 million.")))
    page.set_input_files("#evidence-add input[name=file]", str(report))
    page.fill("#evidence-add input[name=source_name]", "Riverton town auditor")
    page.select_option("#evidence-add select[name=source_kind]", "document")
    page.fill("#evidence-add input[name=source_date]", "2026-10-20")
    with page.expect_navigation():
        page.click("#evidence-add button[name=add-evidence]")
    assert "Added and pinned" in page.inner_text(".messagelist")
    assert "suggested, not confirmed" in page.inner_text("#evidence")
    evidence = accepted_claim.evidence.get()
    assert evidence.source.snapshots.get().filename == "audit.pdf"
