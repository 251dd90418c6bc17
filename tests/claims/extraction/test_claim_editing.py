"""An editor dismisses, rewords and creates claims; each decision says who made it and when."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.extraction.decisions import (
    ClaimAlreadyDecided,
    Part,
    claim_create,
    claim_dismiss,
    claim_edit,
    claim_merge,
    claim_split,
)
from claims.extraction.services import claim_accept
from claims.models import Article, Claim

TEXT = (
    "The council says the bridge cost 400 million dollars and opened in 2019. "
    "Critics claim that the toll doubled last year.\r\n"
    "Officials denied that any money went missing."
)
FIRST = "The council says the bridge cost 400 million dollars and opened in 2019."
SECOND = "Critics claim that the toll doubled last year."


@pytest.fixture
def article(make_article: Callable[..., Article]) -> Article:
    return make_article(TEXT, title="Bridge")


def candidate(article: Article, sentence: str, **fields: Any) -> Claim:
    start = article.text.index(sentence)
    return Claim.objects.create(
        article=article,
        text=sentence,
        span_start=start,
        span_end=start + len(sentence),
        **{"checkworthiness": 0.6, **fields},
    )


def test_dismissing_records_who_and_when(article: Article, editor: User) -> None:
    claim = candidate(article, FIRST)
    claim_dismiss(claim=claim, user=editor)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISMISSED
    assert claim.decided_by == editor and claim.decided_at is not None


def test_dismissing_twice_keeps_the_first_decision(article: Article, editor: User) -> None:
    first = claim_dismiss(claim=candidate(article, FIRST), user=editor)
    again = claim_dismiss(claim=first, user=editor)
    assert again.decided_at == first.decided_at


def test_an_accepted_claim_cannot_be_dismissed(article: Article, editor: User) -> None:
    claim = claim_accept(claim=candidate(article, FIRST), user=editor)
    with pytest.raises(ClaimAlreadyDecided, match="accepted"):
        claim_dismiss(claim=claim, user=editor)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ACCEPTED and claim.decided_at is None


def test_editing_rewords_the_claim_and_keeps_its_span(article: Article, editor: User) -> None:
    claim = candidate(article, SECOND, claimant="Critics")
    claim_edit(
        claim=claim,
        user=editor,
        text="  The Harbour Street bridge toll\n doubled in 2025. ",
        claimant="Critics of the council",
    )
    claim.refresh_from_db()
    assert claim.text == "The Harbour Street bridge toll doubled in 2025."
    assert claim.claimant == "Critics of the council"
    assert article.text[claim.span_start : claim.span_end] == SECOND
    assert claim.edited_by == editor and claim.edited_at is not None
    assert claim.status == Claim.Status.CANDIDATE


def test_editing_with_the_same_words_changes_nothing(article: Article, editor: User) -> None:
    claim = candidate(article, SECOND)
    claim_edit(claim=claim, user=editor, text=f" {SECOND}")
    claim.refresh_from_db()
    assert claim.edited_by is None and claim.edited_at is None


def test_a_stance_set_by_the_editor_has_no_cue(article: Article, editor: User) -> None:
    claim = candidate(
        article, SECOND, article_stance=Claim.ArticleStance.REFUTES, stance_cue="denied"
    )
    claim_edit(claim=claim, user=editor, text=SECOND, article_stance="reports")
    claim.refresh_from_db()
    assert claim.article_stance == Claim.ArticleStance.REPORTS
    assert claim.stance_cue == ""


@pytest.mark.parametrize(
    "change",
    [
        {"text": "  \n "},
        {"text": "word " * 500},
        {"text": "A fine sentence.", "article_stance": "believes"},
        {"text": "A fine sentence.", "claimant": "x" * 301},
    ],
    ids=["blank", "too-long", "unknown-stance", "claimant-too-long"],
)
def test_edit_refuses_bad_input_and_changes_nothing(
    article: Article, editor: User, change: dict[str, str]
) -> None:
    claim = candidate(article, SECOND)
    with pytest.raises(ValidationError):
        claim_edit(claim=claim, user=editor, **change)
    claim.refresh_from_db()
    assert claim.text == SECOND and claim.edited_at is None


def test_only_candidates_can_be_edited(article: Article, editor: User) -> None:
    accepted = claim_accept(claim=candidate(article, FIRST), user=editor)
    dismissed = claim_dismiss(claim=candidate(article, SECOND), user=editor)
    for claim in (accepted, dismissed):
        with pytest.raises(ClaimAlreadyDecided):
            claim_edit(claim=claim, user=editor, text="Something else entirely.")
        claim.refresh_from_db()
        assert claim.edited_at is None


def test_creating_from_a_span_leaves_out_surrounding_whitespace(
    article: Article, editor: User
) -> None:
    start = TEXT.index(SECOND) - 1  # the space before the sentence
    end = TEXT.index(SECOND) + len(SECOND) + 2  # and the line break after it
    claim, created = claim_create(article=article, user=editor, span_start=start, span_end=end)
    assert created
    claim.refresh_from_db()
    assert (claim.span_start, claim.span_end) == (start + 1, end - 2)
    assert claim.text == SECOND
    assert claim.created_by == editor
    assert claim.status == Claim.Status.CANDIDATE


def test_the_same_span_again_gives_back_the_same_claim(article: Article, editor: User) -> None:
    extracted = candidate(article, FIRST)
    start = TEXT.index(SECOND)
    made, _ = claim_create(
        article=article, user=editor, span_start=start, span_end=start + len(SECOND)
    )
    again, created = claim_create(
        article=article, user=editor, span_start=start - 1, span_end=start + len(SECOND) + 1
    )
    assert again == made and not created
    found, created = claim_create(article=article, user=editor, span_start=0, span_end=len(FIRST))
    assert found == extracted and not created
    assert Claim.objects.filter(article=article).count() == 2


def test_a_span_may_end_where_the_text_ends(article: Article, editor: User) -> None:
    claim, _ = claim_create(
        article=article, user=editor, span_start=len(TEXT) - 14, span_end=len(TEXT)
    )
    assert claim.text == "went missing."


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 5), (5, 5), (9, 4), (0, len(TEXT) + 1), (len(TEXT), len(TEXT) + 3)],
    ids=["negative", "empty", "backwards", "past-the-end", "after-the-end"],
)
def test_create_refuses_spans_outside_the_text(
    article: Article, editor: User, start: int, end: int
) -> None:
    with pytest.raises(ValidationError, match="span"):
        claim_create(article=article, user=editor, span_start=start, span_end=end)
    assert not Claim.objects.exists()


def test_create_refuses_a_span_of_whitespace(article: Article, editor: User) -> None:
    start = TEXT.index("\r\n")
    with pytest.raises(ValidationError, match="whitespace"):
        claim_create(article=article, user=editor, span_start=start, span_end=start + 2)
    assert not Claim.objects.exists()


def test_create_needs_the_articles_text(editor: User) -> None:
    queued = Article.objects.create(url="https://news.example/queued")
    with pytest.raises(ValidationError, match="no extracted text"):
        claim_create(article=queued, user=editor, span_start=0, span_end=1)


@pytest.mark.parametrize("who", ["outsider", "reviewer"])
def test_only_editors_decide(article: Article, who: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(who)
    first, second = candidate(article, FIRST), candidate(article, SECOND)
    decisions: list[Callable[[], object]] = [
        lambda: claim_dismiss(claim=first, user=user),
        lambda: claim_edit(claim=first, user=user, text="Reworded."),
        lambda: claim_split(claim=first, user=user, parts=[Part("One."), Part("Two.")]),
        lambda: claim_merge(claims=[first, second], user=user),
        lambda: claim_create(article=article, user=user, span_start=0, span_end=3),
    ]
    for decide in decisions:
        with pytest.raises(PermissionDenied):
            decide()
    assert list(Claim.objects.values_list("status", flat=True)) == ["candidate", "candidate"]
    assert Claim.objects.filter(edited_at__isnull=False).count() == 0


def test_the_database_keeps_decisions_whole(article: Article) -> None:
    claim = candidate(article, FIRST)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(id=claim.id).update(status="merged", decided_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(id=claim.id).update(status="dismissed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(id=claim.id).update(split_from=claim)
