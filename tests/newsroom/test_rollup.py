"""The analytics' tallies are kept by the services that change the facts, in their
transaction: after any sequence of the desk's steps and of gathering, they equal a count
from scratch; a failed transaction changes none; `manage.py analytics_rebuild` restores
them after rows were changed behind the services' back."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from importlib import import_module
from io import StringIO
from typing import Any
from unittest.mock import patch

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from claims.evidence.gathering import provider_job_retry, provider_job_run
from claims.extraction.services import claim_accept
from claims.models import Article, Claim, Evidence, ProviderJob
from newsroom.analytics import Period, newsroom_figures
from newsroom.models import Tally
from newsroom.rollup import counted_from_scratch, stored_tallies
from reviewers.models import Rating, Review
from reviewers.services import (
    review_approve,
    review_assign,
    review_correct,
    review_correction_approve,
    review_draft,
    review_publish,
    review_retract,
    review_send_back,
    review_submit,
)
from tests.conftest import LocalSite

SPRING = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """The services stamp their rows with this time (the clock is the outside world)."""
    with patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def accept(make_article: Callable[..., Article], editor: User) -> Callable[..., Claim]:
    def accepted(number: int, claimant: str, publisher: str, at: datetime) -> Claim:
        article = make_article(
            f"Claim {number} said.", url=f"https://n.example/{number}", publisher=publisher
        )
        claim = Claim.objects.create(article=article, text=f"Claim {number}", claimant=claimant)
        with clock(at):
            return claim_accept(claim=claim, user=editor)

    return accepted


def run_jobs(claim: Claim, at: datetime) -> None:
    """Do what the workers do: run every queued job of the claim's latest run."""
    run = claim.gathering_runs.latest("started_at")
    with clock(at):
        for job in run.jobs.filter(status=ProviderJob.Status.QUEUED):
            provider_job_run(job_id=job.id)


def verdict(claim: Claim, reviewer: User, rating: str, evidence: Evidence, at: datetime) -> Review:
    with clock(at):
        review = review_draft(
            claim=claim, author=reviewer, rating=Rating.objects.get(label=rating),
            headline="Verdict", justification="The accounts.", cited_evidence=[evidence],
        )  # fmt: skip
        return review_submit(review=review, actor=reviewer)


def test_the_tallies_equal_a_count_from_scratch_after_the_desks_steps_and_gathering(
    accept: Callable[..., Claim],
    make_evidence: Callable[..., Evidence],
    editor: User,
    reviewer: User,
    chief_editor: User,
    site_admin: User,
    local_site: LocalSite,
    settings: Any,
) -> None:
    settings.EVIDENCE_PROVIDERS = ["archive", "mediawiki"]
    settings.MEDIAWIKI_API_URL = local_site.add("/w/api.php", "<html>not json</html>")
    # Either side of a month's end, and a day later.
    last_of_march = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    first = accept(1, "Mayor Jane Doe", "Riverton Courier", last_of_march)
    second = accept(2, "Mayor Jane Doe", "Harbour Post", last_of_march + timedelta(hours=1))
    third = accept(3, "", "", last_of_march + timedelta(days=1, hours=10))
    for claim in (first, second, third):
        run_jobs(claim, last_of_march + timedelta(days=2))  # the archive finds, mediawiki fails
    failed = ProviderJob.objects.get(run__claim=first, provider="mediawiki")
    with clock(last_of_march + timedelta(days=3)):
        provider_job_retry(job=failed, user=editor)  # no longer counted as failed
    assert ProviderJob.objects.get(id=failed.id).status == ProviderJob.Status.QUEUED

    at = last_of_march + timedelta(days=4)
    for claim in (first, second, third):
        with clock(at):
            review_assign(claim=claim, actor=chief_editor, assignee=reviewer)
    hours = [at + timedelta(hours=n) for n in range(1, 12)]
    one = verdict(first, reviewer, "False", make_evidence(first), hours[0])
    two = verdict(second, reviewer, "Mixed", make_evidence(second), hours[0])
    verdict(third, reviewer, "True", make_evidence(third), hours[0])  # left awaiting approval
    with clock(hours[1]):
        two = review_send_back(
            review=two, actor=chief_editor, reason="more_evidence", note="Cite the accounts."
        )
    with clock(hours[2]):
        two = review_submit(review=two, actor=reviewer)
    for review, hour in ((one, hours[3]), (two, hours[4])):
        with clock(hour):
            review = review_approve(review=review, approver=chief_editor)
            review_publish(review=review, publisher=chief_editor)
    with clock(hours[5]):
        review_correct(
            review=Review.objects.get(id=one.id), corrector=chief_editor,
            note="The accounts were revised.", rating=Rating.objects.get(label="Mixed"),
        )  # fmt: skip
    with clock(hours[6]):
        review_correction_approve(review=Review.objects.get(id=one.id), approver=site_admin)
    with clock(hours[7]):
        review_retract(
            review=Review.objects.get(id=two.id), retractor=chief_editor, reason="Wrong claim."
        )

    assert stored_tallies() == counted_from_scratch()
    figures = {table.key: table.rows for table in newsroom_figures(SPRING)}
    assert figures["verdicts"] == [["Mixed", 1]]  # the first, corrected; the second retracted
    finished = {row[0]: row[1:3] for row in figures["providers"]}
    assert finished == {"archive": [3, 100.0], "mediawiki": [2, 0.0]}  # one failure retried
    assert figures["claimants"] == [["Mayor Jane Doe", 2]]
    assert figures["load"] == [["reviewer", 0, 4]]
    assert figures["weekly"] == [["2026-03-30", 3, 2]]
    assert [row[1] for row in figures["stages"]] == [3, 3, 2, 2]


