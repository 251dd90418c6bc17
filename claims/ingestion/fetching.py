"""Safe outbound HTTP: the one way this project fetches anything from the outside world.

requests-hardened resolves each host once, refuses loopback, private, link-local,
shared (100.64/10), multicast, reserved, NAT64 and 6to4 addresses (IPv4-mapped IPv6 is
checked as the IPv4 address it carries), and pins the connection to the address it
checked, so DNS rebinding cannot swap it. On top of it this module allows only http(s)
on allowed ports, refuses credentials in URLs, re-checks every redirect itself, ignores
proxy variables, caps the decoded size, stops at an overall deadline, and accepts only
the content types the caller can read.
"""

import contextlib
import contextvars
import hashlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
from django.conf import settings
from django.utils import timezone
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
)
REDIRECT_CODES = (301, 302, 303, 307, 308)
CHUNK_BYTES = 65536


class FetchError(Exception):
    """The page could not be fetched; the message says why, for people.

    `transient` marks failures worth another try later (timeouts, 5xx, broken connections).
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class FetchedPage:
    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    fetched_at: datetime
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str,
    *,
    accept: Collection[str] = PAGE_TYPES,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> FetchedPage:
    """Fetch a public http(s) resource, following redirects that stay public.

    `headers` may carry conditional-GET validators; a 304 answer comes back as a page
    with `not_modified` set and an empty body. `timeout` replaces FETCH_TIMEOUT_SECONDS
    (connect and read; twice that overall).
    """
    timeout = timeout or settings.FETCH_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout * 2
    request_headers = {"Accept": ", ".join(accept), **(headers or {})}
    for _ in range(settings.FETCH_MAX_REDIRECTS + 1):
        check_url(url)
        with _session_for(url, timeout) as session, _cut_at(deadline):
            response = _get(session, url, request_headers, deadline)
            with response:
                if response.status_code in REDIRECT_CODES and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                return _read_page(response, url, accept, deadline)
    raise FetchError(f"More than {settings.FETCH_MAX_REDIRECTS} redirects.")


def fetch_many(
    urls: Collection[str],
    *,
    workers: int = 10,
    per_host: int = 2,
    before_each: Callable[[str], None] | None = None,
) -> dict[str, FetchedPage | FetchError]:
    """Fetch several pages at once, each through `fetch`, at most `per_host` at a time
    from any one host, and return each page or the error that stopped it.

    `before_each(url)` runs just before each fetch (the caller's politeness across workers).
    A malformed URL gets its error without a fetch: one bad link among many (an article's
    cited links) must not stop the others.
    """
    refused = {url: error for url in urls if (error := _refusal(url)) is not None}
    urls = [url for url in urls if url not in refused]
    hosts = {urlsplit(url).hostname or "" for url in urls}
    limits = {host: threading.BoundedSemaphore(per_host) for host in hosts}

    def one(url: str) -> FetchedPage | FetchError:
        with limits[urlsplit(url).hostname or ""]:
            if before_each is not None:
                before_each(url)
            try:
                return fetch(url)
            except FetchError as error:
                return error

    distinct = list(dict.fromkeys(urls))
    if not distinct:
        return dict(refused)
    with ThreadPoolExecutor(max_workers=min(workers, len(distinct))) as pool:
        return {**refused, **dict(zip(distinct, pool.map(one, distinct), strict=True))}


def _refusal(url: str) -> FetchError | None:
    try:
        check_url(url)
    except FetchError as error:
        return error
    return None


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
    if parts.username is not None or parts.password is not None:
        raise FetchError("URLs with credentials are refused.")
    if any(char.isspace() or ord(char) < 32 for char in url):
        raise FetchError("Malformed URL: it contains spaces or control characters.")
    if len(parts.hostname) > 253 or any(len(label) > 63 for label in parts.hostname.split(".")):
        raise FetchError("Malformed URL: the host name is too long.")
    port = port or (443 if parts.scheme == "https" else 80)
    if port not in settings.FETCH_ALLOWED_PORTS and not _is_allowed_port(parts.hostname, port):
        raise FetchError(f"Port {port} is not allowed.")
    if _is_non_public_literal(parts.hostname) and not _is_allowed_host(parts.hostname):
        # Said before any connection, e.g. when a webhook is subscribed; host names are
        # judged by the address they resolve to, at connection time (_PublicOnlyAdapter).
        raise FetchError(f"{parts.hostname} is an address that may not be fetched.")


def _is_non_public_literal(hostname: str) -> bool:
    try:
        address = ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        return False  # a name, not an address
    return not address.is_global or address.is_reserved


def _is_allowed_host(hostname: str) -> bool:
    return hostname.lower() in {_allowed(entry)[0] for entry in settings.FETCH_ALLOWED_HOSTS}


def _is_allowed_port(hostname: str, port: int) -> bool:
    """True if FETCH_ALLOWED_HOSTS names this port with the host (`host:port`, or `host:*`
    for every port); a host named alone keeps the FETCH_ALLOWED_PORTS list, so allowing an
    intranet host does not open its database or broker ports."""
    for host, allowed_port in map(_allowed, settings.FETCH_ALLOWED_HOSTS):
        if host == hostname.lower() and allowed_port in (str(port), "*"):
            return True
    return False


def _allowed(entry: str) -> tuple[str, str]:
    """Split an entry of FETCH_ALLOWED_HOSTS into its host and its port ("" when unnamed)."""
    host, colon, port = entry.lower().rpartition(":")
    if not colon or "]" in port or (":" in host and not host.endswith("]")):
        return entry.lower().strip("[]"), ""  # no port named (a bare IPv6 address included)
    return host.strip("[]"), port


def _session_for(url: str, timeout: float | None = None) -> HTTPSession:
    hostname = urlsplit(url).hostname or ""
    timeout = timeout or settings.FETCH_TIMEOUT_SECONDS
    config = Config(
        ip_filter_enable=not _is_allowed_host(hostname),
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=(timeout, timeout),
        user_agent_override=settings.FETCH_USER_AGENT,
    )
    session = HTTPSession(config)
    session.trust_env = False  # never route through proxies named in the environment
    if config.ip_filter_enable:
        session.mount("http://", _PublicOnlyAdapter(is_https_proto=False))
        session.mount("https://", _PublicOnlyAdapter(is_https_proto=True))
    for adapter in session.adapters.values():
        adapter.poolmanager.pool_classes_by_scheme = _CUTTABLE_POOLS
    return session


class _PublicOnlyAdapter(IPFilterAdapter):  # type: ignore[misc]
    """requests-hardened's filter, plus what it lets through: IPv4-compatible (::/96) and
    IPv4-translated (::ffff:0:0:0/96) addresses, which sit in reserved ::/8, and site-local."""

    def build_connection_pool_key_attributes(self, *args: Any) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(*args)
        address = ipaddress.ip_address(host_params["host"].strip("[]"))
        if address.is_reserved or getattr(address, "is_site_local", False):
            raise InvalidIPAddress(address)
        return host_params, pool_kwargs


# The sockets opened by the fetch in progress, so that its watchdog can cut them.
_open_sockets: contextvars.ContextVar[list[socket.socket]] = contextvars.ContextVar("sockets")


class _CuttableHTTPConnection(urllib3.connection.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _open_sockets.get([]).append(self.sock)


class _CuttableHTTPSConnection(urllib3.connection.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _open_sockets.get([]).append(self.sock)


class _CuttableHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _CuttableHTTPConnection


class _CuttableHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _CuttableHTTPSConnection


_CUTTABLE_POOLS = {"http": _CuttableHTTPPool, "https": _CuttableHTTPSPool}


@contextlib.contextmanager
def _cut_at(deadline: float) -> Iterator[None]:
    """Shut the fetch's sockets down at the deadline, whatever read is blocked on them.

    Timeouts bound each read; a server that sends a byte at a time never trips them.
    """
    sockets: list[socket.socket] = []
    token = _open_sockets.set(sockets)

    def cut() -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
    watchdog.start()
    try:
        yield
    finally:
        watchdog.cancel()
        _open_sockets.reset(token)


def _get(
    session: HTTPSession, url: str, headers: Mapping[str, str], deadline: float
) -> requests.Response:
    if time.monotonic() > deadline:
        raise FetchError("The fetch took too long.", transient=True)
    try:
        response: requests.Response = session.get(url, stream=True, headers=headers)
        if time.monotonic() > deadline:  # the watchdog cut the headers short
            response.close()
            raise FetchError("The fetch took too long.", transient=True)
        return response
    except InvalidIPAddress:
        raise FetchError("The host resolves to an address that may not be fetched.") from None
    except requests.Timeout:
        raise FetchError("The server did not answer in time.", transient=True) from None
    except requests.ConnectionError as error:
        if time.monotonic() > deadline:  # the watchdog cut the connection
            raise FetchError("The fetch took too long.", transient=True) from None
        if "resolve" in str(error).lower():
            raise FetchError("The host name could not be resolved.", transient=True) from None
        raise FetchError("Could not connect to the server.", transient=True) from None
    except requests.RequestException as error:
        raise FetchError(f"Malformed URL: {error.__class__.__name__}.") from None


def _read_page(
    response: requests.Response, url: str, accept: Collection[str], deadline: float
) -> FetchedPage:
    if response.status_code == 304:
        return _page(response, url, content_type="", body=b"")
    if response.status_code != 200:
        transient = response.status_code >= 500 or response.status_code == 429
        raise FetchError(f"The server answered HTTP {response.status_code}.", transient=transient)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in accept:
        raise FetchError(f"Content type {content_type or 'none'!r} is not a readable page.")
    body = _read_capped(response, deadline)
    if not body.strip():
        raise FetchError("The page is empty.")
    return _page(response, url, content_type=content_type, body=body)


def _page(response: requests.Response, url: str, *, content_type: str, body: bytes) -> FetchedPage:
    declared = "charset" in response.headers.get("content-type", "").lower()
    return FetchedPage(
        url=url,
        status=response.status_code,
        content_type=content_type,
        charset=response.encoding if declared else None,
        body=body,
        fetched_at=timezone.now(),
        headers={name.lower(): value for name, value in response.headers.items()},
    )


def _read_capped(response: requests.Response, deadline: float) -> bytes:
    """Read the decoded body, stopping at the size cap (gzip bombs) or the deadline.

    read1() returns whatever has arrived, so a server that drips one byte at a time
    cannot keep us past the deadline.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.raw.read1(CHUNK_BYTES, decode_content=True):
            size += len(chunk)
            if size > settings.FETCH_MAX_BYTES:
                raise FetchError(f"The page is larger than {settings.FETCH_MAX_BYTES} bytes.")
            if time.monotonic() > deadline:
                raise FetchError("The fetch took too long.", transient=True)
            chunks.append(chunk)
    except urllib3.exceptions.DecodeError:
        raise FetchError("The page's compressed body is corrupt.") from None
    except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as error:
        message = f"The download broke off: {error.__class__.__name__}."
        if time.monotonic() > deadline:  # the watchdog cut the connection
            message = "The fetch took too long."
        raise FetchError(message, transient=True) from None
    if time.monotonic() > deadline:  # the watchdog cut a body that never ends
        raise FetchError("The fetch took too long.", transient=True)
    if not _decoded_to_the_end(response):
        raise FetchError("The page's compressed body is corrupt.")
    return b"".join(chunks)


def _decoded_to_the_end(response: requests.Response) -> bool:
    """Whether every decompressor reached its end: urllib3 does not check (a cut-short body)."""
    decoder = getattr(response.raw, "_decoder", None)
    decoders = getattr(decoder, "_decoders", [decoder])
    return all(getattr(getattr(d, "_obj", None), "eof", True) for d in decoders)


def post(url: str, *, body: bytes, headers: Mapping[str, str]) -> int:
    """POST to a public http(s) URL under the same address rules as `fetch`; return the status.

    Redirects are not followed (a 3xx comes back as it is), and the answer's body is not read.
    """
    deadline = time.monotonic() + settings.FETCH_TIMEOUT_SECONDS * 2
    check_url(url)
    with _session_for(url) as session, _cut_at(deadline):
        try:
            response: requests.Response = session.post(url, data=body, headers=headers, stream=True)
        except InvalidIPAddress:
            raise FetchError("The host resolves to an address that may not be fetched.") from None
        except requests.Timeout:
            raise FetchError("The server did not answer in time.", transient=True) from None
        except requests.ConnectionError:
            raise FetchError("Could not connect to the server.", transient=True) from None
        except requests.RequestException as error:
            raise FetchError(f"Malformed URL: {error.__class__.__name__}.") from None
        with response:
            return response.status_code
