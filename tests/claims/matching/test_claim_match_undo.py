"""An editor who confirmed a match by mistake undoes it: the match is suggested again and
exactly what it linked is unlinked, the rest of the group staying grouped. Undo never
leaves a claim unchecked and off the desk, and only editors may undo."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from claims.matching.decisions import (
    MatchAlreadyDecided,
    MatchUndoUnsafe,
    claim_match_confirm,
    claim_match_reject,
    claim_match_undo,
)
from claims.models import Claim, ClaimMatch, ExternalReview
from reviewers.models import Rating, Review
from reviewers.services import review_dismiss, review_draft, review_self_assign
from tests.claims.matches import another_review, suggest

pytestmark = pytest.mark.django_db

MakeClaim = Callable[..., Claim]


def grouped(make_claim: MakeClaim, editor: User) -> tuple[Claim, Claim, Claim, ClaimMatch]:
    """A, B and C in one group, by confirming A–B and B–C; return them and B–C."""
    a = make_claim("The bridge cost 400 million dollars.")
    b = make_claim("Riverton's bridge cost taxpayers 400 million.")
    c = make_claim("400 million dollars for one bridge in Riverton!")
    claim_match_confirm(match=suggest(b, a), user=editor)
    b_c = claim_match_confirm(match=suggest(c, b), user=editor)
    return a, b, c, b_c


def links(*claims: Claim) -> list[tuple[int | None, int | None]]:
    """Each claim's duplicate_of and checked_by_external, as stored now."""
    for claim in claims:
        claim.refresh_from_db()
    return [(claim.duplicate_of_id, claim.checked_by_external_id) for claim in claims]


def draft(claim: Claim, reviewer: User) -> Review:
    """A reviewer starts writing a verdict on the claim."""
    return review_draft(
        claim=claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="It cost 212 million",
        justification="The accounts say 212 million.",
    )


