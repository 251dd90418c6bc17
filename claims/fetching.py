"""Safe outbound HTTP: the one way this project fetches anything from the outside world.

requests-hardened resolves each host once, refuses private, loopback, link-local and
other internal addresses, and pins the connection to the address it checked (no DNS
rebinding). On top of it this module allows only http(s) on allowed ports, refuses
credentials in URLs, re-checks every redirect itself, ignores proxy variables, caps the
decoded size and the total time, and accepts only the content types we can read.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.utils import timezone
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress

READABLE_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
REDIRECT_CODES = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """The page could not be fetched; the message says why, for people."""


@dataclass(frozen=True)
class FetchedPage:
    url: str
    content_type: str
    charset: str | None
    body: bytes
    fetched_at: datetime

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def fetch(url: str) -> FetchedPage:
    """Fetch a public http(s) page, following redirects that stay public."""
    deadline = time.monotonic() + settings.FETCH_TIMEOUT_SECONDS * 2
    for _ in range(settings.FETCH_MAX_REDIRECTS + 1):
        check_url(url)
        with _session_for(url) as session:
            response = _get(session, url, deadline)
            with response:
                if response.status_code in REDIRECT_CODES and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                return _read_page(response, url, deadline)
    raise FetchError(f"More than {settings.FETCH_MAX_REDIRECTS} redirects.")


def check_url(url: str) -> None:
    """Refuse URLs that are not plain http(s) on an allowed port, before any connection."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(f"Malformed URL: {error}.") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"Only http and https URLs can be fetched, not {parts.scheme!r}.")
    if not parts.hostname:
        raise FetchError("The URL has no host.")
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are refused.")
    port = port or (443 if parts.scheme == "https" else 80)
    if port not in settings.FETCH_ALLOWED_PORTS and not _is_allowed_host(parts.hostname):
        raise FetchError(f"Port {port} is not allowed.")


def _is_allowed_host(hostname: str) -> bool:
    return hostname.lower() in settings.FETCH_ALLOWED_HOSTS


def _session_for(url: str) -> HTTPSession:
    hostname = urlsplit(url).hostname or ""
    config = Config(
        ip_filter_enable=not _is_allowed_host(hostname),
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=(settings.FETCH_TIMEOUT_SECONDS, settings.FETCH_TIMEOUT_SECONDS),
        user_agent_override=settings.FETCH_USER_AGENT,
    )
    session = HTTPSession(config)
    session.trust_env = False  # never route through proxies named in the environment
    return session


def _get(session: HTTPSession, url: str, deadline: float) -> requests.Response:
    if time.monotonic() > deadline:
        raise FetchError("The fetch took too long.")
    try:
        response: requests.Response = session.get(
            url, stream=True, headers={"Accept": ", ".join(READABLE_CONTENT_TYPES)}
        )
        return response
    except InvalidIPAddress:
        raise FetchError("The host resolves to an address that may not be fetched.") from None
    except requests.Timeout:
        raise FetchError("The server did not answer in time.") from None
    except requests.RequestException as error:
        raise FetchError(f"Could not connect: {error.__class__.__name__}.") from None


def _read_page(response: requests.Response, url: str, deadline: float) -> FetchedPage:
    if response.status_code != 200:
        raise FetchError(f"The server answered HTTP {response.status_code}.")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in READABLE_CONTENT_TYPES:
        raise FetchError(f"Content type {content_type or 'none'!r} is not a readable page.")
    body = _read_capped(response, deadline)
    if not body.strip():
        raise FetchError("The page is empty.")
    return FetchedPage(
        url=url,
        content_type=content_type,
        charset=response.encoding if "charset" in response.headers["content-type"] else None,
        body=body,
        fetched_at=timezone.now(),
    )


def _read_capped(response: requests.Response, deadline: float) -> bytes:
    """Read the decoded body, stopping at the size cap (gzip bombs) or the deadline."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > settings.FETCH_MAX_BYTES:
                raise FetchError(f"The page is larger than {settings.FETCH_MAX_BYTES} bytes.")
            if time.monotonic() > deadline:
                raise FetchError("The fetch took too long.")
            chunks.append(chunk)
    except requests.RequestException as error:
        raise FetchError(f"The download broke off: {error.__class__.__name__}.") from None
    return b"".join(chunks)
