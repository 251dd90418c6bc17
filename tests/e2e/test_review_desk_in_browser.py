"""The review desk's happy path in a real browser (Debian's chromium, driven by
Playwright): an editor accepts a claim, a reviewer takes it and drafts a verdict citing
evidence and sends it for approval, a chief editor approves and publishes it. Each of
them in their own browser context (their own session); screenshots in test-artifacts/."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.urls import reverse

from claims.models import Article, Claim, Evidence
from reviewers.models import PublishedCheck, Review
from tests.e2e.test_editor_in_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTICLE = (
    "Riverton, 12 October. A post shared widely on social media claims that the Harbour "
    "Street bridge cost 400 million dollars. The city has not yet commented on the figure."
)
CLAIM = "the Harbour Street bridge cost 400 million dollars"


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but there is no chromium at {CHROMIUM}.")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # As in test_editor_in_browser.py: Playwright's loop runs in this thread, the ORM
    # calls stay synchronous, and the connections are closed for PostgreSQL's sake.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def session_of(browser: Any, base_url: str, user: User) -> Any:
    """A page in a browser context of its own, logged in as `user`."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    log_in(page, base_url, user)
    return page


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"review-desk-{name}.png"), full_page=True)


def click(page: Any, value: str) -> None:
    with page.expect_navigation():
        page.click(f"input[type=submit][value='{value}']")


def test_claim_goes_from_acceptance_to_publication_on_the_desk(
    browser: Any,
    live_server: Any,
    editor: User,
    reviewer: User,
    chief_editor: User,
    make_article: Callable[..., Article],
    make_evidence: Callable[..., Evidence],
) -> None:
    base = live_server.url
    article = make_article(ARTICLE, title="Viral post on bridge cost")
    start = ARTICLE.index(CLAIM)
    claim = Claim.objects.create(
        article=article,
        text=CLAIM,
        span_start=start,
        span_end=start + len(CLAIM),
        claimant="A post on social media",
        checkworthiness=0.8,
    )

    # The editor accepts the claim in the editor's view of the article.
    as_editor = session_of(browser, base, editor)
    as_editor.goto(base + reverse("admin:claims_article_claims", args=[article.id]))
    with as_editor.expect_navigation():
        as_editor.locator(f"#claim-{claim.id} input[type=submit][value='Accept']").click()
    assert "is accepted" in as_editor.inner_text(".messagelist")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ACCEPTED
    # What gathering found (the worker is not part of this test): two passages.
    accounts = make_evidence(claim, passage="The final accounts put the bridge at 212 million.")
    make_evidence(claim, passage="The council approved a budget of 190 million in 2022.")

    # The reviewer finds it new in the queue, takes it, drafts a verdict and sends it.
    as_reviewer = session_of(browser, base, reviewer)
    as_reviewer.goto(base + reverse("admin:reviewers_review_changelist") + "?unassigned=on")
    assert as_reviewer.inner_text("[data-state=new] strong") == "1"
    shot(as_reviewer, "1-queue")
    with as_reviewer.expect_navigation():
        as_reviewer.click(f"#queue-claim-{claim.id} a")
    assert as_reviewer.inner_text("#article-text mark") == CLAIM
    click(as_reviewer, "Take it (self-assign)")
    assert as_reviewer.inner_text("#review-state") == "Assigned"
    as_reviewer.select_option("#id_rating", label="False")
    as_reviewer.fill("#id_headline", "The bridge cost 212 million dollars, not 400 million")
    as_reviewer.fill("#id_justification", "The city's final accounts give 212 million dollars.")
    as_reviewer.check(f"#evidence-{accounts.id} input[name=cited_evidence]")
    shot(as_reviewer, "2-verdict")
    click(as_reviewer, "Save and send for approval")
    assert "Sent for approval." in as_reviewer.inner_text(".messagelist")
    assert as_reviewer.inner_text("#review-state") == "Awaiting approval"
    assert as_reviewer.locator("input[value='Approve']").count() == 0  # four eyes

    # The chief editor finds it awaiting approval, approves and publishes it.
    as_chief = session_of(browser, base, chief_editor)
    as_chief.goto(base + reverse("admin:reviewers_review_changelist") + "?awaiting_my_approval=on")
    with as_chief.expect_navigation():
        as_chief.click(f"#queue-claim-{claim.id} a")
    shot(as_chief, "3-awaiting-approval")
    click(as_chief, "Approve")
    assert as_chief.inner_text("#review-state") == "Approved"
    click(as_chief, "Publish")
    assert "Published (version 1)." in as_chief.inner_text(".messagelist")
    assert as_chief.inner_text("#review-state") == "Published"
    shot(as_chief, "4-published")

    review = Review.objects.get(claim=claim)
    assert (review.assignee, review.author, review.approved_by) == (
        reviewer,
        reviewer,
        chief_editor,
    )
    assert list(review.events.values_list("to_state", flat=True)) == [
        "assigned",
        "drafting",
        "awaiting_approval",
        "approved",
        "published",
    ]
    check = PublishedCheck.objects.public().get(review=review)
    assert [item["passage"] for item in check.evidence] == [accounts.passage]
    as_chief.goto(base + f"/checks/{review.id}/")
    assert "212 million dollars, not 400 million" in as_chief.inner_text("body")
    shot(as_chief, "5-public-page")