def test_undoing_a_confirmation_puts_the_claim_back_on_the_reviewers_queue(
    make_claim: MakeClaim, editor: User, reviewer: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    match = claim_match_confirm(match=suggest(later, earlier), user=editor)

    claim_match_undo(match=match, user=editor)

    match.refresh_from_db()
    assert (match.status, match.decided_by, match.decided_at) == ("suggested", None, None)
    assert (match.undone_by, match.undone_at is not None) == (editor, True)
    assert links(later, earlier) == [(None, None), (None, None)]
    assert set(Claim.objects.needing_review()) == {earlier, later}
    assert review_self_assign(claim=later, actor=reviewer).assignee == reviewer


def test_undoing_the_last_link_of_a_chain_leaves_the_first_two_grouped(
    make_claim: MakeClaim, editor: User
) -> None:
    a, b, c, b_c = grouped(make_claim, editor)
    assert links(b, c) == [(a.id, None), (a.id, None)]

    claim_match_undo(match=b_c, user=editor)

    assert links(a, b, c) == [(None, None), (a.id, None), (None, None)]
    assert set(Claim.objects.needing_review()) == {a, c}


def test_undoing_the_first_link_of_a_chain_gives_the_part_split_off_its_own_canonical_claim(
    make_claim: MakeClaim, editor: User
) -> None:
    a, b, c, _ = grouped(make_claim, editor)
    a_b = ClaimMatch.objects.get(claim=b, matched_claim=a)

    claim_match_undo(match=a_b, user=editor)

    # B and C are still confirmed as the same claim; B, the earlier, is now their canonical.
    assert links(a, b, c) == [(None, None), (None, None), (b.id, None)]
    assert set(Claim.objects.needing_review()) == {a, b}


def test_a_part_split_off_is_grouped_under_the_claim_a_reviewer_works_on(
    make_claim: MakeClaim, editor: User, reviewer: User
) -> None:
    a = make_claim("The bridge cost 400 million dollars.")
    b = make_claim("Riverton's bridge cost taxpayers 400 million.")
    c = make_claim("400 million dollars for one bridge in Riverton!")
    draft(a, reviewer)
    draft(c, reviewer)  # under way before C was found the same: it stays, to be dismissed
    a_b = claim_match_confirm(match=suggest(b, a), user=editor)
    claim_match_confirm(match=suggest(c, b), user=editor)
    assert links(b, c) == [(a.id, None), (a.id, None)]

    claim_match_undo(match=a_b, user=editor)

    assert links(a, b, c) == [(None, None), (c.id, None), (None, None)]


def test_undoing_a_merge_of_two_groups_gives_back_both(make_claim: MakeClaim, editor: User) -> None:
    a, a_copy = make_claim("Claim a, first words."), make_claim("Claim a, other words.")
    b, b_copy = make_claim("Claim b, first words."), make_claim("Claim b, other words.")
    claim_match_confirm(match=suggest(a_copy, a), user=editor)
    claim_match_confirm(match=suggest(b_copy, b), user=editor)
    merge = claim_match_confirm(match=suggest(b_copy, a_copy), user=editor)

    claim_match_undo(match=merge, user=editor)

    assert links(a, a_copy, b, b_copy) == [(None, None), (a.id, None), (None, None), (b.id, None)]


def test_undoing_a_review_of_another_fact_checker_unlinks_it_unless_another_is_confirmed(
    make_claim: MakeClaim, editor: User, external_review: ExternalReview
) -> None:
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.")
    second = another_review("Truth Desk", "https://truthdesk.example/bridge")
    first_match = claim_match_confirm(match=suggest(claim, external_review), user=editor)
    second_match = claim_match_confirm(match=suggest(claim, second), user=editor)
    assert links(claim) == [(None, second.id)]

    claim_match_undo(match=second_match, user=editor)
    assert links(claim) == [(None, external_review.id)]  # still confirmed: the first review

    claim_match_undo(match=first_match, user=editor)
    assert links(claim) == [(None, None)]
    assert list(Claim.objects.needing_review()) == [claim]


def test_a_review_under_way_on_the_claim_simply_goes_on(
    make_claim: MakeClaim, editor: User, reviewer: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    draft(earlier, reviewer)
    review = draft(later, reviewer)  # both under way: the earlier is canonical
    match = claim_match_confirm(match=suggest(later, earlier), user=editor)
    assert links(later) == [(earlier.id, None)]

    claim_match_undo(match=match, user=editor)

    review.refresh_from_db()
    assert links(later) == [(None, None)]
    assert (review.state, review.assignee) == (Review.State.DRAFTING, reviewer)


def test_undo_is_refused_when_the_claim_was_since_dismissed_as_a_duplicate(
    make_claim: MakeClaim, editor: User, reviewer: User, chief_editor: User, client_for: Any
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    draft(earlier, reviewer)
    draft(later, reviewer)
    match = claim_match_confirm(match=suggest(later, earlier), user=editor)
    review_dismiss(claim=later, actor=chief_editor, reason="duplicate", note=f"Of #{earlier.id}.")

    with pytest.raises(MatchUndoUnsafe, match=f"claim #{later.id}'s review was dismissed"):
        claim_match_undo(match=match, user=editor)
    answer = client_for(editor).post(f"/api/v1/claims/{later.id}/matches/{match.id}/undo/")

    assert answer.status_code == 409 and "cannot be reopened" in answer.json()["detail"]
    match.refresh_from_db()
    assert (match.status, match.undone_by) == (ClaimMatch.Status.CONFIRMED, None)
    assert links(later) == [(earlier.id, None)]


def test_only_a_confirmation_can_be_undone_and_undoing_twice_changes_nothing(
    make_claim: MakeClaim, editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    rejected = claim_match_reject(match=suggest(later, earlier), user=editor)
    suggested = suggest(earlier, later)

    with pytest.raises(MatchAlreadyDecided, match="only a confirmation can be undone"):
        claim_match_undo(match=rejected, user=editor)
    claim_match_undo(match=suggested, user=editor)

    suggested.refresh_from_db()
    assert (suggested.status, suggested.undone_by) == (ClaimMatch.Status.SUGGESTED, None)


def test_outsiders_and_reviewers_cannot_undo(
    make_claim: MakeClaim, editor: User, outsider: User, reviewer: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    match = claim_match_confirm(match=suggest(later, earlier), user=editor)
    for user in (outsider, reviewer):
        with pytest.raises(PermissionDenied):
            claim_match_undo(match=match, user=user)
    assert links(later) == [(earlier.id, None)]


def test_the_api_undoes_for_editors_only_and_a_match_undone_can_be_rejected(
    make_claim: MakeClaim, editor: User, outsider: User, client_for: Any
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.")
    match = claim_match_confirm(match=suggest(claim, earlier), user=editor)
    base = f"/api/v1/claims/{claim.id}/matches/{match.id}"

    assert client_for(outsider).post(f"{base}/undo/").status_code == 403
    assert client_for(editor).post(f"{base}/reject/").status_code == 409
    undone = client_for(editor).post(f"{base}/undo/")
    rejected = client_for(editor).post(f"{base}/reject/")

    assert undone.status_code == 200
    body = undone.json()
    assert (body["status"], body["decided_by"], body["undone_by"]) == ("suggested", None, "editor")
    assert body["undone_at"] is not None
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    assert client_for(editor).post(f"{base}/undo/").status_code == 409
    assert links(claim) == [(None, None)]


def test_the_claim_admin_offers_undo_on_a_confirmed_match(
    make_claim: MakeClaim, editor: User, reviewer: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.")
    match = claim_match_confirm(match=suggest(claim, earlier), user=editor)
    browser = Client()
    browser.force_login(editor)
    page_url = f"/admin/claims/claim/{claim.id}/change/"
    undo_url = f"/admin/claims/claim/match/{match.id}/undo/"

    assert undo_url in browser.get(page_url).content.decode()
    answer = browser.post(undo_url, {"next": page_url}, follow=True)

    page = answer.content.decode()
    assert f"Match #{match.id} is suggested again." in page
    assert f"Claim #{claim.id} is not linked as checked before" in page
    assert "a confirmation undone by editor" in page and undo_url not in page
    assert links(claim) == [(None, None)]

    claim_match_confirm(match=match, user=editor)
    as_reviewer = Client()
    as_reviewer.force_login(reviewer)
    assert undo_url not in as_reviewer.get(page_url).content.decode()
    assert as_reviewer.post(undo_url).status_code == 403
    assert links(claim) == [(earlier.id, None)]
