"""Each worker's match index is built from the stored vectors and follows new rows: it reads
only what was added since it last looked, never encodes what is stored, and does not miss
a row that becomes visible late."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims.matching import engine
from claims.matching import follower as followers
from claims.matching.claimreviews import Found
from claims.matching.follower import IndexFollower, process_index_ready, process_index_within
from claims.matching.imports import external_review_import
from claims.matching.services import external_reviews_index, stale_entries_refresh
from claims.models import Claim, ExternalReview, MatchEntry
from reviewers.models import Review
from tests.reviewers.conftest import publish_check  # noqa: F401  (a fixture, used below)

pytestmark = pytest.mark.django_db

TEXTS = [
    "The Harbour Street bridge in Riverton cost 400 million dollars.",
    "The flu vaccine given at Riverton schools contains mercury.",
    "Riverton's mayor has banned dogs from every public park.",
]


def review(text: str, number: int) -> ExternalReview:
    found = Found(
        {"url": f"https://checkers.example/{number}", "claimReviewed": text, "author": "Desk"}, {}
    )
    stored, _ = external_review_import(found=found, source="test", user=None)
    external_reviews_index(review_ids=[stored.id])
    return stored


def keys(follower: IndexFollower, text: str) -> list[str]:
    return [hit.key for hit in follower.search(text, top=3)]


def test_follows_new_rows_without_a_rebuild(django_assert_num_queries: Any) -> None:
    first = review(TEXTS[0], 1)
    follower = IndexFollower()
    assert follower.refresh() == 1 and len(follower.index) == 1

    second = review(TEXTS[1], 2)
    assert follower.refresh() == 1  # only the new row is read
    assert len(follower.index) == 2
    assert follower.watermark == MatchEntry.objects.get(external=second).id
    assert keys(follower, TEXTS[1])[0] == f"review:{second.id}"
    assert f"review:{first.id}" in keys(follower, TEXTS[0])

    with django_assert_num_queries(1):
        assert follower.refresh() == 0


def test_only_targets_of_the_current_model_are_loaded() -> None:
    target = review(TEXTS[0], 1)
    other = review(TEXTS[1], 2)
    MatchEntry.objects.filter(external=other).update(target=False)
    old = review(TEXTS[2], 3)
    MatchEntry.objects.filter(external=old).update(model_name="an-earlier-encoder")

    follower = IndexFollower()

    assert follower.refresh() == 1
    assert f"review:{target.id}" in follower.index


def test_vectors_of_an_earlier_model_are_encoded_again_and_followed() -> None:
    stored = review(TEXTS[0], 1)
    MatchEntry.objects.filter(external=stored).update(model_name="an-earlier-encoder")
    follower = IndexFollower()
    assert follower.refresh() == 0

    assert stale_entries_refresh() == 1

    entry = MatchEntry.objects.get(external=stored)
    assert entry.model_name == engine.MODEL_NAME
    assert follower.refresh() == 1
    assert keys(follower, TEXTS[0]) == [f"review:{stored.id}"]


def test_a_row_that_becomes_visible_late_is_not_missed() -> None:
    review(TEXTS[0], 1)
    follower = IndexFollower()
    follower.refresh()
    late, early = review(TEXTS[1], 2), review(TEXTS[2], 3)
    # On PostgreSQL a transaction can commit a lower id after another one committed a
    # higher id: hide the lower row while the index reads past it.
    hidden = MatchEntry.objects.get(external=late)
    values = {field.attname: getattr(hidden, field.attname) for field in MatchEntry._meta.fields}
    hidden_id = hidden.id
    hidden.delete()

    assert follower.refresh() == 1
    assert follower.watermark == MatchEntry.objects.get(external=early).id
    assert hidden_id in follower.gaps

    MatchEntry.objects.create(**values)  # now committed
    assert follower.refresh() == 1
    assert hidden_id not in follower.gaps
    assert keys(follower, TEXTS[1])[0] == f"review:{late.id}"


def test_an_id_missing_below_a_row_stored_long_ago_is_not_waited_for() -> None:
    """A process starting on a table whose old rows were deleted (texts change, and their
    rows are replaced) does not look for them on every refresh: a transaction holding
    such an id would have been open for longer than the gaps' patience."""
    _, deleted, last = (review(text, number) for number, text in enumerate(TEXTS))
    deleted_id = MatchEntry.objects.get(external=deleted).id
    MatchEntry.objects.filter(external=deleted).delete()
    long_ago = timezone.now() - timedelta(seconds=followers.GAP_PATIENCE_SECONDS + 60)
    MatchEntry.objects.filter(external=last).update(created_at=long_ago)

    follower = IndexFollower()
    assert follower.refresh() == 2
    assert deleted_id not in follower.gaps and not follower.gaps


