"""An editor's decision on a suggested match: the same claim (confirm) or not (reject).

Confirming links the claim to what was checked before. A match with another fact-checker's
review sets `checked_by_external`. A match with one of our claims puts both in one group of
duplicates: every member points at the group's canonical claim (`duplicate_of`), which is
the one already under review if any, else an accepted one, else the earliest. So a claim
confirmed as the same as a duplicate joins the duplicate's group, two groups confirmed as
the same become one, and the reviewers' queue (`Claim.objects.needing_review()`) holds one
claim per group.
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ..match_models import ClaimMatch
from ..models import Claim
from .access import require_perm


class MatchAlreadyDecided(Exception):
    """The match was decided the other way; a confirmed match cannot be rejected."""

    http_status = 409


@transaction.atomic
def claim_match_confirm(*, match: ClaimMatch, user: User) -> ClaimMatch:
    """Confirm that the claim and the match state the same claim, and link them."""
    require_perm(user, "claims.change_claim")
    match = ClaimMatch.objects.select_for_update().get(id=match.id)
    if match.status == ClaimMatch.Status.CONFIRMED:
        return match
    if match.matched_external_id is not None:
        claim = Claim.objects.select_for_update().get(id=match.claim_id)
        claim.checked_by_external_id = match.matched_external_id
        claim.save(update_fields=["checked_by_external"])
    else:
        assert match.matched_claim_id is not None
        _group(match.claim_id, match.matched_claim_id)
    return _decided(match, ClaimMatch.Status.CONFIRMED, user)


@transaction.atomic
def claim_match_reject(*, match: ClaimMatch, user: User) -> ClaimMatch:
    """Record that the match does not state the same claim; it is no longer shown."""
    require_perm(user, "claims.change_claim")
    match = ClaimMatch.objects.select_for_update().get(id=match.id)
    if match.status == ClaimMatch.Status.REJECTED:
        return match
    if match.status == ClaimMatch.Status.CONFIRMED:
        raise MatchAlreadyDecided(
            f"Match #{match.id} was confirmed as the same claim; it cannot be rejected now."
        )
    return _decided(match, ClaimMatch.Status.REJECTED, user)


def _decided(match: ClaimMatch, status: str, user: User) -> ClaimMatch:
    match.status, match.decided_by, match.decided_at = status, user, timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    return match


def _group(claim_id: int, other_id: int) -> None:
    """Put two claims, and the groups they are in, into one group under one canonical claim."""
    pair = _locked([claim_id, other_id])
    canonicals = {pair[id_].duplicate_of_id or id_ for id_ in (claim_id, other_id)}
    if len(canonicals) == 1:
        return  # already in one group
    heads = _locked(sorted(canonicals))
    members = Claim.objects.select_for_update().filter(duplicate_of__in=canonicals)
    list(members.order_by("id").values_list("id", flat=True))  # lock them, in id order
    canonical = min(heads.values(), key=_canonical_order)
    others = [head.id for head in heads.values() if head.id != canonical.id]
    Claim.objects.filter(duplicate_of__in=others).update(duplicate_of=canonical)
    Claim.objects.filter(id__in=others).update(duplicate_of=canonical)


def _locked(ids: list[int]) -> dict[int, Claim]:
    claims = Claim.objects.select_for_update().filter(id__in=ids).order_by("id")
    return {claim.id: claim for claim in claims}


def _canonical_order(claim: Claim) -> tuple[bool, bool, object, int]:
    """Order a group's heads: the one a reviewer already works on, then an accepted one,
    then the earliest."""
    under_review = Claim.objects.filter(id=claim.id, review__isnull=False).exists()
    accepted = claim.status == Claim.Status.ACCEPTED
    return (not under_review, not accepted, claim.created_at, claim.id)
