"""Set up the demo and serve it: users, a small corpus, one published check, web + worker.

Runs every step of the product through the same services as the admin and the API,
with the slow steps done by real Celery worker processes started here. Safe to run
again: everything it creates is found again instead of duplicated.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token

from claims.extraction.services import claim_accept
from claims.ingestion.pages import parse_published
from claims.ingestion.services import article_submit
from claims.models import Article, Claim
from reviewers.models import PublishedCheck, Rating, Review
from reviewers.services import review_approve, review_draft, review_publish, review_submit

CORPUS = Path(__file__).resolve().parents[2] / "demo" / "corpus.jsonl"
WAIT_SECONDS = 90
# How long a worker's warm shutdown may finish its running tasks when the demo stops; a
# worker still running then is killed with its pool (the sweep sends its work again).
STOP_SECONDS = 20
DEMO_CLAIM_WORDS = "400 million"  # the viral claim in the first corpus article
DEMO_USERS = [
    ("admin", None),
    ("editor", "Editor"),
    ("reviewer", "Reviewer"),
    ("chief", "Chief editor"),
]


class Command(BaseCommand):
    help = "Set up the demo (users, corpus, one published check) and serve it with a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Stop after publishing the demo check."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_serve"]:
            address_free(options["addrport"])
        call_command("migrate", interactive=False, verbosity=0)
        users = self.create_users()
        # Stop the worker with us on `kill` too, not only on Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        workers = start_workers()
        try:
            check = self.publish_demo_check(users)
            self.print_tour(users, check, options["addrport"])
            if not options["no_serve"]:
                call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            stop_workers(workers)

    def create_users(self) -> dict[str, tuple[User, str]]:
        """Create (or reset) admin, editor, reviewer and chief with fresh passwords."""
        users = {}
        for username, group in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.is_staff = True
            user.is_superuser = group is None
            user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            users[username] = (user, password)
        return users

    def publish_demo_check(self, users: dict[str, tuple[User, str]]) -> PublishedCheck:
        editor, reviewer, chief = users["editor"][0], users["reviewer"][0], users["chief"][0]
        articles = [self.submit(entry, editor) for entry in load_corpus()]
        ids = [article.id for article in articles]
        self.stdout.write("Waiting for the worker to extract the corpus…")
        wait_for(
            lambda: not Article.objects.filter(id__in=ids, candidates_proposed_at=None).exists()
        )
        claim = Claim.objects.get(article=articles[0], text__contains=DEMO_CLAIM_WORDS)
        claim = claim_accept(claim=claim, user=editor)
        self.stdout.write("Waiting for the worker to gather evidence…")
        wait_for(lambda: Claim.objects.get(id=claim.id).gathering == Claim.Gathering.DONE)
        review = Review.objects.filter(claim=claim).first()
        if review is None:
            review = review_draft(
                claim=claim,
                author=reviewer,
                rating=Rating.objects.get(label="False"),
                headline="The Harbour Street bridge cost 212 million dollars, not 400 million",
                justification=(
                    "The city's published final accounts put the total cost at 212 million "
                    "dollars against a budget of 190 million (evidence #1); the overrun of 11.6 "
                    "percent was approved in a public vote in 2023 (evidence #2)."
                ),
                cited_evidence=claim.evidence.order_by("-pinned", "rank")[:2],
            )
            review = review_submit(review=review, actor=reviewer)
            review = review_approve(review=review, approver=chief)
            review_publish(review=review, publisher=chief)
        return PublishedCheck.objects.current().get(review__claim=claim)

    def submit(self, entry: dict[str, str], editor: User) -> Article:
        submission = article_submit(
            url=entry["url"],  # recorded as where it appeared, not fetched (the text is given)
            text=entry["text"],
            title=entry["title"],
            publisher=entry["publisher"],
            published_at=parse_published(entry["published_at"]),
            submitted_by=editor,
        )
        return submission.article

    def print_tour(
        self, users: dict[str, tuple[User, str]], check: PublishedCheck, addr: str
    ) -> None:
        base = f"http://{addr}"
        self.stdout.write(self.style.SUCCESS(f"\nPublished: “{check.headline}”"))
        self.stdout.write(
            f"  API:    {base}/api/v1/checks/  and  {base}/api/v1/checks/{check.review_id}/"
        )
        self.stdout.write(
            f"  Page:   {base}/checks/{check.review_id}/  (feed: {base}/checks/feed.atom)"
        )
        self.stdout.write(f"  Index:  {base}/checks/  (readers send claims at {base}/tips/)")
        self.stdout.write(f"  Docs:   {base}/api/v1/docs/")
        self.stdout.write(f"  Admin:  {base}/admin/\n")
        self.stdout.write("Demo users (passwords are new at every run):")
        for username, (user, password) in users.items():
            token, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(f"  {username:<9} password {password}   API token {token.key}")
        self.stdout.write("")


def load_corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


# One worker per latency class, as in docker compose: what an editor waits for never waits
# behind a backlog of matching. The first also runs the periodic sweep (--beat).
WORKERS = [
    ("interactive", ["--beat", "--concurrency", "1"]),
    ("default,bulk", ["--concurrency", "2"]),
]


def start_workers() -> list[subprocess.Popen[bytes]]:
    """Start the Celery workers next to this process, together consuming every queue.

    Each in a session of its own, its pool with it: Ctrl-C reaches only this process, which
    stops them (stop_workers), and a worker that does not stop can be killed with its pool.
    """
    return [
        subprocess.Popen(
            worker_command(queues, options), cwd=settings.BASE_DIR, start_new_session=True
        )
        for queues, options in WORKERS
    ]


def address_free(addrport: str) -> None:
    """Fail with a clear error, before any worker is started, if the demo could not serve on
    `addrport`: runserver leaves through os._exit when its port is taken, which would skip
    stopping the workers and leave them running behind the demo."""
    host, _, port = addrport.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as runserver does
        try:
            probe.bind((host, int(port)))
        except (OSError, ValueError) as error:
            raise CommandError(
                f"Cannot serve the demo on {addrport} ({error}): stop what listens there "
                "(another demo?), or serve elsewhere: make demo ADDRPORT=127.0.0.1:8001 "
                "(manage.py demo --addrport 127.0.0.1:8001)."
            ) from error


def stop_workers(workers: Sequence[subprocess.Popen[Any]], grace: float = STOP_SECONDS) -> None:
    """Ask each worker for a warm shutdown; kill, with its pool, any still running after
    `grace` seconds (a warm shutdown can wait on a pool process that is gone), so that the
    demo never leaves a worker behind."""
    for worker in workers:
        worker.terminate()
    deadline = time.monotonic() + grace
    for worker in workers:
        try:
            worker.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"A worker did not stop within {grace:.0f} s; killing it.", file=sys.stderr)
            with suppress(ProcessLookupError):  # it ended meanwhile
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def worker_command(queues: str, options: list[str]) -> list[str]:
    name = f"{queues.split(',')[0]}@%h"  # node names must differ on one host
    command = [sys.executable, "-m", "celery", "--quiet", "-A", "factcheck", "worker"]
    return [*command, "-Q", queues, "-n", name, "--loglevel", "WARNING", *options]


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise CommandError(
                f"The worker did not finish within {WAIT_SECONDS} s; see its log above."
            )
        time.sleep(0.2)
