"""A throw-away factcheck for a benchmark: its own database and broker in a new temporary
folder, so that a run never touches ./var or anything a developer keeps.

Call `start_django()` before importing any model; the imports that follow it need
`# noqa: E402`.
"""

import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def start_django(**settings_env: str) -> Path:
    """Set Django up on a new temporary folder, removed at exit, and return it.

    The database is SQLite in that folder unless BENCH_DATABASE_URL names an empty one
    (PostgreSQL, say); the broker is the filesystem broker there unless BENCH_REDIS_URL
    names a Redis database. `settings_env` adds or overrides environment settings (e.g.
    FETCH_ALLOWED_HOSTS; ALLOWED_HOSTS is "testserver", Django's test client, unless given).
    """
    work = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    # Its database can hold a million rows: gone when the benchmark ends, as is everything
    # else of it. (Forked children leave through os._exit, which runs no atexit hook.)
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    os.environ.update(
        SECRET_KEY="bench-only-" + "x" * 40,
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}"),
        BROKER_DIR=str(work / "broker"),
        **{"ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "WARNING", **settings_env},
    )
    os.environ.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    return work


def rate(client: "Client", url: str, requests: int) -> tuple[float, float]:
    """Return requests per second of wall-clock time, and per second of this process's CPU.

    On a shared machine the wall clock also counts the time other processes held the CPU;
    the CPU-time rate leaves that out (SQLite runs in this process, so it is counted).
    """
    began, began_cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
    return requests / (time.perf_counter() - began), requests / (time.process_time() - began_cpu)
