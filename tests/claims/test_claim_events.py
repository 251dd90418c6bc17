"""Every decision on a claim leaves one row in its history, in the same transaction: who took
it, what it was, the status before and after, and what changed. A decision that changes
nothing, or is refused, leaves none. The history is only ever added to — the application
cannot change or delete it, and neither can plain SQL — and it is shown in the API and on
the claim's admin page."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client

from claims.evidence.review import evidence_pin, evidence_set_stance
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
from claims.matching.decisions import (
    MatchAlreadyDecided,
    MatchUndoUnsafe,
    claim_match_confirm,
    claim_match_reject,
    claim_match_undo,
)
from claims.models import Article, Claim, ClaimEvent, ClaimHistoryIsAppendOnly, ClaimMatch, Evidence
from reviewers.models import Rating
from reviewers.services import review_dismiss, review_draft
from tests.claims.matches import suggest

TEXT = (
    "The council says the bridge cost 400 million dollars and opened in 2019. "
    "Critics claim that the toll doubled last year. "
    "Officials denied that any money went missing."
)
FIRST = "The council says the bridge cost 400 million dollars and opened in 2019."
SECOND = "Critics claim that the toll doubled last year."
THIRD = "Officials denied that any money went missing."
Event = tuple[str, str | None, str, str, dict[str, Any]]
ACCEPTED_BY_EDITOR: Event = ("accept", "editor", "candidate", "accepted", {})
MakeClaim = Callable[..., Claim]


@pytest.fixture
def article(make_article: Callable[..., Article]) -> Article:
    return make_article(TEXT, title="Bridge")


def candidate(article: Article, sentence: str) -> Claim:
    start = article.text.index(sentence)
    return Claim.objects.create(
        article=article,
        text=sentence,
        span_start=start,
        span_end=start + len(sentence),
        checkworthiness=0.6,
    )


def history(claim: Claim) -> list[Event]:
    """The claim's events, oldest first: action, actor, from, to, detail."""
    return [
        (e.action, e.actor.username if e.actor else None, e.from_status, e.to_status, e.detail)
        for e in claim.events.select_related("actor")
    ]


def pinned(now: bool) -> dict[str, bool]:
    return {"old": not now, "new": now}


# One event per decision.


def test_accepting_records_who_accepted_the_candidate(article: Article, editor: User) -> None:
    claim = candidate(article, FIRST)
    claim_accept(claim=claim, user=editor)
    assert history(claim) == [ACCEPTED_BY_EDITOR]
    assert claim.events.get().created_at is not None


def test_accepting_a_dismissed_claim_records_where_it_came_from(
    article: Article, editor: User
) -> None:
    claim = claim_dismiss(claim=candidate(article, FIRST), user=editor)
    claim_accept(claim=claim, user=editor)
    assert history(claim) == [
        ("dismiss", "editor", "candidate", "dismissed", {}),
        ("accept", "editor", "dismissed", "accepted", {}),
    ]


def test_dismissing_records_the_dismissal(article: Article, editor: User) -> None:
    claim = claim_dismiss(claim=candidate(article, FIRST), user=editor)
    assert history(claim) == [("dismiss", "editor", "candidate", "dismissed", {})]


def test_editing_records_the_old_and_new_values_of_what_changed(
    article: Article, editor: User
) -> None:
    claim = candidate(article, SECOND)
    claim_edit(claim=claim, user=editor, text="The toll doubled in 2025.", claimant="Critics")
    assert history(claim) == [
        (
            "edit",
            "editor",
            "",
            "",
            {
                "text": {"old": SECOND, "new": "The toll doubled in 2025."},
                "claimant": {"old": "", "new": "Critics"},
            },
        )
    ]


def test_splitting_records_the_parts_on_the_original(article: Article, editor: User) -> None:
    original = candidate(article, FIRST)
    parts = [Part("The bridge cost 400 million dollars."), Part("The bridge opened in 2019.")]
    cost, opened = claim_split(claim=original, user=editor, parts=parts)
    assert history(original) == [
        ("split", "editor", "candidate", "split", {"parts": [cost.id, opened.id]})
    ]
    assert history(cost) == history(opened) == []  # each part points at it (split_from)


def test_merging_records_on_each_merged_claim_and_on_the_result(
    article: Article, editor: User
) -> None:
    second, third = candidate(article, SECOND), candidate(article, THIRD)
    merged = claim_merge(claims=[third, second], user=editor, text="Tolls and missing money.")
    ids = [second.id, third.id]
    for replaced in (second, third):
        assert history(replaced) == [
            ("merge", "editor", "candidate", "merged", {"merged": ids, "merged_into": merged.id})
        ]
    assert history(merged) == [("merge", "editor", "", "candidate", {"merged": ids})]


