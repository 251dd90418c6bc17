"""The review queue: which claims await which step, and who has room for more.

The queue is a list of accepted claims, each with its review if a step was taken on it.
An accepted claim with no review row is "new": the row is written by the first step
(reviewers/services.py), so accepting a claim (in `claims`) needs to know nothing of
reviews. One query reads a page of the queue, whatever the filters.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission, User
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from claims.models import Claim
from reviewers.models import Review, ReviewStateCount
from reviewers.queue_pages import newest_first

State = Review.State
# States in which a review still needs someone's work; the default view of the queue.
OPEN_STATES = [
    State.NEW,
    State.ASSIGNED,
    State.DRAFTING,
    State.AWAITING_APPROVAL,
    State.APPROVED,
    State.CORRECTION_PENDING,
]
# The load auto-assignment balances: reviews a reviewer has to write.
WRITING_STATES = [State.ASSIGNED, State.DRAFTING]
# New claims (no review yet) are counted up to here, as views are (queue_pages.COUNT_LIMIT).
NEW_COUNT_LIMIT = 100


QUEUE_ROW_FIELDS = [
    "id", "text", "claimant", "checkworthiness", "scored_by", "accepted_at", "article",
]  # fmt: skip


@dataclass(frozen=True)
class QueueFilters:
    mine: bool = False
    unassigned: bool = False
    awaiting_my_approval: bool = False
    state: str = ""
    rating: str = ""
    claimant: str = ""


def review_queue(*, user: User, filters: QueueFilters | None = None) -> QuerySet[Claim]:
    """Return accepted claims with their reviews, most check-worthy first, then newest."""
    filters = filters or QueueFilters()
    # Only what a queue row shows: the article's text (and the claim's bookkeeping) would
    # be most of each row's bytes otherwise; the review's fields come as annotations.
    claims: QuerySet[Claim] = (
        Claim.objects.accepted()
        .filter(_still_to_check())
        .select_related("article")
        .only(*QUEUE_ROW_FIELDS, "article__title")
    )
    claims = claims.filter(_state_condition(filters.state))
    if filters.mine:
        claims = claims.filter(review__assignee=user)
    if filters.unassigned:
        claims = claims.filter(_state_condition(State.NEW))
    if filters.awaiting_my_approval:
        claims = _awaiting_approval_by(claims, user)
    if filters.rating:
        claims = claims.filter(review__rating__label=filters.rating)
    if filters.claimant:
        claims = claims.filter(claimant__icontains=filters.claimant)
    return claims.annotate(
        review_pk=F("review__id"),
        desk_state=Coalesce(F("review__state"), Value(State.NEW)),
        assignee_name=F("review__assignee__username"),
        author_name=F("review__author__username"),
        rating_label=F("review__rating__label"),
        review_version=F("review__version"),
    ).order_by("-checkworthiness", "-accepted_at", "-id")


def state_counts() -> dict[str, int]:
    """Return how many claims are in each state of the desk, every state listed.

    Reviews are counted by the table the services keep (ReviewStateCount); accepted claims
    with no review yet ("new") are counted up to NEW_COUNT_LIMIT, so that no request
    counts a million waiting claims: `new_count_is_exact` says whether it stopped there.
    """
    counts = dict.fromkeys(State.values, 0)
    counts.update(ReviewStateCount.objects.values_list("state", "count"))
    counts[State.NEW] += _unreviewed_claims()[:NEW_COUNT_LIMIT].count()
    return counts


def new_count_is_exact(counts: dict[str, int]) -> bool:
    """Whether `state_counts()`'s count of new claims is all of them (not the limit)."""
    return counts[State.NEW] < NEW_COUNT_LIMIT


def review_counts_move(*, from_state: str, to_state: str) -> None:
    """Move one review from a state's count to another's ("" for a review just written),
    in the caller's transaction: the only place the counts change, apart from a rebuild."""
    if from_state == to_state:
        return
    states = [state for state in (from_state, to_state) if state]
    step = Case(When(state=to_state, then=Value(1)), default=Value(-1))
    updated = ReviewStateCount.objects.filter(state__in=states).update(count=F("count") + step)
    if updated < len(states):  # a row missing (a database emptied by hand): count anew
        for state in states:
            real = Review.objects.filter(state=state).count()
            ReviewStateCount.objects.get_or_create(state=state, defaults={"count": real})


@transaction.atomic
def review_counts_rebuild() -> dict[str, int]:
    """Count every review by state and store the counts (after a bulk load, or to check
    them); return them. The table is locked meanwhile, so no step moves a count between
    the count and the write."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {ReviewStateCount._meta.db_table} IN EXCLUSIVE MODE")
    counts = dict.fromkeys(State.values, 0)
    rows = Review.objects.values_list("state").annotate(count=Count("id")).order_by()
    counts.update(dict(rows))
    for state, count in counts.items():
        ReviewStateCount.objects.update_or_create(state=state, defaults={"count": count})
    return counts


def _unreviewed_claims() -> QuerySet[Claim, Any]:
    # Newest first: new claims are the recent ones, so counting stops after about as many
    # claims as it counts, not after every claim checked in years (queue_pages.py).
    # NOT EXISTS, not a LEFT JOIN … IS NULL: PostgreSQL plans the first as an anti-join and
    # estimates it well; the second it took for one row in a million and so counted them all.
    reviewed = Review.objects.filter(claim=OuterRef("pk"))
    unreviewed = Claim.objects.needing_review().filter(~Exists(reviewed))
    return newest_first(unreviewed.values("id"))


def least_loaded_reviewer() -> User | None:
    """Return the active reviewer with the fewest reviews to write (ties: the earliest
    account). Approvers (Chief editors) are left free to approve."""
    load = (
        Review.objects.filter(assignee=OuterRef("pk"), state__in=WRITING_STATES)
        .values("assignee")
        .annotate(count=Count("id"))
        .values("count")
    )
    reviewers = User.objects.filter(is_active=True, id__in=permission_holders("change_review"))
    reviewers = reviewers.exclude(id__in=permission_holders("approve_review"))
    reviewers = reviewers.annotate(load=Coalesce(Subquery(load), 0))
    return reviewers.order_by("load", "id").first()


def permission_holders(codename: str) -> QuerySet[User, int]:
    """Return the ids of users given a reviewers permission, directly or by a role."""
    permission = Permission.objects.filter(content_type__app_label="reviewers", codename=codename)
    users = User.objects.filter(
        Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    )
    return users.values_list("id", flat=True)


def _state_condition(state: str) -> Q:
    if not state:
        return Q(review__isnull=True) | Q(review__state__in=OPEN_STATES)
    if state == State.NEW:
        return Q(review__isnull=True) | Q(review__state=State.NEW)
    return Q(review__state=state)


def _awaiting_approval_by(claims: QuerySet[Claim], user: User) -> QuerySet[Claim]:
    """Verdicts the user may approve: awaiting approval and written by someone else."""
    if not user.has_perm("reviewers.approve_review"):
        return claims.none()
    return claims.filter(review__state=State.AWAITING_APPROVAL).exclude(review__author=user)


def _still_to_check() -> Q:
    # Claims confirmed as checked before (Claim.objects.needing_review) never enter the
    # desk; a review already under way when that was confirmed stays, to be dismissed.
    return Q(duplicate_of__isnull=True, checked_by_external__isnull=True) | Q(review__isnull=False)
