"""The editor's view in a real browser (Debian's chromium, driven by Playwright): the
article with its claims highlighted, and a claim made from text selected with the mouse."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections
from django.urls import reverse

from claims.extraction.services import claims_propose
from claims.ingestion.pages import content_hash, read_pasted
from claims.models import Article, Claim
from tests.conftest import seed_article

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts"
# Chromium as root, headless, and quiet on a machine without a network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but there is no chromium at {CHROMIUM}.")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still synchronous, so Django's async guard has nothing to protect here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        yield page
        browser.close()
        # Under Playwright's event loop Django opened this test's connections in another
        # context; close them here, or PostgreSQL will not drop the test database.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(page: Any, base_url: str, user: User) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"pw-{user.username}")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def select_text(page: Any, phrase: str) -> None:
    """Select `phrase` inside the article as a mouse drag would: a DOM range over the
    text nodes (and marks) it crosses."""
    page.evaluate(
        """(phrase) => {
            const article = document.getElementById("article-text");
            const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
            const nodes = [];
            let text = "";
            while (walker.nextNode()) {
                nodes.push([walker.currentNode, text.length]);
                text += walker.currentNode.data;
            }
            const start = text.indexOf(phrase), end = start + phrase.length;
            const locate = (at) => {
                for (const [node, offset] of nodes) {
                    if (at <= offset + node.data.length) return [node, at - offset];
                }
            };
            const range = document.createRange();
            range.setStart(...locate(start));
            range.setEnd(...locate(end));
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        phrase,
    )


def test_editor_selects_text_and_makes_it_a_claim(
    browser_page: Any, live_server: Any, editor: User
) -> None:
    page = browser_page
    text = read_pasted(seed_article()).text
    article = Article.objects.create(
        text=text,
        content_hash=content_hash(text),
        title="Russia doesn’t claim monopoly",
        status=Article.Status.EXTRACTED,
    )
    claims_propose(article_id=article.id)
    log_in(page, live_server.url, editor)
    page.goto(live_server.url + reverse("admin:claims_article_claims", args=[article.id]))

    marks = page.locator("#article-text mark")
    assert marks.count() >= 5
    assert page.locator("#article-text").inner_text().startswith("Russia does not seek")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor-view.png"), full_page=True)

    # A phrase that crosses highlighted and plain text, with curly quotes inside.
    phrase = "turning Armenia into a ‘protectorate’ can be safely refuted"
    select_text(page, phrase)
    submit = page.locator("#claim-create input[type=submit]")
    submit.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('#claim-create [type=submit]').disabled")
    submit.click()
    page.wait_for_load_state()

    created = Claim.objects.get(article=article, created_by=editor)
    assert created.text == phrase
    assert text[created.span_start : created.span_end] == phrase
    assert created.scored_by != ""
    page.screenshot(path=str(SCREENSHOTS / "editor-view-claim-created.png"), full_page=True)
