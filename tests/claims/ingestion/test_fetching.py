"""Fetching follows only public addresses, caps size and time, and reads only pages."""

import gzip
from typing import Any

import pytest

from claims.ingestion.fetching import FetchError, fetch
from tests.conftest import LocalSite


def test_fetches_a_page(local_site: LocalSite) -> None:
    url = local_site.add("/story", "<html><body><p>Hello</p></body></html>")
    page = fetch(url)
    assert page.url == url
    assert page.content_type == "text/html"
    assert b"Hello" in page.body
    assert len(page.sha256) == 64


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/file", "Only http and https"),
        ("file:///etc/passwd", "Only http and https"),
        ("http://user:secret@example.com/", "credentials"),
        ("http://example.com:99999/", "Malformed"),
        ("http://example.com:22/", "Port 22"),
        ("http:///no-host", "no host"),
    ],
)
def test_refuses_urls_that_are_not_plain_public_web_pages(url: str, reason: str) -> None:
    with pytest.raises(FetchError, match=reason):
        fetch(url)


def test_refuses_loopback_unless_allowed(local_site: LocalSite, settings: Any) -> None:
    url = local_site.add("/private", "<p>internal</p>")
    settings.FETCH_ALLOWED_HOSTS = []
    settings.FETCH_ALLOWED_PORTS = [80, 443, local_site.port]
    with pytest.raises(FetchError, match="may not be fetched"):
        fetch(url)
    assert local_site.requests == []


def test_an_allowed_host_keeps_the_port_allow_list(local_site: LocalSite, settings: Any) -> None:
    # An intranet host allowed by name must not open its database or broker ports.
    url = local_site.add("/private", "<p>internal</p>")
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.FETCH_ALLOWED_PORTS = [80, 443]
    with pytest.raises(FetchError, match=f"Port {local_site.port} is not allowed"):
        fetch(url)
    settings.FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{local_site.port + 1}"]
    with pytest.raises(FetchError, match=f"Port {local_site.port} is not allowed"):
        fetch(url)
    assert local_site.requests == []


@pytest.mark.parametrize("entry", ["127.0.0.1:{port}", "127.0.0.1:*"])
def test_an_allowed_host_opens_the_port_named_with_it(
    local_site: LocalSite, settings: Any, entry: str
) -> None:
    url = local_site.add("/private", "<p>internal</p>")
    settings.FETCH_ALLOWED_HOSTS = [entry.format(port=local_site.port)]
    settings.FETCH_ALLOWED_PORTS = [80, 443]
    assert b"internal" in fetch(url).body
    assert local_site.requests == ["/private"]


@pytest.mark.parametrize(
    "target", ["http://localhost:{port}/secret", "http://169.254.169.254/latest/meta-data/"]
)
def test_rechecks_every_redirect(local_site: LocalSite, target: str, settings: Any) -> None:
    port = local_site.port
    settings.FETCH_ALLOWED_PORTS = [80, 443, port]  # so that the address rule decides
    local_site.add("/secret", "<p>internal</p>")
    url = local_site.add("/jump", "", status=302, Location=target.format(port=port))
    with pytest.raises(FetchError, match="may not be fetched"):
        fetch(url)
    assert local_site.requests == ["/jump"]


def test_follows_redirects_between_allowed_pages(local_site: LocalSite) -> None:
    final = local_site.add("/final", "<p>arrived</p>")
    url = local_site.add("/start", "", status=301, Location="/final")
    assert fetch(url).url == final


def test_stops_redirect_loops(local_site: LocalSite) -> None:
    url = local_site.add("/loop", "", status=302, Location="/loop")
    with pytest.raises(FetchError, match="redirects"):
        fetch(url)


def test_caps_the_decoded_size_of_gzip_bombs(local_site: LocalSite, settings: Any) -> None:
    settings.FETCH_MAX_BYTES = 1_000_000
    bomb = gzip.compress(b"<p>" + b"a" * 20_000_000)
    url = local_site.add("/bomb", bomb, Content_Encoding="gzip")
    assert len(bomb) < 100_000
    with pytest.raises(FetchError, match="larger than"):
        fetch(url)


@pytest.mark.parametrize(
    ("headers", "status", "reason"),
    [
        ({"Content_Type": "application/pdf"}, 200, "not a readable page"),
        ({"Content_Type": "image/png"}, 200, "not a readable page"),
        ({}, 404, "HTTP 404"),
        ({}, 500, "HTTP 500"),
    ],
)
def test_refuses_what_it_cannot_read(
    local_site: LocalSite, headers: dict[str, str], status: int, reason: str
) -> None:
    url = local_site.add("/thing", "%PDF-1.4 or an error page", status=status, **headers)
    with pytest.raises(FetchError, match=reason):
        fetch(url)


def test_refuses_an_empty_page(local_site: LocalSite) -> None:
    with pytest.raises(FetchError, match="empty"):
        fetch(local_site.add("/empty", "   "))
