"""Fetching never reaches an address that is not public, however the URL spells it.

Every test here runs behind a network guard: connecting to anything but 127.0.0.1 or ::1
raises before a packet leaves, and looking up any name but an IP literal or localhost
fails as an unknown name (or gets the answer a test planted), so no test can touch the
network beyond loopback, not even a DNS server.
"""

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from claims.ingestion.fetching import FetchError, fetch
from tests.conftest import LocalSite

LOOPBACK = ("127.0.0.1", "::1")
# Globally routable, so the address filter lets it through, and the guard stops it unsent.
# (The documentation ranges, such as 203.0.113.0/24, count as private and never get that far.)
# It is AS112's sink, built to absorb stray traffic, should a guard ever fail.
PUBLIC_ADDRESS = "192.31.196.1"

Serve = Callable[[socket.socket, threading.Event], None]


class ForbiddenConnection(ConnectionRefusedError):
    """What the guard raises instead of connecting beyond loopback."""


@dataclass
class NetworkGuard:
    """Records every connection and name lookup; lets only loopback through."""

    connections: list[tuple[str, int]] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    # Planted DNS answers: name -> successive answers (the last one repeats).
    answers: dict[str, list[str]] = field(default_factory=dict)

    def check(self, address: Any) -> None:
        if not isinstance(address, tuple):
            return  # a Unix socket path never leaves the machine
        host, port = str(address[0]), int(address[1])
        self.connections.append((host, port))
        if host not in LOOPBACK:
            raise ForbiddenConnection(f"Test network guard: no connecting to {host}.")

    def resolve(self, real: Callable[..., Any], host: Any, port: Any, *args: Any) -> Any:
        """Answer IP literals, localhost (as /etc/hosts does) and planted names; nothing else."""
        family, type_, proto, flags = (*args, 0, 0, 0, 0)[:4]
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.lookups.append(name)
        if name.lower() == "localhost":
            name = "127.0.0.1"
        elif name in self.answers:
            planted = self.answers[name]
            name = planted.pop(0) if len(planted) > 1 else planted[0]
        numeric_only = flags | socket.AI_NUMERICHOST
        try:
            return real(name, port, family, type_, proto, numeric_only)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> NetworkGuard:
    guard = NetworkGuard()
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    create_connection, getaddrinfo = socket.create_connection, socket.getaddrinfo

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        guard.check(address)
        connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        guard.check(address)
        return connect_ex(sock, address)

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if address[0] != "localhost":
            guard.check(address)
        return create_connection(address, *args, **kwargs)

    def guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        names = ("family", "type", "proto", "flags")
        positional = (*args, *(kwargs.get(name, 0) for name in names[len(args) :]))
        return guard.resolve(getaddrinfo, host, port, *positional)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return guard


class Listener:
    """A raw TCP listener on loopback that counts connections and runs `serve` on each."""

    def __init__(self, serve: Serve | None = None, *, host: str = "127.0.0.1", port: int = 0):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.create_server((host, port), family=family)
        self.socket.settimeout(0.05)
        self.port: int = self.socket.getsockname()[1]
        self.url = f"http://{f'[{host}]' if family == socket.AF_INET6 else host}:{self.port}"
        self.accepted = 0
        self.stopped = threading.Event()
        self._serve = serve
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept_all, daemon=True)
        self._accepting.start()

    def _accept_all(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            thread = threading.Thread(target=self._handle, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            try:
                if self._serve:
                    self._serve(connection, self.stopped)
            except OSError:
                pass  # the client hung up, which is how most of these pages end

    def wait_until_served(self, timeout: float = 5) -> None:
        for thread in list(self._threads):
            thread.join(timeout)

    def close(self) -> None:
        self.stopped.set()
        self._accepting.join()
        self.socket.close()
        self.wait_until_served()


@pytest.fixture
def listen() -> Iterator[Callable[..., Listener]]:
    """Start raw TCP listeners for one test: `listen(serve, host=..., port=...)`."""
    listeners: list[Listener] = []

    def start(serve: Serve | None = None, **where: Any) -> Listener:
        listeners.append(Listener(serve, **where))
        return listeners[-1]

    yield start
    for listener in listeners:
        listener.close()


@pytest.fixture
def loopback_trap(
    local_site: LocalSite, listen: Callable[..., Listener], settings: Any
) -> tuple[LocalSite, Listener]:
    """The local site on 127.0.0.1 and a listener on [::1] at the same port, neither allowed.

    Only the address rule stands between a fetch and them: the port is allowed.
    """
    settings.FETCH_ALLOWED_HOSTS = []
    settings.FETCH_ALLOWED_PORTS = [80, 443, local_site.port]
    local_site.add("/secret", "<p>internal</p>")
    return local_site, listen(host="::1", port=local_site.port)


LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "0177.0.0.1",
    "0x7f.0.0.1",
    "0x7f000001",
    "2130706433",
    "017700000001",
    "127.000.000.001",
    "127.255.255.254",
    "localhost",
    "LOCALHOST",
    "LocalHost",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:127.0.0.1]",
    "0.0.0.0",  # noqa: S104 (a host to refuse, not an address to bind)
    "0",
    "[::]",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_refuses_loopback_however_it_is_spelled(
    loopback_trap: tuple[LocalSite, Listener], network_guard: NetworkGuard, host: str
) -> None:
    local_site, ipv6_listener = loopback_trap
    with pytest.raises(FetchError, match="may not be fetched"):
        fetch(f"http://{host}:{local_site.port}/secret")
    assert network_guard.connections == []
    assert local_site.requests == []
    assert ipv6_listener.accepted == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://10.255.255.255/",
        "http://172.16.0.1/",
        "http://172.31.255.254/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://2852039166/latest/meta-data/",
        "http://0xa9fea9fe/latest/meta-data/",
        "http://0251.0376.0251.0376/latest/meta-data/",
        "http://100.64.0.1/",
        "http://192.0.0.1/",
        "http://198.18.0.1/",
        "http://203.0.113.7/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[ff02::1]/",
        "http://[2001:db8::1]/",
        "http://[fec0::1]/",
        "https://10.0.0.1/",
        "https://[fd00::1]/",
    ],
)
def test_refuses_private_link_local_shared_and_reserved_addresses(
    network_guard: NetworkGuard, url: str
) -> None:
    with pytest.raises(FetchError) as error:
        fetch(url)
    assert network_guard.connections == []
    assert "may not be fetched" in str(error.value)


