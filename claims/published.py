"""Our published checks, as claims reads them: through the reverse relations the reviewers
app adds to Claim (a review and its published versions), by lookup names only, since claims
never imports reviewers. Used by the editors' read of matches (checked_before.py) and by
matching, which weighs a check's headline (services/matches.py).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from .models import Claim


@dataclass(frozen=True)
class Verdict:
    """Our published check of a claim, as the public sees it now."""

    check_id: int
    rating: str
    headline: str
    retracted: bool

    @property
    def url(self) -> str:
        return reverse("check-page", args=[self.check_id])


def published_verdicts(claim_ids: Iterable[int]) -> dict[int, Verdict]:
    """Return the current published version of each claim's check, by claim id."""
    rows = Claim.objects.filter(id__in=list(claim_ids), review__versions__is_current=True).values(
        "id",
        "review__id",
        "review__versions__rating_label",
        "review__versions__headline",
        "review__versions__change",
    )
    return {
        row["id"]: Verdict(
            check_id=row["review__id"],
            rating=row["review__versions__rating_label"],
            headline=row["review__versions__headline"],
            retracted=row["review__versions__change"] == "retracted",
        )
        for row in rows
    }
