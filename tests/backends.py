"""Choose the database and broker for the test run, before Django reads its settings.

Loaded with `-p tests.backends` (see pyproject.toml) so that it runs first.
Under CI=true the suite runs against the real PostgreSQL and Redis on 127.0.0.1 and
fails if they are missing. Elsewhere it uses DATABASE_URL and REDIS_URL if they are set,
and SQLite with the filesystem broker if not.
"""

import os
import socket
import tempfile
from urllib.parse import urlsplit

import pytest

ON_CI = os.environ.get("CI", "").lower() == "true"


def _redis_database_of_its_own(url: str, worker: str) -> str:
    """The Redis URL with a database of the xdist worker's own ("gw2" of db 15 takes db 12):
    each worker process runs a Celery worker of its own, which must take only its messages,
    as pytest-django gives each a test database of its own."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    own = (base - 1 - int(worker.removeprefix("gw"))) % 16
    return parts._replace(path=f"/{own}").geturl()


if ON_CI:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# The fault scenarios run side by side in several processes (pytest-xdist, see Makefile).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_database_of_its_own(os.environ["REDIS_URL"], XDIST_WORKER)
os.environ.setdefault("SECRET_KEY", "only-for-tests-" + "0123456789" * 4)
os.environ["BROKER_DIR"] = tempfile.mkdtemp(prefix="factcheck-test-broker-")
os.environ.pop("DEBUG", None)
# Every test source lives on 127.0.0.1: no politeness delay, except where a test asks for it.
os.environ.setdefault("FETCH_HOST_INTERVAL_SECONDS", "0")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def describe_backends() -> str:
    database = os.environ.get("DATABASE_URL") or "sqlite (embedded default)"
    broker = os.environ.get("REDIS_URL") or "filesystem broker (embedded default)"
    return f"factcheck backends: database {database}; broker {broker}"


def pytest_report_header() -> str:
    return describe_backends()


def pytest_sessionstart(session: pytest.Session) -> None:
    if not ON_CI:
        return
    for name, port in (("DATABASE_URL", 5432), ("REDIS_URL", 6379)):
        if not _reachable(os.environ[name], port):
            pytest.exit(f"CI=true but {name}={os.environ[name]} is not reachable.", returncode=3)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(describe_backends())
