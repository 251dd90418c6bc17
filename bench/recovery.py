"""Faults against a real worker: how long work waits, and what is lost (issue 21).

usage: python bench/recovery.py ROOT SCENARIO
  ROOT      the checkout to run, with its own .venv (this one, or an older tree to compare)
  SCENARIO  postgres: 30 articles submitted, PostgreSQL stopped for BENCH_OUTAGE_SECONDS
                      (default 30) while the worker ingests and matches them; tasks
                      abandoned, and the time from the database's return to the first task
                      done and to every article proposed and every claim matched
            bigpage:  a 4.5 MB page of nested tags submitted by URL, then a page just under
                      the tag cap; how long each ingest try held a worker slot
            backlog:  50 pasted articles ingested (hundreds of matching tasks queued), then a
                      claim accepted; how long until its gathering's first fetch (polled
                      every 0.5 s)

It starts what it needs and stops it at the end: a PostgreSQL cluster of its own
(BENCH_PG_PORT, default 5499; never the shared one), a Redis of its own (BENCH_REDIS_PORT,
default 6395), a local HTTP server on 127.0.0.1, a worker of two processes consuming every
queue (the demo's topology) and beat. Run as root (the cluster runs as user postgres).
"""

import functools
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT, SCENARIO = Path(sys.argv[1]).resolve(), sys.argv[2]
PY = str(ROOT / ".venv" / "bin" / "python")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5499"))
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6395"))
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Folders the postgres user can enter: a cluster of its own, the worker's log and schedule.
PG_DIR = Path(tempfile.mkdtemp(prefix=f"bench-recovery-pg-{PG_PORT}-"))
WORK = Path(tempfile.mkdtemp(prefix=f"bench-recovery-{SCENARIO}-"))
SU, CREATEDB = shutil.which("su") or "su", shutil.which("createdb") or "createdb"
REDIS_SERVER, REDIS_CLI = shutil.which("redis-server") or "", shutil.which("redis-cli") or ""
OUTAGE = int(os.environ.get("BENCH_OUTAGE_SECONDS", "30"))
OLD = not (ROOT / "factcheck" / "limits.py").exists()
LABEL = "old code" if OLD else "new code"
SENTENCES = [
    "The council said on Monday that the Harbour Street bridge cost {n} million dollars.",
    "Unemployment in the region fell to {n} percent last year, the minister claimed.",
    "The hospital treated {n} thousand patients in 2023, twice as many as in 2019.",
    "Crime rose by {n} percent after the new law, according to the opposition leader.",
    "The city planted {n} thousand trees since 2020, the mayor told reporters.",
    "Average rents went up {n} percent in a single year, a housing charity said.",
]


def pg(action: str) -> None:
    """Start or stop the bench's own cluster (stop -m fast: connections are cut, as in a crash)."""
    command = f"{PG_BIN}/pg_ctl -D {PG_DIR}/data -w -l {PG_DIR}/log"
    options = f'-o "-p {PG_PORT} -k {PG_DIR}"'
    run = f"{command} {options} start" if action == "start" else f"{command} -m fast stop"
    subprocess.run([SU, "postgres", "-c", run], check=True, stdout=subprocess.DEVNULL)


