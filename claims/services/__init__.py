"""Every change to articles, claims, evidence and feeds goes through a function here.

The admin, the API, the management commands and the Celery tasks all call these; none
of them writes models directly.
"""

from .articles import Submission, article_ingest, article_retry, article_submit
from .claims import claim_accept, claims_propose
from .editing import (
    ClaimAlreadyDecided,
    Part,
    claim_create,
    claim_dismiss,
    claim_edit,
    claim_merge,
    claim_split,
)
from .evidence import evidence_gather
from .feeds import feed_poll, feed_subscribe, feeds_poll_due
from .sweep import stuck_work_requeue

__all__ = [
    "ClaimAlreadyDecided",
    "Part",
    "Submission",
    "article_ingest",
    "article_retry",
    "article_submit",
    "claim_accept",
    "claim_create",
    "claim_dismiss",
    "claim_edit",
    "claim_merge",
    "claim_split",
    "claims_propose",
    "evidence_gather",
    "feed_poll",
    "feed_subscribe",
    "feeds_poll_due",
    "stuck_work_requeue",
]
