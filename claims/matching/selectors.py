"""What editors are shown of "checked before?": each claim's matches with what they are —
one of our claims with its published verdict (and the other fact-checker's review confirmed
for its group, which every member carries), or another fact-checker's review with its
publisher and rating — read in a fixed number of queries for any number of claims.

Verdicts and review states come from claims/verdicts.py, the one module of claims that reads
the reviewers' tables.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from claims.matching.models import ClaimMatch, ExternalReview
from claims.matching.services import same_claim_threshold
from claims.verdicts import Verdict, published_verdicts, review_states


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
