"""Other fact-checkers' verdicts, from a ClaimReview search API in the format of Google's
Fact Check Tools `claims:search` (`GET …/v1alpha1/claims:search?query=…`)."""

from claims.evidence.sources import Lead, ProviderError, get_json, provider_config
from claims.ingestion.pages import parse_published
from claims.models import Claim, Evidence

NAME = "claimreview"
MAX_REVIEWS = 10

# Textual ratings are free text; these cues, tried in order, map them to a stance.
RATING_CUES = (
    (
        (
            "half",
            "mixed",
            "mixture",
            "partly",
            "partially",
            "missing context",
            "misleading",
            "exaggerat",
            "cherry",
        ),
        Evidence.Stance.MIXED,
    ),
    (
        (
            "false",
            "fake",
            "pants on fire",
            "incorrect",
            "wrong",
            "hoax",
            "baseless",
            "no evidence",
            "debunked",
            "fabricated",
            "untrue",
            "scam",
        ),
        Evidence.Stance.REFUTES,
    ),
    (
        ("unproven", "unverified", "unsupported", "not enough", "unclear", "research in progress"),
        Evidence.Stance.NOT_ENOUGH_INFO,
    ),
    (("true", "correct", "accurate", "right", "confirmed"), Evidence.Stance.SUPPORTS),
)


def rating_stance(rating: str) -> str:
    """Return the stance a fact-checker's textual rating takes toward the claim."""
    rating = rating.lower()
    for cues, stance in RATING_CUES:
        if any(cue in rating for cue in cues):
            return stance
    return Evidence.Stance.UNKNOWN


def find(claim: Claim, terms: list[str]) -> list[Lead]:
    """Return the reviews other fact-checkers published of claims like this one."""
    config = provider_config(NAME)
    params = {"query": " ".join(terms), "pageSize": str(MAX_REVIEWS)}
    if config.key:
        params["key"] = config.key
    answer = get_json(config.url, params, timeout=config.timeout)
    if not isinstance(answer, dict):
        raise ProviderError("The ClaimReview API's answer is not an object.")
    leads = []
    for found in answer.get("claims", []):
        for review in found.get("claimReview", []):
            url, rating = str(review.get("url", "")), str(review.get("textualRating", ""))
            if url.startswith("http"):
                leads.append(
                    Lead(
                        url=url,
                        title=str(review.get("title", ""))[:500],
                        publisher=str(review.get("publisher", {}).get("name", ""))[:300],
                        published_at=parse_published(str(review.get("reviewDate") or "")),
                        stance=rating_stance(rating),
                        stance_cue=f"rated “{rating}”"[:200],
                    )
                )
    return leads[:MAX_REVIEWS]
