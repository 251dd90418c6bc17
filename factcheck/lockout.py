"""Log-in lockout (django-axes): too many wrong passwords for one user from one address lock
that pair out, and many more for one user from anywhere lock the user out.

Axes counts every combination in AXES_LOCKOUT_PARAMETERS against one limit. Counting per
address alone would let one office behind a NAT lock everybody out, and per user alone at
the pair's limit would let anyone lock out any user with a handful of guesses; so the pair
has the low limit and the user alone the higher LOGIN_USER_FAILURE_LIMIT.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


class PairAndUserLockout(AxesDatabaseHandler):  # type: ignore[misc]  # axes is untyped
    """Failures as axes compares them with AXES_FAILURE_LIMIT: the pair's own count, or the
    limit itself once the user's count across all addresses reaches its own limit."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_pair, by_user = (
            _failures(attempts) for attempts in self.get_user_attempts(request, credentials)
        )
        if by_user >= settings.LOGIN_USER_FAILURE_LIMIT:
            return max(by_pair, settings.AXES_FAILURE_LIMIT)
        return by_pair


def _failures(attempts: QuerySet[Any]) -> int:
    total: int | None = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0
