"""Readers in a real browser (Debian's chromium, driven by Playwright): the index of checks
at /checks/ searched and followed with the keyboard alone, its text legible (contrast at
least 4.5:1), and the tip form sent the same way. Screenshots in test-artifacts/."""

from collections.abc import Callable
from typing import Any

import pytest

from claims.matching import follower
from claims.models import Tip
from reviewers.models import Review
from tests.e2e.test_editor_in_browser import SCREENSHOTS
from tests.e2e.test_review_desk_in_browser import browser  # noqa: F401  (a fixture)
from tests.reviewers.conftest import publish_check  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The WCAG 2 contrast ratio of an element's text against the nearest opaque background.
CONTRAST = """
(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  let node = element, background = [255, 255, 255];
  while (node && node.nodeType === 1) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length < 4 || colour[3] > 0) { background = colour.slice(0, 3); break; }
    node = node.parentElement;
  }
  const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follower, "_process_followers", {})


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"public-{name}.png"), full_page=True)


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the element is focused, as a keyboard user moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} is never reached with Tab")


def test_a_reader_searches_the_index_and_opens_a_check_with_the_keyboard(
    browser: Any,  # noqa: F811
    live_server: Any,
    publish_check: Callable[..., Review],  # noqa: F811
) -> None:
    bridge = publish_check(
        "The Harbour Street bridge cost 400 million dollars.",
        headline="No, the bridge did not cost $400 million",
        tags=("transport",),
        claimant="A viral post",
    )
    publish_check("Ferry fares doubled in January.", headline="Ferry fares rose by a third")
    publish_check(
        "The old mill will become a school.", headline="The mill stays a mill", rating="True"
    )
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{live_server.url}/checks/")
    assert page.title() == "Fact checks"
    shot(page, "checks-index")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the results"
    tab_to(page, "#id_q")
    page.keyboard.type("bridge")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("ol.checks h3").all_inner_texts() == [
        "No, the bridge did not cost $400 million"
    ]
    assert page.input_value("#id_q") == "bridge"
    shot(page, "checks-index-search")

    tab_to(page, f'ol.checks a[href="/checks/{bridge.id}/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/checks/{bridge.id}/"
    assert page.locator("h1").inner_text() == "No, the bridge did not cost $400 million"


def test_the_index_text_is_legible(
    browser: Any,  # noqa: F811
    live_server: Any,
    publish_check: Callable[..., Review],  # noqa: F811
) -> None:
    publish_check(headline="A verdict", tags=("transport",))
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{live_server.url}/checks/")
    for selector in ["h1", "label[for=id_q]", "button", ".rating", ".muted", "ol.checks h3 a",
                     "ol.checks .muted a", "legend"]:  # fmt: skip
        ratio = page.locator(selector).first.evaluate(CONTRAST)
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f}"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focused control shows it


def test_a_reader_sends_a_tip_with_the_keyboard(
    browser: Any,  # noqa: F811
    live_server: Any,
) -> None:
    page = browser.new_context(viewport={"width": 1000, "height": 900}).new_page()
    page.goto(f"{live_server.url}/tips/")
    tab_to(page, "#id_text")
    page.keyboard.type("The mayor says <b>the square</b> is closed to bicycles from May.")
    tab_to(page, "#id_contact")
    page.keyboard.type("not an address")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Enter a valid email address." in page.locator("[role=alert]").inner_text()
    shot(page, "tip-form-error")
    page.fill("#id_contact", "reader@example.org")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tip = Tip.objects.get()
    assert page.url == f"{live_server.url}/tips/{tip.token}/?sent=1"
    assert "Thank you: we have your tip." in page.locator("[role=status]").inner_text()
    assert "<b>the square</b>" in page.locator("blockquote").inner_text()  # shown as text
    shot(page, "tip-received")
