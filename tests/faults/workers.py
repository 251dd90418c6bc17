"""The processes a fault scenario starts, kills and starts again: Celery workers and beat
on the test database, and, under CI, a Redis of the scenario's own (never the shared one).

Each scenario gets a broker nobody else consumes from (the session's worker of the other
tests keeps running beside it): its own Redis under CI, its own folder of the filesystem
broker elsewhere. The test process sends to it while the scenario runs. Whatever the
scenario started is killed when it ends, passed or failed.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings

from factcheck.celery import app as celery_app
from factcheck.celery import ensure_broker_folders
from tests.backends import ON_CI
from tests.conftest import _database_url
from tests.faults.conftest import RECOVERY, _forget_connections, closed_port

STARTUP_SECONDS = 60


@dataclass
class Started:
    """A process the scenario started, in a process group of its own (its pool with it)."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def log_tail(self) -> str:
        return self.log_text()[-4000:]

    def children(self) -> list[int]:
        """The pool processes: children of the main process."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # a process that ended meanwhile
            if parent == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def kill_children(self) -> list[int]:
        """SIGKILL every pool process, as the OOM killer would; the worker replaces them."""
        children = self.children()
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        return children

    def kill(self) -> None:
        """SIGKILL the whole worker, pool and all, as a lost machine or container."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def running(self) -> bool:
        return self.process.poll() is None


class OwnRedis:
    """A Redis server of the scenario's own, on a free port, keeping nothing on disk: when it
    is started again it is empty, as a Redis restarted without persistence."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = closed_port()
        self.pid: int | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError("redis-server is not installed.")
        pidfile = self.folder / "redis.pid"
        pidfile.unlink(missing_ok=True)
        command = [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--daemonize", "yes", "--pidfile", str(pidfile)]
        command += ["--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wait_for(self._answers, what="the scenario's Redis to start", timeout=20)
        wait_for(pidfile.exists, what="the Redis pid file", timeout=5)
        self.pid = int(pidfile.read_text())

    def stop(self) -> None:
        """Kill it (SIGKILL: what it held is gone)."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        wait_for(lambda: not Path(f"/proc/{pid}").exists(), what="Redis to stop", timeout=10)

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False


@dataclass
class Scenario:
    """The broker of one scenario, and the workers and beat it runs on the test database."""

    folder: Path
    redis: OwnRedis | None
    broker_env: dict[str, str]
    started: list[Started] = field(default_factory=list)

    def start_worker(
        self, concurrency: int = 2, name: str = "", queues: str = "", **env: str
    ) -> Started:
        """Start a worker named `name` (a new name unless given: give the name of one that
        was killed to start it again as a restarted container would), reading `queues` (a
        comma-separated list; every queue unless given)."""
        name = name or f"fault-{uuid.uuid4().hex[:8]}"
        command = ["worker", "-n", f"{name}@%h", "--concurrency", str(concurrency)]
        command += ["-Q", queues] if queues else []
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        worker = self._start(name, command, env)
        self._wait_in_log(worker, "ready.")
        return worker

    def start_beat(self) -> Started:
        schedule = self.folder / "beat-schedule"
        beat = self._start("beat", ["beat", "-s", str(schedule)], {})
        self._wait_in_log(beat, "beat: Starting")
        return beat

    def stop_all(self) -> None:
        for process in self.started:
            process.kill()
        if self.redis:
            self.redis.stop()

    def _start(self, name: str, arguments: list[str], env: dict[str, str]) -> Started:
        log = self.folder / f"{name}-{len(self.started)}.log"
        environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "FETCH_ALLOWED_HOSTS": "127.0.0.1:*",  # the local servers take any port
            **self.broker_env,
            **env,
        }
        command = [sys.executable, "-m", "celery", "-A", "factcheck", *arguments]
        with log.open("wb") as output:
            process = subprocess.Popen(
                [*command, "--loglevel", "INFO"],
                env=environment,
                cwd=settings.BASE_DIR,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: killed with its pool
            )
        started = Started(name, process, log)
        self.started.append(started)
        return started

    def _wait_in_log(self, started: Started, text: str) -> None:
        def ready() -> bool:
            if not started.running():
                raise AssertionError(f"{started.name} exited.\n{started.log_tail()}")
            return text in started.log_text()

        wait_for(ready, what=f"{started.name} to start", timeout=STARTUP_SECONDS)


@pytest.fixture
def scenario(tmp_path: Path, transactional_db: None) -> Iterator[Scenario]:
    """A broker of the scenario's own, the test process sending to it; on the way out every
    process the scenario started is killed and the broker it used let go."""
    names = ("broker_url", "broker_transport", "broker_transport_options")
    configured = {name: celery_app.conf[name] for name in names}
    own_redis = OwnRedis(tmp_path) if ON_CI else None
    if own_redis:
        own_redis.start()
        celery_app.conf.update(
            broker_url=own_redis.url, broker_transport=None, broker_transport_options={}
        )
        broker_env = {"REDIS_URL": own_redis.url}
    else:
        folder = tmp_path / "broker"
        options = {**(configured["broker_transport_options"] or {})}
        options.update(
            data_folder_in=str(folder / "queue"),
            data_folder_out=str(folder / "queue"),
            control_folder=str(folder / "control"),
        )
        celery_app.conf.update(broker_transport_options=options)
        ensure_broker_folders()
        broker_env = {"BROKER_DIR": str(folder)}
    _forget_connections()
    running = Scenario(tmp_path, own_redis, broker_env)
    try:
        yield running
    finally:
        running.stop_all()
        celery_app.conf.update(configured)
        _forget_connections()


def needs_redis() -> None:
    """Skip outside CI: the scenario restarts a Redis of its own, which CI always has."""
    if not ON_CI:
        pytest.skip("Restarts a Redis of its own: runs under CI=true (real Redis and PostgreSQL).")


def wait_for(condition: Callable[[], bool], *, what: str, timeout: float) -> float:
    """Wait until the condition holds; return the seconds it took."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > timeout:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(0.2)
    return time.monotonic() - began


def record_recovery(request: pytest.FixtureRequest, scenario: str, figures: dict[str, Any]) -> None:
    """Keep the scenario's figures: in the JUnit report, and in the run's summary
    (tests/faults/conftest.py, which reads them from the test's report)."""
    for name, value in figures.items():
        request.node.user_properties.append((name, value))
    shown = ", ".join(
        f"{name} {value:.1f} s" if isinstance(value, float) else f"{name} {value}"
        for name, value in figures.items()
    )
    request.node.user_properties.append((RECOVERY, f"{scenario}: {shown}"))
