"""An editor's decision on a suggested match: the same claim (confirm) or not (reject), and
undoing a confirmation taken by mistake.

Confirming links the claim to what was checked before. A match with one of our claims puts
both in one group of duplicates: every member points at the group's canonical claim
(`duplicate_of`). A claim confirmed as the same as a duplicate joins the duplicate's group,
two groups confirmed as the same become one, and the reviewers' queue
(`Claim.objects.needing_review()`) holds one claim per group. A match with another
fact-checker's review links every member of the claim's group to it (`checked_by_external`).
Groups and links are re-formed from the confirmed matches on every decision (match_links.py,
which also says how the canonical claim is chosen), and the gathering of every claim now
checked before is cancelled (`gathering_cancel`).
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from claims.events import changed, claim_event_record
from claims.evidence.gathering import gathering_cancel
from claims.matching.links import Relinking, links_apply, links_plan
from claims.matching.models import ClaimMatch
from claims.models import ClaimEvent
from claims.verdicts import dismissed_as_duplicate
from factcheck.auth import require_perm


class MatchAlreadyDecided(Exception):
    """The match was decided the other way: a confirmed match is undone before it can be
    rejected, and only a confirmation can be undone."""

    http_status = 409


class MatchUndoUnsafe(Exception):
    """Undoing the confirmation would leave a claim neither linked nor checkable."""

    http_status = 409


@transaction.atomic
def claim_match_confirm(*, match: ClaimMatch, user: User) -> ClaimMatch:
    """Confirm that the claim and the match state the same claim, and link them."""
    require_perm(user, "claims.change_claim")
    match = ClaimMatch.objects.select_for_update().get(id=match.id)
    if match.status == ClaimMatch.Status.CONFIRMED:
        return match
    was = match.status
    match = _decided(match, ClaimMatch.Status.CONFIRMED, user)
    _relink(links_plan(_ends(match)))
    _record(match, ClaimEvent.Action.MATCH_CONFIRM, was, user)
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
            f"Match #{match.id} was confirmed as the same claim; undo the confirmation "
            "before rejecting it."
        )
    was = match.status
    match = _decided(match, ClaimMatch.Status.REJECTED, user)
    _record(match, ClaimEvent.Action.MATCH_REJECT, was, user)
    return match


@transaction.atomic
def claim_match_undo(*, match: ClaimMatch, user: User) -> ClaimMatch:
    """Undo a confirmation: the match is suggested again, and exactly what it linked is
    unlinked.

    The groups it touched are re-formed from the matches still confirmed: with A, B and C
    grouped by A–B and B–C, undoing B–C leaves A and B grouped and C alone. The part that
    holds the canonical claim keeps it, so a review under way on it is never moved; a part
    split off gets its own canonical claim, which is back on the reviewers' queue. Undoing
    a match with another fact-checker's review unlinks the group from it, unless another
    confirmed match links the group to a review. Gathering is not started again; the
    editor starts it (`gathering_start`) if the claim needs its own evidence.

    Refused (MatchUndoUnsafe) when a claim it would put back on the queue has a review that
    was dismissed as a duplicate: a dismissed review cannot be reopened, so that claim would
    be neither linked nor checkable. A review under way on such a claim is no reason to
    refuse: it simply goes on.
    """
    require_perm(user, "claims.change_claim")
    match = ClaimMatch.objects.select_for_update().get(id=match.id)
    if match.status == ClaimMatch.Status.SUGGESTED:
        return match
    if match.status == ClaimMatch.Status.REJECTED:
        raise MatchAlreadyDecided(
            f"Match #{match.id} was rejected, not confirmed; only a confirmation can be undone."
        )
    match.status, match.decided_by, match.decided_at = ClaimMatch.Status.SUGGESTED, None, None
    match.undone_by, match.undone_at = user, timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at", "undone_by", "undone_at"])
    plan = links_plan(_ends(match))
    _refuse_stranding(plan, match)
    _relink(plan)
    _record(match, ClaimEvent.Action.MATCH_UNDO, ClaimMatch.Status.CONFIRMED, user)
    return match


def _decided(match: ClaimMatch, status: str, user: User) -> ClaimMatch:
    match.status, match.decided_by, match.decided_at = status, user, timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    return match


def _record(match: ClaimMatch, action: ClaimEvent.Action, was: str, user: User) -> None:
    """Record the decision in the history of the claim the match was found for."""
    target: dict[str, int | None] = (
        {"matched_claim": match.matched_claim_id}
        if match.matched_claim_id
        else {"matched_external": match.matched_external_id}
    )
    detail = {"match": match.id, **target, "status": changed(was, match.status)}
    claim_event_record(claim=match.claim, actor=user, action=action, detail=detail)


def _ends(match: ClaimMatch) -> list[int]:
    return [match.claim_id] + ([match.matched_claim_id] if match.matched_claim_id else [])


def _relink(plan: Relinking) -> None:
    """Save the links that changed, and stop gathering for every claim now checked before."""
    links_apply(plan)
    gathering_cancel(claim_ids=plan.checked_before)


def _refuse_stranding(plan: Relinking, match: ClaimMatch) -> None:
    stranded = dismissed_as_duplicate(plan.released)
    claim_id = stranded.values_list("id", flat=True).order_by("id").first()
    if claim_id is not None:
        raise MatchUndoUnsafe(
            f"Match #{match.id} cannot be undone: claim #{claim_id}'s review was dismissed as "
            "a duplicate, and a dismissed review cannot be reopened, so the claim would be "
            "left unchecked and off the reviewers' queue."
        )
