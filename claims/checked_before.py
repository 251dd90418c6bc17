"""What editors are shown of "checked before?": each claim's matches with what they are —
one of our claims with its published verdict (and the other fact-checker's review confirmed
for its group, which every member carries), or another fact-checker's review with its
publisher and rating — read in a fixed number of queries for any number of claims.

Verdicts are read through the reverse relations the reviewers app adds to Claim (a
review and its published versions), by lookup names only: claims never imports reviewers.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from .match_models import ClaimMatch, ExternalReview
from .models import Claim
from .services.matches import same_claim_threshold


@dataclass(frozen=True)
class Verdict:
    """Our published check of a claim, as the public sees it now."""

    check_id: int
    rating: str
    headline: str
    retracted: bool

    @property
    def url(self) -> str:
        return reverse("check-page", args=[self.check_id])


@dataclass(frozen=True)
class MatchView:
    match: ClaimMatch
    verdict: Verdict | None = None
    review_state: str = ""

    @property
    def kind(self) -> str:
        return "claim" if self.match.matched_claim_id is not None else "external_review"

    @property
    def likely_same_claim(self) -> bool:
        return self.match.score >= same_claim_threshold()

    @property
    def external_check(self) -> ExternalReview | None:
        """Another fact-checker's review of the matched claim, confirmed for its group."""
        other = self.match.matched_claim
        return None if other is None else other.checked_by_external

    @property
    def group_id(self) -> int | None:
        """The canonical claim of the matched claim's group of duplicates."""
        other = self.match.matched_claim
        return None if other is None else other.duplicate_of_id or other.id


def matches_for(claim_ids: Iterable[int]) -> dict[int, list[MatchView]]:
    """Return each claim's matches that are not rejected, best first."""
    matches = list(
        ClaimMatch.objects.filter(claim_id__in=list(claim_ids))
        .exclude(status=ClaimMatch.Status.REJECTED)
        .select_related(
            "matched_claim__checked_by_external", "matched_external", "decided_by", "undone_by"
        )
        .order_by("claim_id", "-score", "id")
    )
    groups = {
        match.matched_claim.duplicate_of_id or match.matched_claim.id
        for match in matches
        if match.matched_claim is not None
    }
    members = {match.matched_claim_id for match in matches} | groups
    verdicts = published_verdicts(member for member in members if member is not None)
    states = review_states(member for member in members if member is not None)
    views: dict[int, list[MatchView]] = defaultdict(list)
    for match in matches:
        other = match.matched_claim
        if other is None:
            views[match.claim_id].append(MatchView(match))
            continue
        group = other.duplicate_of_id or other.id
        views[match.claim_id].append(
            MatchView(
                match,
                verdicts.get(other.id) or verdicts.get(group),
                states.get(other.id) or states.get(group, ""),
            )
        )
    return dict(views)


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
            check_id=row["review__id"],
            rating=row["review__versions__rating_label"],
            headline=row["review__versions__headline"],
            retracted=row["review__versions__change"] == "retracted",
        )
        for row in rows
    }


def review_states(claim_ids: Iterable[int]) -> dict[int, str]:
    """Return the state of each claim's review, for claims that have one."""
    rows = Claim.objects.filter(id__in=list(claim_ids), review__isnull=False)
    return dict(rows.values_list("id", "review__state"))
