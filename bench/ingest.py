"""Ingestion speed, as ratios to baselines measured in the same run.

1. Articles per second of the whole ingest step (submit, safe fetch over HTTP, extraction,
   snapshot, store) against trafilatura alone on the same bytes.
2. The cost of a safe fetch against a plain `requests.get` of the same local page.

Runs on a throw-away SQLite database and a local HTTP server; nothing leaves the machine.

    .venv/bin/python bench/ingest.py [--pages 200]
"""

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from throwaway import start_django

start_django(FETCH_ALLOWED_HOSTS="127.0.0.1:*")

import requests  # noqa: E402
import trafilatura  # noqa: E402
from django.core.management import call_command  # noqa: E402

from claims.ingestion.fetching import fetch  # noqa: E402
from claims.ingestion.services import article_ingest, article_submit  # noqa: E402
from claims.models import Article  # noqa: E402

ROUNDS = 5
PARAGRAPH = (
    "<p>The council said on {day} that the Harbour Street bridge in district {n} cost "
    '<a href="https://accounts.example/{n}">{cost} million dollars</a>, against a budget of '
    "{budget} million approved in 2022, after steel prices rose by {rise} percent.</p>"
)


def page(number: int) -> bytes:
    paragraphs = "".join(
        PARAGRAPH.format(day=f"May {1 + i}", n=number, cost=200 + i, budget=190, rise=i + 3)
        for i in range(12)
    )
    return (
        f"<html lang='en'><head><title>Story {number} | Courier</title>"
        "<meta property='og:site_name' content='Riverton Courier'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>Story {number}</h1>{paragraphs}</article>"
        "<footer>Subscribe to our newsletter</footer></body></html>"
    ).encode()


def serve(pages: dict[str, bytes]) -> str:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def rate(count: int, run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    count = parser.parse_args().pages
    call_command("migrate", verbosity=0)
    pages = {f"/story/{n}": page(n) for n in range(count)}
    base = serve(pages)
    urls = [base + path for path in pages]

    def extract_only() -> None:
        for body in pages.values():
            trafilatura.bare_extraction(body, with_metadata=True, include_links=True)

    def ingest_all() -> None:
        for url in urls:
            article = article_submit(url=url).article
            article_ingest(article_id=article.id)

    def plain_gets() -> None:
        for url in urls:
            requests.get(url, timeout=10).content  # noqa: B018

    def safe_fetches() -> None:
        for url in urls:
            fetch(url)

    extract_only()  # warm up lxml and trafilatura
    trafilatura_rate = rate(count, extract_only)
    ingest_rate = rate(count, ingest_all)
    assert Article.objects.filter(status="extracted").count() == count
    # Fetching is fast and noisy: alternate the two for several rounds, keep the medians.
    plain, safe = [], []
    for _ in range(ROUNDS):
        plain.append(rate(count, plain_gets))
        safe.append(rate(count, safe_fetches))
    plain_rate, safe_rate = statistics.median(plain), statistics.median(safe)
    print(f"pages: {count} local articles of {len(pages['/story/0']):,} bytes")
    print(f"trafilatura alone:     {trafilatura_rate:8.1f} pages/s    (baseline)")
    ratio = ingest_rate / trafilatura_rate
    print(f"whole ingest step:     {ingest_rate:8.1f} articles/s ratio {ratio:.2f}")
    print(f"RATIO\tingest: whole step / trafilatura alone\t{ratio:.2f}\t>= 0.5")
    print(f"plain requests.get:    {plain_rate:8.1f} fetches/s  (baseline, median of {ROUNDS})")
    print(
        f"safe fetch:            {safe_rate:8.1f} fetches/s  "
        f"ratio {safe_rate / plain_rate:.2f} (median of {ROUNDS})"
    )


if __name__ == "__main__":
    main()