@pytest.mark.parametrize(
    "host",
    [
        "[::ffff:169.254.169.254]",
        "[::ffff:a9fe:a9fe]",
        "[::ffff:10.0.0.1]",
        "[::ffff:100.64.0.1]",
        "[64:ff9b::7f00:1]",
        "[64:ff9b::127.0.0.1]",
        "[64:ff9b::a9fe:a9fe]",
        "[64:ff9b:1::a9fe:a9fe]",
        "[2002:7f00:1::1]",
        "[2002:a9fe:a9fe::1]",
        "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
        "[::7f00:1]",
        "[::a9fe:a9fe]",
        "[::ffff:0:7f00:1]",
    ],
)
def test_refuses_ipv6_addresses_that_wrap_a_forbidden_one(
    loopback_trap: tuple[LocalSite, Listener], network_guard: NetworkGuard, host: str
) -> None:
    local_site, _ = loopback_trap
    with pytest.raises(FetchError) as error:
        fetch(f"http://{host}:{local_site.port}/secret")
    assert network_guard.connections == []
    assert "may not be fetched" in str(error.value)
    assert local_site.requests == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:{port}#@example.invalid/", "may not be fetched"),
        ("http://127.0.0.1:{port}?@example.invalid/", "may not be fetched"),
        ("http://example.invalid@127.0.0.1:{port}/", "credentials"),
        ("http://example.invalid:80@127.0.0.1:{port}/", "credentials"),
        ("http://127.0.0.1%2f@example.invalid/", "credentials"),
        ("http://127.0.0.1:{port}\\@example.invalid/", "credentials"),
        ("http://example.invalid\\@127.0.0.1:{port}/", "credentials"),
        ("http://127.0.0.1:{port}\\.example.invalid/", "Malformed"),
        ("http://127.0.0.1\\.example.invalid:{port}/", "Malformed|may not be fetched"),
        ("http://127.0.0.1:80:{port}/", "Malformed"),
        ("http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ:{port}/", "Malformed"),
        ("http://１２７.０.０.１:{port}/", "Malformed"),
        ("http://127。0。0。1:{port}/", "Malformed"),
        ("http://[::1]:{port}]/", "Malformed"),
        ("http://127.0.0.1:{port} /", "Malformed"),
        ("http://127.0.0.1:{port}/\r\nHost: example.invalid", "Malformed"),
        ("http://127.0.0.1\t:{port}/", "Malformed"),
        (" http://127.0.0.1:{port}/", "Malformed"),
        ("HTTP://127.0.0.1:{port}/", "may not be fetched"),
        ("http:/127.0.0.1:{port}/", "no host"),
        ("http:127.0.0.1:{port}/", "no host"),
    ],
)
def test_refuses_urls_that_hide_loopback_from_a_parser(
    loopback_trap: tuple[LocalSite, Listener], network_guard: NetworkGuard, url: str, reason: str
) -> None:
    local_site, ipv6_listener = loopback_trap
    with pytest.raises(FetchError, match=reason):
        fetch(url.format(port=local_site.port))
    assert network_guard.connections == []
    assert local_site.requests == []
    assert ipv6_listener.accepted == 0


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "gopher://127.0.0.1:{port}/_GET%20/secret",
        "dict://127.0.0.1:{port}/info",
        "ftp://127.0.0.1:{port}/",
        "sftp://127.0.0.1:{port}/",
        "ldap://127.0.0.1:{port}/",
        "ws://127.0.0.1:{port}/",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "//127.0.0.1:{port}/secret",
        "127.0.0.1:{port}/secret",
    ],
)
def test_refuses_schemes_other_than_http(
    loopback_trap: tuple[LocalSite, Listener], network_guard: NetworkGuard, url: str
) -> None:
    local_site, _ = loopback_trap
    with pytest.raises(FetchError, match="Only http and https"):
        fetch(url.format(port=local_site.port))
    assert network_guard.connections == []
    assert local_site.requests == []


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://localhost:{port}/secret", "may not be fetched"),
        ("http://2130706433:{port}/secret", "may not be fetched"),
        ("http://127.1:{port}/secret", "may not be fetched"),
        ("http://0x7f.0.0.1:{port}/secret", "may not be fetched"),
        ("http://[::ffff:127.0.0.1]:{port}/secret", "may not be fetched"),
        ("http://[::1]:{port}/secret", "may not be fetched"),
        ("http://0.0.0.0:{port}/secret", "may not be fetched"),
        ("//localhost:{port}/secret", "may not be fetched"),
        ("http://0xa9fea9fe/latest/meta-data/", "may not be fetched"),
        ("http://[::ffff:169.254.169.254]/latest/meta-data/", "may not be fetched"),
        ("http://10.0.0.1/", "may not be fetched"),
        ("http://user:pw@127.0.0.1:{port}/secret", "credentials"),
        ("file:///etc/passwd", "Only http and https"),
        ("gopher://127.0.0.1:{port}/_secret", "Only http and https"),
    ],
)
def test_refuses_a_redirect_from_an_allowed_host_to_a_forbidden_one(
    local_site: LocalSite, network_guard: NetworkGuard, settings: Any, target: str, reason: str
) -> None:
    # The first hop is allowed by name; the target spells the same server another way.
    settings.FETCH_ALLOWED_PORTS = [80, 443, local_site.port]
    local_site.add("/secret", "<p>internal</p>")
    url = local_site.add("/jump", "", status=302, Location=target.format(port=local_site.port))
    with pytest.raises(FetchError, match=reason):
        fetch(url)
    assert network_guard.connections == [("127.0.0.1", local_site.port)]
    assert local_site.requests == ["/jump"]


