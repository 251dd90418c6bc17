"""Local web servers for the fault scenarios: pages that wait at a gate until the test lets
them through (so a fault lands mid-fetch), and poison pages (huge, deeply nested, trickling)."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

TOPICS = ["bridge", "tunnel", "ferry", "stadium", "library", "hospital", "airport", "harbour"]


def article_html(path: str) -> bytes:
    """A readable news page, its text its own (no two paths give the same article)."""
    topic = TOPICS[sum(map(ord, path)) % len(TOPICS)]
    paragraphs = "".join(
        f"<p>The council of Riverton said on Monday that the new {topic} at {path} cost "
        f"{100 + n} million dollars, against a budget of {90 + n} million dollars, "
        f"according to its published accounts for year {2000 + n}.</p>"
        for n in range(1, 6)
    )
    title = f"The cost of the {topic} at {path}"
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


class Site:
    """A server whose pages wait at a gate while it is closed; it counts the requests."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.requests: Counter[str] = Counter()
        self.waiting = 0
        self._lock = threading.Lock()
        self.slow: dict[str, bytes] = {}  # path: body sent a byte at a time, for ever
        self.pages: dict[str, bytes] = {}  # path: body of a page other than an article
        self.types: dict[str, str] = {}  # path: its content type, if not HTML
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def hold(self) -> None:
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with site._lock:
                    site.requests[self.path] += 1
                    site.waiting += 1
                try:
                    site.gate.wait(60)
                finally:
                    with site._lock:
                        site.waiting -= 1
                if self.path in site.slow:
                    self._trickle(site.slow[self.path])
                    return
                body = site.pages.get(self.path) or article_html(self.path)
                self.send_response(200)
                content_type = site.types.get(self.path, "text/html; charset=utf-8")
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _trickle(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass  # the fetch gave up and closed the connection

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def site(settings: Any) -> Iterator[Site]:
    serving = Site()
    thread = threading.Thread(target=serving.server.serve_forever, daemon=True)
    thread.start()
    settings.FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{serving.server.server_port}"]
    yield serving
    serving.release()
    serving.server.shutdown()
    serving.server.server_close()
