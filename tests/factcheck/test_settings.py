"""Configuration comes from the environment; a bad value stops start-up and names itself."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

KEY = "k" * 40
SHOW_SETTINGS = (
    "from django.conf import settings as s; import json; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'host': db.get('HOST'), "
    "'port': db.get('PORT'), 'user': db.get('USER'), 'broker': s.CELERY_BROKER_URL, "
    "'transport': getattr(s, 'CELERY_BROKER_TRANSPORT', None), "
    "'cache': s.CACHES['default']['BACKEND'], 'cache_at': s.CACHES['default'].get('LOCATION'), "
    "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS}))"
)


def start(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python code in a fresh process that loads the settings from `env` only."""
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "factcheck.settings", **env}
    setup = "import django; django.setup(); "
    return subprocess.run(
        [sys.executable, "-c", setup + code],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(**env: str) -> dict[str, object]:
    result = start(SHOW_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_defaults_need_no_services() -> None:
    shown = loaded(SECRET_KEY=KEY)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert str(shown["name"]).endswith("var/db.sqlite3")
    assert shown["transport"] == "factcheck.broker:Transport"  # files under ./var/broker
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["debug"] is False
    assert shown["hosts"] == ["127.0.0.1", "localhost"]


def test_database_url_selects_postgresql() -> None:
    shown = loaded(SECRET_KEY=KEY, DATABASE_URL="postgres://news:s%40fe@db.internal:5433/checks")
    assert shown["engine"] == "django.db.backends.postgresql"
    assert (shown["name"], shown["host"], shown["port"], shown["user"]) == (
        "checks",
        "db.internal",
        "5433",
        "news",
    )


def test_redis_url_selects_redis_and_hosts_come_from_the_environment() -> None:
    shown = loaded(
        SECRET_KEY=KEY, REDIS_URL="redis://cache:6379/2", ALLOWED_HOSTS="checks.example, x.y"
    )
    assert shown["broker"] == "redis://cache:6379/2"
    # The throttles count there too, so that every web process adds to one count.
    assert shown["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["cache_at"] == "redis://cache:6379/2"
    assert shown["hosts"] == ["checks.example", "x.y"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": KEY, "DEBUG": "maybe"}, "DEBUG='maybe'"),
        ({"SECRET_KEY": KEY, "DATABASE_URL": "mysql://db/x"}, "DATABASE_URL='mysql://db/x'"),
        ({"SECRET_KEY": KEY, "DATABASE_URL": "postgres://db/"}, "names no database"),
        ({"SECRET_KEY": KEY, "REDIS_URL": "amqp://rabbit"}, "REDIS_URL='amqp://rabbit'"),
        ({"SECRET_KEY": KEY, "FETCH_MAX_BYTES": "lots"}, "FETCH_MAX_BYTES='lots'"),
        ({"SECRET_KEY": KEY, "SITE_URL": "checks.example"}, "SITE_URL"),
        ({"SECRET_KEY": KEY, "FETCH_ALLOWED_PORTS": "80,http"}, "FETCH_ALLOWED_PORTS='80,http'"),
        ({"SECRET_KEY": KEY, "FETCH_ALLOWED_HOSTS": "intranet:db"}, "'intranet:db'"),
        (
            {"SECRET_KEY": KEY, "MATCH_SAME_CLAIM_THRESHOLD": "1.5"},
            "MATCH_SAME_CLAIM_THRESHOLD=1.5",
        ),
        (
            {"SECRET_KEY": KEY, "MATCH_POSSIBLE_THRESHOLD": "half"},
            "MATCH_POSSIBLE_THRESHOLD='half'",
        ),
    ],
)
def test_bad_values_stop_startup_with_the_variable_named(env: dict[str, str], named: str) -> None:
    result = start("pass", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]
