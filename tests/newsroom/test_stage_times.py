"""Each review keeps when each stage of its check ended, as its events say, so the time per
stage is read from one row per review: the claim's acceptance, and the first time the review
was assigned, sent for approval ("drafted"), approved and published. A send-back and a
redraft, or a correction awaiting approval, leave those times as they were: the figure
measures how long a claim took to be checked the first time. The data migration fills the
same times in from the events of reviews written before."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from importlib import import_module
from unittest.mock import patch

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Min

from claims.extraction.services import claim_accept
from claims.models import Article, Claim, Evidence
from newsroom.analytics import Period, stage_times
from reviewers.models import Rating, Review, ReviewEvent
from reviewers.services import (
    review_approve,
    review_assign,
    review_correct,
    review_draft,
    review_publish,
    review_send_back,
    review_submit,
)

ACCEPTED = datetime(2026, 3, 2, 9, tzinfo=UTC)
MARCH = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
STAGE_FIELDS = ["accepted_at", "assigned_at", "drafted_at", "approved_at", "published_at"]
SECONDS_FIELDS = ["assigned_seconds", "drafted_seconds", "approved_seconds", "published_seconds"]
HOUR = 3600
State = Review.State


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """The services stamp their rows with this time (the clock is the outside world)."""
    with patch("django.utils.timezone.now", return_value=moment):
        yield


def hours(n: float) -> datetime:
    return ACCEPTED + timedelta(hours=n)


@pytest.fixture
def back_and_forth(
    make_article: Callable[..., Article],
    make_evidence: Callable[..., Evidence],
    editor: User,
    reviewer: User,
    chief_editor: User,
) -> Review:
    """A check sent back once, redrafted, published, then corrected to another rating, the
    correction awaiting approval: every step an hour apart, from 9:00 on 2 March."""
    article = make_article("The bridge cost 400 million.", url="https://n.example/bridge")
    claim = Claim.objects.create(article=article, text="The bridge cost 400 million.")
    with clock(ACCEPTED):
        claim_accept(claim=claim, user=editor)
    evidence = make_evidence(claim)
    with clock(hours(1)):
        review = review_assign(claim=claim, actor=chief_editor, assignee=reviewer)
    with clock(hours(2)):
        review = review_draft(
            claim=claim, author=reviewer, rating=Rating.objects.get(label="False"),
            headline="It cost 300 million", justification="The accounts.",
            cited_evidence=[evidence],
        )  # fmt: skip
        review = review_submit(review=review, actor=reviewer)
    with clock(hours(3)):
        review = review_send_back(
            review=review, actor=chief_editor, reason="more_evidence", note="Cite the audit."
        )
    with clock(hours(4)):
        review = review_draft(
            claim=claim, author=reviewer, rating=Rating.objects.get(label="False"),
            headline="It cost 300 million", justification="The accounts and the audit.",
        )  # fmt: skip
        review = review_submit(review=review, actor=reviewer)
    with clock(hours(5)):
        review = review_approve(review=review, approver=chief_editor)
    with clock(hours(6)):
        review_publish(review=review, publisher=chief_editor)
    with clock(hours(7)):
        review_correct(
            review=review, corrector=chief_editor, rating=Rating.objects.get(label="True"),
            note="New accounts came to light.",
        )  # fmt: skip
    review.refresh_from_db()
    assert review.state == State.CORRECTION_PENDING
    return review


def stored(review: Review) -> list[datetime | None]:
    review.refresh_from_db()
    return [getattr(review, field) for field in STAGE_FIELDS]


def durations(review: Review) -> list[int | None]:
    review.refresh_from_db()
    return [getattr(review, field) for field in SECONDS_FIELDS]


def from_events(review: Review) -> list[datetime | None]:
    """What the events say: the claim's acceptance, then each stage's first event."""
    events = ReviewEvent.objects.filter(review=review)
    firsts = [
        events.filter(to_state=state).aggregate(first=Min("created_at"))["first"]
        for state in Review.STAGE_TIMES
    ]
    return [review.claim.accepted_at, *firsts]


def test_each_stage_keeps_the_first_time_the_review_reached_it(back_and_forth: Review) -> None:
    assert stored(back_and_forth) == [ACCEPTED, hours(1), hours(2), hours(5), hours(6)]
    assert durations(back_and_forth) == [HOUR, HOUR, 3 * HOUR, HOUR]


def test_the_stored_times_are_what_the_events_say(back_and_forth: Review) -> None:
    resubmitted = ReviewEvent.objects.filter(
        review=back_and_forth, to_state=State.AWAITING_APPROVAL
    )
    assert resubmitted.count() == 2  # sent for approval twice, counted from the first
    assert stored(back_and_forth) == from_events(back_and_forth)


def test_a_review_part_way_keeps_only_the_stages_it_reached(
    accepted_claim: Claim, chief_editor: User, reviewer: User
) -> None:
    review = review_assign(claim=accepted_claim, actor=chief_editor, assignee=reviewer)

    accepted, assigned = stored(review)[:2]
    assert accepted is not None and assigned is not None
    took = round((assigned - accepted).total_seconds())
    assert stored(review)[2:] == [None, None, None]
    assert durations(review) == [took, None, None, None]
    assert stored(review) == from_events(review)


def test_the_migration_fills_the_times_in_from_the_events(back_and_forth: Review) -> None:
    Review.objects.update(**dict.fromkeys(STAGE_FIELDS + SECONDS_FIELDS))
    assert stored(back_and_forth) == [None] * 5

    migration = import_module("reviewers.migrations.0011_review_stage_times")
    migration.stage_times_from_events(apps, None)

    assert stored(back_and_forth) == [ACCEPTED, hours(1), hours(2), hours(5), hours(6)]
    assert durations(back_and_forth) == [HOUR, HOUR, 3 * HOUR, HOUR]


def test_the_time_per_stage_counts_a_review_sent_back_once(back_and_forth: Review) -> None:
    assert stage_times(MARCH).rows == [
        ["accepted → assigned", 1, 1.0, 1.0],
        ["assigned → drafted", 1, 1.0, 1.0],
        ["drafted → approved", 1, 3.0, 3.0],
        ["approved → published", 1, 1.0, 1.0],
    ]


def test_percentiles_are_the_nearest_rank_to_a_tenth_of_an_hour(
    make_article: Callable[..., Article], editor: User, chief_editor: User, reviewer: User
) -> None:
    """Ten claims assigned 1 h 3 min, 2 h 3 min … 10 h 3 min after acceptance: the median is
    the fifth, the 90th percentile the ninth, each rounded to a tenth (a half up)."""
    for n in range(1, 11):
        article = make_article(f"Claim {n} said.", url=f"https://n.example/{n}")
        claim = Claim.objects.create(article=article, text=f"Claim {n}")
        with clock(ACCEPTED):
            claim_accept(claim=claim, user=editor)
        with clock(hours(n + 0.05)):
            review_assign(claim=claim, actor=chief_editor, assignee=reviewer)

    assert stage_times(MARCH).rows[0] == ["accepted → assigned", 10, 5.1, 9.1]
