"""An article's text as HTML with its claims marked, for the editor's view in the admin.

The marks wrap the escaped text and add no text of their own, so the text content of the
rendered element is exactly Article.text and a selection in it can be turned back into
offsets (claims/static/claims/claim_editor.js). Two characters would not survive HTML
parsing as they are — a carriage return becomes a line feed and a NUL is dropped — so they
are written as character references, which the parser keeps, each as one character.
"""

from collections import defaultdict
from collections.abc import Collection, Sequence
from itertools import pairwise

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from claims.extraction.checkworthiness import band
from claims.extraction.ranking import priority
from claims.models import Claim

Span = tuple[int, int]
HIGHLIGHTED = (Claim.Status.CANDIDATE, Claim.Status.ACCEPTED)
# What an editor reads where a claim has no score: its language has no check-worthiness
# model, so it was chosen by signals (signals.py) or made by hand, not scored.
NOT_SCORED = "not scored: no model for this language"


def positions(claims: Sequence[Claim]) -> dict[int, Span]:
    """Return where each claim sits in its article: its own span, else that of the claim
    it was split from, else the stretch of the claims merged into it."""
    by_id = {claim.id: claim for claim in claims}
    merged_from: defaultdict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.merged_into_id is not None:
            merged_from[claim.merged_into_id].append(claim)

    def position(claim: Claim, depth: int = 0) -> Span | None:
        if claim.span_start is not None and claim.span_end is not None:
            return claim.span_start, claim.span_end
        if depth > 100:  # links never loop; this only keeps a damaged row from hanging
            return None
        if claim.split_from_id in by_id:
            return position(by_id[claim.split_from_id], depth + 1)
        spans = [position(part, depth + 1) for part in merged_from[claim.id]]
        known = [span for span in spans if span is not None]
        if not known:
            return None
        return min(start for start, _ in known), max(end for _, end in known)

    found = {claim.id: position(claim) for claim in claims}
    return {claim_id: span for claim_id, span in found.items() if span is not None}


def highlighted(text: str, claims: Sequence[Claim], where: dict[int, Span]) -> SafeString:
    """Return `text` escaped, each stretch covered by candidates or accepted claims in a
    <mark> whose class and title say the check-worthiness band of the first-ranked of them."""
    starts: defaultdict[int, list[Claim]] = defaultdict(list)
    ends: defaultdict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        start, end = where.get(claim.id, (0, 0))
        start, end = max(start, 0), min(end, len(text))
        if claim.status in HIGHLIGHTED and start < end:
            starts[start].append(claim)
            ends[end].append(claim)
    covering: dict[int, Claim] = {}
    html = []
    for start, end in pairwise(sorted({0, len(text), *starts, *ends})):
        for claim in ends.get(start, []):
            del covering[claim.id]
        covering.update((claim.id, claim) for claim in starts.get(start, []))
        piece = _escaped(text[start:end])
        html.append(_mark(piece, covering.values()) if covering else piece)
    return mark_safe("".join(html))  # noqa: S308  # every piece is escaped above


def claim_band(claim: Claim) -> str:
    """Return the claim's check-worthiness band: likely, possible, unlikely or unscored."""
    return band(claim.checkworthiness, scored=claim.is_scored)


def claim_priority(claim: Claim) -> float:
    """Return the value claims are ranked by (ranking.py), highest first."""
    return priority(claim.checkworthiness, claim.claimant, claim.article_stance)


def _escaped(piece: str) -> str:
    return str(escape(piece)).replace("\r", "&#13;").replace("\x00", "&#0;")


def _mark(piece: str, claims: Collection[Claim]) -> str:
    best_first = sorted(claims, key=lambda claim: (-claim_priority(claim), claim.id))
    classes = ["claim-mark", f"cw-{claim_band(best_first[0])}"]
    if any(claim.status == Claim.Status.ACCEPTED for claim in claims):
        classes.append("accepted")
    title = "; ".join(_label(claim) for claim in best_first)
    return format_html(
        '<mark class="{}" data-claims="{}" title="{}">{}</mark>',
        " ".join(classes),
        " ".join(str(claim.id) for claim in best_first),
        title,
        mark_safe(piece),  # noqa: S308  # escaped by the caller
    )


def _label(claim: Claim) -> str:
    label = f"#{claim.id} · {claim_band(claim) if claim.is_scored else NOT_SCORED}"
    if claim.scored_by:
        label += f" ({claim.checkworthiness:.2f})"
    return f"{label} · {claim.claimant}" if claim.claimant else label
