"""The desk's counts of reviews by state are kept in a table, not counted per request: they
equal a real count after every step a review can take, a step that fails leaves them as
they were, and `rebuild_review_counts` (or the migration that made them) recounts them."""

import importlib
from collections.abc import Callable
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from claims.models import Article, Claim, Evidence
from reviewers.models import Rating, Review, ReviewStateCount
from reviewers.queue import state_counts
from reviewers.services import (
    StaleReview,
    review_approve,
    review_assign,
    review_correct,
    review_correction_approve,
    review_correction_reject,
    review_dismiss,
    review_draft,
    review_publish,
    review_retract,
    review_self_assign,
    review_send_back,
    review_submit,
)

State = Review.State
Publish = Callable[..., Review]


def kept() -> dict[str, int]:
    return {state: count for state, count in ReviewStateCount.objects.values_list() if count}


def real() -> dict[str, int]:
    rows = Review.objects.values_list("state").annotate(n=Count("id")).order_by()
    return dict(rows)


@pytest.fixture
def claim(make_article: Callable[..., Article], editor: User) -> Callable[[], Claim]:
    numbers = iter(range(1, 100))

    def make() -> Claim:
        number = next(numbers)
        article = make_article(f"Claim {number}: the bridge cost {number} hundred million.")
        return Claim.objects.create(
            article=article,
            text=article.text,
            checkworthiness=0.5,
            status=Claim.Status.ACCEPTED,
            accepted_by=editor,
            accepted_at=timezone.now(),
        )

    return make


def verdict(claim: Claim, author: User, evidence: Evidence, rating: str = "False") -> Review:
    return review_draft(
        claim=claim,
        author=author,
        rating=Rating.objects.get(label=rating),
        headline="It cost less",
        justification="The accounts.",
        cited_evidence=[evidence],
    )


def test_counts_equal_a_real_count_after_every_step(
    claim: Callable[[], Claim],
    make_evidence: Callable[..., Evidence],
    reviewer: User,
    second_reviewer: User,
    chief_editor: User,
    site_admin: User,
) -> None:
    first, second, third = claim(), claim(), claim()
    evidence = make_evidence(first)
    steps: list[Callable[[], object]] = [
        lambda: review_self_assign(claim=first, actor=reviewer),
        lambda: review_assign(claim=first, actor=chief_editor, assignee=second_reviewer),
        lambda: review_assign(claim=second, actor=chief_editor, assignee=reviewer),
        lambda: verdict(first, second_reviewer, evidence),
        lambda: review_submit(review=first.review, actor=second_reviewer),
        lambda: review_send_back(
            review=first.review, actor=chief_editor, reason="changes_requested", note="Why?"
        ),
        lambda: review_submit(review=first.review, actor=second_reviewer),
        lambda: review_approve(review=first.review, approver=chief_editor),
        lambda: review_publish(review=first.review, publisher=chief_editor),
        lambda: review_correct(
            review=first.review,
            corrector=chief_editor,
            rating=Rating.objects.get(label="True"),
            note="New accounts.",
        ),
        lambda: review_correction_reject(review=first.review, actor=site_admin, note="No."),
        lambda: review_correct(
            review=first.review,
            corrector=chief_editor,
            rating=Rating.objects.get(label="True"),
            note="New accounts.",
        ),
        lambda: review_correction_approve(review=first.review, approver=site_admin),
        lambda: review_retract(review=first.review, retractor=chief_editor, reason="Wrong claim."),
        lambda: review_dismiss(claim=second, actor=chief_editor, reason="duplicate"),
        lambda: review_dismiss(claim=third, actor=chief_editor, reason="not_check_worthy"),
    ]
    seen = set()
    for step in steps:
        step()
        first.refresh_from_db()
        assert kept() == real()
        seen |= set(real())
    # Every state was counted on the way (a review is "new" only inside its first step).
    assert seen == set(State.values) - {State.NEW}


def test_a_step_that_fails_leaves_the_counts_as_they_were(
    claim: Callable[[], Claim], reviewer: User, chief_editor: User
) -> None:
    assigned = claim()
    review_self_assign(claim=assigned, actor=reviewer)
    before = kept()
    fresh = claim()
    # The review row is written (and counted as new) before the version check refuses.
    with pytest.raises(StaleReview):
        review_dismiss(claim=fresh, actor=chief_editor, reason="duplicate", expected_version=7)
    assert not Review.objects.filter(claim=fresh).exists()
    assert kept() == before == real()
    # A step that succeeds inside a transaction that then fails is undone with it.
    with pytest.raises(RuntimeError), transaction.atomic():
        review_dismiss(claim=assigned, actor=chief_editor, reason="duplicate")
        assert kept() != before
        raise RuntimeError("the request failed after the step")
    assert kept() == before == real()


def test_rebuild_recounts_counts_gone_wrong(
    claim: Callable[[], Claim], reviewer: User, chief_editor: User
) -> None:
    review_self_assign(claim=claim(), actor=reviewer)
    review_dismiss(claim=claim(), actor=chief_editor, reason="duplicate")
    ReviewStateCount.objects.filter(state=State.ASSIGNED).update(count=40)
    ReviewStateCount.objects.filter(state=State.DISMISSED).delete()
    out = StringIO()
    call_command("rebuild_review_counts", stdout=out)
    assert kept() == real() == {State.ASSIGNED: 1, State.DISMISSED: 1}
    assert "assigned: 1 (was 40)" in out.getvalue()
    assert "dismissed: 1 (was missing)" in out.getvalue()


def test_a_missing_row_is_counted_anew_by_the_next_step(
    claim: Callable[[], Claim], reviewer: User
) -> None:
    ReviewStateCount.objects.all().delete()  # as a database emptied by hand leaves it
    review_self_assign(claim=claim(), actor=reviewer)
    assert kept() == real() == {State.ASSIGNED: 1}


def test_the_migration_counts_the_reviews_already_there(
    claim: Callable[[], Claim], reviewer: User
) -> None:
    review_self_assign(claim=claim(), actor=reviewer)
    ReviewStateCount.objects.all().delete()
    migration = importlib.import_module("reviewers.migrations.0014_review_state_counts")
    migration.count_reviews(apps, None)
    assert ReviewStateCount.objects.count() == len(State.values)
    assert kept() == real()


def test_new_claims_are_counted_up_to_a_limit(
    claim: Callable[[], Claim], reviewer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("reviewers.queue.NEW_COUNT_LIMIT", 2)
    taken = claim()
    review_self_assign(claim=taken, actor=reviewer)
    claim()
    assert state_counts()[State.NEW] == 1
    claim(), claim()
    assert state_counts()[State.NEW] == 2  # stops at the limit: "2 or more"
