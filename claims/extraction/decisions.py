"""The editor's decisions on claim candidates: dismiss, edit, split, merge, and create one
from a span of the article's text. Accepting is `claim_accept` in claims.py.

Every decision locks the article's row first, so decisions on one article take turns, and
then re-reads its claims under lock. Claims replaced by a split or a merge stay, with a
status that says so: their spans are what stops a later extraction run (`claims_propose`,
keyed by span) from proposing the same sentences again.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.events import changed, claim_event_record
from claims.extraction.attribution import attribute
from claims.extraction.candidates import score_text
from claims.matching.services import matching_request
from claims.models import Article, Claim, ClaimEvent
from factcheck.auth import require_perm

MAX_CLAIM_CHARS = 2000
MAX_CLAIMANT_CHARS = 300
MAX_PARTS = 20


class ClaimAlreadyDecided(Exception):
    """The claim is no longer a candidate: it was accepted, dismissed, split or merged."""

    http_status = 409


@dataclass(frozen=True)
class Part:
    """One claim of a split: its text and, if given, its span inside the original's span."""

    text: str
    span_start: int | None = None
    span_end: int | None = None


@transaction.atomic
def claim_dismiss(*, claim: Claim, user: User) -> Claim:
    """Set a candidate aside. It stays, so extraction never proposes it again."""
    require_perm(user, "claims.change_claim")
    claim = _locked(claim)
    if claim.status == Claim.Status.DISMISSED:
        return claim
    _require_candidate(claim, "dismissed")
    claim.status = Claim.Status.DISMISSED
    claim.decided_by, claim.decided_at = user, timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at"])
    claim_event_record(
        claim=claim,
        actor=user,
        action=ClaimEvent.Action.DISMISS,
        from_status=Claim.Status.CANDIDATE,
        to_status=claim.status,
    )
    return claim


@transaction.atomic
def claim_edit(
    *,
    claim: Claim,
    user: User,
    text: str,
    claimant: str | None = None,
    article_stance: str | None = None,
) -> Claim:
    """Reword a candidate as a standalone checkable sentence; its span stays where it was.

    The claimant and the article's stance can be corrected too (None leaves them as they
    are). A stance the editor sets has no cue: the extractor's cue explained its own guess.
    """
    require_perm(user, "claims.change_claim")
    claim = _locked(claim)
    _require_candidate(claim, "edited")
    changes: dict[str, str] = {"text": _claim_text(text, field="text")}
    if claimant is not None:
        changes["claimant"] = _claimant(claimant)
    if article_stance is not None and article_stance != claim.article_stance:
        if article_stance not in Claim.ArticleStance.values:
            choices = ", ".join(Claim.ArticleStance.values)
            raise ValidationError({"article_stance": f"Choose one of: {choices}."})
        changes.update(article_stance=article_stance, stance_cue="")
    edits = {
        name: changed(getattr(claim, name), value)
        for name, value in changes.items()
        if getattr(claim, name) != value
    }
    if not edits:
        return claim
    for name in edits:
        setattr(claim, name, changes[name])
    update_fields = [*edits, "edited_by", "edited_at"]
    if "text" in edits:
        claim.checkworthiness, claim.scored_by = score_text(claim.text, claim.article.language)
        update_fields += ["checkworthiness", "scored_by"]
    claim.edited_by, claim.edited_at = user, timezone.now()
    claim.save(update_fields=update_fields)
    claim_event_record(claim=claim, actor=user, action=ClaimEvent.Action.EDIT, detail=edits)
    if "text" in edits:
        matching_request([claim])
    return claim


@transaction.atomic
def claim_split(*, claim: Claim, user: User, parts: Sequence[Part]) -> list[Claim]:
    """Replace a candidate by two or more claims, each a statement of its own.

    A part's span, when given, lies inside the original's span; a part without one is
    placed by its link to the original (`split_from`). Splitting again into the same parts
    gives back the same claims.
    """
    require_perm(user, "claims.change_claim")
    require_perm(user, "claims.add_claim")
    claim = _locked(claim)
    if claim.status == Claim.Status.SPLIT:
        existing = list(claim.split_into.order_by("id"))
        if _same_parts(claim.article.text, existing, parts):
            return existing
    _require_candidate(claim, "split")
    wanted = [_part(claim.article.text, part) for part in parts]
    _check_parts(claim, wanted)
    claim.status = Claim.Status.SPLIT
    claim.decided_by, claim.decided_at = user, timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at"])
    new_claims = [
        _saved_from(
            claim,
            user=user,
            text=part.text,
            span=(part.span_start, part.span_end),
            split_from=claim,
        )
        for part in wanted
    ]
    claim_event_record(
        claim=claim,
        actor=user,
        action=ClaimEvent.Action.SPLIT,
        from_status=Claim.Status.CANDIDATE,
        to_status=claim.status,
        detail={"parts": [part.id for part in new_claims]},
    )
    matching_request(new_claims)
    return new_claims