def test_refuses_a_redirect_chain_that_ends_at_the_metadata_service(
    local_site: LocalSite, network_guard: NetworkGuard
) -> None:
    metadata = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
    local_site.add("/c", "", status=307, Location=metadata)
    local_site.add("/b", "", status=301, Location="/c")
    url = local_site.add("/a", "", status=302, Location=f"{local_site.base_url}/b")
    with pytest.raises(FetchError, match="may not be fetched"):
        fetch(url)
    assert network_guard.connections == [("127.0.0.1", local_site.port)] * 3
    assert local_site.requests == ["/a", "/b", "/c"]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "203.0.113.7",
        "fd00::1",
    ],
)
def test_refuses_a_name_that_resolves_to_a_forbidden_address(
    loopback_trap: tuple[LocalSite, Listener], network_guard: NetworkGuard, address: str
) -> None:
    local_site, ipv6_listener = loopback_trap
    network_guard.answers["internal.test"] = [address]
    with pytest.raises(FetchError, match="may not be fetched"):
        fetch(f"http://internal.test:{local_site.port}/secret")
    assert network_guard.connections == []
    assert local_site.requests == []
    assert ipv6_listener.accepted == 0


def test_connects_only_to_the_address_it_checked(
    loopback_trap: tuple[LocalSite, Listener], network_guard: NetworkGuard
) -> None:
    # DNS rebinding: the name is public when checked and loopback on any later lookup.
    local_site, _ = loopback_trap
    network_guard.answers["rebind.test"] = [PUBLIC_ADDRESS, "127.0.0.1"]
    with pytest.raises(FetchError, match="Could not connect"):
        fetch(f"http://rebind.test:{local_site.port}/secret")
    assert network_guard.lookups == ["rebind.test", PUBLIC_ADDRESS]
    assert network_guard.connections == [(PUBLIC_ADDRESS, local_site.port)]
    assert local_site.requests == []


def test_a_name_that_does_not_resolve_is_a_transient_fetch_error(
    network_guard: NetworkGuard,
) -> None:
    with pytest.raises(FetchError, match="could not be resolved") as error:
        fetch("http://nothing-here.invalid/")
    assert error.value.transient
    assert network_guard.lookups == ["nothing-here.invalid"]
    assert network_guard.connections == []


def test_ignores_proxy_variables(
    local_site: LocalSite,
    listen: Callable[..., Listener],
    network_guard: NetworkGuard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = listen()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy.url)
        monkeypatch.setenv(name.lower(), proxy.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    url = local_site.add("/direct", "<p>straight there</p>")
    assert b"straight there" in fetch(url).body
    assert proxy.accepted == 0
    assert network_guard.connections == [("127.0.0.1", local_site.port)]
