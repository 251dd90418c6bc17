"""Fetching copes with awkward servers: each page here has one clear outcome.

Pages come from the local web server, or, for what an HTTP handler cannot do (drip bytes,
stall, lie about lengths), from raw sockets on loopback. The SSRF tests' network guard
runs here too, so nothing can reach beyond loopback.
"""

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable
from itertools import cycle
from typing import Any

import pytest

from claims.ingestion.fetching import FEED_TYPES, FetchError, fetch
from tests.claims.ingestion.test_fetching_ssrf import (
    Listener,
    NetworkGuard,
    Serve,
    listen,
    network_guard,
)
from tests.conftest import LocalSite

# Fixtures shared with the SSRF tests: importing them is what makes pytest use them here.
__all__ = ["listen", "network_guard"]

HTML = "text/html; charset=utf-8"


def read_request(connection: socket.socket) -> bytes:
    request = b""
    while b"\r\n\r\n" not in request and (data := connection.recv(4096)):
        request += data
    return request


def head(*lines: str) -> bytes:
    return "".join(f"{line}\r\n" for line in (*lines, "")).encode()


def answer(raw: bytes) -> Serve:
    """Send these bytes as the whole answer, then hang up."""

    def serve(connection: socket.socket, stopped: threading.Event) -> None:
        read_request(connection)
        connection.sendall(raw)

    return serve


def drip(start: bytes, then: bytes, *, seconds: float = 3.5) -> Serve:
    """Send `start`, then one byte of `then` (repeated) every 0.2 s for `seconds`."""

    def serve(connection: socket.socket, stopped: threading.Event) -> None:
        read_request(connection)
        connection.sendall(start)
        give_up = time.monotonic() + seconds
        for byte in cycle(then):
            if stopped.wait(0.2) or time.monotonic() > give_up:
                return
            connection.sendall(bytes([byte]))

    return serve


def stall(connection: socket.socket, stopped: threading.Event) -> None:
    """Take the request, then say nothing until the test is over."""
    read_request(connection)
    stopped.wait()


class Firehose:
    """A 50 MB page, generated as it is sent; counts what the client let through."""

    size = 50_000_000

    def __init__(self) -> None:
        self.sent = 0

    def __call__(self, connection: socket.socket, stopped: threading.Event) -> None:
        read_request(connection)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        connection.sendall(
            head("HTTP/1.1 200 OK", f"Content-Type: {HTML}", f"Content-Length: {self.size}")
        )
        chunk = b"<p>" + b"a" * 65533
        while self.sent < self.size and not stopped.is_set():
            connection.sendall(chunk)
            self.sent += len(chunk)


def conditional(connection: socket.socket, stopped: threading.Event) -> None:
    """Answer 304 to a request that already holds version "v1", the page otherwise."""
    request = read_request(connection).lower()
    if b'\r\nif-none-match: "v1"\r\n' in request:
        connection.sendall(head("HTTP/1.1 304 Not Modified", 'ETag: "v1"'))
        return
    body = b"<p>version one</p>"
    lines = ("HTTP/1.1 200 OK", f"Content-Type: {HTML}", 'ETag: "v1"')
    connection.sendall(head(*lines, f"Content-Length: {len(body)}") + body)


@pytest.fixture
def raw_site(listen: Callable[..., Listener], settings: Any) -> Callable[[Serve], Listener]:
    """Serve raw HTTP from loopback, allowed as a fetch target for this test only."""
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1:*"]
    return listen


@pytest.fixture
def one_second(settings: Any) -> None:
    """Connect and read timeouts of 1 s, so an overall deadline of 2 s."""
    settings.FETCH_TIMEOUT_SECONDS = 1


# Redirects


def redirect_chain(local_site: LocalSite, hops: int) -> str:
    local_site.add(f"/hop{hops}", "<p>arrived</p>")
    for hop in range(hops):
        local_site.add(f"/hop{hop}", "", status=302, Location=f"/hop{hop + 1}")
    return f"{local_site.base_url}/hop0"


@pytest.mark.parametrize("hops", [3, 5])
def test_follows_up_to_five_redirects(local_site: LocalSite, hops: int) -> None:
    page = fetch(redirect_chain(local_site, hops))
    assert page.url == f"{local_site.base_url}/hop{hops}"
    assert len(local_site.requests) == hops + 1


