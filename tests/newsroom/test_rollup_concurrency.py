"""Two editors accept claims of the same day at the same moment (each thread has its own
database connection, as two web requests would): the second recount waits for the first
transaction, then counts both claims; neither overwrites the other's count. PostgreSQL
only: there a recount holds an advisory lock on its day; SQLite lets one writer at a time."""

import threading
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from claims.extraction.services import claim_accept
from claims.models import Article, Claim
from newsroom.rollup import counted_from_scratch, stored_tallies
from tests.conftest import Worker, _worker_idle, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL"),
]
WAITING_FOR_AN_ADVISORY_LOCK = """
    SELECT count(*) FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def in_thread(work: Callable[[], object], errors: list[Exception]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    return threading.Thread(target=run)


def someone_waits_for_a_recount() -> bool:
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(WAITING_FOR_AN_ADVISORY_LOCK)
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def test_two_acceptances_of_the_same_day_both_count(
    make_article: Callable[..., Article], editor: User, celery_worker: Worker
) -> None:
    first, second = (
        Claim.objects.create(
            article=make_article(f"Claim {n} said.", url=f"https://n.example/{n}"),
            text=f"Claim {n}",
            claimant=f"Speaker {n}",
        )
        for n in (1, 2)
    )
    counted, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def accept_and_hold() -> None:
        with transaction.atomic():
            claim_accept(claim=first, user=editor)  # counted, not committed yet
            counted.set()
            assert release.wait(timeout=20)

    def accept_meanwhile() -> None:
        assert counted.wait(timeout=20)
        claim_accept(claim=second, user=editor)

    threads = [in_thread(accept_and_hold, errors), in_thread(accept_meanwhile, errors)]
    for thread in threads:
        thread.start()
    waited = someone_waits_for_a_recount()
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert waited  # the second recount waited for the first transaction
    # Accepting starts gathering, which the worker runs and counts too: compare once it is done.
    wait_until(_worker_idle, what="the worker to finish gathering", worker=celery_worker)
    tallies = stored_tallies()
    assert tallies == counted_from_scratch()
    assert sum(n for (figure, span, _, _), n in tallies.items()
               if (figure, span) == ("claims_in", "day")) == 2  # fmt: skip
