"""A million-row newsroom on PostgreSQL: the admin's and the API's hot pages, each against a
bare view of the same rows, and a bounded load run through gunicorn.

It loads (with COPY) ROWS articles, ROWS published checks (claims, reviews, versions), ROWS
pieces of evidence, ROWS gathering runs of two provider jobs each, and a backlog of ROWS/10
newer claims (half of them new, half assigned, drafting or awaiting approval), one claim
event and one review event each, into the empty PostgreSQL database BENCH_DATABASE_URL
names (the newest ROWS/1000 articles and runs wait to be proposed and gathered); then

1. times each hot page through Django's test client (the whole WSGI handler and middleware)
   against a bare view that reads the same rows with one `.values()` query into
   `JsonResponse`, interleaved rounds, medians, in wall-clock and this process's CPU time;
2. times the archive search (`search_archive`, the gathering's local provider) over the
   ROWS articles;
3. times the periodic sweep (`stuck_work_requeue`, every 5 s under beat) with a backlog of
   ROWS/1000 articles waiting to be proposed and as many provider jobs queued, against the
   same sweep with its partial indexes dropped (inside a transaction rolled back);
4. starts gunicorn (2 sync workers) on that database and sends a fixed number of requests
   from N concurrent clients over the public list, the queue API and the public index,
   reporting throughput, p95 latency and errors.

    createdb factcheck_scale
    BENCH_DATABASE_URL=postgres://USER@HOST/factcheck_scale \\
        .venv/bin/python bench/scale.py [--rows 1000000] [--requests 50] [--clients 8]
        [--load-requests 2000] [--reuse]

`--reuse` measures a database an earlier run loaded (same --rows), without loading again.
"""

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

from throwaway import ROOT, rate, start_django

if "BENCH_DATABASE_URL" not in os.environ:
    sys.exit("bench/scale.py needs BENCH_DATABASE_URL: an empty PostgreSQL database.")
start_django(PUBLIC_API_RATE="100000000/minute", ALLOWED_HOSTS="testserver,127.0.0.1")

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from claims.evidence.sources.archive import search_archive  # noqa: E402
from claims.models import (  # noqa: E402
    Article,
    Claim,
    ClaimEvent,
    Evidence,
    GatheringRun,
    ProviderJob,
)
from claims.sweep import stuck_work_requeue  # noqa: E402
from reviewers.models import PublishedCheck, Rating, Review, ReviewEvent  # noqa: E402
from reviewers.publishing.api import LIST_FIELDS  # noqa: E402
from reviewers.publishing.index import PAGE_SIZE as INDEX_PAGE_SIZE  # noqa: E402
from reviewers.publishing.search import matching  # noqa: E402
from reviewers.queue import QueueFilters, review_queue  # noqa: E402
from reviewers.queue_statement import ITEM_COLUMNS  # noqa: E402

STEP = timedelta(seconds=50)  # between two claims: about 1.1 million over two years
SEARCH = "bridge council budget"  # a reader's words, and the gathering's terms
WORDS = (
    "bridge council budget mayor river school hospital tax road election minister police "
    "water energy price housing transport court report study vaccine climate flood farm "
    "bank wage pension migrant border trade factory port rail airport museum park library "
    "fire storm drought harvest market loan debt deficit grant contract audit inquiry"
).split()
State = Review.State
OPEN = [State.ASSIGNED, State.DRAFTING, State.AWAITING_APPROVAL]


# --- loading -------------------------------------------------------------------------------


