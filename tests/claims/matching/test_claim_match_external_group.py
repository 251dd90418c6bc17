"""Another fact-checker's review confirmed for one claim of a group of duplicates counts for
the whole group: every member shows as checked before, in the editor's view and the API, and
none is checked again; a claim joining the group is linked too, and a part undone is not."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.matching.decisions import claim_match_confirm, claim_match_undo
from claims.models import Claim, ClaimMatch, ExternalReview
from reviewers.services import InvalidTransition, review_self_assign
from tests.claims.matches import suggest

pytestmark = pytest.mark.django_db

MakeClaim = Callable[..., Claim]


@pytest.fixture
def group(make_claim: MakeClaim, editor: User) -> list[Claim]:
    """A, B and C in one group under A, by confirming A–B and B–C."""
    a = make_claim("The bridge cost 400 million dollars.")
    b = make_claim("Riverton's bridge cost taxpayers 400 million.")
    c = make_claim("400 million dollars for one bridge in Riverton!")
    claim_match_confirm(match=suggest(b, a), user=editor)
    claim_match_confirm(match=suggest(c, b), user=editor)
    return [a, b, c]


def checked_by(*claims: Claim) -> list[int | None]:
    for claim in claims:
        claim.refresh_from_db()
    return [claim.checked_by_external_id for claim in claims]


def test_confirming_a_review_for_one_member_links_the_whole_group(
    group: list[Claim], editor: User, reviewer: User, external_review: ExternalReview
) -> None:
    a, b, c = group

    claim_match_confirm(match=suggest(b, external_review), user=editor)

    assert checked_by(a, b, c) == [external_review.id] * 3
    assert [claim.duplicate_of_id for claim in (a, b, c)] == [None, a.id, a.id]
    assert not Claim.objects.needing_review().exists()
    with pytest.raises(InvalidTransition, match="Another fact-checker checked this claim"):
        review_self_assign(claim=a, actor=reviewer)


def test_a_claim_joining_a_group_checked_by_another_fact_checker_is_linked_too(
    group: list[Claim], make_claim: MakeClaim, editor: User, external_review: ExternalReview
) -> None:
    a, b, _ = group
    claim_match_confirm(match=suggest(a, external_review), user=editor)
    newcomer = make_claim("Riverton paid 400 million for the Harbour Street bridge.")

    claim_match_confirm(match=suggest(newcomer, b), user=editor)

    assert checked_by(newcomer) == [external_review.id]


def test_undoing_a_link_in_the_group_takes_the_review_from_the_part_split_off(
    group: list[Claim], editor: User, external_review: ExternalReview
) -> None:
    a, b, c = group
    claim_match_confirm(match=suggest(a, external_review), user=editor)

    claim_match_undo(match=ClaimMatch.objects.get(claim=c, matched_claim=b), user=editor)

    assert checked_by(a, b, c) == [external_review.id, external_review.id, None]
    assert list(Claim.objects.needing_review()) == [c]


def test_the_editors_read_of_matches_shows_the_review_for_every_member(
    group: list[Claim],
    make_claim: MakeClaim,
    editor: User,
    external_review: ExternalReview,
    client_for: Any,
) -> None:
    a, _, c = group
    claim_match_confirm(match=suggest(a, external_review), user=editor)
    new = make_claim("Taxpayers in Riverton paid 400 million for a bridge.", accepted=False)
    suggest(new, c)  # a member the review was not confirmed for

    body = client_for(editor).get(f"/api/v1/claims/{new.id}/matches/").json()
    member = client_for(editor).get(f"/api/v1/claims/{c.id}/matches/").json()
    browser = Client()
    browser.force_login(editor)
    page = browser.get(f"/admin/claims/claim/{new.id}/change/").content.decode()
    member_page = browser.get(f"/admin/claims/claim/{c.id}/change/").content.decode()

    [match] = body["matches"]
    review = match["claim"]["checked_by_external"]
    assert (review["id"], review["publisher_name"], review["rating"]) == (
        external_review.id, "Checkers United", "False (1 of 5)",
    )  # fmt: skip
    assert member["checked_by_external"] == external_review.id
    assert "checked by another fact-checker: <strong>Checkers United</strong>" in page
    assert "accepted, not checked yet" not in page
    assert "confirmed, for its group, as checked by another fact-checker" in member_page
