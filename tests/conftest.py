"""The cast of every test: an editor, two reviewers, a chief editor, an admin, an outsider,
anonymous clients,
a local web server for anything fetched, and a real Celery worker process."""

import itertools
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from kombu.exceptions import ChannelError
from rest_framework.test import APIClient

from claims.extraction.services import claim_accept
from claims.ingestion.pages import content_hash
from claims.models import Article, Claim, Evidence
from factcheck.celery import app as celery_app
from factcheck.shared_data import SEED_ARTICLE, SharedDataMissing, shared_path


def shared_file(relative: str) -> Path:
    """The path of `relative` in ../shared, beside the repository (factcheck/shared_data.py).
    A test that reads it and does not find it fails, saying where it must be and why: never
    skipped, so that no run passes without it."""
    try:
        return shared_path(relative)
    except SharedDataMissing as error:
        missing = str(error)
    pytest.fail(missing, pytrace=False)  # outside the except: the message once, unchained


def seed_article() -> str:
    """The seed article's text, as it was published (../shared/seeds)."""
    return shared_file(SEED_ARTICLE).read_text()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash the cast's passwords with a fast hasher: the production hasher's deliberate
    slowness (about 0.4 s a user here) made the permission matrix take minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_match_index_snapshot(settings: Any) -> None:
    """Keep no worker's match index on disk unless a test asks for it: ./var may hold the
    demo's (claims/matching/snapshot.py)."""
    settings.MATCH_INDEX_SNAPSHOT = ""


