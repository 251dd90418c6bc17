"""Evidence providers: one module each, behind one small interface.

A provider module has a `NAME` and a `find(claim, terms)` that returns `Lead`s: the
sources it found, best first. It does not store anything; the gathering service turns
leads into articles (through the one safe fetch and extraction) and evidence.
A provider raises `FetchError` when its endpoint cannot be reached (transient errors
are tried again) and `ProviderError` when the endpoint answers something unreadable.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from claims.ingestion.fetching import fetch
from claims.models import Claim

JSON_TYPES = ("application/json",)


class ProviderError(Exception):
    """The provider's endpoint answered something it should not have."""


@dataclass(frozen=True)
class Lead:
    """A source a provider found: a stored article, a URL to fetch, or text from an API."""

    url: str = ""
    article_id: int | None = None
    text: str = ""
    title: str = ""
    publisher: str = ""
    published_at: datetime | None = None
    stance: str = ""
    stance_cue: str = ""


Find = Callable[[Claim, list[str]], list[Lead]]


def registry() -> dict[str, Find]:
    from claims.evidence.sources import archive, claimreview, feeds, links, mediawiki, websearch

    return {
        archive.NAME: archive.find,
        links.NAME: links.find,
        feeds.NAME: feeds.find,
        websearch.NAME: websearch.find,
        mediawiki.NAME: mediawiki.find,
        claimreview.NAME: claimreview.find,
    }


def configured() -> dict[str, bool]:
    return {
        "archive": True,
        "links": True,
        "feeds": bool(settings.EVIDENCE_FEEDS),
        "web_search": bool(settings.SEARXNG_URL),
        "mediawiki": bool(settings.MEDIAWIKI_API_URL),
        "claimreview": bool(settings.CLAIMREVIEW_API_URL),
    }


def enabled_providers() -> list[str]:
    """Return the names of the providers to run, in a stable order."""
    chosen = settings.EVIDENCE_PROVIDERS
    return [name for name, on in configured().items() if on and (not chosen or name in chosen)]


def get_json(base_url: str, params: dict[str, str]) -> Any:
    """GET a JSON API through the safe fetch and return the decoded body."""
    separator = "&" if "?" in base_url else "?"
    page = fetch(base_url + separator + urlencode(params), accept=JSON_TYPES)
    try:
        return json.loads(page.body)
    except (ValueError, RecursionError) as error:  # nested too deep to decode: no answer
        raise ProviderError(f"The API did not answer JSON: {error}.") from None
