"""What a reader's private status link shows: where the tip has got to."""

from dataclasses import dataclass

from claims.models import Tip
from claims.verdicts import Verdict, published_verdicts, verdicts_by_check


@dataclass(frozen=True)
class TipStatus:
    tip: Tip
    stage: str  # received, checking, published
    check: Verdict | None
    asked: int


def tip_status(token: str) -> TipStatus | None:
    """Return the status of the tip with this token, or None if there is none."""
    tip = Tip.objects.select_related("group").filter(token=token).first()
    if tip is None:
        return None
    group = tip.group
    claim_id = group.claim_id if group else None
    verdict = published_verdicts([claim_id]).get(claim_id) if claim_id else None
    if verdict is None and tip.answered_by_check:  # the check the reader was shown at once
        verdict = verdicts_by_check([tip.answered_by_check]).get(tip.answered_by_check)
    if verdict is not None:
        stage = "published"
    elif claim_id:
        stage = "checking"
    else:
        stage = "received"
    return TipStatus(tip=tip, stage=stage, check=verdict, asked=group.count if group else 1)