@transaction.atomic
def claim_merge(*, claims: Sequence[Claim], user: User, text: str = "") -> Claim:
    """Replace two or more candidates of one article by one claim covering them all.

    Without a text, the merged claim reads as the claims' texts in article order. It spans
    from the first claim's start to the last one's end, unless another claim already has
    exactly that span; then it is placed by its link to the claims it replaced.
    """
    require_perm(user, "claims.change_claim")
    require_perm(user, "claims.add_claim")
    ids = sorted({claim.id for claim in claims})
    if len(ids) < 2:
        raise ValidationError({"claims": "Choose two or more claims to merge."})
    article_ids = set(Claim.objects.filter(id__in=ids).values_list("article_id", flat=True))
    if len(article_ids) != 1:
        raise ValidationError({"claims": "Only claims of the same article can be merged."})
    Article.objects.select_for_update().only("id").get(id=article_ids.pop())
    locked = list(Claim.objects.select_for_update().filter(id__in=ids).order_by("id"))
    replacement = _merged_before(locked)
    if replacement is not None:
        return replacement
    for claim in locked:
        _require_candidate(claim, "merged")
    in_order = sorted(locked, key=_position)
    merged_text = text if text.strip() else " ".join(claim.text for claim in in_order)
    best = max(in_order, key=lambda claim: claim.checkworthiness)
    merged = _saved_from(
        best,
        user=user,
        text=_claim_text(merged_text, field="text"),
        span=_covering_span(locked),
    )
    Claim.objects.filter(id__in=ids).update(
        status=Claim.Status.MERGED, merged_into=merged, decided_by=user, decided_at=timezone.now()
    )
    for claim in locked:
        claim_event_record(
            claim=claim,
            actor=user,
            action=ClaimEvent.Action.MERGE,
            from_status=Claim.Status.CANDIDATE,
            to_status=Claim.Status.MERGED,
            detail={"merged": ids, "merged_into": merged.id},
        )
    claim_event_record(
        claim=merged,
        actor=user,
        action=ClaimEvent.Action.MERGE,
        to_status=merged.status,
        detail={"merged": ids},
    )
    matching_request([merged])
    return merged


@transaction.atomic
def claim_create(
    *, article: Article, user: User, span_start: int, span_end: int
) -> tuple[Claim, bool]:
    """Make a claim of a span the editor selected in the article; return it and whether it
    is new. Whitespace around the selection is left out; the same span again gives back
    the claim that has it, whatever was decided about that claim."""
    require_perm(user, "claims.add_claim")
    article = Article.objects.select_for_update().get(id=article.id)
    if article.status != Article.Status.EXTRACTED:
        raise ValidationError("The article has no extracted text yet.")
    try:
        start, end = _trimmed_span(article.text, span_start, span_end)
    except ValidationError as error:
        raise ValidationError({"span": error.messages}) from None
    existing = article.claims.filter(span_start=start, span_end=end).first()
    if existing is not None:
        return existing, False
    text = _claim_text(article.text[start:end], field="span")
    attribution = attribute(text)
    checkworthiness, scored_by = score_text(text, article.language)
    claim = Claim(
        article=article,
        text=text,
        span_start=start,
        span_end=end,
        claimant=attribution.claimant,
        article_stance=attribution.stance,
        stance_cue=attribution.cue[:200],
        checkworthiness=checkworthiness,
        scored_by=scored_by,
        created_by=user,
    )
    try:
        with transaction.atomic():  # extraction may have proposed the same span meanwhile
            claim.save()
    except IntegrityError:
        return article.claims.get(span_start=start, span_end=end), False
    claim_event_record(
        claim=claim,
        actor=user,
        action=ClaimEvent.Action.CREATE,
        to_status=claim.status,
        detail={"span": [start, end]},
    )
    matching_request([claim])
    return claim, True


def _locked(claim: Claim) -> Claim:
    """Lock the claim's article, then re-read the claim under lock."""
    Article.objects.select_for_update().only("id").get(id=claim.article_id)
    return Claim.objects.select_for_update().select_related("article").get(id=claim.id)


def _require_candidate(claim: Claim, step: str) -> None:
    if claim.status != Claim.Status.CANDIDATE:
        status = claim.get_status_display().lower()
        raise ClaimAlreadyDecided(
            f"Claim #{claim.id} is {status}, so it cannot be {step}: only candidates can."
        )


def _claim_text(text: str, *, field: str) -> str:
    """Return the text on one line, or refuse it if it is empty or too long."""
    squeezed = " ".join(text.split())
    if not squeezed:
        raise ValidationError({field: "The claim's text is empty."})
    if len(squeezed) > MAX_CLAIM_CHARS:
        raise ValidationError(
            {field: f"A claim is at most {MAX_CLAIM_CHARS} characters; keep it to a sentence."}
        )
    return squeezed


def _claimant(claimant: str) -> str:
    squeezed = " ".join(claimant.split())
    if len(squeezed) > MAX_CLAIMANT_CHARS:
        raise ValidationError(
            {"claimant": f"A claimant is at most {MAX_CLAIMANT_CHARS} characters."}
        )
    return squeezed


