"""Our own published checks of claims like this one: "we checked this before".

The matching index says which accepted claims may state the same claim; those with a
published (not retracted) check become sources whose text is that claim and our verdict.
They are our own pages, so they are linked, never fetched.
"""

from django.conf import settings

from claims.evidence.sources import Lead, ProviderError
from claims.evidence.sources.claimreview import rating_stance
from claims.matching.services import IndexStillLoading, similar_claims
from claims.models import Claim
from claims.verdicts import published_verdicts

NAME = "our_checks"


def find(claim: Claim, terms: list[str]) -> list[Lead]:
    """Return our published checks of the claims most like this one, best match first."""
    try:
        scores = similar_claims(claim)
    except IndexStillLoading as error:
        raise ProviderError(str(error), transient=True) from error
    verdicts = published_verdicts(scores)
    texts = dict(Claim.objects.filter(id__in=list(verdicts)).values_list("id", "text"))
    leads = []
    for claim_id in sorted(verdicts, key=lambda found: -scores[found]):
        verdict = verdicts[claim_id]
        if verdict.retracted:
            continue
        leads.append(
            Lead(
                url=settings.SITE_URL + verdict.url,
                text=f"{texts[claim_id]}\n\nOur rating: {verdict.rating}. {verdict.headline}",
                title=f"We checked this before: {verdict.headline}"[:500],
                publisher=settings.PUBLISHER_NAME[:300],
                stance=rating_stance(verdict.rating),
                stance_cue=f"our check #{verdict.check_id} rated “{verdict.rating}”"[:200],
            )
        )
    return leads
