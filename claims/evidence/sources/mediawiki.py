"""An encyclopedia through the MediaWiki API: full-text search, then the pages' plain extracts.

One request (`action=query&generator=search&prop=extracts|info`) returns the best pages
with their text and URL, so the pages themselves need not be fetched and parsed.
"""

from urllib.parse import urlsplit

from claims.evidence.sources import Lead, ProviderError, get_json, provider_config
from claims.models import Claim

NAME = "mediawiki"
MAX_PAGES = 5


def find(claim: Claim, terms: list[str]) -> list[Lead]:
    """Return the wiki's best pages for the claim's terms, with their plain-text extracts."""
    config = provider_config(NAME)
    answer = get_json(
        config.url,
        {
            "action": "query",
            "format": "json",
            "formatversion": "2",
            "generator": "search",
            "gsrsearch": " ".join(terms),
            "gsrlimit": str(MAX_PAGES),
            "prop": "extracts|info",
            "inprop": "url",
            "explaintext": "1",
            "exlimit": str(MAX_PAGES),
        },
        timeout=config.timeout,
    )
    if not isinstance(answer, dict) or "error" in answer:
        raise ProviderError(f"The MediaWiki API refused the query: {answer.get('error')}.")
    pages = answer.get("query", {}).get("pages", [])
    pages = sorted(pages, key=lambda page: page.get("index", 0))
    publisher = urlsplit(config.url).hostname or ""
    return [
        Lead(
            url=page["fullurl"],
            text=page["extract"],
            title=page.get("title", "")[:500],
            publisher=publisher,
        )
        for page in pages
        if str(page.get("fullurl", "")).startswith("http") and page.get("extract")
    ]
