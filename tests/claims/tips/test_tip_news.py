"""When the check of a claim readers asked about is published, each reader who left an
address is emailed once (then the address is deleted), and every tip's status link shows the
verdict; so is a reader whose tip the worker found to be a claim we had checked already. A
reader answered at once leaves no address behind, and can delete it sooner from the page."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from claims.models import Claim, Evidence, Tip
from claims.sweep import stuck_work_requeue
from claims.tips.services import tip_group, tip_group_claim, tip_readers_notify, tip_submit
from factcheck.limits import STUCK_AFTER
from reviewers.models import Rating, Review
from reviewers.services import (
    review_approve,
    review_draft,
    review_publish,
    review_retract,
    review_submit,
)

pytestmark = pytest.mark.django_db

FERRY = "Riverton's ferry fares doubled in January for everyone over sixty."
FERRY_AGAIN = "Is it true ferry fares in Riverton doubled in January for people over sixty?"


def tipped(text: str, contact: str = "") -> Tip:
    tip = tip_submit(text=text, contact=contact).tip
    tip_group(tip_id=tip.id)
    tip.refresh_from_db()
    return tip


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def published(claim: Claim, reviewer: User, chief: User, evidence: Evidence) -> Review:
    review = review_draft(
        claim=claim,
        author=reviewer,
        rating=Rating.objects.get(label="False"),
        headline="No, ferry fares did not double",
        justification="The operator's price list.",
        cited_evidence=[evidence],
    )
    review_submit(review=review, actor=reviewer)
    review_approve(review=review, approver=chief)
    review_publish(review=review, publisher=chief)
    return review


@pytest.fixture
def ferry_claim(editor: User) -> tuple[Claim, list[Tip]]:
    tips = [tipped(FERRY, "first@example.org"), tipped(FERRY_AGAIN, "second@example.org")]
    tipped(FERRY + " Really?")  # no address: told nothing, sees it on its page
    group = tips[0].group
    assert group is not None and all(tip.group == group for tip in tips)
    return tip_group_claim(group=group, user=editor), tips


def test_publishing_the_check_tells_each_reader_once_and_forgets_the_address(
    ferry_claim: tuple[Claim, list[Tip]],
    reviewer: User,
    chief_editor: User,
    make_evidence: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    claim, tips = ferry_claim
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        review = published(claim, reviewer, chief_editor, make_evidence(claim))
    assert (claim.id,) in [callback.args for callback in enqueued]  # the publish step asks
    assert tip_readers_notify(claim_id=claim.id) == 2
    assert recipients() == ["first@example.org", "second@example.org"]
    message = mail.outbox[0]
    assert "No, ferry fares did not double" in message.body
    assert f"http://127.0.0.1:8000/checks/{review.id}/" in message.body
    for tip in tips:
        tip.refresh_from_db()
        assert tip.notified_at is not None and tip.contact == ""
        assert f"/tips/{tip.token}/" in "".join(str(m.body) for m in mail.outbox)
    assert tip_readers_notify(claim_id=claim.id) == 0  # told once
    assert len(mail.outbox) == 2


def test_every_status_link_shows_the_verdict(
    ferry_claim: tuple[Claim, list[Tip]],
    reviewer: User,
    chief_editor: User,
    make_evidence: Any,
    client: Client,
) -> None:
    claim, tips = ferry_claim
    before = client.get(f"/tips/{tips[0].token}/").content.decode()
    assert "We are checking this claim" in before
    review = published(claim, reviewer, chief_editor, make_evidence(claim))
    for tip in Tip.objects.all():
        response = client.get(f"/tips/{tip.token}/")
        assert response["Referrer-Policy"] == "no-referrer"
        page = response.content.decode()
        assert "We have checked this claim" in page and "No, ferry fares did not double" in page
        assert f'href="/checks/{review.id}/"' in page and "asked about this claim 3 times" in page


def test_a_lost_message_is_made_good_by_the_sweep(
    ferry_claim: tuple[Claim, list[Tip]],
    reviewer: User,
    chief_editor: User,
    make_evidence: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    claim, _ = ferry_claim
    published(claim, reviewer, chief_editor, make_evidence(claim))  # its message is lost
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert stuck_work_requeue() == 1
    assert [callback.args for callback in enqueued] == [(claim.id,)]
    tip_readers_notify(claim_id=claim.id)
    assert stuck_work_requeue() == 0


def test_nothing_is_sent_for_a_retracted_check(
    ferry_claim: tuple[Claim, list[Tip]],
    reviewer: User,
    chief_editor: User,
    make_evidence: Any,
) -> None:
    claim, _ = ferry_claim
    review = published(claim, reviewer, chief_editor, make_evidence(claim))
    review_retract(review=review, retractor=chief_editor, reason="Wrong claim.")
    assert tip_readers_notify(claim_id=claim.id) == 0
    assert mail.outbox == [] and stuck_work_requeue() == 0


def test_a_reader_deletes_the_address_from_the_status_page(client: Client) -> None:
    tip = tipped(FERRY, "reader@example.org")
    page = client.get(f"/tips/{tip.token}/").content.decode()
    assert "Delete my email address now" in page and "reader@example.org" not in page
    response = client.post(f"/tips/{tip.token}/forget/")
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.contact == ""
    assert "Delete my email address" not in client.get(f"/tips/{tip.token}/").content.decode()


def test_an_unknown_status_link_is_not_found(db: None, client: Client) -> None:
    assert client.get("/tips/not-a-token/").status_code == 404
    assert client.post("/tips/not-a-token/forget/").status_code == 404


def test_news_whose_worker_died_mid_send_is_sent_again_once_its_claim_lapses(
    ferry_claim: tuple[Claim, list[Tip]],
    reviewer: User,
    chief_editor: User,
    make_evidence: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    claim, tips = ferry_claim
    published(claim, reviewer, chief_editor, make_evidence(claim))
    # A worker claimed the first reader's news, then died before sending it.
    sending_since = timezone.now() - timedelta(seconds=5)
    Tip.objects.filter(id=tips[0].id).update(notified_at=sending_since)
    assert tip_readers_notify(claim_id=claim.id) == 1  # the claim may still be sending
    Tip.objects.filter(id=tips[0].id).update(notified_at=timezone.now() - STUCK_AFTER)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        assert stuck_work_requeue() == 1
    assert [callback.args for callback in enqueued] == [(claim.id,)]
    assert tip_readers_notify(claim_id=claim.id) == 1
    assert recipients() == ["first@example.org", "second@example.org"]


BRIDGE_TIP = "Did Riverton's Harbour Street bridge cost 400 million dollars?"


def test_a_reader_answered_at_once_is_not_emailed_and_leaves_no_address(
    published_bridge_check: Review,
) -> None:
    receipt = tip_submit(text=BRIDGE_TIP, contact="reader@example.org")

    assert receipt.check is not None and receipt.check.check_id == published_bridge_check.id
    tip = Tip.objects.get()
    assert tip.contact == ""
    tip_group(tip_id=tip.id)
    assert mail.outbox == [] and stuck_work_requeue() == 0


def test_a_reader_answered_by_the_worker_is_emailed_the_check_once(
    published_bridge_check: Review,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A tip the web server could not compare at once (its index too large to load) is
    compared by the worker; the reader who left an address hears of the check by email."""
    monkeypatch.setattr("claims.tips.services.AT_ONCE_LOAD_LIMIT", 0)
    tip = tip_submit(text=BRIDGE_TIP, contact="reader@example.org").tip
    assert tip.answered_by_check is None and tip.contact == "reader@example.org"

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        tip_group(tip_id=tip.id)
    assert (published_bridge_check.claim_id,) in [callback.args for callback in enqueued]
    assert tip_readers_notify(claim_id=published_bridge_check.claim_id) == 1  # the task

    assert recipients() == ["reader@example.org"]
    assert "No, the bridge did not cost $400 million" in mail.outbox[0].body
    assert f"/checks/{published_bridge_check.id}/" in mail.outbox[0].body
    tip.refresh_from_db()
    assert tip.answered_by_check == published_bridge_check.id and tip.contact == ""
    assert tip_readers_notify(claim_id=published_bridge_check.claim_id) == 0  # told once


def test_the_sweep_makes_good_the_lost_news_of_a_late_answer(
    published_bridge_check: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("claims.tips.services.AT_ONCE_LOAD_LIMIT", 0)
    tip = tip_submit(text=BRIDGE_TIP, contact="reader@example.org").tip
    tip_group(tip_id=tip.id)  # its message to tell the reader is lost

    assert stuck_work_requeue() == 1
    assert tip_readers_notify(claim_id=published_bridge_check.claim_id) == 1
    assert recipients() == ["reader@example.org"] and stuck_work_requeue() == 0
