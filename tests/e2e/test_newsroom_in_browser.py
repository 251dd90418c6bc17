"""The newsroom's pages in a real browser (Debian's chromium, driven by Playwright), at a
laptop's 1,366 px and a phone's 390 px: the home page, the analytics with its charts, the
article and claim pages, the editor's view of an article's claims, the review queue and
desk, the lists and the audit trails. At 1,366 px nothing is wider than
the window. Screenshots of every page at both widths in test-artifacts/."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.models import Claim, ClaimEvent
from reviewers.models import Review
from tests.e2e.test_editor_in_browser import SCREENSHOTS, log_in
from tests.e2e.test_review_desk_in_browser import browser as browser
from tests.reviewers.conftest import publish_check as publish_check

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"laptop": 1366, "phone": 390}
LONG_URL = "https://news.example/" + "a-very-long-slug-" * 12


@pytest.fixture
def newsroom(publish_check: Callable[..., Review]) -> Iterator[Review]:
    review = publish_check(
        "The Harbour Street bridge cost 400 million dollars, the most expensive in the region.",
        claimant="A post on social media",
    )
    Claim.objects.filter(id=review.claim_id).update(gathering=Claim.Gathering.DONE)
    review.claim.article.__class__.objects.filter(id=review.claim.article_id).update(
        url=LONG_URL, canonical_url=LONG_URL, publisher="Riverton Courier"
    )
    yield review


def pages_of(review: Review) -> dict[str, str]:
    claim = review.claim
    return {
        "home": "/admin/",
        "analytics": "/admin/analytics/",
        "article": f"/admin/claims/article/{claim.article_id}/change/",
        "article-claims": f"/admin/claims/article/{claim.article_id}/claims/",
        "review-queue": "/admin/reviewers/review/",
        "review-desk": f"/admin/reviewers/review/desk/{claim.id}/",
        "claim": f"/admin/claims/claim/{claim.id}/change/",
        "articles": "/admin/claims/article/",
        "claims": "/admin/claims/claim/",
        "claim-events": "/admin/claims/claimevent/",
        "review-events": "/admin/reviewers/reviewevent/",
        "published-checks": "/admin/reviewers/publishedcheck/",
    }


def page_at(browser: Any, base_url: str, user: User, width: int) -> Any:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, base_url, user)
    return page


def test_every_page_fits_a_laptop_and_is_shot_at_both_widths(
    browser: Any, live_server: Any, newsroom: Review, site_admin: User
) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    for device, width in WIDTHS.items():
        page = page_at(browser, live_server.url, site_admin, width)
        for name, path in pages_of(newsroom).items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.screenshot(path=str(SCREENSHOTS / f"newsroom-{name}-{width}.png"), full_page=True)
            if device == "laptop":
                overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                assert overflow <= 0, f"{path} is {overflow} px wider than the window"
        page.context.close()


def test_the_login_page_and_header_name_the_product(browser: Any, live_server: Any) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(live_server.url + "/admin/login/")
    page.screenshot(path=str(SCREENSHOTS / "newsroom-login-1366.png"))
    assert page.title() == "Log in | factcheck newsroom"
    assert page.inner_text("#site-name") == "factcheck · newsroom"
    page.close()


def test_the_article_page_shows_the_text_before_folded_metadata_and_no_save_button(
    browser: Any, live_server: Any, newsroom: Review, editor: User
) -> None:
    page = page_at(browser, live_server.url, editor, 1366)
    page.goto(live_server.url + pages_of(newsroom)["article"])

    text = page.locator(".field-text").bounding_box()
    metadata = page.locator("details:has-text('Metadata')")
    assert text["y"] < metadata.bounding_box()["y"]
    assert not page.locator(".field-content_hash").is_visible()  # folded away
    assert page.locator("input[name=_save]").count() == 0
    page.context.close()


def test_the_claim_page_shows_the_claim_and_its_evidence_first(
    browser: Any, live_server: Any, newsroom: Review, reviewer: User
) -> None:
    page = page_at(browser, live_server.url, reviewer, 1366)
    page.goto(live_server.url + pages_of(newsroom)["claim"])

    claim = page.locator("#claim").bounding_box()
    evidence = page.locator("#evidence").bounding_box()
    fields = page.locator("details:has-text('Every field')").bounding_box()
    assert claim["y"] < evidence["y"] < fields["y"]
    assert "400 million dollars" in page.inner_text("#claim blockquote")
    assert page.locator("input[name=_save]").count() == 0
    page.context.close()


def test_analytics_charts_are_drawn_next_to_their_tables(
    browser: Any, live_server: Any, newsroom: Review, chief_editor: User
) -> None:
    page = page_at(browser, live_server.url, chief_editor, 1366)
    page.goto(live_server.url + "/admin/analytics/")

    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas[data-figure]')].filter(c => Chart.getChart(c))"
        ".map(c => c.dataset.figure)"
    )
    assert {"weekly", "stages", "verdicts", "claimants"} <= set(drawn)
    assert page.locator("#figure-verdicts tbody th").all_inner_texts() == ["False"]
    assert ClaimEvent.objects.filter(claim=newsroom.claim).exists()
    page.context.close()
