"""Checked before?: a claim that is created, edited or accepted is matched against earlier
accepted claims and other fact-checkers' reviews, and its best matches are suggested."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from claims.extraction.decisions import claim_edit
from claims.extraction.services import claim_accept, claims_propose
from claims.matching import follower
from claims.matching.decisions import claim_match_reject
from claims.matching.services import claim_match, possible_threshold
from claims.models import Article, Claim, ClaimMatch, ExternalReview, MatchEntry
from claims.sweep import stuck_work_requeue
from tests.claims.matching.conftest import imported_review

pytestmark = pytest.mark.django_db

BRIDGE = "The new Harbour Street bridge in Riverton cost taxpayers 400 million dollars."
BRIDGE_PARAPHRASE = "Riverton spent $400 million of public money on the Harbour Street bridge."
VACCINE = "The flu vaccine given at Riverton schools contains mercury."
VACCINE_PARAPHRASE = "Riverton's school flu shots have mercury in them, a post says."
PARKS = "Riverton's mayor has banned dogs from every public park."
UNRELATED = "The Riverton marathon will start at 7 a.m. on Sunday near the town hall."


@pytest.fixture
def checked_claim(
    new_claim: Callable[..., Claim], matched: Callable[..., Claim], editor: User
) -> Claim:
    """An earlier claim, accepted and matched: now a match target."""
    return matched(claim_accept(claim=new_claim(BRIDGE), user=editor))


def test_a_new_claim_is_matched_with_an_earlier_one_stated_differently(
    checked_claim: Claim, new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    claim = new_claim(BRIDGE_PARAPHRASE)
    assert claim.matching == Claim.Matching.PENDING

    claim = matched(claim)

    assert claim.matching == Claim.Matching.DONE and claim.matching_note == ""
    match = claim.matches.get()
    assert (match.matched_claim, match.rank, match.status) == (checked_claim, 1, "suggested")
    assert possible_threshold() <= match.score <= 1


def test_targets_deleted_since_the_index_loaded_them_never_crowd_out_living_ones(
    checked_claim: Claim, new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    # A worker's index follows added rows only: it still holds, say, forty claims whose
    # rows are gone since (here, ids no row has), worded as the new claim is.
    index = follower.process_index()
    gone = [(f"claim:{10_000_000 + n}", BRIDGE_PARAPHRASE) for n in range(40)]
    index.index.add_many(gone)

    claim = matched(new_claim(BRIDGE_PARAPHRASE))

    assert claim.matches.get().matched_claim == checked_claim  # not lost behind the dead
    hits = index.search(BRIDGE_PARAPHRASE, top=10)
    assert not {hit.key for hit in hits} & {key for key, _ in gone}  # and they are forgotten


def test_a_new_claim_is_matched_with_another_fact_checkers_review(
    new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    review = imported_review(VACCINE, "https://checkers.example/vaccine")
    imported_review(BRIDGE, "https://checkers.example/bridge")

    claim = matched(new_claim(VACCINE_PARAPHRASE))

    match = claim.matches.get()
    assert (match.matched_external, match.matched_claim) == (review, None)


def test_an_unrelated_claim_has_no_matches(
    checked_claim: Claim, new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    # A few stored claims, as in any newsroom: the re-ranker compares candidates with each
    # other, and a lone stored claim looks like a match for anything.
    imported_review(VACCINE, "https://checkers.example/vaccine")
    imported_review(PARKS, "https://checkers.example/parks")

    claim = matched(new_claim(UNRELATED))
    assert claim.matching == Claim.Matching.DONE
    assert not claim.matches.exists()


def test_candidates_are_not_matched_against(
    new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    matched(new_claim(BRIDGE))  # a candidate: nobody decided to check it yet
    assert not matched(new_claim(BRIDGE_PARAPHRASE)).matches.exists()


def test_editing_a_claim_matches_its_new_words(
    checked_claim: Claim,
    new_claim: Callable[..., Claim],
    matched: Callable[..., Claim],
    editor: User,
) -> None:
    review = imported_review(VACCINE, "https://checkers.example/vaccine")
    claim = matched(new_claim(BRIDGE_PARAPHRASE))
    assert claim.matches.get().matched_claim == checked_claim

    claim = claim_edit(claim=claim, user=editor, text=VACCINE_PARAPHRASE)
    assert claim.matching == Claim.Matching.PENDING
    claim = matched(claim)

    assert [match.matched_external for match in claim.matches.all()] == [review]
    assert MatchEntry.objects.get(claim=claim).text == VACCINE_PARAPHRASE


def test_a_rejected_match_stays_rejected_when_matched_again(
    checked_claim: Claim,
    new_claim: Callable[..., Claim],
    matched: Callable[..., Claim],
    editor: User,
) -> None:
    claim = matched(new_claim(BRIDGE_PARAPHRASE))
    claim_match_reject(match=claim.matches.get(), user=editor)

    claim = matched(claim_accept(claim=claim, user=editor))

    assert list(claim.matches.values_list("status", flat=True)) == ["rejected"]


def test_accepting_makes_a_claim_a_target_without_encoding_it_again(
    new_claim: Callable[..., Claim], matched: Callable[..., Claim], editor: User
) -> None:
    earlier = matched(new_claim(BRIDGE))
    entry = MatchEntry.objects.get(claim=earlier)
    assert not entry.target

    matched(claim_accept(claim=earlier, user=editor))

    accepted_entry = MatchEntry.objects.get(claim=earlier)
    assert accepted_entry.target and accepted_entry.id > entry.id  # a new row: indexes see it
    assert bytes(accepted_entry.vector) == bytes(entry.vector)
    later = matched(new_claim(BRIDGE_PARAPHRASE))
    assert later.matches.get().matched_claim == earlier


def test_a_one_word_claim_is_not_matched(
    checked_claim: Claim, new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    claim = matched(new_claim("Bridge!"))
    assert claim.matching == Claim.Matching.SKIPPED
    assert claim.matching_note == "Not matched: a claim of one word says too little to compare."
    assert not claim.matches.exists() and not MatchEntry.objects.filter(claim=claim).exists()


def test_a_claim_edited_down_to_one_word_loses_its_suggestions(
    checked_claim: Claim,
    new_claim: Callable[..., Claim],
    matched: Callable[..., Claim],
    editor: User,
) -> None:
    claim = matched(new_claim(BRIDGE_PARAPHRASE))
    assert claim.matches.exists()

    claim = matched(claim_edit(claim=claim, user=editor, text="Bridge"))

    assert claim.matching == Claim.Matching.SKIPPED
    assert not claim.matches.exists()


def test_a_very_long_claim_is_matched_on_its_beginning(
    checked_claim: Claim, new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    rambling = BRIDGE_PARAPHRASE + " " + " ".join(["And then the council met again."] * 40)

    claim = matched(new_claim(rambling))

    assert claim.matching == Claim.Matching.DONE
    assert claim.matching_note.startswith("Matched on its first 9")
    assert len(MatchEntry.objects.get(claim=claim).text) <= 1000
    assert claim.matches.get().matched_claim == checked_claim


def test_a_claim_in_another_language_is_matched_too(
    checked_claim: Claim, new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    claim = matched(
        new_claim("Die Brücke in Riverton hat 400 Millionen Dollar gekostet.", language="de")
    )
    assert claim.matching == Claim.Matching.DONE
    # German is read by the multilingual encoder: our English claim is found, no notice.
    assert claim.matching_note == ""
    assert claim.matches.get().matched_claim == checked_claim


def test_the_editor_is_told_the_match_list_is_limited_to_the_claims_language(
    checked_claim: Claim,
    new_claim: Callable[..., Claim],
    matched: Callable[..., Claim],
    editor: User,
) -> None:
    # Hindi is not one of the multilingual encoder's languages (Russian now is).
    hindi = "रिवरटन के नए पुल पर करदाताओं के 400 मिलियन डॉलर खर्च हुए।"
    claim = matched(new_claim(hindi, language="hi"))
    notice = "Matches are limited to texts in the claim's language (hi)"
    assert claim.matching_note.startswith(notice)
    client = Client()
    client.force_login(editor)
    html = client.get(f"/admin/claims/article/{claim.article_id}/claims/").content.decode()
    assert notice.replace("'", "&#x27;") in html


def test_an_english_claim_gets_no_language_notice(
    checked_claim: Claim, new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    claim = matched(new_claim(BRIDGE_PARAPHRASE, language="en-GB"))
    assert "language" not in claim.matching_note


def test_a_claim_not_pending_is_left_alone(
    checked_claim: Claim, new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    claim = matched(new_claim(BRIDGE_PARAPHRASE))
    first = claim.matches.get()

    assert claim_match(claim_id=claim.id) == 0  # a redelivered message

    assert list(claim.matches.all()) == [first]
    claim.refresh_from_db()
    assert claim.matching_attempts == 1


def test_matching_gives_up_after_three_attempts(
    new_claim: Callable[..., Claim], matched: Callable[..., Claim]
) -> None:
    claim = new_claim(BRIDGE_PARAPHRASE)
    Claim.objects.filter(id=claim.id).update(matching_attempts=3)
    claim = matched(claim)
    assert (claim.matching, claim.matching_note) == ("failed", "Gave up after 3 attempts.")


def test_a_claim_sent_while_the_workers_index_is_being_built_waits_uncounted_then_is_matched(
    checked_claim: Claim,
    new_claim: Callable[..., Claim],
    matched: Callable[..., Claim],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker's first build over a million rows outlasts a task: each task builds on for
    a share of its time and puts the claim back, never failing it or matching it against
    part of the archive."""
    imported_review(VACCINE, "https://checkers.example/vaccine")
    imported_review(PARKS, "https://checkers.example/parks")
    monkeypatch.setattr(follower, "LOAD_CHUNK", 1)  # three rows to read: three tasks' worth
    monkeypatch.setattr("claims.matching.services.INDEX_BUILD_SECONDS", 0)
    claim = new_claim(BRIDGE_PARAPHRASE)

    for _ in range(2):
        claim = matched(claim)
        assert (claim.matching, claim.matching_attempts) == ("pending", 0)
        assert not claim.matches.exists()

    claim = matched(claim)  # the third row read: the index is whole

    assert (claim.matching, claim.matching_attempts) == ("done", 1)
    assert claim.matches.get().matched_claim == checked_claim