def test_creating_from_a_span_records_the_new_claim(article: Article, editor: User) -> None:
    start = TEXT.index(SECOND)
    claim, created = claim_create(
        article=article, user=editor, span_start=start, span_end=start + len(SECOND)
    )
    assert created
    assert history(claim) == [
        ("create", "editor", "", "candidate", {"span": [start, start + len(SECOND)]})
    ]


def test_confirming_a_match_records_it_on_the_claim_it_was_found_for(
    make_claim: MakeClaim, editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    match = suggest(later, earlier)
    claim_match_confirm(match=match, user=editor)
    status = {"old": "suggested", "new": "confirmed"}
    assert history(later) == [
        ACCEPTED_BY_EDITOR,
        (
            "match_confirm",
            "editor",
            "",
            "",
            {"match": match.id, "matched_claim": earlier.id, "status": status},
        ),
    ]
    assert history(earlier) == [ACCEPTED_BY_EDITOR]


def test_rejecting_and_undoing_matches_are_recorded(
    make_claim: MakeClaim, external_review: Any, editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    theirs = suggest(later, external_review)
    ours = claim_match_confirm(match=suggest(later, earlier), user=editor)

    claim_match_reject(match=theirs, user=editor)
    claim_match_undo(match=ours, user=editor)

    assert [(action, detail) for action, *_, detail in history(later)[2:]] == [
        (
            "match_reject",
            {
                "match": theirs.id,
                "matched_external": external_review.id,
                "status": {"old": "suggested", "new": "rejected"},
            },
        ),
        (
            "match_undo",
            {
                "match": ours.id,
                "matched_claim": earlier.id,
                "status": {"old": "confirmed", "new": "suggested"},
            },
        ),
    ]


def test_pinning_evidence_is_recorded_on_its_claim(
    accepted_claim: Claim, make_evidence: Callable[..., Evidence], reviewer: User
) -> None:
    evidence = make_evidence(accepted_claim)
    evidence_pin(evidence=evidence, pinned=True, user=reviewer)
    evidence_pin(evidence=evidence, pinned=False, user=None)  # the system
    assert history(accepted_claim)[1:] == [
        ("evidence_pin", "reviewer", "", "", {"evidence": evidence.id, "pinned": pinned(True)}),
        ("evidence_pin", None, "", "", {"evidence": evidence.id, "pinned": pinned(False)}),
    ]


def test_setting_a_stance_is_recorded_with_the_old_and_new_stance(
    accepted_claim: Claim, make_evidence: Callable[..., Evidence], reviewer: User
) -> None:
    evidence = make_evidence(accepted_claim)  # suggested: refutes
    evidence_set_stance(evidence=evidence, stance="mixed", user=reviewer)
    stance = {"old": "refutes", "new": "mixed"}
    assert history(accepted_claim)[1:] == [
        ("evidence_stance", "reviewer", "", "", {"evidence": evidence.id, "stance": stance})
    ]


def test_confirming_the_suggested_stance_is_recorded_too(
    accepted_claim: Claim, make_evidence: Callable[..., Evidence], reviewer: User
) -> None:
    evidence = make_evidence(accepted_claim)
    evidence_set_stance(evidence=evidence, stance="refutes", user=reviewer)
    evidence.refresh_from_db()
    assert evidence.stance_cue == "set by reviewer"  # the stance is now the reviewer's
    assert [action for action, *_ in history(accepted_claim)] == ["accept", "evidence_stance"]


# Nothing changed, nothing recorded.


def test_repeating_a_decision_on_claims_records_nothing(
    article: Article, make_article: Callable[..., Article], editor: User
) -> None:
    first, second = candidate(article, FIRST), candidate(article, SECOND)
    another = make_article(f"{TEXT} More to follow.", title="The story, updated")
    to_merge = [candidate(another, SECOND), candidate(another, THIRD)]
    claim_accept(claim=first, user=editor)
    parts = [Part("The toll doubled."), Part("It doubled last year.")]
    claim_split(claim=second, user=editor, parts=parts)
    claim_merge(claims=to_merge, user=editor)
    recorded = ClaimEvent.objects.count()

    claim_accept(claim=first, user=editor)
    claim_split(claim=second, user=editor, parts=parts)
    claim_merge(claims=to_merge, user=editor)
    start = TEXT.index(FIRST)
    _, created = claim_create(
        article=article, user=editor, span_start=start, span_end=start + len(FIRST)
    )

    assert not created
    assert ClaimEvent.objects.count() == recorded


def test_dismissing_again_or_editing_to_the_same_text_records_nothing(
    article: Article, editor: User
) -> None:
    dismissed = claim_dismiss(claim=candidate(article, FIRST), user=editor)
    unchanged = candidate(article, SECOND)
    recorded = ClaimEvent.objects.count()

    claim_dismiss(claim=dismissed, user=editor)
    claim_edit(claim=unchanged, user=editor, text=f"  {SECOND} ", claimant="")

    assert ClaimEvent.objects.count() == recorded


def test_repeating_a_decision_on_a_match_records_nothing(
    make_claim: MakeClaim, external_review: Any, editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    ours, theirs = suggest(later, earlier), suggest(later, external_review)
    never_confirmed = suggest(later, make_claim("The bridge, 400 million."))
    claim_match_confirm(match=ours, user=editor)
    claim_match_reject(match=theirs, user=editor)
    recorded = ClaimEvent.objects.count()

    claim_match_confirm(match=ours, user=editor)
    claim_match_reject(match=theirs, user=editor)
    claim_match_undo(match=never_confirmed, user=editor)

    assert ClaimEvent.objects.count() == recorded


def test_repeating_a_decision_on_evidence_records_nothing(
    accepted_claim: Claim, make_evidence: Callable[..., Evidence], reviewer: User
) -> None:
    evidence = make_evidence(accepted_claim)
    evidence_pin(evidence=evidence, pinned=True, user=reviewer)
    evidence_set_stance(evidence=evidence, stance="mixed", user=reviewer)
    recorded = ClaimEvent.objects.count()

    evidence_pin(evidence=evidence, pinned=True, user=reviewer)
    evidence_set_stance(evidence=evidence, stance="mixed", user=reviewer)

    assert ClaimEvent.objects.count() == recorded


# A refused decision records nothing, and leaves nothing half done.


def test_refused_decisions_record_nothing(
    article: Article,
    make_claim: MakeClaim,
    make_evidence: Callable[..., Evidence],
    editor: User,
    outsider: User,
) -> None:
    claim = candidate(article, FIRST)
    accepted = make_claim("The bridge cost 400 million dollars.")
    evidence = make_evidence(accepted)
    recorded = ClaimEvent.objects.count()

    with pytest.raises(PermissionDenied):
        claim_accept(claim=claim, user=outsider)
    with pytest.raises(PermissionDenied):
        evidence_pin(evidence=evidence, pinned=True, user=outsider)
    with pytest.raises(ValidationError):
        claim_split(claim=claim, user=editor, parts=[Part("Only one part.")])
    with pytest.raises(ValidationError):
        claim_edit(claim=claim, user=editor, text="   ")
    with pytest.raises(ClaimAlreadyDecided):
        claim_dismiss(claim=accepted, user=editor)
    with pytest.raises(ValidationError):
        evidence_set_stance(evidence=evidence, stance="probably", user=editor)

    assert ClaimEvent.objects.count() == recorded
    claim.refresh_from_db()
    assert (claim.status, claim.text) == (Claim.Status.CANDIDATE, FIRST)


def test_a_match_decision_refused_midway_leaves_no_event_and_no_change(
    make_claim: MakeClaim, editor: User, reviewer: User, chief_editor: User
) -> None:
    earlier = make_claim("The bridge cost 400 million dollars.")
    later = make_claim("Riverton's bridge cost taxpayers 400 million.")
    for claim in (earlier, later):
        review_draft(
            claim=claim,
            author=reviewer,
            rating=Rating.objects.get(label="False"),
            headline="It cost 212 million",
            justification="The accounts say 212 million.",
        )
    match = claim_match_confirm(match=suggest(later, earlier), user=editor)
    review_dismiss(claim=later, actor=chief_editor, reason="duplicate", note="Same claim.")
    recorded = ClaimEvent.objects.count()

    # The undo saves the match before it finds the claim it would strand, then refuses.
    with pytest.raises(MatchUndoUnsafe):
        claim_match_undo(match=match, user=editor)
    with pytest.raises(MatchAlreadyDecided):
        claim_match_reject(match=match, user=editor)

    assert ClaimEvent.objects.count() == recorded
    match.refresh_from_db()
    assert (match.status, match.undone_by) == (ClaimMatch.Status.CONFIRMED, None)


# Only ever added to.


@pytest.fixture
def event(article: Article, editor: User) -> ClaimEvent:
    claim = claim_dismiss(claim=candidate(article, FIRST), user=editor)
    return claim.events.get()


def test_events_cannot_be_changed_or_deleted_through_the_models(event: ClaimEvent) -> None:
    event.action = ClaimEvent.Action.ACCEPT
    with pytest.raises(ClaimHistoryIsAppendOnly):
        event.save()
    with pytest.raises(ClaimHistoryIsAppendOnly):
        event.delete()
    with pytest.raises(ClaimHistoryIsAppendOnly):
        ClaimEvent.objects.filter(id=event.id).update(action="accept")
    with pytest.raises(ClaimHistoryIsAppendOnly):
        ClaimEvent.objects.filter(id=event.id).delete()
    event.refresh_from_db()
    assert event.action == ClaimEvent.Action.DISMISS


def test_the_database_refuses_to_change_events(event: ClaimEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {ClaimEvent._meta.db_table} SET action = 'accept'")  # noqa: S608
    event.refresh_from_db()
    assert event.action == ClaimEvent.Action.DISMISS


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for flushes")
def test_the_database_refuses_to_delete_events(event: ClaimEvent) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {ClaimEvent._meta.db_table}")  # noqa: S608
    assert ClaimEvent.objects.filter(id=event.id).exists()


def test_a_claim_with_a_history_cannot_be_deleted(event: ClaimEvent) -> None:
    with pytest.raises(ProtectedError):
        event.claim.delete()
    assert ClaimEvent.objects.filter(id=event.id).exists()


# Shown in the API and the admin.


def test_the_claim_api_returns_its_history_oldest_first(
    accepted_claim: Claim,
    make_evidence: Callable[..., Evidence],
    reviewer: User,
    client_for: Any,
) -> None:
    evidence = make_evidence(accepted_claim)
    evidence_pin(evidence=evidence, pinned=True, user=None)
    body = client_for(reviewer).get(f"/api/v1/claims/{accepted_claim.id}/").json()
    accept, pin = accepted_claim.events.all()
    assert [{k: v for k, v in e.items() if k != "created_at"} for e in body["events"]] == [
        {
            "id": accept.id,
            "action": "accept",
            "actor": "editor",
            "from_status": "candidate",
            "to_status": "accepted",
            "detail": {},
        },
        {
            "id": pin.id,
            "action": "evidence_pin",
            "actor": None,
            "from_status": "",
            "to_status": "",
            "detail": {"evidence": evidence.id, "pinned": pinned(True)},
        },
    ]
    assert all(e["created_at"] for e in body["events"])


def test_the_claim_api_takes_the_same_queries_however_long_the_history(
    accepted_claim: Claim,
    make_evidence: Callable[..., Evidence],
    reviewer: User,
    client_for: Any,
    django_assert_num_queries: Any,
) -> None:
    client, url = client_for(reviewer), f"/api/v1/claims/{accepted_claim.id}/"
    evidence = make_evidence(accepted_claim)
    client.get(url)  # the reviewer's permissions are cached on the user object from here on
    # the claim with its people, its evidence, gathering runs and their jobs, its events
    with django_assert_num_queries(5) as short:
        assert len(client.get(url).json()["events"]) == 1
    for _ in range(3):
        evidence_pin(evidence=evidence, pinned=not evidence.pinned, user=reviewer)
        evidence.refresh_from_db()
    with django_assert_num_queries(len(short.captured_queries)):
        assert len(client.get(url).json()["events"]) == 4


def test_the_admin_page_shows_the_history_escaped_newest_last(
    article: Article, editor: User
) -> None:
    claim = candidate(article, FIRST)
    claim_edit(claim=claim, user=editor, text="The bridge cost <script>alert(1)</script>.")
    claim_accept(claim=claim, user=editor)
    browser = Client()
    browser.force_login(editor)
    page = browser.get(f"/admin/claims/claim/{claim.id}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    history_html = html[html.index('id="history"') :]
    assert "<script>alert(1)" not in html
    assert "“The bridge cost &lt;script&gt;alert(1)&lt;/script&gt;.”" in history_html
    assert history_html.index("Edit") < history_html.index("Accept")
    assert "Candidate → Accepted" in history_html
    assert "editor" in history_html


def test_the_history_is_listed_in_the_admin_read_only(event: ClaimEvent, editor: User) -> None:
    browser = Client()
    browser.force_login(editor)
    assert browser.get("/admin/claims/claimevent/").status_code == 200
    page = browser.get(f"/admin/claims/claimevent/{event.id}/change/")
    assert page.status_code == 200
    assert b'name="action"' not in page.content  # shown, not editable
    assert browser.get("/admin/claims/claimevent/add/").status_code == 403
    assert browser.get(f"/admin/claims/claimevent/{event.id}/delete/").status_code == 403
    browser.post(f"/admin/claims/claimevent/{event.id}/change/", {"action": "accept"})
    event.refresh_from_db()
    assert event.action == ClaimEvent.Action.DISMISS
