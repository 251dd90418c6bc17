"""Chief editors see the newsroom's figures over a period: claims in and checks out per week,
the time each stage took (median and 90th percentile), the verdict mix, reviewer load,
provider success and the most-checked claimants and sources; as a page with charts and
tables, and through the API."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import patch

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from claims.extraction.services import claim_accept
from claims.models import Article, Claim, Evidence, ProviderJob
from newsroom.analytics import Period, newsroom_figures
from reviewers.models import Rating
from reviewers.services import (
    review_approve,
    review_assign,
    review_draft,
    review_publish,
    review_submit,
)

MARCH = Period(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))


@contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """The services stamp their rows with this time (the clock is the outside world)."""
    with patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def checked_in_march(
    make_article: Callable[..., Article],
    make_evidence: Callable[..., Evidence],
    editor: User,
    reviewer: User,
    chief_editor: User,
) -> list[Claim]:
    """Two claims taken from acceptance to publication at known hours in March:
    hours per stage (assigned, drafted, approved, published) of 2, 24, 4, 1 and 10, 8, 2, 3."""
    cases = [
        ("Mayor Jane Doe", "Riverton Courier", "False", datetime(2026, 3, 2, 9, tzinfo=UTC)),
        ("Mayor Jane Doe", "Harbour Post", "Mixed", datetime(2026, 3, 3, 9, tzinfo=UTC)),
    ]
    stage_hours = [[2, 24, 4, 1], [10, 8, 2, 3]]
    claims = []
    for number, ((claimant, publisher, rating, accepted), hours) in enumerate(
        zip(cases, stage_hours, strict=True)
    ):
        article = make_article(
            f"Claim {number} said.", url=f"https://n.example/{number}", publisher=publisher
        )
        claim = Claim.objects.create(article=article, text=f"Claim {number}", claimant=claimant)
        at = accepted
        with clock(at):
            claim_accept(claim=claim, user=editor)
        evidence = make_evidence(claim)
        at += timedelta(hours=hours[0])
        with clock(at):
            review = review_assign(claim=claim, actor=chief_editor, assignee=reviewer)
        at += timedelta(hours=hours[1])
        with clock(at):
            review = review_draft(
                claim=claim, author=reviewer, rating=Rating.objects.get(label=rating),
                headline="Verdict", justification="The accounts.", cited_evidence=[evidence],
            )  # fmt: skip
            review = review_submit(review=review, actor=reviewer)
        at += timedelta(hours=hours[2])
        with clock(at):
            review = review_approve(review=review, approver=chief_editor)
        at += timedelta(hours=hours[3])
        with clock(at):
            review_publish(review=review, publisher=chief_editor)
        claims.append(claim)
    return claims


def figure(key: str, period: Period = MARCH) -> list[list[Any]]:
    return next(table.rows for table in newsroom_figures(period) if table.key == key)


def test_claims_in_and_checks_out_are_counted_per_week(checked_in_march: list[Claim]) -> None:
    assert figure("weekly") == [["2026-03-02", 2, 2]]


def test_each_stage_has_its_median_and_90th_percentile_in_hours(
    checked_in_march: list[Claim],
) -> None:
    assert figure("stages") == [
        ["accepted → assigned", 2, 2.0, 10.0],
        ["assigned → drafted", 2, 8.0, 24.0],
        ["drafted → approved", 2, 2.0, 4.0],
        ["approved → published", 2, 1.0, 3.0],
    ]


def test_verdict_mix_reviewer_load_claimants_and_sources(
    checked_in_march: list[Claim],
) -> None:
    assert figure("verdicts") == [["Mixed", 1], ["False", 1]]
    assert figure("load") == [["reviewer", 0, 2]]
    assert figure("claimants") == [["Mayor Jane Doe", 2]]
    assert figure("sources") == [["Harbour Post", 1], ["Riverton Courier", 1]]


def test_provider_success_counts_finished_jobs(checked_in_march: list[Claim]) -> None:
    jobs = ProviderJob.objects.filter(run__claim__in=checked_in_march)
    jobs.update(status=ProviderJob.Status.DONE, evidence_found=0)
    jobs.filter(provider="archive").update(evidence_found=3)
    jobs.filter(provider="links", run__claim=checked_in_march[0]).update(
        status=ProviderJob.Status.FAILED, last_error="HTTP 503"
    )
    call_command("analytics_rebuild")  # the jobs were changed behind the services' back

    rows = {row[0]: row[1:] for row in figure("providers")}

    assert rows["archive"] == [2, 100.0, 100.0]
    assert rows["links"] == [2, 50.0, 0.0]


def test_nothing_outside_the_period_is_counted(checked_in_march: list[Claim]) -> None:
    april = Period(datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC))

    assert figure("weekly", april) == []
    assert figure("stages", april) == [
        ["accepted → assigned", 0, None, None],
        ["assigned → drafted", 0, None, None],
        ["drafted → approved", 0, None, None],
        ["approved → published", 0, None, None],
    ]


def test_the_page_draws_charts_from_its_own_static_files_with_tables(
    checked_in_march: list[Claim], chief_editor: User
) -> None:
    client = Client()
    client.force_login(chief_editor)

    page = client.get("/admin/analytics/?since=2026-03-01&until=2026-03-31")

    assert page.status_code == 200
    html = page.content.decode()
    assert '<script src="/static/newsroom/chart.umd.min.js"' in html
    assert "cdn" not in html.lower()
    assert '<th scope="row">accepted → assigned</th>' in html
    assert html.count("<canvas") == 7


def test_a_bad_period_is_refused_with_a_message(chief_editor: User) -> None:
    client = Client()
    client.force_login(chief_editor)

    page = client.get("/admin/analytics/?since=2026-03-31&until=2026-03-01")

    assert page.status_code == 400
    assert "must not be after" in page.content.decode()


def test_only_chief_editors_see_analytics(
    reviewer: User, editor: User, client_for: Callable[[User], APIClient]
) -> None:
    for user in (reviewer, editor):
        client = Client()
        client.force_login(user)
        assert client.get("/admin/analytics/").status_code == 403
        assert client_for(user).get("/api/v1/analytics/").status_code == 403


def test_the_api_gives_the_same_tables(
    checked_in_march: list[Claim], chief_editor: User, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(chief_editor).get("/api/v1/analytics/?since=2026-03-01&until=2026-03-31")

    assert response.status_code == 200
    weekly = next(table for table in response.json() if table["key"] == "weekly")
    assert weekly["columns"] == ["Week of", "Claims in", "Checks out"]
    assert weekly["rows"] == [["2026-03-02", 2, 2]]
    too_long = client_for(chief_editor).get("/api/v1/analytics/?since=2020-01-01&until=2026-01-01")
    assert too_long.status_code == 400
