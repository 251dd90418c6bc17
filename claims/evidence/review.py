"""What reviewers do with evidence: pin it, correct its stance, add a source by hand."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.events import changed, claim_event_record
from claims.evidence.services import Choice, evidence_build, evidence_rerank, passages_choose
from claims.ingestion.documents import Upload
from claims.ingestion.fetching import FetchError, check_url
from claims.ingestion.pages import ExtractionError
from claims.ingestion.services import SourceDetails, source_store, source_supply
from claims.models import Article, Claim, ClaimEvent, Evidence
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
    """Set the stance of a piece of evidence, or confirm the suggested one by setting it
    again: either way the stance becomes a person's, and only then is it published."""
    require_perm(user, "claims.change_evidence")
    if stance not in Evidence.Stance.values:
        raise ValidationError({"stance": f"Unknown stance {stance!r}."})
    evidence = Evidence.objects.select_for_update().get(id=evidence.id)
    cue = f"set by {user.get_username()}" if user else "set by hand"
    if (evidence.stance, evidence.stance_by_id) == (stance, getattr(user, "pk", None)):
        return evidence
    was, evidence.stance, evidence.stance_cue = evidence.stance, stance, cue
    evidence.stance_by = user
    evidence.save(update_fields=["stance", "stance_cue", "stance_by"])
    claim_event_record(
        claim=evidence.claim,
        actor=user,
        action=ClaimEvent.Action.EVIDENCE_STANCE,
        detail={"evidence": evidence.id, "stance": changed(was, stance)},
    )
    return evidence


def evidence_add(
    *,
    claim: Claim,
    user: User | None,
    url: str = "",
    text: str = "",
    upload: Upload | None = None,
    details: SourceDetails | None = None,
) -> Evidence:
    """Add a source a reviewer holds as pinned evidence, with its best passage: a page by
    its URL (fetched like every source), or a pasted text or an uploaded file with the
    details of where it comes from (`details`). Each becomes a source article with a
    snapshot. Raises ValidationError (by field) and then writes nothing of the text or file.
    """
    require_perm(user, "claims.add_evidence")
    given = [
        name
        for name, value in (("url", url.strip()), ("text", text.strip()), ("file", upload))
        if value
    ]
    if len(given) != 1:
        raise ValidationError("Give one source: a URL, a pasted text or a file.")
    if given == ["url"]:
        return _evidence_save(claim, _fetched_source(url.strip()), user, field="url")
    if details is None:
        raise ValidationError("Say where the text or the file comes from.")
    with transaction.atomic():
        source = source_supply(details=details, text=text, upload=upload, user=user)
        return _evidence_save(claim, source, user, field=given[0])


def _fetched_source(url: str) -> Article:
    try:
        check_url(url)
        return source_store(url=url)
    except (FetchError, ExtractionError) as error:
        raise ValidationError({"url": str(error)}) from None


def _evidence_save(claim: Claim, source: Article, user: User | None, *, field: str) -> Evidence:
    # A reviewer chose this source: its passage is shown however few of the claim's words
    # it shares, and with no passage of whole sentences, its beginning.
    choice = passages_choose(claim, [source.text], min_share=0.0)[0]
    evidence = evidence_build(
        claim, source, provider=BY_HAND, choice=choice or Choice(source.text[:1000], 0.0), rank=0
    )
    evidence.pinned, evidence.added_by = True, user
    try:
        with transaction.atomic():
            evidence.save()
            evidence_rerank(claim.id)
    except IntegrityError:
        raise ValidationError({field: "This source is already evidence for the claim."}) from None
    evidence.refresh_from_db()
    return evidence