def _trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Check that [start, end) is a non-empty span of `text`; return it without the
    whitespace at either end."""
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            f"A span runs from 0 to {len(text)} and ends after it starts; {start}–{end} does not."
        )
    selected = text[start:end]
    if not selected.strip():
        raise ValidationError(f"The span {start}–{end} holds only whitespace.")
    start += len(selected) - len(selected.lstrip())
    end -= len(selected) - len(selected.rstrip())
    return start, end


def _same_parts(text: str, claims: list[Claim], parts: Sequence[Part]) -> bool:
    try:
        wanted = [_part(text, part) for part in parts]
    except ValidationError:
        return False
    return [Part(claim.text, claim.span_start, claim.span_end) for claim in claims] == wanted


def _part(text: str, part: Part) -> Part:
    """Return the part with its text on one line and its span trimmed of whitespace."""
    squeezed = " ".join(part.text.split())
    if part.span_start is None or part.span_end is None:
        if part.span_start is not None or part.span_end is not None:
            raise ValidationError({"parts": "Give a part both ends of its span, or neither."})
        return Part(squeezed)
    try:
        start, end = _trimmed_span(text, part.span_start, part.span_end)
    except ValidationError as error:
        raise ValidationError({"parts": error.messages}) from None
    return Part(squeezed, start, end)


def _check_parts(claim: Claim, parts: list[Part]) -> None:
    if not 2 <= len(parts) <= MAX_PARTS:
        raise ValidationError({"parts": f"Split a claim into 2 to {MAX_PARTS} claims."})
    for number, part in enumerate(parts, start=1):
        try:
            _claim_text(part.text, field="parts")
        except ValidationError as error:
            raise ValidationError({"parts": f"Part {number}: {error.messages[0]}"}) from None
        if part.span_start is None or part.span_end is None:
            continue
        if claim.span_start is None or claim.span_end is None:
            raise ValidationError(
                {"parts": "This claim has no span in the article, so its parts cannot have one."}
            )
        inside = claim.span_start <= part.span_start and part.span_end <= claim.span_end
        if not inside or (part.span_start, part.span_end) == (claim.span_start, claim.span_end):
            raise ValidationError(
                {
                    "parts": f"Part {number}: its span must lie inside the claim's span "
                    f"({claim.span_start}–{claim.span_end}) and be shorter."
                }
            )
        other = _span_taken(claim.article_id, part.span_start, part.span_end)
        if other is not None:
            raise ValidationError({"parts": f"Part {number}: claim #{other} has that span."})
    if len({part.text for part in parts}) < len(parts):
        raise ValidationError({"parts": "Two parts have the same text."})
    spans = [(part.span_start, part.span_end) for part in parts if part.span_start is not None]
    if len(set(spans)) < len(spans):
        raise ValidationError({"parts": "Two parts have the same span."})


def _span_taken(article_id: int, start: int | None, end: int | None) -> int | None:
    """Return the id of the article's claim with exactly this span, if there is one."""
    if start is None or end is None:
        return None
    claims = Claim.objects.filter(article_id=article_id, span_start=start, span_end=end)
    return claims.values_list("id", flat=True).first()


def _merged_before(claims: list[Claim]) -> Claim | None:
    """Return the claim these were all merged into, if exactly they were merged together."""
    replacements = {claim.merged_into_id for claim in claims}
    replacement_id = replacements.pop()
    if replacements or replacement_id is None:
        return None
    replacement = Claim.objects.get(id=replacement_id)
    merged_from = set(replacement.merged_from.values_list("id", flat=True))
    return replacement if merged_from == {claim.id for claim in claims} else None


def _position(claim: Claim) -> tuple[bool, int, int]:
    return (claim.span_start is None, claim.span_start or 0, claim.id)


def _covering_span(claims: list[Claim]) -> tuple[int | None, int | None]:
    """Return the span from the claims' first start to their last end, unless another
    claim has exactly that span (the span is unique per article)."""
    starts = [claim.span_start for claim in claims if claim.span_start is not None]
    ends = [claim.span_end for claim in claims if claim.span_end is not None]
    if not starts or not ends or _span_taken(claims[0].article_id, min(starts), max(ends)):
        return None, None
    return min(starts), max(ends)


def _saved_from(
    original: Claim,
    *,
    user: User,
    text: str,
    span: tuple[int | None, int | None],
    split_from: Claim | None = None,
) -> Claim:
    """Save a new claim made from the original: it keeps its claimant and stance, and its
    own text is scored."""
    checkworthiness, scored_by = score_text(text, original.article.language)
    claim = Claim(
        article_id=original.article_id,
        text=text,
        span_start=span[0],
        span_end=span[1],
        claimant=original.claimant,
        article_stance=original.article_stance,
        stance_cue=original.stance_cue,
        checkworthiness=checkworthiness,
        scored_by=scored_by,
        created_by=user,
        split_from=split_from,
    )
    claim.full_clean()
    claim.save()
    return claim
