"""Gathering through a real worker survives what the broker does: a message delivered
twice changes nothing, a message that was lost is sent again by the sweep, and a job whose
worker process was killed is taken back by its own message at once."""

import os
import signal
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from claims import tasks
from claims.evidence.gathering import gathering_start
from claims.extraction.services import claim_accept
from claims.models import Claim, Evidence, GatheringRun, ProviderJob
from claims.sweep import stuck_work_requeue
from tests.conftest import Worker, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ACCOUNTS = (
    "The City of Riverton has published its accounts. The total cost of the Harbour Street "
    "bridge was 212 million dollars, against a budget of 190 million dollars."
)


@pytest.fixture
def claim(make_article: Any, editor: User) -> Claim:
    """An accepted claim, its jobs already sent to the worker; the archive holds a source."""
    make_article(ACCOUNTS)
    article = make_article("A post claims the Harbour Street bridge cost 400 million dollars.")
    candidate = Claim.objects.create(article=article, text=article.text)
    return claim_accept(claim=candidate, user=editor)


def run_finished(run: GatheringRun) -> bool:
    return GatheringRun.objects.get(id=run.id).state != GatheringRun.State.RUNNING


def test_a_message_delivered_twice_changes_nothing(celery_worker: Worker, claim: Claim) -> None:
    run = claim.gathering_runs.get()
    for job in run.jobs.all():  # the broker delivers every job a second time
        tasks.gather_from_provider.delay(job.id)
    wait_until(lambda: run_finished(run), what="the run", worker=celery_worker)
    assert set(run.jobs.values_list("status", "attempts")) == {("done", 1)}
    assert Evidence.objects.filter(claim=claim).count() == 1
    claim.refresh_from_db()
    assert claim.gathering == Claim.Gathering.DONE


def test_a_lost_message_is_sent_again_by_the_sweep(
    celery_worker: Worker, claim: Claim, editor: User
) -> None:
    wait_until(
        lambda: run_finished(claim.gathering_runs.get()), what="the first run",
        worker=celery_worker,
    )  # fmt: skip
    # A run whose messages never reached the broker: its rows exist, nothing was sent.
    lost = GatheringRun.objects.create(claim=claim, providers_total=1)
    ProviderJob.objects.create(run=lost, provider="archive")
    ProviderJob.objects.filter(run=lost).update(changed_at=timezone.now() - timedelta(hours=1))
    assert stuck_work_requeue() == 1
    wait_until(lambda: run_finished(lost), what="the lost run", worker=celery_worker)
    assert lost.jobs.get().status == ProviderJob.Status.DONE
    assert gathering_start(claim=claim, user=editor) != lost  # nothing left running


@pytest.fixture
def hanging_page() -> Iterator[tuple[str, threading.Event, threading.Event]]:
    """A page whose first request hangs until released; (url, requested, release)."""
    requested, release = threading.Event(), threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not requested.is_set():
                requested.set()
                release.wait(30)
            body = f"<html><body><article><p>{ACCOUNTS}</p></article></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/accounts", requested, release
    release.set()
    server.shutdown()
    server.server_close()


def pool_process_fetching_from(worker: Worker, port: int) -> int:
    """The worker's pool process with a connection open to the local `port`."""
    sockets = {
        fields[9]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if (fields := line.split())[2].endswith(f":{port:04X}")
    }
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != worker.process.pid:
                continue
            links = {os.readlink(fd) for fd in (stat.parent / "fd").iterdir()}
        except (OSError, IndexError, ValueError):
            continue  # a process that ended meanwhile
        if {f"socket:[{inode}]" for inode in sockets} & links:
            return int(stat.parent.name)
    raise AssertionError("No pool process of the worker is fetching the page.")


def test_a_job_whose_worker_process_died_is_taken_back_by_its_message(
    celery_worker: Worker,
    make_article: Any,
    editor: User,
    hanging_page: tuple[str, threading.Event, threading.Event],
) -> None:
    url, requested, release = hanging_page
    article = make_article(
        "A post claims the Harbour Street bridge cost 400 million dollars.",
        links=[{"url": url, "text": "the accounts"}],
    )
    candidate = Claim.objects.create(article=article, text=article.text)
    claim = claim_accept(claim=candidate, user=editor)
    wait_until(requested.is_set, what="the links job to fetch", worker=celery_worker)
    port = int(url.split(":")[2].split("/")[0])
    # Killed mid-fetch, as by the OOM killer; the worker replaces the process.
    os.kill(pool_process_fetching_from(celery_worker, port), signal.SIGKILL)
    release.set()
    # No sweep runs here: only the message itself, sent back to the queue, can finish it.
    run = claim.gathering_runs.get()
    wait_until(lambda: run_finished(run), what="the run", worker=celery_worker)
    links = run.jobs.get(provider="links")
    assert (links.status, links.attempts) == (ProviderJob.Status.DONE, 2)
    assert Evidence.objects.filter(claim=claim, provider="links").count() == 1