def copy(model: type[models.Model], varying: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY rows into a model's table: `varying` columns from each row, every other column
    the model's default (as `Model()` would save it)."""
    pk = model._meta.pk
    fields = [
        f for f in model._meta.concrete_fields
        if not f.generated and (f is not pk or pk.name in varying or "id" in varying)
    ]  # fmt: skip
    prototype = model()
    defaults = [f.get_db_prep_save(f.pre_save(prototype, True), connection) for f in fields]
    names = [f.column for f in fields]
    where = [names.index(_column(model, name)) for name in varying]
    count = 0
    table = model._meta.db_table
    with connection.cursor() as cursor, _indexes_set_aside(cursor, table):
        columns = ", ".join(f'"{name}"' for name in names)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as pipe:
            for values in rows:
                row = list(defaults)
                for index, value in zip(where, values, strict=True):
                    row[index] = value
                pipe.write_row(row)
                count += 1
    return count


@contextmanager
def _indexes_set_aside(cursor: Any, table: str) -> Iterator[None]:
    """Drop a table's indexes (those no constraint needs) and build them again after: one
    build of a million rows is several times faster than a million insertions."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint WHERE conindid <> 0)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for _name, definition in indexes:
        cursor.execute(definition)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


def text_of(n: int) -> str:
    """About 60 words, a few of which (WORDS) recur across articles as words of news do."""
    picks = [WORDS[(n * k * 7919 + k) % len(WORDS)] for k in range(1, 9)]
    return (
        f"Article {n} reports on the {picks[0]} and the {picks[1]}. Officials said the "
        f"{picks[2]} would cost {n % 900 + 100} million, while critics of the {picks[3]} "
        f"disputed the figures for the {picks[4]}. A spokesperson declined to comment on the "
        f"{picks[5]} or the {picks[6]}, saying a report on the {picks[7]} was due next month."
    )


def load(rows: int) -> None:
    global START
    reviewer, chief, rating = _cast()
    backlog = rows // 10
    claims = rows + backlog
    START = datetime.now(UTC) - claims * STEP - timedelta(days=4)
    began = time.perf_counter()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    _timed("articles", lambda: copy(Article, _article_fields(), _articles(rows)))
    _timed("claims", lambda: copy(Claim, _claim_fields(), _claims(claims, rows)))
    _timed(
        "reviews",
        lambda: copy(Review, _review_fields(), _reviews(rows, backlog, reviewer, chief, rating)),
    )
    _timed("published checks", lambda: copy(PublishedCheck, _check_fields(), _checks(rows, rating)))
    _timed("evidence", lambda: copy(Evidence, _evidence_fields(), _evidence(rows)))
    _timed("gathering runs", lambda: copy(GatheringRun, _run_fields(), _runs(rows)))
    _timed("provider jobs", lambda: copy(ProviderJob, _job_fields(), _jobs(rows)))
    _timed(
        "claim events",
        lambda: copy(
            ClaimEvent,
            ["claim", "actor", "action", "from_status", "to_status", "created_at"],
            (
                (n, chief.id, "accept", "candidate", "accepted", _when(n))
                for n in range(1, claims + 1)
            ),
        ),
    )
    _timed(
        "review events",
        lambda: copy(
            ReviewEvent,
            ["review", "actor", "from_state", "to_state", "created_at"],
            _review_events(rows, backlog, reviewer, chief),
        ),
    )
    models_loaded = [Article, Claim, Review, PublishedCheck, Evidence, GatheringRun, ProviderJob,
                     ClaimEvent, ReviewEvent]  # fmt: skip
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_loaded):
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    call_command("rebuild_review_counts", stdout=StringIO())
    print(f"loaded in {time.perf_counter() - began:.0f} s")


def _timed(what: str, step: Callable[[], int]) -> None:
    began = time.perf_counter()
    count = step()
    seconds = time.perf_counter() - began
    print(f"  {what:18} {count:>9,} rows in {seconds:6.1f} s ({count / seconds:,.0f} rows/s)")


def _cast() -> tuple[User, User, Rating]:
    reviewer = User.objects.create_user("bench-reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewer"))
    chief = User.objects.create_user("bench-chief", is_staff=True)
    chief.groups.add(Group.objects.get(name="Chief editor"))
    return reviewer, chief, Rating.objects.get(label="False")


def _when(n: int) -> datetime:
    """When the n-th claim was accepted: the newest (the backlog) a few days ago."""
    return START + n * STEP


START = datetime.now(UTC)  # set by `load` so that the newest claims are recent


def _article_fields() -> list[str]:
    return ["id", "url", "title", "text", "content_hash", "status", "language", "published_at",
            "candidates_proposed_at"]  # fmt: skip


def _articles(rows: int) -> Iterator[tuple[Any, ...]]:
    proposed = _settled(rows)  # the newest wait to be proposed, as after a bulk import
    for n in range(1, rows + 1):
        yield (n, f"https://news.example/{n}", f"Article {n}", text_of(n), f"{n:064x}",
               Article.Status.EXTRACTED, "en", _when(n),
               _when(n) if n <= proposed else None)  # fmt: skip


def _settled(rows: int) -> int:
    """The articles and runs up to this number are done; the newest ROWS/1000 wait."""
    return rows - rows // 1000


def _run_fields() -> list[str]:
    return ["id", "claim", "state", "providers_total", "providers_done", "started_at",
            "finished_at"]  # fmt: skip


def _runs(rows: int) -> Iterator[tuple[Any, ...]]:
    for n in range(1, rows + 1):
        yield (n, n, GatheringRun.State.DONE, 2, 2, _when(n), _when(n))


def _job_fields() -> list[str]:
    return ["run", "provider", "status", "attempts", "evidence_found", "changed_at"]


def _jobs(rows: int) -> Iterator[tuple[Any, ...]]:
    for n in range(1, rows + 1):  # the newest runs' jobs wait in the queue
        status = ProviderJob.Status.DONE if n <= _settled(rows) else ProviderJob.Status.QUEUED
        for provider in ("archive", "links"):
            yield (n, provider, status, 1, 1, _when(n))


def _claim_fields() -> list[str]:
    return ["id", "article", "text", "claimant", "checkworthiness", "status", "accepted_at",
            "span_start", "span_end"]  # fmt: skip


def _claims(claims: int, rows: int) -> Iterator[tuple[Any, ...]]:
    for n in range(1, claims + 1):
        article = (n - 1) % rows + 1
        span = 0 if n <= rows else 1  # the backlog's claims are second claims of articles
        yield (n, article, f"The {WORDS[n % len(WORDS)]} number {n} cost {n % 900 + 100} million.",
               "The mayor" if n % 10 == 0 else "A viral post", (n * 7919 % 1000) / 1000,
               Claim.Status.ACCEPTED, _when(n), span * 10, span * 10 + 5)  # fmt: skip


def _review_fields() -> list[str]:
    return ["id", "claim", "state", "assignee", "author", "approved_by", "rating", "headline",
            "justification", "accepted_at"]  # fmt: skip


def _reviews(
    rows: int, backlog: int, reviewer: User, chief: User, rating: Rating
) -> Iterator[tuple[Any, ...]]:
    for n in range(1, rows + 1):
        yield (n, n, State.PUBLISHED, reviewer.id, reviewer.id, chief.id, rating.id,
               f"Verdict {n}", "The council's accounts say otherwise.", _when(n))  # fmt: skip
    for n in range(rows + 1, rows + backlog + 1, 2):  # every other backlog claim is new
        state = OPEN[n % len(OPEN)]
        verdict = state == State.AWAITING_APPROVAL
        yield (n, n, state, reviewer.id, reviewer.id, None, rating.id if verdict else None,
               f"Verdict {n}" if verdict else "", "The accounts." if verdict else "",
               _when(n))  # fmt: skip


def _check_fields() -> list[str]:
    return ["review", "version", "published_at", "modified_at", "claim_text", "claimant",
            "language", "rating_label", "rating_value", "headline", "justification",
            "claim_review"]  # fmt: skip


def _checks(rows: int, rating: Rating) -> Iterator[tuple[Any, ...]]:
    for n in range(1, rows + 1):
        at = _when(n) + timedelta(days=3)
        text = f"The {WORDS[n % len(WORDS)]} number {n} cost {n % 900 + 100} million."
        review = {"@type": "ClaimReview", "claimReviewed": text, "reviewRating": rating.label}
        yield (n, 1, at, at, text, "The mayor" if n % 10 == 0 else "A viral post", "en",
               rating.label, rating.value, f"Verdict {n}: the {WORDS[(n * 3) % len(WORDS)]}",
               "The council's accounts say otherwise.", Jsonb(review))  # fmt: skip


def _evidence_fields() -> list[str]:
    return ["claim", "source", "provider", "passage", "rank", "relevance", "snapshot_hash",
            "retrieved_at"]  # fmt: skip


def _evidence(rows: int) -> Iterator[tuple[Any, ...]]:
    for n in range(1, rows + 1):
        source = n % rows + 1
        yield (n, source, "archive", text_of(source)[:200], 1, 0.5, f"{source:064x}",
               _when(n))  # fmt: skip


def _review_events(
    rows: int, backlog: int, reviewer: User, chief: User
) -> Iterator[tuple[Any, ...]]:
    for n in range(1, rows + 1):
        yield (n, chief.id, State.APPROVED, State.PUBLISHED, _when(n) + timedelta(days=3))
    for n in range(rows + 1, rows + backlog + 1, 2):
        yield (n, reviewer.id, State.NEW, OPEN[n % len(OPEN)], _when(n) + timedelta(hours=1))


# --- the pages and their bare views --------------------------------------------------------


def bare_queue(request: HttpRequest) -> JsonResponse:
    """The queue's 50 rows and columns, with the same joins, condition and order, one
    `.values()`."""
    claims = review_queue(user=request.user, filters=QueueFilters())  # type: ignore[arg-type]
    return JsonResponse({"results": list(claims.values(*ITEM_COLUMNS)[:50])})


def bare_claims(request: HttpRequest) -> JsonResponse:
    """The claim list's first 100 rows (the admin's page), one `.values()`."""
    rows = Claim.objects.order_by("-id").values(
        "id", "text", "claimant", "status", "checkworthiness", article_title=F("article__title")
    )
    return JsonResponse({"results": list(rows[:100])})


def bare_checks(request: HttpRequest) -> JsonResponse:
    rows = PublishedCheck.objects.public().order_by("-modified_at", "-id")
    return JsonResponse({"results": list(rows.values(*LIST_FIELDS)[:50])})


def bare_index(request: HttpRequest) -> JsonResponse:
    rows = PublishedCheck.objects.public().order_by("-modified_at", "-id")
    return JsonResponse({"results": list(rows.values(*LIST_FIELDS)[:INDEX_PAGE_SIZE])})


def bare_search(request: HttpRequest) -> JsonResponse:
    rows = matching(PublishedCheck.objects.public(), SEARCH).order_by("-modified_at", "-id")
    return JsonResponse({"results": list(rows.values(*LIST_FIELDS)[:INDEX_PAGE_SIZE])})


def bare_analytics(request: HttpRequest) -> JsonResponse:
    """The twelve weeks' review events counted by state (as bench/analytics.py)."""
    since = ReviewEvent.objects.order_by("-created_at").values_list("created_at", flat=True)[0]
    events = ReviewEvent.objects.filter(created_at__gte=since - timedelta(weeks=12))
    rows = events.values("to_state").annotate(n=Count("id")).order_by()
    return JsonResponse({"results": list(rows)})


