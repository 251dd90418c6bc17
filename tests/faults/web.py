"""The real processes of the web-facing fault scenarios, and what they assert afterwards.

A scenario starts the product as it runs in production: gunicorn with two workers, a Celery
worker and beat, in their own processes, on the test database and on a Redis of their own
(a redis-server started here on a free port, so that it can be stopped without touching the
shared one, and so that no other test's worker takes the scenario's messages). A database
outage is made by a TCP proxy between the processes and PostgreSQL: cut, it closes every
connection and refuses new ones, as a stopped server does.
"""

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.db.models import Count, QuerySet

from claims.models import Article, Claim, Evidence
from factcheck.celery import app as celery_app
from reviewers.models import PublishedCheck, WebhookDelivery
from tests.backends import ON_CI
from tests.conftest import _database_url
from tests.faults.conftest import MEASURED

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require_real_services() -> None:
    """Skip outside CI unless PostgreSQL and redis-server are there; under CI, fail instead."""
    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL (set DATABASE_URL, or CI=true)")
    if not shutil.which("redis-server"):
        missing.append("redis-server on the PATH")
    if missing:
        reason = f"this fault scenario needs {' and '.join(missing)}"
        if ON_CI:
            pytest.fail(f"CI=true but {reason}.")
        pytest.skip(reason)


def wait_for(
    condition: Callable[[], bool], *, what: str | Callable[[], str], timeout: float
) -> float:
    """Seconds until the condition holds; fail after `timeout` seconds (saying `what`, or what
    it returns then)."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > timeout:
            said = what if isinstance(what, str) else what()
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {said}.")
        time.sleep(0.2)
    return time.monotonic() - began


def http_status(url: str, timeout: float = 15) -> int:
    """The status a GET of the URL is answered with; 0 when nothing answers."""
    try:
        return requests.get(url, timeout=timeout).status_code
    except requests.RequestException:
        return 0


# Redis of the scenario's own.


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(self.answers, what=f"redis-server on port {self.port}", timeout=10)

    def stop(self) -> None:
        """Kill it, as a crash would: whatever it held is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                probe.sendall(b"PING\r\n")
                return probe.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def own_redis(db: None) -> Iterator[RedisServer]:
    require_real_services()
    server = RedisServer(free_port())
    server.start()
    # The test process sends its messages there too (the tasks of what it sets up).
    names = ("broker_url", "broker_transport", "broker_transport_options")
    configured = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(
        broker_url=server.url, broker_transport=None, broker_transport_options={}
    )
    _forget_broker_connections()
    yield server
    celery_app.conf.update(configured)
    _forget_broker_connections()
    server.stop()


def _forget_broker_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


# A database that can be cut off.


class DatabaseProxy:
    """A TCP proxy in front of PostgreSQL; cut() makes the database unreachable through it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and reset the open ones, as a server that went away."""
        if self.listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not.
            with suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        with self.lock:
            for open_socket in self.sockets:
                with suppress(OSError):
                    open_socket.shutdown(socket.SHUT_RDWR)
                open_socket.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # cut
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, server}
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        pair = {client: server, server: client}
        try:
            while True:
                readable, _, _ = select.select(list(pair), [], [], 1)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    pair[source].sendall(data)
        except (OSError, ValueError):  # cut: the sockets were closed under us
            return
        finally:
            with self.lock:
                self.sockets -= {client, server}
            client.close()
            server.close()


# The product's processes.


