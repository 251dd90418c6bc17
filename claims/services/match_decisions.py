"""An editor's decision on a suggested match: the same claim (confirm) or not (reject).

Confirming links the claim to what was checked before. A match with one of our claims puts
both in one group of duplicates: every member points at the group's canonical claim
(`duplicate_of`). A claim confirmed as the same as a duplicate joins the duplicate's group,
two groups confirmed as the same become one, and the reviewers' queue
(`Claim.objects.needing_review()`) holds one claim per group. A match with another
fact-checker's review links every member of the claim's group to it (`checked_by_external`).
Groups and links are re-formed from the confirmed matches on every decision (match_links.py,
which also says how the canonical claim is chosen).
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ..match_models import ClaimMatch
from .access import require_perm
from .match_links import links_apply, links_plan


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
    match = _decided(match, ClaimMatch.Status.CONFIRMED, user)
    links_apply(links_plan(_ends(match)))
    return match


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


def _ends(match: ClaimMatch) -> list[int]:
    return [match.claim_id] + ([match.matched_claim_id] if match.matched_claim_id else [])