urlpatterns = [
    path("bare/queue/", bare_queue),
    path("bare/claims/", bare_claims),
    path("bare/checks/", bare_checks),
    path("bare/index/", bare_index),
    path("bare/search/", bare_search),
    path("bare/analytics/", bare_analytics),
    path("", include("factcheck.urls")),
]

# page name: (who asks, its URL, its bare view's URL, the target ratio in CPU time)
PAGES: dict[str, tuple[str, str, str, float | None]] = {
    "admin review queue": ("reviewer", "/admin/reviewers/review/", "/bare/queue/", 0.5),
    "API review queue": ("reviewer", "/api/v1/reviews/queue/", "/bare/queue/", 0.5),
    "admin claim list": ("chief", "/admin/claims/claim/", "/bare/claims/", None),
    "API public list": ("anonymous", "/api/v1/checks/", "/bare/checks/", 0.85),
    "public index": ("anonymous", "/checks/", "/bare/index/", None),
    "public index search": ("anonymous", f"/checks/?q={SEARCH}", "/bare/search/", None),
    "admin analytics": ("chief", "/admin/analytics/", "/bare/analytics/", None),
    "admin home": ("chief", "/admin/", "/bare/queue/", None),
}


# Pages that take seconds at a million rows: a tenth of the requests.
SLOW_PAGES = {"admin claim list", "admin analytics"}