def test_a_row_that_appears_while_a_chunk_is_read_is_taken_as_a_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A chunk's new rows are loaded as one range of ids: a row committed inside that range
    after the ids were listed is not loaded out of turn, but looked for again as a gap."""
    follower = IndexFollower()
    review(TEXTS[0], 1)
    late = review(TEXTS[1], 2)
    review(TEXTS[2], 3)
    hidden = MatchEntry.objects.get(external=late)  # between the other two
    values = {field.attname: getattr(hidden, field.attname) for field in MatchEntry._meta.fields}
    hidden.delete()
    listed = follower._new_ids

    def committed_just_after_listing() -> list[int]:
        ids = listed()
        MatchEntry.objects.create(**values)
        return ids

    monkeypatch.setattr(follower, "_new_ids", committed_just_after_listing)
    assert follower.refresh() == 2
    assert values["id"] in follower.gaps and len(follower.index) == 2

    monkeypatch.setattr(follower, "_new_ids", listed)
    assert follower.refresh() == 1
    assert keys(follower, TEXTS[1])[0] == f"review:{late.id}"
    assert values["id"] not in follower.gaps


def test_a_refresh_cut_short_is_taken_up_where_it_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's first build at a million rows can outlast a task's time limit: what was
    read but not yet indexed is read again by the next refresh, never skipped."""
    stored = [review(text, number) for number, text in enumerate(TEXTS)]
    monkeypatch.setattr("claims.matching.follower.LOAD_CHUNK", 1)
    follower = IndexFollower()
    add_many = follower.add_many
    calls = 0

    def cut_short_at_the_second_chunk(targets: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise TimeoutError("the task's soft time limit")
        add_many(targets)

    monkeypatch.setattr(follower, "add_many", cut_short_at_the_second_chunk)
    with pytest.raises(TimeoutError):
        follower.refresh()
    assert len(follower.index) == 1
    assert follower.watermark == MatchEntry.objects.get(external=stored[0]).id

    assert follower.refresh() == 2
    assert len(follower.index) == 3
    assert follower.watermark == MatchEntry.objects.get(external=stored[2]).id
    assert keys(follower, TEXTS[1])[0] == f"review:{stored[1].id}"


def test_a_process_index_is_built_within_a_limit_or_not_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A web request may bring its process's index up to date only if that reads few rows:
    past the limit nothing is read, and the caller knows it."""
    monkeypatch.setattr(followers, "_process_followers", {})
    stored = [review(text, number) for number, text in enumerate(TEXTS)]

    assert process_index_within(2) is None
    [untouched] = followers._process_followers.values()
    assert untouched.watermark == 0 and len(untouched.index) == 0

    index = process_index_within(3)
    assert index is not None and len(index.index) == 3
    assert keys(index, TEXTS[2])[0] == f"review:{stored[2].id}"
    review("Riverton's council tax will double next year, the treasurer said.", 9)
    assert process_index_within(1) is index and len(index.index) == 4  # one new row to read


def test_an_index_of_our_checks_leaves_reviews_and_unchecked_claims_out_of_its_limit_and_load(
    make_claim: Callable[..., Claim],
    matched: Callable[[Claim], Claim],
    publish_check: Callable[..., Review],  # noqa: F811
) -> None:
    """A tip is answered only by our published checks: a web process's index of them is
    built within its limit however many reviews the newsroom has imported and however many
    claims it has accepted but not checked yet."""
    reviews = [review(text, number) for number, text in enumerate(TEXTS)]
    unchecked = matched(make_claim("Riverton's ferry fares doubled in January."))
    checked = publish_check("Riverton's council tax will double next year, the treasurer said.")
    ours = matched(Claim.objects.get(id=checked.claim_id))  # its entry carries the headline

    assert IndexFollower().unread_beyond(4)  # every target: five rows to load
    assert not IndexFollower(checks_only=True).unread_beyond(1)
    index = process_index_within(1, checks_only=True)

    assert index is not None and len(index.index) == 1
    assert keys(index, ours.text) == [f"claim:{ours.id}"]
    assert f"claim:{unchecked.id}" not in keys(index, unchecked.text)
    assert index.watermark == MatchEntry.objects.get(claim=ours).id  # read past the others
    review("The Riverton zoo has closed for good.", 7)
    assert process_index_within(0, checks_only=True) is index  # no check of ours to load
    assert len(index.index) == 1 and index.watermark > MatchEntry.objects.get(claim=ours).id
    assert all(f"review:{r.id}" not in keys(index, r.claim_reviewed) for r in reviews)


def test_a_build_given_no_time_reads_a_chunk_a_call_until_it_is_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(followers, "_process_followers", {})
    monkeypatch.setattr(followers, "LOAD_CHUNK", 2)
    stored = [review(text, number) for number, text in enumerate(TEXTS)]

    assert process_index_ready(0) is None
    building = followers._process_followers[False]
    assert building is not None and building.behind and len(building.index) == 2

    index = process_index_ready(0)
    assert index is building and not index.behind and len(index.index) == 3
    assert keys(index, TEXTS[2])[0] == f"review:{stored[2].id}"
