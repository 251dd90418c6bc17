"""Evidence gathering speed, as ratios to baselines measured in the same run.

1. Wall time to gather evidence for one claim whose article cites 10 sources, each on its
   own host and each answering after 300 ms, through a real Celery worker process (from
   accepting the claim to the run being done), against the slowest single source fetched
   alone. Parallel gathering should be close to 1×; fetching one after the other, 10×.
2. Archive search latency at 100,000 stored articles, against the same search at 1,000.

Runs on a throw-away SQLite database (or the empty database in BENCH_DATABASE_URL), the
filesystem broker and local HTTP servers on 127.0.0.1–127.0.0.10; nothing leaves the machine.

    .venv/bin/python bench/gathering.py [--articles 100000]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from throwaway import ROOT, start_django

HOSTS = [f"127.0.0.{number}" for number in range(1, 11)]
DELAY = 0.3
start_django(
    FETCH_ALLOWED_HOSTS=",".join(f"{host}:*" for host in HOSTS), EVIDENCE_PROVIDERS="archive,links"
)

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from claims.evidence.gathering import gathering_start  # noqa: E402
from claims.evidence.services import EVIDENCE_PER_PROVIDER  # noqa: E402
from claims.evidence.sources.archive import search_archive  # noqa: E402
from claims.ingestion.fetching import fetch  # noqa: E402
from claims.ingestion.pages import content_hash  # noqa: E402
from claims.models import Article, Claim, GatheringRun  # noqa: E402

CLAIM = "The Harbour Street bridge in Riverton cost taxpayers 400 million dollars."
SOURCE = (
    "<html lang='en'><head><title>Source {n}</title>"
    "<meta property='og:site_name' content='Outlet {n}'></head><body><article>"
    "<h1>Bridge accounts, source {n}</h1><p>The City of Riverton says the Harbour Street "
    "bridge cost 212 million dollars, not 400 million dollars as a viral post claims.</p>"
    "<p>Source {n} reviewed the council's published accounts for 2022 to 2026.</p>"
    "</article></body></html>"
)


def serve(host: str, number: int) -> str:
    body = SOURCE.format(n=number).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(DELAY)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://{host}:{server.server_port}/story"


def accepted_claim(links: list[str], number: int) -> Claim:
    """A claim whose article cites `links`, made new for this round so that none of them
    is stored yet and every one is fetched."""
    text = f"{CLAIM} (case {number})"
    article = Article.objects.create(
        text=text, content_hash=content_hash(text), status=Article.Status.EXTRACTED,
        links=[{"url": f"{url}?case={number}", "text": "bridge accounts"} for url in links],
    )  # fmt: skip
    return Claim.objects.create(
        article=article, text=CLAIM, status=Claim.Status.ACCEPTED, accepted_at=timezone.now()
    )


def gather_seconds(claim: Claim, worker: int) -> tuple[float, float]:
    """From starting the run (its jobs go to the worker) to the run being done, in seconds
    of wall-clock time, and the CPU time it took: starting it here, and the worker's.

    Each run starts once the hosts' politeness interval since the last has passed: a run
    shorter than it would otherwise wait for its hosts' turns, and measure the interval."""
    time.sleep(settings.FETCH_HOST_INTERVAL_SECONDS)
    worker_before = worker_cpu(worker)
    started, started_cpu = time.monotonic(), time.process_time()
    run = gathering_start(claim=claim)
    cpu = time.process_time() - started_cpu
    while GatheringRun.objects.get(id=run.id).state == GatheringRun.State.RUNNING:
        time.sleep(0.01)
        if time.monotonic() - started > 60:
            raise SystemExit("The worker did not finish the run in 60 s.")
    return time.monotonic() - started, cpu + worker_cpu(worker) - worker_before