def test_refuses_a_sixth_redirect(local_site: LocalSite) -> None:
    with pytest.raises(FetchError, match="More than 5 redirects"):
        fetch(redirect_chain(local_site, 6))
    assert local_site.requests == [f"/hop{hop}" for hop in range(6)]


@pytest.mark.parametrize(
    "location",
    [
        "/news/final",
        "final",
        "./final",
        "../news/final",
        "//127.0.0.1:{port}/news/final",
        "http://127.0.0.1:{port}/news/final",
    ],
)
def test_resolves_relative_and_protocol_relative_locations(
    local_site: LocalSite, location: str
) -> None:
    final = local_site.add("/news/final", "<p>arrived</p>")
    url = local_site.add(
        "/news/start", "", status=301, Location=location.format(port=local_site.port)
    )
    assert fetch(url).url == final
    assert local_site.requests == ["/news/start", "/news/final"]


def test_treats_a_redirect_without_a_location_as_a_failure(local_site: LocalSite) -> None:
    with pytest.raises(FetchError, match="HTTP 302"):
        fetch(local_site.add("/nowhere", "", status=302))


# Size


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("deflate", zlib.compress),
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
    ],
)
def test_caps_the_decoded_size_of_other_compression_bombs(
    local_site: LocalSite, settings: Any, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    settings.FETCH_MAX_BYTES = 1_000_000
    bomb = compress(b"<p>" + b"a" * 50_000_000)
    assert len(bomb) < 100_000
    url = local_site.add("/bomb", bomb, Content_Encoding=encoding)
    with pytest.raises(FetchError, match="larger than 1000000 bytes"):
        fetch(url)


def test_stops_reading_a_huge_page_at_the_cap(
    raw_site: Callable[[Serve], Listener], settings: Any
) -> None:
    settings.FETCH_MAX_BYTES = 1_000_000
    firehose = Firehose()
    site = raw_site(firehose)
    with pytest.raises(FetchError, match="larger than 1000000 bytes"):
        fetch(f"{site.url}/huge")
    site.wait_until_served()
    assert firehose.sent < firehose.size / 5


# Time


def test_gives_up_on_a_server_that_drips_its_body(
    raw_site: Callable[[Serve], Listener], one_second: None
) -> None:
    start = head("HTTP/1.1 200 OK", f"Content-Type: {HTML}", "Content-Length: 1000")
    site = raw_site(drip(start, b"a"))
    began = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch(f"{site.url}/slow")
    assert time.monotonic() - began < 3
    assert "took too long" in str(error.value)
    assert error.value.transient


def test_gives_up_on_a_server_that_drips_its_headers(
    raw_site: Callable[[Serve], Listener], one_second: None
) -> None:
    site = raw_site(drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a"))
    began = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch(f"{site.url}/slow-headers")
    assert time.monotonic() - began < 3
    assert "took too long" in str(error.value)
    assert error.value.transient


def test_gives_up_on_a_compressed_body_that_drips_nothing_readable(
    raw_site: Callable[[Serve], Listener], one_second: None
) -> None:
    lines = ("HTTP/1.1 200 OK", f"Content-Type: {HTML}", "Content-Encoding: gzip")
    gzip_header = gzip.compress(b"")[:10]
    empty_deflate_block = b"\x00\x00\x00\xff\xff"
    site = raw_site(drip(head(*lines, "Connection: close") + gzip_header, empty_deflate_block))
    began = time.monotonic()
    with pytest.raises(FetchError) as error:
        fetch(f"{site.url}/slow-gzip")
    assert time.monotonic() - began < 3
    assert "took too long" in str(error.value)
    assert error.value.transient


def test_gives_up_on_a_server_that_never_answers(
    raw_site: Callable[[Serve], Listener], one_second: None
) -> None:
    site = raw_site(stall)
    began = time.monotonic()
    with pytest.raises(FetchError, match="did not answer in time") as error:
        fetch(f"{site.url}/silent")
    assert error.value.transient
    assert time.monotonic() - began < 2.5
    assert site.accepted == 1


# Broken answers


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "Could not connect"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "Could not connect"),
        (
            head("HTTP/1.1 200 OK", f"Content-Type: {HTML}", "Content-Length: 1000") + b"<p>cut",
            "broke off",
        ),
        (
            head("HTTP/1.1 200 OK", f"Content-Type: {HTML}", "Transfer-Encoding: chunked")
            + b"zz\r\n",
            "broke off",
        ),
    ],
    ids=["hangs-up", "not-http", "body-cut-short", "bad-chunk"],
)
def test_a_broken_answer_is_a_transient_failure(
    raw_site: Callable[[Serve], Listener], raw: bytes, reason: str
) -> None:
    site = raw_site(answer(raw))
    with pytest.raises(FetchError, match=reason) as error:
        fetch(f"{site.url}/broken")
    assert error.value.transient


