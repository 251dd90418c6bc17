"""A throw-away factcheck for a benchmark: its own database and broker in a new temporary
folder, so that a run never touches ./var or anything a developer keeps.

Call `start_django()` before importing any model; the imports that follow it need
`# noqa: E402`.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**settings_env: str) -> Path:
    """Set Django up on a new temporary folder and return it.

    The database is SQLite in that folder unless BENCH_DATABASE_URL names an empty one
    (PostgreSQL, say); the broker is the filesystem broker there. `settings_env` adds or
    overrides environment settings (e.g. FETCH_ALLOWED_HOSTS).
    """
    work = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    os.environ.update(
        SECRET_KEY="bench-only-" + "x" * 40,
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}"),
        BROKER_DIR=str(work / "broker"),
        ALLOWED_HOSTS="testserver",  # Django's test client
        LOG_LEVEL="WARNING",
        **settings_env,
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    return work