@pytest.fixture(autouse=True)
def _a_cache_of_its_own(settings: Any) -> None:
    """Start each test with nothing cached (no request counted by a throttle) by giving it a
    key prefix of its own. Under CI the cache is Redis, shared with the broker (and with
    other runs), so it is never flushed; what a test leaves expires with its throttle."""
    cache = settings.CACHES["default"]
    settings.CACHES = {
        **settings.CACHES,
        "default": {**cache, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }


def _user(username: str, *groups: str) -> User:
    user = User.objects.create_user(username, password="pw-" + username, is_staff=bool(groups))
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def editor(db: None) -> User:
    return _user("editor", "Editor")


@pytest.fixture
def reviewer(db: None) -> User:
    return _user("reviewer", "Reviewer")


@pytest.fixture
def second_reviewer(db: None) -> User:
    return _user("second_reviewer", "Reviewer")


@pytest.fixture
def chief_editor(db: None) -> User:
    return _user("chief_editor", "Chief editor")


@pytest.fixture
def site_admin(db: None) -> User:
    """A member of the Admin role (every permission), not a superuser."""
    return _user("site_admin", "Admin")


@pytest.fixture
def outsider(db: None) -> User:
    return _user("outsider")


@pytest.fixture
def client_for() -> Callable[[User | None], APIClient]:
    """An API client logged in as the given user (None: anonymous)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


# A local web server. Tests register pages by path; anything fetched goes here.


@dataclass
class Page:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})


@dataclass
class LocalSite:
    base_url: str
    pages: dict[str, Page]
    requests: list[str]
    request_headers: list[dict[str, str]] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def add(self, path: str, body: str | bytes, status: int = 200, **headers: str) -> str:
        data = body.encode() if isinstance(body, str) else body
        all_headers = {"Content-Type": "text/html; charset=utf-8"}
        all_headers.update({name.replace("_", "-"): value for name, value in headers.items()})
        self.pages[path] = Page(data, status, all_headers)
        return self.base_url + path


@pytest.fixture(scope="session")
def _local_server() -> Iterator[LocalSite]:
    site = LocalSite(base_url="", pages={}, requests=[])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(self.path)
            site.request_headers.append(dict(self.headers.items()))
            # An API endpoint is registered by its path; the query is kept in `requests`.
            path = self.path if self.path in site.pages else self.path.split("?")[0]
            page = site.pages.get(path, Page(b"not found", 404))
            etag = page.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                page = Page(b"", 304, {"ETag": etag})
            self.send_response(page.status)
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()


@pytest.fixture
def local_site(_local_server: LocalSite, settings: Any) -> Iterator[LocalSite]:
    """The local web server, allowed as a fetch target for this test only."""
    settings.FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{_local_server.port}"]
    _local_server.pages.clear()
    _local_server.requests.clear()
    _local_server.request_headers.clear()
    yield _local_server


# A real Celery worker, in its own process, on the test database and the real broker.


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture(scope="session")
def _celery_worker_process(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    with django_db_blocker.unblock():
        # Every port of loopback: the local servers of the tests listen where they are put.
        env = {**os.environ, "DATABASE_URL": _database_url(), "FETCH_ALLOWED_HOSTS": "127.0.0.1:*"}
    celery_app.control.purge()  # messages left in Redis by an earlier, interrupted run
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    command = [sys.executable, "-m", "celery", "--quiet", "-A", "factcheck", "worker"]
    command += ["--loglevel", "INFO", "--concurrency", "2", "--without-heartbeat"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, cwd=settings.BASE_DIR, stdout=output, stderr=subprocess.STDOUT
        )
    worker = Worker(process, log)
    _running_workers.append(worker)
    yield worker
    _running_workers.remove(worker)
    process.terminate()
    process.wait(timeout=30)


# The session's worker once started: it takes every message a test sends through the broker,
# the tests that did not ask for it included.
_running_workers: list[Worker] = []


@pytest.fixture
def celery_worker(_celery_worker_process: Worker) -> Iterator[Worker]:
    """The worker, left idle when the test ends: a task still running when the test database
    is emptied holds locks the emptying waits for (PostgreSQL then reports a deadlock), and
    writes rows into the next test."""
    yield _celery_worker_process
    wait_until(_worker_idle, what="the worker to finish its tasks", worker=_celery_worker_process)


@pytest.fixture(autouse=True)
def _worker_idle_before_emptying(
    request: pytest.FixtureRequest, _django_db_marker: None
) -> Iterator[None]:
    """The same for a test that commits for real without asking for the worker: the
    messages its commits sent (a gathering its claim started, say) reach the session's
    worker all the same. After pytest-django's marker fixture, which sets the test database
    up, so that this runs first at teardown, before the database is emptied."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and marker.kwargs.get("transaction", False)
    if committed and _running_workers and "celery_worker" not in request.fixturenames:
        worker = _running_workers[0]
        wait_until(_worker_idle, what="the worker to finish its tasks", worker=worker)


def _worker_idle() -> bool:
    with celery_app.connection_for_write() as broker:
        waiting = sum(_waiting(broker, queue) for queue in settings.CELERY_TASK_QUEUES)
    busy = celery_app.control.inspect(timeout=0.5)
    running = [*(busy.active() or {}).values(), *(busy.reserved() or {}).values()]
    return waiting == 0 and not any(running)


def _waiting(broker: Any, queue: str) -> int:
    """Messages waiting in a queue (every queue counts: matching waits in "bulk")."""
    try:
        return int(broker.default_channel.queue_declare(queue, passive=True).message_count)
    except ChannelError:  # the broker has not seen the queue yet: nothing waits in it
        return 0


def wait_until(
    condition: Callable[[], bool], *, what: str, worker: Worker | None = None, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker and worker.process.poll() is not None:
            raise AssertionError(f"The Celery worker exited.\n{worker.log_tail()}")
        if time.monotonic() > deadline:
            log = f"\nWorker log:\n{worker.log_tail()}" if worker else ""
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}.{log}")
        time.sleep(0.1)


# Articles and claims in the states tests start from.


@pytest.fixture
def make_article(db: None) -> Callable[..., Article]:
    """Store an extracted article directly, as ingestion would have left it."""

    def make(text: str, title: str = "", **fields: Any) -> Article:
        return Article.objects.create(
            text=text,
            title=title,
            content_hash=content_hash(text),
            status=Article.Status.EXTRACTED,
            **fields,
        )

    return make


@pytest.fixture
def accepted_claim(make_article: Callable[..., Article], editor: User) -> Claim:
    article = make_article(
        "A post on social media claims that the Harbour Street bridge cost 400 million dollars.",
        title="Viral post on bridge cost",
        url="https://news.example/bridge",
        published_at=datetime(2026, 10, 12, tzinfo=UTC),
    )
    claim = Claim.objects.create(
        article=article,
        text=article.text,
        span_start=0,
        span_end=len(article.text),
        claimant="A post on social media",
        article_stance=Claim.ArticleStance.REPORTS,
        checkworthiness=0.8,
    )
    return claim_accept(claim=claim, user=editor)


@pytest.fixture
def make_evidence(make_article: Callable[..., Article]) -> Callable[..., Evidence]:
    """Store a passage of a source article as evidence for a claim, as gathering would."""
    numbers = itertools.count(1)

    def make(
        claim: Claim, passage: str = "The final accounts say 212 million dollars."
    ) -> Evidence:
        number = next(numbers)
        source = make_article(
            f"{passage} (source {number} for claim {claim.id})",
            title=f"Source {number}",
            url=f"https://sources.example/{claim.id}/{number}",
        )
        return Evidence.objects.create(
            claim=claim,
            source=source,
            provider="archive",
            passage=passage,
            rank=number,
            relevance=0.9,
            stance=Evidence.Stance.REFUTES,
            snapshot_hash=source.content_hash,
            retrieved_at=datetime.now(UTC),
        )

    return make


# A partner's webhook endpoint.


@dataclass
class Receiver:
    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give, then 204


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    """A partner's endpoint on loopback, allowed as the tests allow the local web server."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers.items()), body))
            self.send_response(state.statuses.pop(0) if state.statuses else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/factcheck"
    settings.FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{server.server_port}"]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()