def measure_pages(requests: int, rounds: int) -> None:
    clients = {"anonymous": Client()}
    for name in ("reviewer", "chief"):
        clients[name] = Client()
        clients[name].force_login(User.objects.get(username=f"bench-{name}"))
    results: dict[str, list[tuple[float, float]]] = {}
    for _ in range(rounds):  # interleaved, so that all see the same machine
        for name, (who, url, bare, _target) in PAGES.items():
            client = clients[who]
            base_client = clients["reviewer"] if who == "anonymous" else client
            times = max(2, requests // 10) if name in SLOW_PAGES else requests
            results.setdefault(name, []).append(rate(client, url, times))
            results.setdefault(f"{name} (bare)", []).append(rate(base_client, bare, times))
    print(f"\n{'page':22} {'req/s':>8} {'bare':>8} {'ratio':>6} {'CPU ratio':>9}")
    for name, (_who, _url, _bare, target) in PAGES.items():
        wall = statistics.median(r[0] for r in results[name])
        bare_wall = statistics.median(r[0] for r in results[f"{name} (bare)"])
        cpu = statistics.median(r[1] for r in results[name])
        bare_cpu = statistics.median(r[1] for r in results[f"{name} (bare)"])
        print(
            f"{name:22} {wall:8.1f} {bare_wall:8.1f} {wall / bare_wall:6.2f} {cpu / bare_cpu:9.2f}"
        )
        ratio_line(
            f"{name}: CPU time vs bare view", cpu / bare_cpu, f">= {target}" if target else "-"
        )


def measure_archive_search(repeats: int = 20) -> None:
    """The gathering's archive search: a claim's terms, and three words each in about one
    article in seven (the worst case: all of them common)."""
    for label, terms in (
        ("a claim's terms", ["bridge", "4242", "542", "million"]),
        ("three common words", SEARCH.split()),
    ):
        search_archive(terms, exclude_article_id=1, limit=20)  # warm the cache, as a worker is
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            hits = search_archive(terms, exclude_article_id=1, limit=20)
            times.append((time.perf_counter() - began) * 1000)
        median = statistics.median(times)
        print(
            f"archive search, {label} ({' '.join(terms)}): {len(hits)} hits, median "
            f"{median:.1f} ms, max {max(times):.1f} ms"
        )
        ratio_line(f"archive search, {label}, ms", median, "<= 100")


SWEEP_INDEXES = (
    "article_in_flight_idx",
    "article_unproposed_idx",
    "providerjob_running_idx",
    "providerjob_queued_idx",
)


def measure_sweep(repeats: int = 20) -> None:
    """The periodic sweep, every 5 s under beat, over the loaded newsroom with its backlog
    waiting (just sent: nothing is due), against the same sweep with its partial indexes
    dropped, as it ran before they existed. Every sweep runs in a transaction rolled back,
    so none changes anything or sends a message."""
    with transaction.atomic():  # the backlog's messages were just sent
        now = datetime.now(UTC)
        Article.objects.filter(candidates_proposed_at=None).update(status_changed_at=now)
        ProviderJob.objects.filter(status=ProviderJob.Status.QUEUED).update(changed_at=now)
    with_indexes = _sweep_times(repeats)
    with transaction.atomic():
        with connection.cursor() as cursor:
            for index in SWEEP_INDEXES:
                cursor.execute(f'DROP INDEX "{index}"')
        without = _sweep_times(repeats)
        transaction.set_rollback(True)
    for label, (wall, cpu) in (("with", with_indexes), ("without", without)):
        print(f"sweep {label} its partial indexes: median {wall:.1f} ms ({cpu:.1f} ms CPU)")
    ratio_line("sweep, ms", with_indexes[0], "well under the 5 s between sweeps")
    ratio_line("sweep without its partial indexes / with", without[0] / with_indexes[0], "> 1")


def _sweep_times(repeats: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeats):
        with transaction.atomic():
            began, began_cpu = time.perf_counter(), time.process_time()
            requeued = stuck_work_requeue()
            walls.append((time.perf_counter() - began) * 1000)
            cpus.append((time.process_time() - began_cpu) * 1000)
            transaction.set_rollback(True)
        assert requeued == 0, f"the sweep sent {requeued} messages: the bench expects none due"
    return statistics.median(walls), statistics.median(cpus)


# --- the load run --------------------------------------------------------------------------


def load_run(clients: int, requests: int) -> None:
    port = _free_port()
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="bench-reviewer"))
    session = reviewer.cookies["sessionid"].value
    gunicorn = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "factcheck.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1"},
    )
    try:
        _wait_for(port)
        urls = [("/api/v1/checks/", None), ("/checks/", None), ("/api/v1/reviews/queue/", session)]
        took, errors = _hammer(port, urls, clients, requests)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    seconds = sum(took) / clients if took else 0
    p95 = statistics.quantiles(took, n=20)[18] * 1000 if len(took) > 1 else 0
    print(f"\nload run: gunicorn, 2 workers, {clients} clients, {requests} requests over "
          f"{', '.join(u for u, _ in urls)}")  # fmt: skip
    print(f"  throughput {len(took) / seconds:.1f} requests/s, p95 {p95:.0f} ms, errors {errors}")
    ratio_line("load run: errors", errors, "= 0")


def _hammer(
    port: int, urls: list[tuple[str, str | None]], clients: int, requests: int
) -> tuple[list[float], int]:
    def one(number: int) -> float | None:
        url, session = urls[number % len(urls)]
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        began = time.perf_counter()
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            ok = False
        finally:
            conn.close()
        return time.perf_counter() - began if ok else None

    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(one, range(requests)))
    took = [a for a in answers if a is not None]
    return took, len(answers) - len(took)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def ratio_line(measure: str, value: float, target: str) -> None:
    print(f"RATIO\tscale: {measure}\t{value:.2f}\t{target}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--load-requests", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's data")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not args.reuse:
        load(args.rows)
    print(f"{Article.objects.count():,} articles, {Claim.objects.count():,} claims, "
          f"{PublishedCheck.objects.count():,} published checks")  # fmt: skip
    with override_settings(ROOT_URLCONF=sys.modules[__name__]):
        measure_pages(args.requests, args.rounds)
    measure_archive_search()
    measure_sweep()
    load_run(args.clients, args.load_requests)


if __name__ == "__main__":
    main()