def setup_services() -> None:
    shutil.chown(PG_DIR, "postgres")
    initdb = f"{PG_BIN}/initdb -D {PG_DIR}/data -A trust"
    subprocess.run([SU, "postgres", "-c", initdb], check=True, stdout=subprocess.DEVNULL)
    pg("start")
    subprocess.run(
        [CREATEDB, "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "bench"], check=True
    )
    redis = [
        REDIS_SERVER,
        "--port",
        str(REDIS_PORT),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "yes",
    ]
    subprocess.run(redis, check=True, stdout=subprocess.DEVNULL)


def teardown_services() -> None:
    subprocess.run(
        [REDIS_CLI, "-p", str(REDIS_PORT), "shutdown", "nosave"],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if (PG_DIR / "data" / "postmaster.pid").exists():
        pg("stop")
    shutil.rmtree(PG_DIR, ignore_errors=True)
    print(f"  the worker's log: {WORK / 'worker.log'}")


setup_services()
try:
    os.environ.update(
        SECRET_KEY="bench-only-" + "x" * 40,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG_PORT}/bench",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        FETCH_ALLOWED_HOSTS="127.0.0.1" if OLD else "127.0.0.1:*",
        EVIDENCE_PROVIDERS="links",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
    )
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
except BaseException:
    teardown_services()
    raise
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
import django  # noqa: E402

django.setup()
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from claims.models import Article, Claim  # noqa: E402

fetches: list[float] = []


def nested(blocks: int) -> bytes:
    """Blocks of 200 nested divs around a sentence (one deep nest, the parser would cut short)."""
    block = (
        b"<div>" * 200
        + b"<p>The bridge cost 212 million dollars, the council said.</p>"
        + b"</div>" * 200
    )
    return b"<html><body>" + block * blocks + b"</body></html>"


# 4.5 MB, as in the issue; and a page just under the new code's cap of 100,000 tags.
PAGES = {"/nested": nested(2_000), "/nested-under-cap": nested(246)}


class Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        fetches.append(time.monotonic())
        body = (
            PAGES[self.path]
            if self.path in PAGES
            else b"<html><body><article>"
            + b"<p>The council's final accounts say the Harbour Street bridge cost 212 million"
            + b" dollars, not 400 million.</p>" * 5
            + b"</article></body></html>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
threading.Thread(target=server.serve_forever, daemon=True).start()
BASE = f"http://127.0.0.1:{server.server_port}"
log_path = WORK / "worker.log"
log = log_path.open("w")
worker = subprocess.Popen(
    [PY, "-m", "celery", "-A", "factcheck", "worker", "--loglevel", "INFO", "--concurrency", "2"],
    cwd=ROOT,
    stdout=log,
    stderr=subprocess.STDOUT,
    start_new_session=True,
)
beat = subprocess.Popen(
    [PY, "-m", "celery", "-A", "factcheck", "beat", "--loglevel", "INFO", "-s", str(WORK / "beat")],
    cwd=ROOT,
    stdout=log,
    stderr=subprocess.STDOUT,
    start_new_session=True,
)


def wait(condition: Callable[[], bool], what: str, limit: float) -> float | None:
    """Seconds until the condition holds, or None if it still does not after limit seconds."""
    began = time.monotonic()
    while True:
        try:
            if condition():
                return time.monotonic() - began
        except Exception:  # the database may be down: keep asking
            connection.close()
        if time.monotonic() - began > limit:
            print(f"  gave up waiting for {what} after {limit:.0f} s", flush=True)
            return None
        time.sleep(0.5)


def articles(count: int) -> list[int]:
    from claims.ingestion.services import article_submit

    ids = []
    for i in range(count):
        text = " ".join(s.format(n=7 * i + j) for j, s in enumerate(SENTENCES * 3))
        ids.append(article_submit(text=f"Report {i}. {text}", title=f"Report {i}").article.id)
    return ids


def all_done(ids: list[int]) -> bool:
    unproposed = Article.objects.filter(id__in=ids, candidates_proposed_at__isnull=True).exists()
    unmatched = Claim.objects.filter(
        article_id__in=ids, matching__in=["not_started", "pending"]
    ).exists()
    return not unproposed and not unmatched


# Beat sends these again on schedule: a failed one is not work lost.
PERIODIC = re.compile(r"tasks\.(requeue_stuck_work|requeue_webhook_deliveries|poll_due_feeds)\[")


def log_lines(pattern: str) -> list[str]:
    return [line for line in log_path.read_text().splitlines() if re.search(pattern, line)]


def scenario_postgres() -> None:
    ids = articles(30)
    wait(
        lambda: Claim.objects.filter(article_id__in=ids, matching="done").exists(),
        "the first match",
        300,
    )
    connection.close()
    pg("stop")
    print(f"  PostgreSQL stopped {time.strftime('%H:%M:%S')}", flush=True)
    time.sleep(OUTAGE)
    pg("start")
    back, back_at = time.monotonic(), time.strftime("%Y-%m-%d %H:%M:%S")
    seconds = wait(lambda: all_done(ids), "every article proposed and every claim matched", 900)
    failed = log_lines(r"raised unexpected: (Operational|Interface|Database)Error")
    abandoned = [line for line in failed if not PERIODIC.search(line)]  # those run again
    retried = log_lines(r"Retry in")
    resumed = next((line[:19] for line in log_lines(r"succeeded in") if line[:19] >= back_at), "")
    stamp = "%Y-%m-%d %H:%M:%S"
    since = time.mktime(time.strptime(resumed or back_at, stamp)) - time.mktime(
        time.strptime(back_at, stamp)
    )
    left = Claim.objects.filter(article_id__in=ids, matching__in=["not_started", "pending"]).count()
    took = (
        f"{seconds:.0f} s" if seconds is not None else f"not within {time.monotonic() - back:.0f} s"
    )
    print(
        f"{LABEL}: {len(abandoned)} tasks abandoned on a database error "
        f"({len(failed) - len(abandoned)} "
        f"periodic sweeps failed, to run again), {len(retried)} retries; "
        f"all work done {took} after PostgreSQL came back, the first task done "
        f"{since:.0f} s after ({left} claims still unmatched)"
    )


def _ingested(article_id: int) -> bool:
    return Article.objects.get(id=article_id).status in ("extracted", "failed")


def scenario_bigpage() -> None:
    from claims.ingestion.services import article_submit

    for path, body in PAGES.items():
        log_path.write_text("")
        article_id = article_submit(url=f"{BASE}{path}").article.id
        began, fetched = time.monotonic(), len(fetches)
        wait(functools.partial(_ingested, article_id), "the ingest", 900)
        ran = log_lines(
            r"ingest_article\[.*\] (succeeded|raised|retry).* in [0-9.]+s|[Tt]ime limit"
        )
        tries = [
            round(float(m.group(1)), 1) for line in ran if (m := re.search(r" in ([0-9.]+)s", line))
        ]
        article = Article.objects.get(id=article_id)
        print(
            f"{LABEL}, {len(body) / 1e6:.2f} MB page ({body.count(b'<'):,} tags): "
            f"article {article.status} ({article.failure_reason[:80]!r}) "
            f"after {time.monotonic() - began:.1f} s, {len(fetches) - fetched} fetches; "
            f"ingest tries held a worker slot for {tries} s; "
            f"time limits hit: {[line for line in ran if 'imit' in line]}",
            flush=True,
        )


def scenario_backlog() -> None:
    ids = articles(50)
    wait(
        lambda: (
            Article.objects.filter(id__in=ids, candidates_proposed_at__isnull=False).count() >= 25
        ),
        "half the articles proposed",
        600,
    )
    candidates = Claim.objects.filter(article_id__in=ids).count()
    queued = sum(
        int(
            subprocess.run(
                [REDIS_CLI, "-p", str(REDIS_PORT), "llen", q], capture_output=True, text=True
            ).stdout
            or 0
        )
        for q in ("celery", "default", "bulk", "interactive")
    )
    from claims.evidence.gathering import gathering_start

    article = Article.objects.create(
        text="A post says the Harbour Street bridge cost 400 million dollars.",
        content_hash="accepted",
        status="extracted",
        links=[{"url": f"{BASE}/accounts", "text": "accounts"}],
    )
    claim = Claim.objects.create(
        article=article,
        text=article.text,
        status=Claim.Status.ACCEPTED,
        accepted_at=timezone.now(),
        checkworthiness=0.8,
    )
    gathering_start(claim=claim)
    seconds = wait(lambda: bool(fetches), "the gathering's first fetch", 900)
    left = Claim.objects.filter(article_id__in=ids, matching__in=["not_started", "pending"]).count()
    print(
        f"{LABEL}: {candidates} candidate claims so far, {queued} messages queued; "
        f"the accepted claim's "
        f"gathering fetched {seconds} s after acceptance, with {left} claims still to match"
    )
    waited = seconds if seconds is not None else float("inf")
    print(f"RATIO\trecovery: backlog, s to a new claim's first fetch\t{waited:.2f}\t<= 1")


SCENARIOS = {
    "postgres": scenario_postgres,
    "bigpage": scenario_bigpage,
    "backlog": scenario_backlog,
}
try:
    time.sleep(8)  # the worker is up
    SCENARIOS[SCENARIO]()
finally:
    for process in (beat, worker):
        process.send_signal(signal.SIGTERM)
    for process in (beat, worker):
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the worker and its pool processes
    server.shutdown()
    connection.close()
    teardown_services()