@dataclass
class Stack:
    """gunicorn, a worker and beat on one database and one Redis; stopped by stop()."""

    workdir: Path
    database_url: str
    redis_url: str
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "FETCH_ALLOWED_HOSTS": "127.0.0.1:*",  # the local site, on whatever port it took
            "EVIDENCE_PROVIDERS": "archive",
            "LOG_LEVEL": "INFO",
        }

    def start(self, *names: str) -> None:
        celery = ["-m", "celery", "-A", "factcheck"]
        commands = {
            "web": [
                *("-m", "gunicorn", "factcheck.wsgi", "--bind", f"127.0.0.1:{self.port}"),
                *("--workers", "2", "--timeout", "60", "--no-control-socket"),
            ],
            "worker": [
                *(*celery, "worker", "--concurrency", "2", "--loglevel", "INFO"),
                *("-n", f"faults-{self.port}@%h"),
            ],
            "beat": [*celery, "beat", "--loglevel", "INFO", "-s", str(self.workdir / "beat")],
        }
        for name in names:
            with (self.workdir / f"{name}.log").open("ab") as log:
                self.processes[name] = subprocess.Popen(
                    [sys.executable, *commands[name]],
                    env=self.env(),
                    cwd=settings.BASE_DIR,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # stopped with its pool processes
                )

    def stop(self) -> None:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()

    def check_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited.\n{self.log(name)}")

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")[-4000:]

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)}" for name in self.processes)


@pytest.fixture
def make_stack(tmp_path: Path, transactional_db: None) -> Iterator[Callable[..., Stack]]:
    """Start the product's processes on the test database (committed rows: the processes
    read them) or through a database proxy; stopped before the test database is emptied."""
    stacks: list[Stack] = []

    def make(redis_url: str, database_url: str = "") -> Stack:
        stack = Stack(tmp_path, database_url or _database_url(), redis_url)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()


def proxied_database_url(proxy: DatabaseProxy) -> str:
    """The test database's URL, through the proxy."""
    return _database_url().replace(
        f"@{proxy.target[0]}:{proxy.target[1]}/", f"@127.0.0.1:{proxy.port}/"
    )


@pytest.fixture
def database_proxy(db: None) -> Iterator[DatabaseProxy]:
    """A proxy in front of the test database, cut by the test; left open at the end."""
    require_real_services()
    database = connection.settings_dict
    proxy = DatabaseProxy((database["HOST"], int(database["PORT"] or 5432)))
    yield proxy
    proxy.cut()


def no_duplicates() -> None:
    found = {name: rows for name, rows in duplicates().items() if rows}
    assert not found, f"duplicated rows: {found}"


@contextmanager
def explained(stack: Stack) -> Iterator[None]:
    """Show the processes' logs with a failure."""
    try:
        yield
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{stack.logs()}") from None


# What every scenario asserts afterwards.


def duplicates() -> dict[str, list[Any]]:
    """Rows that exist twice where once is the rule (the database's constraints say so too;
    this says it of the data a scenario left)."""

    def twice(rows: QuerySet[Any], *key: str) -> list[Any]:
        counted = rows.values(*key).annotate(rows=Count("id")).filter(rows__gt=1)
        return list(counted)

    return {
        "articles per URL": twice(Article.objects.exclude(url=""), "url"),
        "evidence per claim, source and provider": twice(
            Evidence.objects.all(), "claim", "source", "provider"
        ),
        "claims per span of an article": twice(
            Claim.objects.all(), "article", "span_start", "span_end"
        ),
        "published versions per publication": twice(
            PublishedCheck.objects.all(), "review", "version"
        ),
        "webhook deliveries per event": twice(
            WebhookDelivery.objects.all(), "subscription", "version"
        ),
    }


def unfinished(articles: QuerySet[Article]) -> list[tuple[int, str]]:
    """Articles whose work has not ended: neither extracted with their candidates proposed
    (or not meant to propose any), nor failed with a reason."""
    left = []
    for article in articles.all():  # read again, not the queryset's cache
        if article.status == Article.Status.FAILED and article.failure_reason:
            continue
        proposed = article.candidates_proposed_at is not None or not article.proposes_claims
        if article.status == Article.Status.EXTRACTED and proposed:
            continue
        left.append((article.id, article.status))
    return left


# Figures measured, reported at the end of the run whatever the output capture
# (tests/faults/conftest.py reads them from the test's report).


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    def report(name: str, value: str) -> None:
        request.node.user_properties.append((name, value))
        request.node.user_properties.append((MEASURED, f"{request.node.name}: {name}: {value}"))

    return report
