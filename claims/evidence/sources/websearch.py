"""Web search through a SearxNG-compatible JSON API (`GET /search?q=…&format=json`)."""

from claims.evidence.sources import Lead, ProviderError, get_json, provider_config
from claims.ingestion.pages import parse_published
from claims.models import Claim

NAME = "web_search"
MAX_RESULTS = 10


def find(claim: Claim, terms: list[str]) -> list[Lead]:
    """Return the search engine's results for the claim's terms, in its order."""
    config = provider_config(NAME)
    base = config.url.rstrip("/") + "/search"
    answer = get_json(base, {"q": " ".join(terms), "format": "json"}, timeout=config.timeout)
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list):
        raise ProviderError("The search API's answer has no list of results.")
    leads = []
    for result in results:
        url = str(result.get("url", ""))
        if url.startswith("http"):
            published = parse_published(str(result.get("publishedDate") or ""))
            leads.append(
                Lead(url=url, title=str(result.get("title", ""))[:500], published_at=published)
            )
    return leads[:MAX_RESULTS]
