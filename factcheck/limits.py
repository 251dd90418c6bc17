"""How long a task may run, how it retries, and when the sweep presumes work lost.

One place for the numbers that must agree: the sweep (claims/sweep.py) and the gathering
lease must wait longer than a task may run, or they send again a task that is still running;
and they should wait little more, so that a lost message, a killed worker, a Redis or a
PostgreSQL outage delays work by a minute at most (docs/operations.md, "The sweep").
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError

# A task that fetches (a page, a provider's sources, a webhook) or matches one claim: its
# fetches take at most twice FETCH_TIMEOUT_SECONDS each, in parallel; the rest is seconds.
# At the soft limit the task is interrupted (SoftTimeLimitExceeded); at the hard limit its
# process is killed. Either way the sweep takes the work up again, counting the attempt.
QUICK_HARD_LIMIT = 2 * settings.FETCH_TIMEOUT_SECONDS + 25
QUICK = {"soft_time_limit": QUICK_HARD_LIMIT - 5, "time_limit": QUICK_HARD_LIMIT}

# A quick task that needs its worker's matching index spends at most about this long
# building it (a first build over a million rows takes minutes); then it puts its work back
# for the sweep to send again, and the next task builds on (claims/matching/follower.py).
INDEX_BUILD_SECONDS = QUICK_HARD_LIMIT // 2

# Scoring every sentence of a long article (2,000 at most): minutes at most.
LONG_HARD_LIMIT = 300
LONG = {"soft_time_limit": LONG_HARD_LIMIT - 30, "time_limit": LONG_HARD_LIMIT}

# Past this, quick work that has not moved (queued, or running) is presumed lost; a provider
# job's lease lasts as long. Just longer than the hard limit: never a task still running.
STUCK_AFTER = timedelta(seconds=QUICK_HARD_LIMIT + 5)
# A proposal still held by a live worker is left this long: the propose task runs under the
# long limit (one whose worker is gone is sent again after STUCK_AFTER, claims/sweep.py).
UNPROPOSED_AFTER = timedelta(seconds=LONG_HARD_LIMIT + 10)

# A database error is worth more tries, spaced 5, 10, 20, 20 … seconds (no jitter, which
# could make them all early): six minutes in all, so a minute-long PostgreSQL outage is
# outlasted, and work resumes within 20 s of the database coming back. InterfaceError is
# Django's for a connection found closed (not a DatabaseError): the same outage, seen later.
# Anything else is a bug.
RETRY: dict[str, Any] = {
    "autoretry_for": (DatabaseError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 20,
    "retry_jitter": False,
    "max_retries": 20,
}
