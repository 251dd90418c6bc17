"""The links cited in the claim's own article: what its author pointed readers to."""

from claims.evidence.sources import Lead
from claims.models import Claim

NAME = "links"
MAX_LINKS = 10


def find(claim: Claim, terms: list[str]) -> list[Lead]:
    """Return the article's outbound links, those whose anchor text names the claim first."""
    links = [link for link in claim.article.links if link.get("url", "").startswith("http")]
    links.sort(key=lambda link: -sum(term in link.get("text", "").lower() for term in terms))
    seen: set[str] = set()
    leads = []
    for link in links:
        if link["url"] not in seen and link["url"] != claim.article.url:
            seen.add(link["url"])
            leads.append(Lead(url=link["url"], title=link.get("text", "")[:500]))
    return leads[:MAX_LINKS]
