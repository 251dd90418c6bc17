"""Scenario 6: beat killed and started again sends each periodic task once per due time:
the schedule file remembers every sending, so a beat started again does not send at once
what its predecessor had just sent (the sweep, feed polls, webhook re-sends)."""

import re
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise

import pytest
from django.conf import settings

from tests.faults.workers import Scenario, Started, record_recovery, scenario, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["scenario"]

SENDING = re.compile(
    r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO celery\.beat: "
    r"Scheduler: Sending due task (?P<entry>\S+) ",
    re.MULTILINE,
)
SWEEP = "requeue-stuck-work"
# Beat wakes at most this late for a due entry (its loop sleeps until the next one is due).
TICK_SLACK = 1.0


def test_beat_killed_and_started_again_sends_each_due_task_once(
    scenario: Scenario, request: pytest.FixtureRequest
) -> None:
    worker = scenario.start_worker(2)
    beat = scenario.start_beat()
    wait_for(lambda: len(sendings([beat])[SWEEP]) == 1, what="the first sweep", timeout=30)
    beat.kill()  # just after it sent the sweep, as a lost machine
    killed_at = datetime.now()  # beat logs local time
    again = scenario.start_beat()
    wait_for(lambda: len(sendings([again])[SWEEP]) >= 1, what="the next sweep", timeout=30)
    back_after = sendings([again])[SWEEP][0]
    sent = sendings([beat, again])
    for entry, times in sent.items():
        interval = float(settings.CELERY_BEAT_SCHEDULE[entry]["schedule"])
        gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
        assert all(gap >= interval - TICK_SLACK for gap in gaps), (entry, gaps)
    wait_for(
        lambda: worker.log_text().count("requeue_stuck_work[") >= 2 * len(sent[SWEEP]),
        what="the worker to run every sweep sent",
        timeout=20,
    )  # each sweep received once and done once: two lines each
    record_recovery(
        request,
        "6 beat killed and started again",
        {
            "sweeps sent": len(sent[SWEEP]),
            "first sweep after the kill": (back_after - killed_at).total_seconds(),
        },
    )


def sendings(beats: Iterable[Started]) -> dict[str, list[datetime]]:
    """When each periodic entry was sent, from the beats' logs."""
    sent: dict[str, list[datetime]] = {entry: [] for entry in settings.CELERY_BEAT_SCHEDULE}
    for beat in beats:
        for match in SENDING.finditer(beat.log_text()):
            sent[match["entry"]].append(datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f"))
    return {entry: sorted(times) for entry, times in sent.items()}
