"""The claim's history: every decision service records one `ClaimEvent` per claim it decides
on, in its own transaction, and only when the decision changed something.

What `detail` holds: each changed value as {"old": …, "new": …} under its field's name (edit:
text, claimant, article_stance, stance_cue; evidence_pin: pinned; evidence_stance: stance;
the match decisions: the match's status; provider_retry: the job's status and its
provider), and the ids involved: "parts" (split), "merged" and "merged_into" (merge),
"span" (create), "match" with "matched_claim" or "matched_external" (match decisions),
"evidence" (evidence decisions), "job" (provider_retry).
"""

from typing import Any

from django.contrib.auth.models import User

from claims.models import Claim, ClaimEvent


def claim_event_record(
    *,
    claim: Claim,
    actor: User | None,
    action: ClaimEvent.Action,
    from_status: str = "",
    to_status: str = "",
    detail: dict[str, Any] | None = None,
) -> ClaimEvent:
    """Record a decision on the claim; None as the actor means the system decided."""
    return ClaimEvent.objects.create(
        claim=claim,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail or {},
    )


def changed(old: Any, new: Any) -> dict[str, Any]:
    """Return a changed value as the history records it."""
    return {"old": old, "new": new}


def event_summary(event: ClaimEvent) -> str:
    """Return the event's detail as one line for people, e.g. `text: “A” → “B”; parts: 4, 5`."""
    parts = [f"{name.replace('_', ' ')}: {_shown(value)}" for name, value in event.detail.items()]
    return "; ".join(parts)


def _shown(value: Any) -> str:
    if isinstance(value, dict) and value.keys() == {"old", "new"}:
        return f"{_shown(value['old'])} → {_shown(value['new'])}"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, str):
        return f"“{value}”"
    return str(value)
