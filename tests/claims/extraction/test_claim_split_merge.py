"""An editor splits one candidate into several claims, or merges several into one; the
replaced claims stay, marked as replaced and linked to what replaced them."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from claims.extraction.checkworthiness import load_model
from claims.extraction.decisions import (
    ClaimAlreadyDecided,
    Part,
    claim_create,
    claim_dismiss,
    claim_merge,
    claim_split,
)
from claims.extraction.highlighting import positions
from claims.extraction.services import claim_accept
from claims.models import Article, Claim

TEXT = (
    "The council says the bridge cost 400 million dollars and opened in 2019. "
    "Critics claim that the toll doubled last year. "
    "Officials denied that any money went missing."
)
FIRST = "The council says the bridge cost 400 million dollars and opened in 2019."
SECOND = "Critics claim that the toll doubled last year."
THIRD = "Officials denied that any money went missing."
COST = "the bridge cost 400 million dollars"


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


def cost_part() -> Part:
    start = TEXT.index(COST)
    return Part("The bridge cost 400 million dollars.", start, start + len(COST))


def test_split_replaces_a_candidate_by_its_parts(article: Article, editor: User) -> None:
    original = candidate(
        article, FIRST, claimant="The council", checkworthiness=0.9, scored_by="model-1"
    )
    parts = claim_split(
        claim=original,
        user=editor,
        parts=[cost_part(), Part("The Harbour Street bridge opened in 2019.")],
    )
    original.refresh_from_db()
    assert original.status == Claim.Status.SPLIT
    assert original.decided_by == editor and original.decided_at is not None
    assert list(original.split_into.order_by("id")) == parts
    cost, opened = parts
    assert article.text[cost.span_start : cost.span_end] == COST
    assert opened.span_start is None and opened.span_end is None
    assert positions([original, *parts])[opened.id] == (0, len(FIRST))
    for part in parts:
        assert part.status == Claim.Status.CANDIDATE
        assert part.created_by == editor
        assert part.claimant == "The council"  # kept from the original
        assert part.scored_by == load_model().name  # each part is scored on its own
        assert part.checkworthiness == load_model().score([part.text])[0]


def test_splitting_again_into_the_same_parts_gives_back_the_same_claims(
    article: Article, editor: User
) -> None:
    original = candidate(article, FIRST)
    parts = [cost_part(), Part("The bridge opened in 2019.")]
    first = claim_split(claim=original, user=editor, parts=parts)
    assert claim_split(claim=original, user=editor, parts=parts) == first
    with pytest.raises(ClaimAlreadyDecided, match="split"):
        claim_split(claim=original, user=editor, parts=[Part("One."), Part("Two.")])
    assert Claim.objects.count() == 3


def test_an_accepted_claim_cannot_be_split(article: Article, editor: User) -> None:
    accepted = claim_accept(claim=candidate(article, FIRST), user=editor)
    with pytest.raises(ClaimAlreadyDecided, match="accepted"):
        claim_split(claim=accepted, user=editor, parts=[Part("One."), Part("Two.")])
    assert Claim.objects.count() == 1


BAD_PARTS: dict[str, list[Part]] = {
    "one-part": [Part("Only one.")],
    "blank-part": [Part("One."), Part("  ")],
    "same-text": [Part("One."), Part(" One. ")],
    "outside-the-claim": [Part("One."), Part("Critics.", TEXT.index(SECOND), len(TEXT))],
    "the-whole-claim": [Part("One."), Part("All of it.", 0, len(FIRST))],
    "half-a-span": [Part("One."), Part("Two.", 0, None)],
    "blank-span": [Part("One."), Part("Two.", len("The"), len("The "))],
    "same-span": [Part("One.", 0, 3), Part("Two.", 0, 3)],
    "too-many": [Part(f"Part {number}.") for number in range(21)],
}


@pytest.mark.parametrize("parts", BAD_PARTS.values(), ids=BAD_PARTS.keys())
def test_split_refuses_bad_parts_and_writes_nothing(
    article: Article, editor: User, parts: list[Part]
) -> None:
    original = candidate(article, FIRST)
    with pytest.raises(ValidationError):
        claim_split(claim=original, user=editor, parts=parts)
    original.refresh_from_db()
    assert original.status == Claim.Status.CANDIDATE and original.decided_at is None
    assert Claim.objects.count() == 1


def test_a_part_cannot_take_the_span_of_another_claim(article: Article, editor: User) -> None:
    original = candidate(article, FIRST)
    start = TEXT.index(COST)
    other, _ = claim_create(article=article, user=editor, span_start=start, span_end=start + 10)
    with pytest.raises(ValidationError, match=f"claim #{other.id} has that span"):
        claim_split(
            claim=original, user=editor, parts=[Part("One.", start, start + 10), Part("Two.")]
        )
    assert Claim.objects.count() == 2


def test_merge_replaces_claims_by_one_covering_them(article: Article, editor: User) -> None:
    third = candidate(article, THIRD, checkworthiness=0.8, claimant="Officials")
    second = candidate(article, SECOND, checkworthiness=0.5, claimant="Critics")
    merged = claim_merge(claims=[third, second], user=editor)
    merged.refresh_from_db()
    assert merged.text == f"{SECOND} {THIRD}"
    assert (merged.span_start, merged.span_end) == (TEXT.index(SECOND), len(TEXT))
    assert merged.claimant == "Officials"  # from the most check-worthy of the merged
    assert merged.checkworthiness == load_model().score([merged.text])[0]
    assert merged.created_by == editor and merged.status == Claim.Status.CANDIDATE
    assert set(merged.merged_from.all()) == {second, third}
    for replaced in (second, third):
        replaced.refresh_from_db()
        assert replaced.status == Claim.Status.MERGED
        assert replaced.decided_by == editor and replaced.decided_at is not None


def test_merge_takes_the_editors_wording(article: Article, editor: User) -> None:
    claims = [candidate(article, SECOND), candidate(article, THIRD)]
    merged = claim_merge(claims=claims, user=editor, text=" The toll doubled;\nno money is lost. ")
    assert merged.text == "The toll doubled; no money is lost."


def test_merging_again_gives_back_the_same_claim(article: Article, editor: User) -> None:
    claims = [candidate(article, SECOND), candidate(article, THIRD)]
    merged = claim_merge(claims=claims, user=editor)
    assert claim_merge(claims=claims, user=editor) == merged
    with pytest.raises(ClaimAlreadyDecided, match="merged"):
        claim_merge(claims=[claims[0], candidate(article, FIRST)], user=editor)
    assert Claim.objects.count() == 4


def test_merge_needs_two_claims_of_one_article(
    article: Article, make_article: Callable[..., Article], editor: User
) -> None:
    first = candidate(article, FIRST)
    elsewhere = candidate(make_article("Critics claim that the toll doubled last year."), SECOND)
    with pytest.raises(ValidationError, match="two or more"):
        claim_merge(claims=[first, first], user=editor)
    with pytest.raises(ValidationError, match="same article"):
        claim_merge(claims=[first, elsewhere], user=editor)
    assert set(Claim.objects.values_list("status", flat=True)) == {"candidate"}
    assert Claim.objects.count() == 2


def test_accepted_or_dismissed_claims_cannot_be_merged(article: Article, editor: User) -> None:
    open_one = candidate(article, FIRST)
    accepted = claim_accept(claim=candidate(article, SECOND), user=editor)
    dismissed = claim_dismiss(claim=candidate(article, THIRD), user=editor)
    for decided in (accepted, dismissed):
        with pytest.raises(ClaimAlreadyDecided):
            claim_merge(claims=[open_one, decided], user=editor)
    open_one.refresh_from_db()
    assert open_one.status == Claim.Status.CANDIDATE
    assert Claim.objects.count() == 3


def test_a_claim_merged_with_a_claim_inside_it_is_placed_by_its_links(
    article: Article, editor: User
) -> None:
    sentence = candidate(article, FIRST)
    start = TEXT.index(COST)
    inside, _ = claim_create(
        article=article, user=editor, span_start=start, span_end=start + len(COST)
    )
    merged = claim_merge(claims=[sentence, inside], user=editor)
    assert merged.span_start is None and merged.span_end is None
    claims = list(Claim.objects.all())
    assert positions(claims)[merged.id] == (0, len(FIRST))
