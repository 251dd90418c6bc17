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
from claims.models import Claim, ProviderSetting

JSON_TYPES = ("application/json",)


class ProviderError(Exception):
    """The provider's endpoint answered something it should not have, or (`transient`) the
    provider cannot answer yet and is asked again later."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


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
    from claims.evidence.sources import (
        archive,
        claimreview,
        feeds,
        links,
        mediawiki,
        our_checks,
        websearch,
    )

    return {
        archive.NAME: archive.find,
        links.NAME: links.find,
        feeds.NAME: feeds.find,
        websearch.NAME: websearch.find,
        mediawiki.NAME: mediawiki.find,
        claimreview.NAME: claimreview.find,
        our_checks.NAME: our_checks.find,
    }


# The environment's defaults of the providers that call an endpoint.
ENV_URLS = {
    "web_search": "SEARXNG_URL",
    "mediawiki": "MEDIAWIKI_API_URL",
    "claimreview": "CLAIMREVIEW_API_URL",
}
ENV_KEYS = {"claimreview": "CLAIMREVIEW_API_KEY"}


@dataclass(frozen=True)
class ProviderConfig:
    """A provider's settings in effect: the admin's where set, else the environment's."""

    enabled: bool
    url: str = ""
    key: str = ""
    timeout: float | None = None

    @property
    def ready(self) -> bool:
        return self.enabled and bool(self.url)


def provider_config(name: str) -> ProviderConfig:
    return _configs([name])[name]


def _configs(names: list[str]) -> dict[str, ProviderConfig]:
    rows = {row.provider: row for row in ProviderSetting.objects.filter(provider__in=names)}
    configs = {}
    for name in names:
        row = rows.get(name)
        configs[name] = ProviderConfig(
            enabled=row.enabled if row else True,
            url=(row.url if row else "") or getattr(settings, ENV_URLS.get(name, ""), ""),
            key=(row.api_key if row else "") or getattr(settings, ENV_KEYS.get(name, ""), ""),
            timeout=row.timeout_seconds if row else None,
        )
    return configs


def configured() -> dict[str, bool]:
    """Return, for each provider, whether it is enabled and has what it needs."""
    configs = _configs(list(ProviderSetting.Provider.values))
    needs = {
        "feeds": bool(settings.EVIDENCE_FEEDS),
        **{name: bool(configs[name].url) for name in ENV_URLS},
    }
    return {name: config.enabled and needs.get(name, True) for name, config in configs.items()}


def enabled_providers() -> list[str]:
    """Return the names of the providers to run, in a stable order."""
    chosen = settings.EVIDENCE_PROVIDERS
    return [name for name, on in configured().items() if on and (not chosen or name in chosen)]


def provider_test(name: str) -> str:
    """Ask a provider's endpoint one query with its settings in effect; return what it
    answered, in words. Raises FetchError or ProviderError when it cannot be used."""
    config = provider_config(name)
    if name not in ENV_URLS:
        return "Needs no connection."
    if not config.url:
        raise ProviderError("No URL is set (here or in the environment).")
    leads = registry()[name](Claim(text=PROBE_QUERY), PROBE_QUERY.split())
    return f"Connected: {len(leads)} result{'s' if len(leads) != 1 else ''} for “{PROBE_QUERY}”."


PROBE_QUERY = "bridge cost"


def get_json(base_url: str, params: dict[str, str], *, timeout: float | None = None) -> Any:
    """GET a JSON API through the safe fetch and return the decoded body."""
    separator = "&" if "?" in base_url else "?"
    page = fetch(base_url + separator + urlencode(params), accept=JSON_TYPES, timeout=timeout)
    try:
        return json.loads(page.body)
    except (ValueError, RecursionError) as error:  # nested too deep to decode: no answer
        raise ProviderError(f"The API did not answer JSON: {error}.") from None
