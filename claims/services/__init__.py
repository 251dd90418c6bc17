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
from .evidence import evidence_rerank
from .evidence_review import evidence_add_by_url, evidence_pin, evidence_set_stance
from .external_reviews import ImportSummary, external_review_import, external_reviews_import_url
from .feeds import (
    feed_delete,
    feed_poll,
    feed_poll_now,
    feed_subscribe,
    feed_update,
    feeds_poll_due,
)
from .gathering import ClaimCheckedBefore, ClaimNotAccepted, gathering_start, provider_job_run
from .match_decisions import (
    MatchAlreadyDecided,
    MatchUndoUnsafe,
    claim_match_confirm,
    claim_match_reject,
    claim_match_undo,
)
from .matches import (
    claim_headline_index,
    claim_match,
    external_reviews_index,
    match_headline_request,
    matching_request,
    stale_entries_refresh,
)
from .sweep import stuck_work_requeue

__all__ = [
    "ClaimAlreadyDecided",
    "ClaimCheckedBefore",
    "ClaimNotAccepted",
    "ImportSummary",
    "MatchAlreadyDecided",
    "MatchUndoUnsafe",
    "Part",
    "Submission",
    "article_ingest",
    "article_retry",
    "article_submit",
    "claim_accept",
    "claim_create",
    "claim_dismiss",
    "claim_edit",
    "claim_headline_index",
    "claim_match",
    "claim_match_confirm",
    "claim_match_reject",
    "claim_match_undo",
    "claim_merge",
    "claim_split",
    "claims_propose",
    "evidence_add_by_url",
    "evidence_pin",
    "evidence_rerank",
    "evidence_set_stance",
    "external_review_import",
    "external_reviews_import_url",
    "external_reviews_index",
    "feed_delete",
    "feed_poll",
    "feed_poll_now",
    "feed_subscribe",
    "feed_update",
    "feeds_poll_due",
    "gathering_start",
    "match_headline_request",
    "matching_request",
    "provider_job_run",
    "stale_entries_refresh",
    "stuck_work_requeue",
]
