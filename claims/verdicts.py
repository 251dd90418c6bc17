"""What the reviewers app has concluded about claims, as claims reads it.

The one module of claims that reads the reviewers' tables: through the reverse relations
they add to Claim (a claim's `review`, its `versions` and `events`), by lookup names only,
since claims never imports reviewers. Every lookup it uses is listed in LOOKUPS, and a test
resolves each against the models, so a renamed field fails there and not in production.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.urls import reverse

from claims.models import Claim

# Each lookup path from Claim into the reviewers' tables that this module reads.
LOOKUPS = [
    "review__id",
    "review__state",
    "review__events__to_state",
    "review__events__reason_code",
    "review__versions__is_current",
    "review__versions__rating_label",
    "review__versions__headline",
    "review__versions__change",
]


@dataclass(frozen=True)
class Verdict:
    """Our published check of a claim, as the public sees it now."""

    claim_id: int
    check_id: int
    rating: str
    headline: str
    retracted: bool

    @property
    def url(self) -> str:
        return reverse("check-page", args=[self.check_id])


def published_verdicts(claim_ids: Iterable[int]) -> dict[int, Verdict]:
    """Return the current published version of each claim's check, by claim id."""
    rows = Claim.objects.filter(id__in=list(claim_ids), review__versions__is_current=True).values(
        "id",
        "review__id",
        "review__versions__rating_label",
        "review__versions__headline",
        "review__versions__change",
    )
    return {
        row["id"]: Verdict(
            claim_id=row["id"],
            check_id=row["review__id"],
            rating=row["review__versions__rating_label"],
            headline=row["review__versions__headline"],
            retracted=row["review__versions__change"] == "retracted",
        )
        for row in rows
    }


def verdicts_by_check(check_ids: Iterable[int]) -> dict[int, Verdict]:
    """Return the current published version of each of these checks, by check id."""
    claims = Claim.objects.annotate(check_id=F("review__id"))
    claim_ids = claims.filter(check_id__in=list(check_ids)).values_list("id", flat=True)
    return {verdict.check_id: verdict for verdict in published_verdicts(claim_ids).values()}


def review_states(claim_ids: Iterable[int]) -> dict[int, str]:
    """Return the state of each claim's review, for claims that have one."""
    rows = Claim.objects.filter(id__in=list(claim_ids), review__isnull=False)
    return dict(rows.values_list("id", "review__state"))


def reviewed(claim_ids: Iterable[int]) -> set[int]:
    """Return the claims a reviewer has a review of (in any state)."""
    rows = Claim.objects.filter(id__in=list(claim_ids), review__isnull=False)
    return set(rows.values_list("id", flat=True))


def dismissed_as_duplicate(claim_ids: Iterable[int]) -> QuerySet[Claim]:
    """Return the claims whose review the desk dismissed as a duplicate (it cannot reopen)."""
    return Claim.objects.filter(
        id__in=list(claim_ids),
        review__state="dismissed",
        review__events__to_state="dismissed",
        review__events__reason_code="duplicate",
    )


def with_published_headline(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Return those of the claims that have a published check, each annotated with the
    check's current headline as `published_headline`."""
    published = claims.filter(review__versions__is_current=True)
    return published.annotate(published_headline=F("review__versions__headline"))


def with_desk_state(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Return the claims each annotated with its review's state as `desk_state` (None for a
    claim no step was taken on)."""
    return claims.annotate(desk_state=F("review__state"))