def test_the_sweep_enqueues_matching_that_never_finished(
    new_claim: Callable[..., Claim], django_capture_on_commit_callbacks: Any
) -> None:
    lost, recent = new_claim(BRIDGE), new_claim(BRIDGE_PARAPHRASE)
    long_ago = timezone.now() - timedelta(hours=1)
    Claim.objects.filter(id=lost.id).update(matching_changed_at=long_ago)
    review = ExternalReview.objects.create(
        publisher_name="Checkers United",
        url="https://checkers.example/vaccine",
        claim_reviewed=VACCINE,
        claim_hash="0" * 64,
        raw={},
        source="reviews.jsonl",
    )
    ExternalReview.objects.filter(id=review.id).update(imported_at=long_ago)

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert stuck_work_requeue() == 2  # the lost claim, the review never encoded

    assert len(enqueued) == 2
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert lost.matching_changed_at is not None and lost.matching_changed_at > long_ago
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert stuck_work_requeue() == 0  # not again until it is stuck again
    assert again == []


def test_extraction_queues_every_new_candidate_for_matching(
    make_article: Callable[..., Article], django_capture_on_commit_callbacks: Any
) -> None:
    article = make_article(
        "A post on social media claims that the Harbour Street bridge cost 400 million "
        "dollars. Mayor Elena Novak said the bridge cost 212 million dollars."
    )
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        claims_propose(article_id=article.id)

    claims = article.claims.all()
    assert claims and {claim.matching for claim in claims} == {Claim.Matching.PENDING}
    assert len(enqueued) == len(claims)
    assert not ClaimMatch.objects.exists()
