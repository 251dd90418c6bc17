"""Running extraction again never duplicates a candidate, never brings back one an editor
set aside or replaced, and never loses a decision."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from claims.extraction.decisions import (
    Part,
    claim_create,
    claim_dismiss,
    claim_edit,
    claim_merge,
    claim_split,
)
from claims.extraction.services import claim_accept, claims_propose
from claims.models import Article, Claim
from tests.conftest import seed_article

REMEMBERED = [
    "id", "text", "span_start", "span_end", "claimant", "article_stance", "status",
    "accepted_by", "created_by", "edited_by", "edited_at", "decided_by", "decided_at",
    "split_from", "merged_into",
]  # fmt: skip


def everything(article: Article) -> list[dict[str, Any]]:
    return list(Claim.objects.filter(article=article).order_by("id").values(*REMEMBERED))


@pytest.fixture
def proposed(make_article: Callable[..., Article]) -> list[Claim]:
    """The seed article's candidates, in the order they appear in the text."""
    article = make_article(seed_article())
    claims_propose(article_id=article.id)
    candidates = list(Claim.objects.filter(article=article).order_by("span_start", "id"))
    assert len(candidates) >= 7, "the seed article should give enough candidates"
    return candidates


def halves(claim: Claim) -> list[Part]:
    """The claim's sentence cut at its middle space: the first half keeps its place, the
    second is reworded and has none."""
    assert claim.span_start is not None and claim.span_end is not None
    middle = claim.span_start + claim.text.index(" ", len(claim.text) // 2)
    return [
        Part(f"{claim.text[: middle - claim.span_start]}.", claim.span_start, middle),
        Part(f"Reworded: {claim.text[middle - claim.span_start :]}"),
    ]


def test_proposing_again_after_every_kind_of_decision_changes_nothing(
    proposed: list[Claim], editor: User
) -> None:
    article = proposed[0].article
    accepted, dismissed, edited, split, merged_a, merged_b, *rest = proposed
    claim_accept(claim=accepted, user=editor)
    claim_dismiss(claim=dismissed, user=editor)
    claim_edit(claim=edited, user=editor, text="A standalone, checkable sentence.")
    parts = claim_split(claim=split, user=editor, parts=halves(split))
    merged = claim_merge(claims=[merged_a, merged_b], user=editor)
    created, _ = claim_create(article=article, user=editor, span_start=0, span_end=8)
    before = everything(article)

    assert claims_propose(article_id=article.id) == 0
    assert claims_propose(article_id=article.id) == 0

    assert everything(article) == before
    statuses = dict(Claim.objects.filter(article=article).values_list("id", "status"))
    assert statuses[accepted.id] == "accepted"
    assert statuses[dismissed.id] == "dismissed"
    assert statuses[split.id] == "split"
    assert statuses[merged_a.id] == statuses[merged_b.id] == "merged"
    for still_open in [*parts, merged, created, *rest]:
        assert statuses[still_open.id] == "candidate"


def test_a_dismissed_sentence_is_not_proposed_again(proposed: list[Claim], editor: User) -> None:
    dismissed = claim_dismiss(claim=proposed[0], user=editor)
    claims_propose(article_id=dismissed.article_id)
    same_place = Claim.objects.filter(
        article=dismissed.article, span_start=dismissed.span_start, span_end=dismissed.span_end
    )
    assert list(same_place.values_list("id", "status")) == [(dismissed.id, "dismissed")]


def test_an_edited_candidate_keeps_its_wording(proposed: list[Claim], editor: User) -> None:
    claim_edit(claim=proposed[1], user=editor, text="The editor's wording.")
    claims_propose(article_id=proposed[1].article_id)
    proposed[1].refresh_from_db()
    assert proposed[1].text == "The editor's wording."
    assert proposed[1].edited_by == editor
