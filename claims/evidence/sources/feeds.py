"""Configured RSS/Atom feeds of trusted outlets: their recent items that name the claim."""

import io
import time
from datetime import UTC, datetime

import feedparser
from django.conf import settings

from claims.evidence.sources import Lead, ProviderError
from claims.ingestion.fetching import FEED_TYPES, fetch
from claims.models import Claim

NAME = "feeds"
MAX_ITEMS = 10
MIN_SHARE = 0.2


def find(claim: Claim, terms: list[str]) -> list[Lead]:
    """Return the items of every configured feed whose title and summary share the claim's terms."""
    scored = []
    for feed_url in settings.EVIDENCE_FEEDS:
        page = fetch(feed_url, accept=FEED_TYPES)
        parsed = feedparser.parse(io.BytesIO(page.body), response_headers=dict(page.headers))
        if parsed.bozo and not parsed.entries:
            raise ProviderError(f"{feed_url} is not a readable RSS or Atom feed.")
        publisher = parsed.feed.get("title", "")
        for entry in parsed.entries:
            words = f"{entry.get('title', '')} {entry.get('summary', '')}".lower()
            share = sum(term in words for term in terms) / max(len(terms), 1)
            link = (entry.get("link") or "").strip()
            if link.startswith("http") and share >= MIN_SHARE:
                published = _when(entry.get("published_parsed") or entry.get("updated_parsed"))
                lead = Lead(
                    url=link,
                    title=entry.get("title", "")[:500],
                    publisher=publisher[:300],
                    published_at=published,
                )
                scored.append((share, lead))
    scored.sort(key=lambda found: -found[0])
    return [lead for _, lead in scored[:MAX_ITEMS]]


def _when(parsed: time.struct_time | None) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