def worker_cpu(pid: int) -> float:
    """CPU seconds used so far by the worker and its pool's processes (from Linux's /proc;
    0 elsewhere, where the CPU figures are not printed)."""
    proc = Path("/proc")
    try:
        children = (proc / str(pid) / "task" / str(pid) / "children").read_text().split()
        ticks = 0
        for each in [str(pid), *children]:
            fields = (proc / each / "stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime
    except OSError:
        return 0.0
    return ticks / os.sysconf("SC_CLK_TCK")


def bench_gathering(urls: list[str], rounds: int) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "--quiet", "-A", "factcheck", "worker",
         "--loglevel", "WARNING", "--concurrency", "2", "--without-heartbeat"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for warm_up in range(2):  # the worker is up, and both its processes hold the model
            gather_seconds(accepted_claim(urls, warm_up), worker.pid)
        single = min(_timed(lambda url=url: fetch(url)) for url in urls for _ in range(2))
        one = [gather_seconds(accepted_claim(urls[:1], 100 + r), worker.pid) for r in range(rounds)]
        ten = [gather_seconds(accepted_claim(urls, 200 + r), worker.pid) for r in range(rounds)]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    last = Claim.objects.latest("id")
    kept = last.evidence.filter(provider="links").count()
    assert kept == EVIDENCE_PER_PROVIDER, f"only {kept} pieces of evidence"
    one_wall, ten_wall = (statistics.median(wall for wall, _ in runs) for runs in (one, ten))
    print(f"slowest single source fetched alone: {single * 1000:.0f} ms")
    print(f"gathering from 1 source (worker, median of {rounds}): {one_wall:.2f} s")
    print(f"gathering from 10 sources (worker, median of {rounds}): {ten_wall:.2f} s")
    print(f"  ratio to the slowest single source: {ten_wall / single:.2f}×")
    print(f"  ratio to gathering from 1 source:   {ten_wall / one_wall:.2f}×")
    if any(cpu for _, cpu in one + ten):
        one_cpu, ten_cpu = (statistics.median(cpu for _, cpu in runs) for runs in (one, ten))
        print(
            f"CPU time of a run (starting it, and the worker's): 1 source {one_cpu:.2f} s, ", end=""
        )
        print(f"10 sources {ten_cpu:.2f} s (medians of {rounds})")
    broker = "Redis" if os.environ.get("REDIS_URL") else "filesystem broker"
    ratio = ten_wall / single
    print(f"RATIO\tgathering: 10 sources / slowest source ({broker})\t{ratio:.2f}\t<= 1.3")


def _timed(action: Any) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


TERMS = ["harbour", "street", "bridge", "cost", "taxpayers", "400", "million", "dollars"]


def search() -> None:
    search_archive(TERMS, exclude_article_id=0, limit=20)


def bench_search(total: int) -> None:
    words = [f"w{index:05d}" for index in range(20000)]
    common = "bridge council budget steel river accounts city harbour street million".split()
    rng = random.Random(5)
    timings = {}
    stored = Article.objects.count()
    for size in (1000, total):
        batch = []
        for number in range(stored, size):
            text = " ".join(
                rng.choice(words if rng.random() < 0.995 else common) for _ in range(80)
            )
            batch.append(Article(text=text, content_hash=f"{number:064d}", status="extracted"))
            if len(batch) == 5000:
                Article.objects.bulk_create(batch)
                batch = []
        Article.objects.bulk_create(batch)
        stored = size
        search()  # warm the cache
        timings[size] = statistics.median(_timed(search) for _ in range(20))
        print(f"archive search at {size:,} articles: {timings[size] * 1000:.1f} ms (median of 20)")
    print(f"  ratio {total:,} / 1,000 articles: {timings[total] / timings[1000]:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    User.objects.get_or_create(username="bench")
    urls = [serve(host, number) for number, host in enumerate(HOSTS, start=1)]
    bench_gathering(urls, options.rounds)
    bench_search(options.articles)


if __name__ == "__main__":
    main()
