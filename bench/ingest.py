"""Ingestion speed, as ratios to baselines measured in the same run.

1. Articles per second of the whole ingest step (submit, safe fetch over HTTP, extraction,
   snapshot, store) against trafilatura alone on the same bytes, in wall-clock time and in
   this process's CPU time (the pages are served by another process, so its CPU is the
   ingest's own: on a busy machine the wall clock also counts other processes' turns).
2. The cost of a safe fetch against a plain `requests.get` of the same local page.

Runs on a throw-away SQLite database (or the empty database in BENCH_DATABASE_URL) and a
local HTTP server; nothing leaves the machine. `--stored N` first fills the archive with N
articles, as a newsroom's would be: each ingest looks its URL and text up among them.

    .venv/bin/python bench/ingest.py [--pages 200] [--stored 0]
"""

import argparse
import multiprocessing
import statistics
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
from claims.ingestion.pages import content_hash  # noqa: E402
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
    """Serve the pages from a child process (its CPU is not the ingest's); return its URL."""
    ready: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.get_context("fork").Process(
        target=_serve_forever, args=(pages, ready), daemon=True
    )
    server.start()
    return f"http://127.0.0.1:{ready.get(timeout=30)}"


def _serve_forever(pages: dict[str, bytes], ready: "multiprocessing.Queue[int]") -> None:
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
    ready.put(server.server_port)
    server.serve_forever()


def rate(count: int, run: Callable[[], None]) -> tuple[float, float]:
    """Items per second of wall-clock time and per second of this process's CPU time."""
    started, started_cpu = time.perf_counter(), time.process_time()
    run()
    return count / (time.perf_counter() - started), count / (time.process_time() - started_cpu)


def fill_archive(count: int) -> None:
    """Store `count` extracted articles, each with its own URL and text."""
    batch = []
    for number in range(count):
        text = f"Archived story {number}. " + "The council met again on Tuesday. " * 20
        batch.append(
            Article(
                url=f"https://archive.example/{number}",
                text=text,
                content_hash=content_hash(text),
                status=Article.Status.EXTRACTED,
                proposes_claims=False,
            )
        )
        if len(batch) == 5000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--stored", type=int, default=0)
    options = parser.parse_args()
    count = options.pages
    call_command("migrate", verbosity=0)
    fill_archive(options.stored)
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
    trafilatura_rate, trafilatura_cpu = rate(count, extract_only)
    ingest_rate, ingest_cpu = rate(count, ingest_all)
    assert Article.objects.filter(status="extracted").count() == count + options.stored
    # Fetching is fast and noisy: alternate the two for several rounds, keep the medians.
    plain, safe = [], []
    for _ in range(ROUNDS):
        plain.append(rate(count, plain_gets)[0])
        safe.append(rate(count, safe_fetches)[0])
    plain_rate, safe_rate = statistics.median(plain), statistics.median(safe)
    print(f"pages: {count} local articles of {len(pages['/story/0']):,} bytes")
    print(f"archive: {options.stored:,} articles stored before")
    print(
        f"trafilatura alone:     {trafilatura_rate:8.1f} pages/s    "
        f"({trafilatura_cpu:.1f} per CPU-second; baseline)"
    )
    ratio, cpu_ratio = ingest_rate / trafilatura_rate, ingest_cpu / trafilatura_cpu
    print(
        f"whole ingest step:     {ingest_rate:8.1f} articles/s ratio {ratio:.2f} "
        f"({ingest_cpu:.1f} per CPU-second: ratio {cpu_ratio:.2f})"
    )
    print(f"RATIO\tingest: whole step / trafilatura alone\t{ratio:.2f}\t>= 0.5")
    print(f"RATIO\tingest: whole step / trafilatura alone, CPU time\t{cpu_ratio:.2f}\t>= 0.5")
    print(f"plain requests.get:    {plain_rate:8.1f} fetches/s  (baseline, median of {ROUNDS})")
    print(
        f"safe fetch:            {safe_rate:8.1f} fetches/s  "
        f"ratio {safe_rate / plain_rate:.2f} (median of {ROUNDS})"
    )


if __name__ == "__main__":
    main()
