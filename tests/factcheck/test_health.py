"""The health checks: /health/live answers while the process does; /health/ready only when
the database, the broker and a worker's heartbeat answer; `manage.py worker_health` exits 0
for a worker that beat lately."""

import sqlite3
import threading
import time
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from factcheck import health, heartbeat
from factcheck.heartbeat import HEARTBEAT_MAX_AGE, heartbeat_record


@pytest.fixture(autouse=True)
def _no_heartbeat(settings: Any) -> None:
    """Each test starts with no worker known: the heartbeats under a prefix of its own."""
    settings.CACHES = {
        **settings.CACHES,
        "heartbeats": {**settings.CACHES["heartbeats"], "KEY_PREFIX": f"test-{time.time_ns()}"},
    }


def later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Move the heartbeats' clock on."""
    now = time.time() + seconds
    monkeypatch.setattr(heartbeat, "time", SimpleNamespace(time=lambda: now))


def test_liveness_answers_without_asking_anything(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True  # a probe to the container's address is not redirected
    response = Client().get("/health/live", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"


def test_ready_when_the_database_the_broker_and_a_worker_answer(db: None) -> None:
    heartbeat_record("default@host-1")
    response = Client().get("/health/ready", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "broker", "worker"}
    assert all(check["ok"] and check["latency_ms"] >= 0 for check in body["checks"].values())
    assert body["checks"]["worker"]["worker"] == "default@host-1"


def test_not_ready_without_a_worker_heartbeat(db: None) -> None:
    response = Client().get("/health/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["worker"]
    assert body["checks"]["worker"]["error"] == "no worker has sent a heartbeat"
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]


def test_not_ready_when_the_last_heartbeat_is_too_old(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    heartbeat_record("default@host-1")
    later(monkeypatch, HEARTBEAT_MAX_AGE + 1)
    response = Client().get("/health/ready")
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert worker["ok"] is False
    assert worker["worker"] == "default@host-1"
    assert worker["heartbeat_age_seconds"] > HEARTBEAT_MAX_AGE


def test_probes_are_not_throttled(db: None, settings: Any) -> None:
    heartbeat_record("default@host-1")
    answers = {Client().get("/health/ready").status_code for _ in range(30)}
    assert answers == {200}


def test_worker_health_exits_zero_for_a_worker_that_beat_lately(
    capsys: pytest.CaptureFixture[str],
) -> None:
    heartbeat_record("interactive@host-1")
    call_command("worker_health", "interactive@host-1")
    call_command("worker_health")  # any worker
    assert "interactive@host-1: alive" in capsys.readouterr().out


def test_worker_health_fails_for_a_silent_or_unknown_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(CommandError, match="bulk@host-1: no heartbeat"):
        call_command("worker_health", "bulk@host-1")
    heartbeat_record("bulk@host-1")
    later(monkeypatch, HEARTBEAT_MAX_AGE + 5)
    with pytest.raises(CommandError, match="last heartbeat 35 s ago"):
        call_command("worker_health", "bulk@host-1")


def test_not_ready_before_the_database_is_migrated(db: None) -> None:
    heartbeat_record("default@host-1")
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE django_migrations RENAME TO django_migrations_elsewhere")

    response = Client().get("/health/ready")

    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement timeout")
def test_not_ready_within_the_bound_when_the_database_does_not_answer(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "DATABASE_TIMEOUT_SECONDS", 1)
    heartbeat_record("default@host-1")
    # Another session locks the table the check reads (as a migration's ALTER TABLE would):
    # the check's query waits for it, on a database that still accepts connections. The
    # lock goes after 5 s, so that a check without a bound would answer 200, late.
    database = connection.settings_dict
    locker = psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or None,
    )
    locker.execute("LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE")
    release = threading.Timer(5, locker.rollback)
    release.start()
    try:
        began = time.perf_counter()
        response = Client().get("/health/ready")
        waited = time.perf_counter() - began
    finally:
        release.cancel()
        locker.rollback()
        locker.close()

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"]["error"] == "no answer within 1 s"
    assert 1.0 <= waited < 2.5  # the bound, not the lock's holder, decides when it answers
    assert Client().get("/health/ready").status_code == 200  # the lock gone, ready again


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's readers and writers")
# Serialized, as every test that commits: a plain flush after it would make the content
# types again, and the next serialized test, restoring them too, would fail on them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readiness_on_sqlite_does_not_wait_for_a_writer() -> None:
    heartbeat_record("default@host-1")
    writer = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long import would
        writer.execute("UPDATE django_migrations SET app = app")
        began = time.perf_counter()
        response = Client().get("/health/ready")
        waited = time.perf_counter() - began
    finally:
        writer.rollback()
        writer.close()

    assert response.status_code == 200
    assert waited < 2  # not SQLite's 20 s busy timeout