def test_a_failed_transaction_changes_no_tally(
    accept: Callable[..., Claim], make_evidence: Callable[..., Evidence], reviewer: User,
    chief_editor: User,
) -> None:  # fmt: skip
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    claim = accept(1, "Mayor Jane Doe", "Riverton Courier", at)
    with clock(at):
        review_assign(claim=claim, actor=chief_editor, assignee=reviewer)
    review = verdict(claim, reviewer, "False", make_evidence(claim), at + timedelta(hours=1))
    before = stored_tallies()

    with pytest.raises(RuntimeError), transaction.atomic():
        with clock(at + timedelta(hours=2)):
            review = review_approve(review=review, approver=chief_editor)
            review_publish(review=review, publisher=chief_editor)
        accept(2, "Someone else", "Harbour Post", at + timedelta(days=1))
        assert stored_tallies() != before  # counted, in the transaction
        raise RuntimeError("the request fails after the steps")

    assert stored_tallies() == before
    assert stored_tallies() == counted_from_scratch()


def test_the_rebuild_command_counts_again_what_was_changed_behind_the_services_back(
    accept: Callable[..., Claim],
) -> None:
    claim = accept(1, "Mayor Jane Doe", "Riverton Courier", datetime(2026, 3, 2, 9, tzinfo=UTC))
    Claim.objects.filter(id=claim.id).update(claimant="Governor John Roe")
    assert stored_tallies() != counted_from_scratch()

    out = StringIO()
    call_command("analytics_rebuild", stdout=out)

    assert stored_tallies() == counted_from_scratch()
    assert "tally rows counted from the facts" in out.getvalue()
    march = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    claimants = next(t.rows for t in newsroom_figures(march) if t.key == "claimants")
    assert claimants == [["Governor John Roe", 1]]


def test_a_period_adds_whole_months_and_the_days_at_its_ends(
    accept: Callable[..., Claim],
) -> None:
    days = [(2, 28), (3, 1), (3, 14), (3, 15), (3, 31), (4, 1), (4, 30), (5, 1), (5, 20), (5, 21)]
    for number, (month, day) in enumerate(days):
        accept(
            number, f"Speaker {month:02}-{day:02}", "", datetime(2026, month, day, 12, tzinfo=UTC)
        )

    def claimants(since: tuple[int, int], until: tuple[int, int]) -> list[str]:
        period = Period.of_days(datetime(2026, *since).date(), datetime(2026, *until).date())
        rows = next(t.rows for t in newsroom_figures(period) if t.key == "claimants")
        return sorted(str(row[0]).removeprefix("Speaker ") for row in rows)

    # From the middle of March to the middle of May: April whole, and days either side.
    assert claimants((3, 15), (5, 20)) == ["03-15", "03-31", "04-01", "04-30", "05-01", "05-20"]
    assert claimants((3, 1), (3, 31)) == ["03-01", "03-14", "03-15", "03-31"]  # one month
    assert claimants((3, 14), (3, 14)) == ["03-14"]  # one day
    assert claimants((2, 1), (4, 30)) == ["02-28", "03-01", "03-14", "03-15", "03-31", "04-01",
                                          "04-30"]  # fmt: skip


def test_the_migration_counts_the_facts_stored_before_it(accept: Callable[..., Claim]) -> None:
    accept(1, "Mayor Jane Doe", "Riverton Courier", datetime(2026, 3, 2, 9, tzinfo=UTC))
    Tally.objects.all().delete()
    migration = "0002_tallies_from_the_facts"
    state = MigrationLoader(connection).project_state(("newsroom", migration))

    import_module(f"newsroom.migrations.{migration}").tallies_from_the_facts(state.apps, None)

    assert stored_tallies() == counted_from_scratch() != {}
