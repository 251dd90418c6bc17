"""An editor confirms a suggested match (the claim is linked, duplicates are grouped, and the
reviewers' queue keeps one claim per group) or rejects it (it is hidden). Others cannot."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.matching import engine
from claims.matching.decisions import MatchAlreadyDecided, claim_match_confirm, claim_match_reject
from claims.matching.services import possible_threshold, same_claim_threshold
from claims.models import Claim, ClaimMatch, ExternalReview
from reviewers.models import Rating
from reviewers.services import review_approve, review_draft, review_publish, review_submit
from tests.claims.matches import suggest

pytestmark = pytest.mark.django_db


def test_confirming_a_claim_match_links_the_new_claim_to_the_earlier(
    make_claim: Callable[..., Claim], editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    match = suggest(later, earlier)

    claim_match_confirm(match=match, user=editor)

    match.refresh_from_db()
    later.refresh_from_db()
    assert (match.status, match.decided_by) == (ClaimMatch.Status.CONFIRMED, editor)
    assert match.decided_at is not None
    assert later.duplicate_of == earlier
    assert list(Claim.objects.needing_review()) == [earlier]


def test_a_claim_confirmed_as_the_same_as_a_duplicate_joins_its_group(
    make_claim: Callable[..., Claim], editor: User
) -> None:
    first = make_claim("The bridge cost 400 million dollars.")
    second = make_claim("Riverton's bridge cost taxpayers 400 million.")
    third = make_claim("400 million dollars for one bridge in Riverton!")
    claim_match_confirm(match=suggest(second, first), user=editor)

    claim_match_confirm(match=suggest(third, second), user=editor)

    third.refresh_from_db()
    assert third.duplicate_of == first  # the group's canonical claim, not the duplicate
    assert set(first.duplicates.all()) == {second, third}
    assert list(Claim.objects.needing_review()) == [first]


def test_two_groups_confirmed_as_the_same_become_one(
    make_claim: Callable[..., Claim], editor: User
) -> None:
    a, a_copy = make_claim("Claim a, first words."), make_claim("Claim a, other words.")
    b, b_copy = make_claim("Claim b, first words."), make_claim("Claim b, other words.")
    claim_match_confirm(match=suggest(a_copy, a), user=editor)
    claim_match_confirm(match=suggest(b_copy, b), user=editor)

    claim_match_confirm(match=suggest(b_copy, a_copy), user=editor)

    assert set(a.duplicates.all()) == {a_copy, b, b_copy}  # a is the earliest head
    assert not Claim.objects.filter(duplicate_of__isnull=False, duplicates__isnull=False).exists()
    assert list(Claim.objects.needing_review()) == [a]


def test_the_claim_already_under_review_stays_canonical(
    make_claim: Callable[..., Claim], editor: User, reviewer: User
) -> None:
    older = make_claim("The bridge cost 400 million dollars.")
    reviewed = make_claim("Riverton's bridge cost taxpayers 400 million.")
    review_draft(
        claim=reviewed,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="It cost 212 million",
        justification="The accounts say 212 million.",
    )

    # The older claim is matched against the one a reviewer works on: the group keeps the
    # reviewed one at its head, so nobody starts checking the older one.
    claim_match_confirm(match=suggest(older, reviewed), user=editor)

    older.refresh_from_db()
    reviewed.refresh_from_db()
    assert (older.duplicate_of, reviewed.duplicate_of) == (reviewed, None)


def test_confirming_a_review_of_another_fact_checker_links_it(
    make_claim: Callable[..., Claim], editor: User, external_review: ExternalReview
) -> None:
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.")

    claim_match_confirm(match=suggest(claim, external_review), user=editor)

    claim.refresh_from_db()
    assert claim.checked_by_external == external_review
    assert claim.duplicate_of is None
    assert not Claim.objects.needing_review().exists()


def test_rejecting_hides_the_match_and_cannot_follow_a_confirmation(
    make_claim: Callable[..., Claim], editor: User, client_for: Any
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    rejected, confirmed = suggest(later, earlier), suggest(later, make_claim("Other claim here."))

    claim_match_reject(match=rejected, user=editor)
    claim_match_confirm(match=confirmed, user=editor)

    rejected.refresh_from_db()
    later.refresh_from_db()
    assert rejected.status == ClaimMatch.Status.REJECTED and later.duplicate_of != earlier
    listed = client_for(editor).get(f"/api/v1/claims/{later.id}/matches/").json()["matches"]
    assert [item["id"] for item in listed] == [confirmed.id]
    with pytest.raises(MatchAlreadyDecided):
        claim_match_reject(match=confirmed, user=editor)


def test_outsiders_and_reviewers_cannot_decide(
    make_claim: Callable[..., Claim], outsider: User, reviewer: User
) -> None:
    match = suggest(make_claim("Claim a, other words."), make_claim("Claim a, first words."))
    for user in (outsider, reviewer):
        with pytest.raises(PermissionDenied):
            claim_match_confirm(match=match, user=user)
        with pytest.raises(PermissionDenied):
            claim_match_reject(match=match, user=user)
    match.refresh_from_db()
    assert match.status == ClaimMatch.Status.SUGGESTED


def test_the_api_lists_matches_with_verdicts_and_other_fact_checkers(
    make_claim: Callable[..., Claim],
    make_evidence: Callable[..., Any],
    editor: User,
    reviewer: User,
    chief_editor: User,
    external_review: ExternalReview,
    client_for: Any,
    settings: Any,
) -> None:
    settings.MATCH_SAME_CLAIM_THRESHOLD = 0.9
    checked = make_claim("The bridge cost 400 million dollars.")
    review = review_draft(
        claim=checked,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="It cost 212 million",
        justification="The accounts say 212 million.",
        cited_evidence=[make_evidence(checked)],
    )
    review_submit(review=review, actor=reviewer)
    review_approve(review=review, approver=chief_editor)
    review_publish(review=review, publisher=chief_editor)
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.", accepted=False)
    ours, theirs = suggest(claim, checked, 0.93), suggest(claim, external_review, 0.71)

    answer = client_for(editor).get(f"/api/v1/claims/{claim.id}/matches/")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["claim"], body["duplicate_of"], body["checked_by_external"]) == (
        claim.id, None, None,
    )  # fmt: skip
    first, second = body["matches"]
    assert (first["id"], first["kind"], first["score"], first["status"]) == (
        ours.id, "claim", 0.93, "suggested",
    )  # fmt: skip
    assert first["likely_same_claim"] is True
    assert first["claim"]["verdict"]["rating"] == "False"
    assert first["claim"]["verdict"]["url"].endswith(f"/checks/{review.id}/")
    assert first["external_review"] is None
    assert (second["id"], second["kind"], second["likely_same_claim"]) == (
        theirs.id, "external_review", False,
    )  # fmt: skip
    their_review = second["external_review"]
    assert their_review["origin"] == "other fact-checker"
    assert (their_review["publisher_name"], their_review["rating"]) == (
        "Checkers United", "False (1 of 5)",
    )  # fmt: skip
    assert second["claim"] is None


def test_the_api_confirms_and_rejects_for_editors_only(
    make_claim: Callable[..., Claim],
    editor: User,
    outsider: User,
    external_review: ExternalReview,
    client_for: Any,
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.")
    ours, theirs = suggest(claim, earlier), suggest(claim, external_review)
    base = f"/api/v1/claims/{claim.id}/matches"

    assert client_for(outsider).get(base + "/").status_code == 403
    assert client_for(None).get(base + "/").status_code in (401, 403)
    assert client_for(outsider).post(f"{base}/{ours.id}/confirm/").status_code == 403
    assert (
        client_for(editor)
        .post(f"/api/v1/claims/{earlier.id}/matches/{ours.id}/confirm/")
        .status_code
        == 404
    )

    confirmed = client_for(editor).post(f"{base}/{ours.id}/confirm/")
    rejected = client_for(editor).post(f"{base}/{theirs.id}/reject/")

    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "confirmed")
    assert confirmed.json()["decided_by"] == "editor"
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    assert client_for(editor).post(f"{base}/{ours.id}/reject/").status_code == 409
    claim.refresh_from_db()
    assert (claim.duplicate_of, claim.checked_by_external) == (earlier, None)


def test_the_claim_admin_shows_matches_with_buttons(
    make_claim: Callable[..., Claim],
    editor: User,
    reviewer: User,
    external_review: ExternalReview,
    settings: Any,
) -> None:
    settings.MATCH_SAME_CLAIM_THRESHOLD = 0.9
    earlier = make_claim("The bridge cost 400 million dollars.")
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.")
    ours, theirs = suggest(claim, earlier, 0.95), suggest(claim, external_review, 0.6)
    browser = Client()
    browser.force_login(editor)
    page_url = f"/admin/claims/claim/{claim.id}/change/"

    page = browser.get(page_url).content.decode()

    assert "Checked before?" in page and "likely the same claim" in page
    assert "other fact-checker" in page and "Checkers United" in page
    assert "False (1 of 5)" in page and 'href="https://checkers.example/2026/bridge-cost"' in page
    assert f"/admin/claims/claim/match/{ours.id}/confirm/" in page
    confirmed = browser.post(f"/admin/claims/claim/match/{ours.id}/confirm/", {"next": page_url})
    assert confirmed.status_code == 302 and confirmed["Location"] == page_url
    browser.post(
        f"/admin/claims/claim/match/{theirs.id}/reject/", {"next": "https://evil.example/"}
    )
    claim.refresh_from_db()
    theirs.refresh_from_db()
    assert (claim.duplicate_of, theirs.status) == (earlier, ClaimMatch.Status.REJECTED)
    assert "Checkers United" not in browser.get(page_url).content.decode()

    as_reviewer = Client()
    as_reviewer.force_login(reviewer)
    assert "/confirm/" not in as_reviewer.get(page_url).content.decode()
    assert as_reviewer.post(f"/admin/claims/claim/match/{theirs.id}/confirm/").status_code == 403


def test_the_editors_view_lists_each_claims_matches(
    make_claim: Callable[..., Claim], editor: User, external_review: ExternalReview
) -> None:
    candidate = make_claim("Riverton's bridge cost taxpayers 400 million.", accepted=False)
    Claim.objects.filter(id=candidate.id).update(matching=Claim.Matching.DONE)
    suggest(candidate, external_review, 0.88)
    browser = Client()
    browser.force_login(editor)

    page = browser.get(f"/admin/claims/article/{candidate.article_id}/claims/").content.decode()

    assert "Checkers United" in page and "0.88" in page and "Same claim" in page


def test_unset_thresholds_are_the_engines_own(settings: Any) -> None:
    settings.MATCH_POSSIBLE_THRESHOLD = settings.MATCH_SAME_CLAIM_THRESHOLD = None
    assert possible_threshold() == engine.POSSIBLE_MATCH_THRESHOLD
    assert same_claim_threshold() == engine.SAME_CLAIM_THRESHOLD
    settings.MATCH_POSSIBLE_THRESHOLD, settings.MATCH_SAME_CLAIM_THRESHOLD = 0.4, 0.8
    assert (possible_threshold(), same_claim_threshold()) == (0.4, 0.8)


def test_the_matches_list_costs_the_same_queries_for_two_matches_or_five(
    make_claim: Callable[..., Claim],
    editor: User,
    external_review: ExternalReview,
    client_for: Any,
) -> None:
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.", accepted=False)
    suggest(claim, external_review)
    suggest(claim, make_claim("The bridge cost 400 million dollars."))
    as_editor, url = client_for(editor), f"/api/v1/claims/{claim.id}/matches/"
    as_editor.get(url)  # the editor's permissions are cached from here on

    two = queries_for(as_editor, url)
    for number in range(3):
        suggest(claim, make_claim(f"Earlier claim number {number} on the bridge."))

    assert queries_for(as_editor, url) == two
    assert len(as_editor.get(url).json()["matches"]) == 5


def queries_for(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_editors_list_every_match_and_read_imported_reviews_unchanged(
    make_claim: Callable[..., Claim], editor: User, external_review: ExternalReview
) -> None:
    claim = make_claim("Riverton's bridge cost taxpayers 400 million.")
    suggest(claim, external_review, 0.77)
    browser = Client()
    browser.force_login(editor)

    listing = browser.get("/admin/claims/claimmatch/?status=suggested")
    review_page = browser.get(f"/admin/claims/externalreview/{external_review.id}/change/")
    claims_page = browser.get("/admin/claims/claim/?matching__exact=pending")

    assert listing.status_code == 200 and f"Claim #{claim.id} ~ review" in listing.content.decode()
    assert review_page.status_code == 200
    assert b"Checkers United" in review_page.content and b'name="_save"' not in review_page.content
    assert claims_page.status_code == 200
