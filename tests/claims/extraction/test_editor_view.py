"""The editor's view in the admin: the article text with its claims highlighted (and
escaped), and a form for every decision, each going through the same services as the API."""

from collections.abc import Callable, Mapping
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.extraction.decisions import claim_create, claim_dismiss
from claims.extraction.highlighting import highlighted
from claims.extraction.services import claim_accept
from claims.models import Article, Claim

SCRIPT = 'A post claims <script>alert("bridge")</script> the toll doubled & more.'
TEXT = (
    "The council says the bridge cost 400 million dollars and opened in 2019. "
    f"{SCRIPT}\r\n"
    "Officials 🙂 denied that any money went missing."
)
SENTENCES = [
    ("The council says the bridge cost 400 million dollars and opened in 2019.", 0.93),
    (SCRIPT, 0.45),
    ("Officials 🙂 denied that any money went missing.", 0.12),
]


class ArticleText(HTMLParser):
    """Collects what a browser would show as the text content of #article-text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text = ""
        self.marks: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
            if tag == "mark":
                self.marks.append(dict(attrs))
        elif ("id", "article-text") in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1 if self.depth else 0

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def article(make_article: Callable[..., Article]) -> Article:
    article = make_article(TEXT, title="Bridge <b>costs</b>")
    for sentence, score in SENTENCES:
        start = TEXT.index(sentence)
        Claim.objects.create(
            article=article,
            text=sentence,
            span_start=start,
            span_end=start + len(sentence),
            checkworthiness=score,
            scored_by="minilm-test",
            claimant="A post <i>online</i>" if sentence == SCRIPT else "",
            article_stance="reports" if sentence == SCRIPT else "asserts",
            stance_cue="claims" if sentence == SCRIPT else "",
        )
    return article


def page(article: Article, user: User) -> str:
    response = logged_in(user).get(f"/admin/claims/article/{article.id}/claims/")
    assert response.status_code == 200
    return response.content.decode()


def claim(article: Article, sentence: str) -> Claim:
    return article.claims.get(span_start=TEXT.index(sentence))


def decide(article: Article, user: User, step: str, data: Mapping[str, object]) -> str:
    """Post one decision and return the messages shown after it."""
    url = f"/admin/claims/article/{article.id}/claims/{step}/"
    response = logged_in(user).post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/claims/article/{article.id}/claims/"
    return " ".join(str(message) for message in response.context["messages"])


def test_the_article_change_page_leads_to_the_editors_view(article: Article, editor: User) -> None:
    response = logged_in(editor).get(f"/admin/claims/article/{article.id}/change/")
    assert f"/admin/claims/article/{article.id}/claims/" in response.content.decode()


def test_the_text_is_shown_escaped_and_exactly_as_stored(article: Article, editor: User) -> None:
    html = page(article, editor)
    assert "<script>alert" not in html and "<i>online" not in html and "<b>costs" not in html
    assert "&lt;script&gt;alert(&quot;bridge&quot;)&lt;/script&gt;" in html
    shown = ArticleText()
    shown.feed(html)
    # What the selection script counts offsets in: exactly Article.text, CR included.
    assert shown.text == TEXT
    assert "&#13;\n" in html
    assert f'data-length="{len(TEXT)}"' in html


def test_each_candidate_is_highlighted_in_its_band(article: Article, editor: User) -> None:
    shown = ArticleText()
    shown.feed(page(article, editor))
    marks = {mark["data-claims"]: mark for mark in shown.marks}
    best, script, lowest = (claim(article, sentence) for sentence, _ in SENTENCES)
    assert marks[str(best.id)]["class"] == "claim-mark cw-likely"
    assert marks[str(script.id)]["class"] == "claim-mark cw-possible"
    assert marks[str(lowest.id)]["class"] == "claim-mark cw-unlikely"
    assert (
        marks[str(script.id)]["title"] == f"#{script.id} · possible (0.45) · A post <i>online</i>"
    )


def test_each_claim_is_listed_with_its_band_named_in_words(article: Article, editor: User) -> None:
    html = page(article, editor)
    assert "A post &lt;i&gt;online&lt;/i&gt;" in html
    assert "cue: “claims”" in html
    for band, score in (("likely", "0.93"), ("possible", "0.45"), ("unlikely", "0.12")):
        assert f'<span class="claim-band cw-{band}">{band}</span>' in html
        assert f">{score}</span>" in html
    assert 'aria-label="Check-worthiness bands"' in html  # the legend says what each means


def test_a_claim_in_a_language_without_a_model_is_shown_unscored(
    article: Article, editor: User
) -> None:
    lowest = claim(article, SENTENCES[2][0])
    Claim.objects.filter(id=lowest.id).update(checkworthiness=0.0, scored_by="")
    html = page(article, editor)
    assert '<span class="claim-band cw-unscored">unscored</span>' in html
    shown = ArticleText()
    shown.feed(html)
    [mark] = [mark for mark in shown.marks if mark["data-claims"] == str(lowest.id)]
    assert mark["class"] == "claim-mark cw-unscored"


def test_claims_someone_makes_are_listed_before_the_articles_own_context(
    article: Article, editor: User
) -> None:
    context = claim(article, SENTENCES[0][0])  # 0.93, the article's own voice
    Claim.objects.filter(id=context.id).update(checkworthiness=0.8)
    html = page(article, editor)
    made = claim(article, SCRIPT)  # 0.45, "A post claims"
    assert html.index(f'id="claim-{made.id}"') < html.index(f'id="claim-{context.id}"')


def test_overlapping_claims_share_a_mark() -> None:
    text = "One two three four."
    outer = Claim(id=1, text=text, span_start=0, span_end=19, checkworthiness=0.2, scored_by="m")
    inner = Claim(id=2, text="two three", span_start=4, span_end=13, checkworthiness=0.8)
    inner.scored_by = "m"
    where = {1: (0, 19), 2: (4, 13)}
    html = highlighted(text + "\x00", [outer, inner], where)
    one = "#1 · possible (0.20)"
    assert html == (
        f'<mark class="claim-mark cw-possible" data-claims="1" title="{one}">One </mark>'
        '<mark class="claim-mark cw-likely" data-claims="2 1" '
        f'title="#2 · likely (0.80); {one}">two three</mark>'
        f'<mark class="claim-mark cw-possible" data-claims="1" title="{one}"> four.</mark>&#0;'
    )


def test_creating_a_claim_from_the_selected_text(article: Article, editor: User) -> None:
    start = TEXT.index("the toll doubled")
    span = {"span_start": start, "span_end": start + len("the toll doubled")}
    message = decide(article, editor, "create", span)
    made = article.claims.get(span_start=start)
    assert message == f"Claim #{made.id} is created: “the toll doubled”."
    assert made.created_by == editor
    again = decide(article, editor, "create", span)
    assert again == f"That text is already claim #{made.id} (candidate)."
    refused = decide(article, editor, "create", {"span_start": 5, "span_end": 2})
    assert "span" in refused
    assert decide(article, editor, "create", {}).startswith("span_start: This field is required")
    assert article.claims.count() == 4


def test_accepting_and_dismissing(article: Article, editor: User) -> None:
    best, script, _ = (claim(article, sentence) for sentence, _ in SENTENCES)
    assert "accepted" in decide(article, editor, "accept", {"claim": best.id})
    assert "dismissed" in decide(article, editor, "dismiss", {"claim": script.id})
    best.refresh_from_db()
    script.refresh_from_db()
    assert (best.status, best.accepted_by) == ("accepted", editor)
    assert (script.status, script.decided_by) == ("dismissed", editor)
    refused = decide(article, editor, "dismiss", {"claim": best.id})
    assert "accepted, so it cannot be dismissed" in refused
    best.refresh_from_db()
    assert best.status == "accepted"


def test_editing(article: Article, editor: User) -> None:
    script = claim(article, SCRIPT)
    data = {
        "claim": script.id,
        "text": "The Harbour Street bridge toll doubled.",
        "claimant": "A viral post",
        "article_stance": "refutes",
    }
    decide(article, editor, "edit", data)
    script.refresh_from_db()
    assert script.text == "The Harbour Street bridge toll doubled."
    assert (script.claimant, script.article_stance, script.edited_by) == (
        "A viral post",
        "refutes",
        editor,
    )
    assert "empty" in decide(article, editor, "edit", {**data, "text": "   "})


def test_splitting_keeps_the_place_of_words_copied_from_the_sentence(
    article: Article, editor: User
) -> None:
    best = claim(article, SENTENCES[0][0])
    lines = "the bridge cost 400 million dollars\n\nThe Harbour Street bridge opened in 2019.\n"
    message = decide(article, editor, "split", {"claim": best.id, "parts": lines})
    copied, reworded = best.split_into.order_by("id")
    assert message == f"Claim #{best.id} is split into #{copied.id}, #{reworded.id}."
    assert TEXT[copied.span_start : copied.span_end] == "the bridge cost 400 million dollars"
    assert reworded.span_start is None
    best.refresh_from_db()
    assert best.status == "split"


def test_merging_the_ticked_claims(article: Article, editor: User) -> None:
    best, script, lowest = (claim(article, sentence) for sentence, _ in SENTENCES)
    decide(article, editor, "merge", {"claims": [script.id, lowest.id], "text": ""})
    script.refresh_from_db()
    assert script.status == "merged"
    merged = script.merged_into
    assert merged is not None and merged.span_end == len(TEXT)
    refused = decide(article, editor, "merge", {"claims": [best.id]})
    assert "two or more" in refused


def test_a_claim_of_another_article_is_not_found_here(
    article: Article, make_article: Callable[..., Article], editor: User
) -> None:
    other = make_article("Another article, with one sentence in it.")
    response = logged_in(editor).post(
        f"/admin/claims/article/{other.id}/claims/dismiss/",
        {"claim": claim(article, SCRIPT).id},
    )
    assert response.status_code == 404
    steps = f"/admin/claims/article/{article.id}/claims/"
    assert logged_in(editor).get(steps + "dismiss/").status_code == 405
    assert logged_in(editor).post(steps + "delete/").status_code == 404


def test_reviewers_see_the_claims_but_cannot_decide(article: Article, reviewer: User) -> None:
    html = page(article, reviewer)
    assert 'id="claim-create"' not in html and "Dismiss" not in html
    script = claim(article, SCRIPT)
    url = f"/admin/claims/article/{article.id}/claims/dismiss/"
    assert logged_in(reviewer).post(url, {"claim": script.id}).status_code == 403
    script.refresh_from_db()
    assert script.status == "candidate"


def test_outsiders_are_sent_to_log_in(article: Article, outsider: User) -> None:
    response = logged_in(outsider).get(f"/admin/claims/article/{article.id}/claims/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_accepted_claims_are_underlined_and_decided_ones_listed_without_steps(
    article: Article, editor: User
) -> None:
    best = claim_accept(claim=claim(article, SENTENCES[0][0]), user=editor)
    shown = ArticleText()
    html = page(article, editor)
    shown.feed(html)
    [mark] = [mark for mark in shown.marks if mark["data-claims"] == str(best.id)]
    assert mark["class"] == "claim-mark cw-likely accepted"
    assert f'value="{best.id}" form="claim-merge"' not in html


def test_the_page_takes_the_same_queries_however_many_claims(
    article: Article, editor: User
) -> None:
    client = logged_in(editor)
    url = f"/admin/claims/article/{article.id}/claims/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    claim_accept(claim=claim(article, SENTENCES[0][0]), user=editor)
    claim_dismiss(claim=claim(article, SCRIPT), user=editor)
    for start in range(0, 40, 8):
        claim_create(article=article, user=editor, span_start=start, span_end=start + 6)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