def test_refuses_a_compressed_body_that_is_not_compressed(local_site: LocalSite) -> None:
    url = local_site.add("/liar", "<p>plain text</p>", Content_Encoding="gzip")
    with pytest.raises(FetchError, match="compressed body is corrupt") as error:
        fetch(url)
    assert not error.value.transient


def test_refuses_a_compressed_body_with_a_bad_checksum(local_site: LocalSite) -> None:
    body = bytearray(gzip.compress(b"<p>" + b"checked " * 1000))
    body[-8] ^= 0xFF  # the CRC-32 in the gzip trailer
    url = local_site.add("/bad-crc", bytes(body), Content_Encoding="gzip")
    with pytest.raises(FetchError, match="compressed body is corrupt"):
        fetch(url)


def test_refuses_a_compressed_body_that_stops_halfway(local_site: LocalSite) -> None:
    whole = gzip.compress(b"<p>" + bytes(range(256)) * 400)
    url = local_site.add("/half", whole[: len(whole) // 2], Content_Encoding="gzip")
    with pytest.raises(FetchError, match="compressed body is corrupt"):
        fetch(url)


# Status codes


@pytest.mark.parametrize(
    ("status", "transient"),
    [
        (204, False),
        (403, False),
        (404, False),
        (410, False),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
    ],
)
def test_marks_which_error_statuses_are_worth_retrying(
    local_site: LocalSite, status: int, transient: bool
) -> None:
    url = local_site.add("/status", "<p>an error page</p>", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status}") as error:
        fetch(url)
    assert error.value.transient is transient


def test_conditional_get_of_an_unchanged_page_is_not_modified(
    raw_site: Callable[[Serve], Listener],
) -> None:
    site = raw_site(conditional)
    page = fetch(f"{site.url}/page", headers={"If-None-Match": '"v1"'})
    assert page.not_modified
    assert page.status == 304
    assert page.body == b""


def test_conditional_get_of_a_changed_page_fetches_it(
    raw_site: Callable[[Serve], Listener],
) -> None:
    site = raw_site(conditional)
    page = fetch(f"{site.url}/page", headers={"If-None-Match": '"v0"'})
    assert not page.not_modified
    assert page.body == b"<p>version one</p>"
    assert page.headers["etag"] == '"v1"'


# Content types, charsets, bodies


@pytest.mark.parametrize(
    "content_type",
    [
        "application/octet-stream",
        "application/json",
        "application/javascript",
        "text/css",
        "image/svg+xml",
        "text/html-sandboxed",
        "multipart/x-mixed-replace; boundary=x",
        "",
    ],
)
def test_refuses_content_types_that_are_not_pages(local_site: LocalSite, content_type: str) -> None:
    url = local_site.add("/thing", "<p>looks like a page</p>", Content_Type=content_type)
    with pytest.raises(FetchError, match="is not a readable page"):
        fetch(url)


def test_refuses_a_page_without_a_content_type(raw_site: Callable[[Serve], Listener]) -> None:
    body = b"<html><p>no type</p></html>"
    site = raw_site(answer(head("HTTP/1.1 200 OK", f"Content-Length: {len(body)}") + body))
    with pytest.raises(FetchError, match="'none' is not a readable page"):
        fetch(f"{site.url}/untyped")


@pytest.mark.parametrize(
    ("header", "charset"),
    [
        ("TEXT/HTML; CHARSET=UTF-8", "UTF-8"),
        ('text/html ; charset="iso-8859-1"', "iso-8859-1"),
        ("application/xhtml+xml; charset=utf-8", "utf-8"),
        ("text/plain", None),
    ],
)
def test_reads_page_types_however_the_header_is_written(
    local_site: LocalSite, header: str, charset: str | None
) -> None:
    page = fetch(local_site.add("/typed", "<p>typed</p>", Content_Type=header))
    assert page.content_type == header.split(";")[0].strip().lower()
    assert page.charset == charset


def test_reads_feeds_only_when_asked_for_them(local_site: LocalSite) -> None:
    url = local_site.add("/feed", "<rss><channel/></rss>", Content_Type="application/rss+xml")
    with pytest.raises(FetchError, match="not a readable page"):
        fetch(url)
    assert fetch(url, accept=FEED_TYPES).content_type == "application/rss+xml"


def test_passes_on_a_wrong_charset_with_the_bytes_untouched(local_site: LocalSite) -> None:
    body = "<p>Café, naïve, Zürich</p>".encode("latin-1")
    page = fetch(local_site.add("/mislabelled", body, Content_Type="text/html; charset=utf-8"))
    assert page.charset == "utf-8"
    assert page.body == body


def test_leaves_an_undeclared_charset_unset_and_the_bytes_untouched(local_site: LocalSite) -> None:
    body = b'<meta charset="windows-1252"><p>\x93quoted\x94</p>'
    page = fetch(local_site.add("/undeclared", body, Content_Type="text/html"))
    assert page.charset is None
    assert page.body == body


@pytest.mark.parametrize(
    ("body", "encoding"),
    [(b"", "identity"), (b" \r\n\t\n ", "identity"), (gzip.compress(b"\n\n"), "gzip")],
    ids=["nothing", "whitespace", "compressed-whitespace"],
)
def test_refuses_pages_with_nothing_in_them(
    local_site: LocalSite, body: bytes, encoding: str
) -> None:
    with pytest.raises(FetchError, match="empty"):
        fetch(local_site.add("/blank", body, Content_Encoding=encoding))


def test_fetches_a_page_full_of_scripts_as_it_is(local_site: LocalSite) -> None:
    scripts = "".join(f"<script>var s{n} = '</p>' + {n};</script>" for n in range(2000))
    body = f"<html><head>{scripts}</head><body><p>The one paragraph.</p></body></html>"
    page = fetch(local_site.add("/scripts", body))
    assert page.body == body.encode()


# Malformed URLs


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "Only http and https"),
        ("http://", "no host"),
        ("http://[::1", "Malformed"),
        ("http://exa mple.invalid/", "Malformed"),
        ("http://example.invalid/a page", "Malformed"),
        ("http://example.invalid/\x00", "Malformed"),
        ("http://example.invalid/\x1b[2J", "Malformed"),
        ("http://example.invalid:http/", "Malformed"),
        ("http://" + "a" * 64 + ".invalid/", "host name is too long"),
        ("http://" + "a." * 200 + "invalid/", "host name is too long"),
    ],
    ids=[
        "empty",
        "no-host",
        "open-bracket",
        "space-in-host",
        "space-in-path",
        "nul",
        "escape-sequence",
        "port-not-a-number",
        "label-over-63",
        "name-over-253",
    ],
)
def test_refuses_malformed_urls_without_connecting(
    network_guard: NetworkGuard, url: str, reason: str
) -> None:
    with pytest.raises(FetchError, match=reason):
        fetch(url)
    assert network_guard.connections == []
    assert network_guard.lookups == []


def test_an_international_host_name_is_looked_up_in_its_ascii_form(
    network_guard: NetworkGuard,
) -> None:
    with pytest.raises(FetchError, match="could not be resolved"):
        fetch("http://bücher.invalid/")
    assert network_guard.lookups == ["xn--bcher-kva.invalid"]


def test_a_very_long_url_gets_the_servers_answer(local_site: LocalSite) -> None:
    with pytest.raises(FetchError, match="HTTP 414") as error:
        fetch(local_site.add("/" + "a" * 70_000, "<p>unreachable</p>"))
    assert not error.value.transient
    assert local_site.requests == []
