"""Gathering is polite: one host is fetched at most once per interval, across all workers."""

import threading
import time
from typing import Any

import pytest
from django.db import connections

from claims.ingestion.politeness import wait_turn
from claims.models import HostSlot


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_take_turns_on_one_host(settings: Any) -> None:
    settings.FETCH_HOST_INTERVAL_SECONDS = 0.3
    turns: list[float] = []

    def worker() -> None:  # each thread has its own database connection, as workers do
        for _ in range(2):
            wait_turn("https://news.example/story")
            turns.append(time.time())
        connections.close_all()

    started = time.time()
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    turns.sort()
    assert len(turns) == 6
    # The k-th fetch never starts before k intervals have passed. (A busy machine may wake a
    # thread late, which only makes its turn later: so the bound is checked from the start,
    # not between neighbours, whose gap a late first wake shrinks.)
    for k, turn in enumerate(turns):
        assert turn - started >= k * 0.3 - 0.01, f"turn {k} came {turn - started:.3f} s in"
    assert HostSlot.objects.get().host == "news.example"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_other_hosts_do_not_wait(settings: Any) -> None:
    settings.FETCH_HOST_INTERVAL_SECONDS = 5
    started = time.monotonic()
    wait_turn("https://one.example/a")
    wait_turn("https://two.example/b")
    assert time.monotonic() - started < 1


def test_no_interval_means_no_waiting_and_no_database(settings: Any) -> None:
    settings.FETCH_HOST_INTERVAL_SECONDS = 0
    wait_turn("https://news.example/story")  # no db fixture: touching the database would fail
