"""Claims: proposing candidates from an article, and accepting them for checking."""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.events import claim_event_record
from claims.evidence.gathering import gathering_start
from claims.extraction.candidates import propose_candidates
from claims.extraction.decisions import ClaimAlreadyDecided
from claims.matching.services import matching_request
from claims.models import Article, Claim, ClaimEvent
from factcheck.auth import require_perm
from factcheck.facts import facts_changed


def article_proposal_take(
    *, article_id: int, task_id: str, worker: str = "", redelivered: bool = False
) -> bool:
    """Take the lease on proposing the article's claims for this message; False when there
    is nothing to propose or another message holds it (a copy of a message still running,
    or one the sweep sent while this one waited in the queue). A message that ran before and
    ended early (`redelivered`: its worker died, or a database error retried it) takes back
    the lease it held. The sweep frees a lease whose worker is gone (claims/sweep.py)."""
    held = Q(proposal_task_id=task_id) if redelivered and task_id else Q(pk__in=[])
    return bool(
        Article.objects.filter(
            Q(proposal_started_at=None) | held,
            id=article_id,
            status=Article.Status.EXTRACTED,
            proposes_claims=True,
            candidates_proposed_at=None,
        ).update(
            proposal_task_id=task_id, proposal_started_at=timezone.now(), proposal_worker=worker
        )
    )


def claims_propose(*, article_id: int) -> int:
    """Add the article's claim candidates; return how many were new.

    Candidates are keyed by their span, so running this again adds nothing twice and
    never touches a claim an editor has already accepted, edited or dismissed.
    """
    article = Article.objects.get(id=article_id, status=Article.Status.EXTRACTED)
    extraction = propose_candidates(article.text, language_hint=article.language)
    proposed = [
        Claim(
            article=article,
            text=candidate.text,
            span_start=candidate.span_start,
            span_end=candidate.span_end,
            claimant=candidate.claimant,
            article_stance=candidate.article_stance,
            stance_cue=candidate.stance_cue,
            checkworthiness=candidate.checkworthiness,
            scored_by=candidate.scored_by,
        )
        for candidate in extraction.candidates
    ]
    with transaction.atomic():
        before = article.claims.count()
        Claim.objects.bulk_create(proposed, ignore_conflicts=True)
        Article.objects.filter(id=article.id).update(
            candidates_proposed_at=timezone.now(), candidates_note=extraction.note
        )
        matching_request(article.claims.filter(matching=Claim.Matching.NOT_STARTED).only("id"))
        return article.claims.count() - before


@transaction.atomic
def claim_accept(*, claim: Claim, user: User) -> Claim:
    """Accept a candidate as a claim to check, and start gathering evidence for it (unless
    an editor already confirmed it as checked before: then there is nothing to gather)."""
    require_perm(user, "claims.change_claim")
    claim = Claim.objects.select_for_update().get(id=claim.id)
    if claim.status == Claim.Status.ACCEPTED:
        return claim
    if claim.status in (Claim.Status.SPLIT, Claim.Status.MERGED):
        raise ClaimAlreadyDecided(
            f"Claim #{claim.id} was {claim.get_status_display().lower()}; "
            "accept the claims that replaced it."
        )
    from_status, claim.status = claim.status, Claim.Status.ACCEPTED
    claim.accepted_by = user
    claim.accepted_at = timezone.now()
    claim.save(update_fields=["status", "accepted_by", "accepted_at"])
    claim_event_record(
        claim=claim,
        actor=user,
        action=ClaimEvent.Action.ACCEPT,
        from_status=from_status,
        to_status=claim.status,
    )
    facts_changed(Claim, claim.accepted_at)
    if not claim.checked_before:
        gathering_start(claim=claim, user=user)
    matching_request([claim])  # it becomes a match target, and is matched once more
    claim.refresh_from_db()
    return claim
