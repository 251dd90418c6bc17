"""What reviewers do with evidence: pin it, correct its stance, add a source by hand."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.events import changed, claim_event_record
from claims.evidence.passages import best_passage
from claims.evidence.services import claim_terms, evidence_build, evidence_rerank
from claims.ingestion.fetching import FetchError, check_url
from claims.ingestion.pages import ExtractionError
from claims.ingestion.services import source_store
from claims.models import Claim, ClaimEvent, Evidence
from factcheck.auth import require_perm

BY_HAND = "by_hand"


@transaction.atomic
def evidence_pin(*, evidence: Evidence, pinned: bool, user: User | None) -> Evidence:
    """Pin a piece of evidence to the top of its claim's list, or unpin it."""
    require_perm(user, "claims.change_evidence")
    evidence = Evidence.objects.select_for_update().get(id=evidence.id)
    if evidence.pinned == pinned:
        return evidence
    evidence.pinned = pinned
    evidence.save(update_fields=["pinned"])
    evidence_rerank(evidence.claim_id)
    claim_event_record(
        claim=evidence.claim,
        actor=user,
        action=ClaimEvent.Action.EVIDENCE_PIN,
        detail={"evidence": evidence.id, "pinned": changed(not pinned, pinned)},
    )
    evidence.refresh_from_db()
    return evidence


@transaction.atomic
def evidence_set_stance(*, evidence: Evidence, stance: str, user: User | None) -> Evidence:
    """Set the stance a reviewer sees in the evidence, replacing the suggested one.

    Setting the suggested stance again is a decision too: the stance becomes the person's."""
    require_perm(user, "claims.change_evidence")
    if stance not in Evidence.Stance.values:
        raise ValidationError({"stance": f"Unknown stance {stance!r}."})
    evidence = Evidence.objects.select_for_update().get(id=evidence.id)
    cue = f"set by {user.get_username()}" if user else "set by hand"
    if (evidence.stance, evidence.stance_cue) == (stance, cue):
        return evidence
    was, evidence.stance, evidence.stance_cue = evidence.stance, stance, cue
    evidence.save(update_fields=["stance", "stance_cue"])
    claim_event_record(
        claim=evidence.claim,
        actor=user,
        action=ClaimEvent.Action.EVIDENCE_STANCE,
        detail={"evidence": evidence.id, "stance": changed(was, stance)},
    )
    return evidence


def evidence_add_by_url(*, claim: Claim, url: str, user: User | None) -> Evidence:
    """Fetch a page a reviewer found and add its best passage as pinned evidence.

    The page goes through the same safe fetch and extraction as every source.
    """
    require_perm(user, "claims.add_evidence")
    url = url.strip()
    try:
        check_url(url)
        source = source_store(url=url)
    except (FetchError, ExtractionError) as error:
        raise ValidationError({"url": str(error)}) from None
    passage, share = best_passage(source.text, claim_terms(claim))
    if not passage:
        passage = source.text[:1000]
    evidence = evidence_build(
        claim, source, provider=BY_HAND, passage=passage, relevance=share, rank=0
    )
    evidence.pinned, evidence.added_by = True, user
    try:
        with transaction.atomic():
            evidence.save()
            evidence_rerank(claim.id)
    except IntegrityError:
        raise ValidationError({"url": "This source is already evidence for the claim."}) from None
    evidence.refresh_from_db()
    return evidence
