"""The work the worker scenarios submit and wait for: articles to ingest by URL and
claims whose gathering fetches the pages their article links to, all on the local site."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User

from claims.extraction.services import claim_accept
from claims.ingestion.services import article_submit
from claims.models import Article, Claim
from tests.faults import ledger
from tests.faults.sites import Site
from tests.faults.workers import Started, wait_for


@dataclass(frozen=True)
class Work:
    articles: list[Article]
    claims: list[Claim]

    @property
    def paths(self) -> list[str]:
        return [article.url.split("/", 3)[3] for article in self.articles]


def submit_work(
    site: Site, editor: User, make_article: Callable[..., Article], label: str, *, articles: int,
    claims: int,
) -> Work:  # fmt: skip
    """Submit articles to ingest and accept claims to gather for, all fetching from `site`."""
    claimed = []
    for number in range(claims):
        source = site.url(f"/{label}/source-{number}")
        article = make_article(
            f"A post claims the new bridge number {number} of {label} cost 400 million dollars.",
            links=[{"url": source, "text": "the accounts"}],
        )
        candidate = Claim.objects.create(article=article, text=article.text)
        claimed.append(claim_accept(claim=candidate, user=editor))
    submitted = [
        article_submit(url=site.url(f"/{label}/article-{number}"), submitted_by=editor).article
        for number in range(articles)
    ]
    return Work(submitted, claimed)


def fetches_in_hand(site: Site, count: int, worker: Started) -> None:
    """Wait until `count` fetches wait at the site's closed gate."""

    def waiting() -> bool:
        if not worker.running():
            raise AssertionError(f"The worker exited.\n{worker.log_tail()}")
        return site.waiting >= count

    wait_for(waiting, what=f"{count} fetches in hand", timeout=60)


def seconds_until_all_ended(since: float, timeout: float, *workers: Started) -> float:
    """Wait until every job has ended; return the seconds since `since`."""

    def ended() -> bool:
        for worker in workers:
            if not worker.running():
                raise AssertionError(f"{worker.name} exited.\n{worker.log_tail()}")
        return ledger.all_ended()

    try:
        wait_for(ended, what="every job to end", timeout=timeout)
    except AssertionError as error:
        logs = "\n".join(f"--- {worker.name}:\n{worker.log_tail()}" for worker in workers)
        raise AssertionError(f"{error}\nStill open: {ledger.unfinished()}\n{logs}") from None
    return time.monotonic() - since
