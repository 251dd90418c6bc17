"""The claims app's tables: the Claim and its history here, every concern's tables re-exported.

A Claim spans the concerns (ingestion gives it its article, extraction proposes it, evidence
is gathered for it, matching says whether it was checked before), so it lives at the root.
Each concern keeps its own tables in its models.py; importing them here makes them models of
this app, and `from claims.models import X` the one way to reach any of them.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Q


class ClaimQuerySet(models.QuerySet["Claim"]):
    def accepted(self) -> "ClaimQuerySet":
        return self.filter(status=Claim.Status.ACCEPTED)

    def needing_review(self) -> "ClaimQuerySet":
        """Accepted claims not confirmed as checked before: not a duplicate of another of
        our claims, not linked to another fact-checker's review. A reviewer's queue reads
        these, so nobody checks the same claim twice."""
        return self.accepted().filter(duplicate_of__isnull=True, checked_by_external__isnull=True)

    def checked_before(self) -> "ClaimQuerySet":
        """Claims an editor confirmed as checked before: a duplicate in a group of ours, or
        checked by another fact-checker. Their evidence is not gathered."""
        return self.filter(Q(duplicate_of__isnull=False) | Q(checked_by_external__isnull=False))


class Claim(models.Model):
    """One checkable statement in an article, with who says it and how the article treats it."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate"
        ACCEPTED = "accepted"
        DISMISSED = "dismissed"
        SPLIT = "split", "Split into others"
        MERGED = "merged", "Merged into another"

    class ArticleStance(models.TextChoices):
        ASSERTS = "asserts"
        REPORTS = "reports"
        REFUTES = "refutes"
        DISPUTES = "disputes"

    class Gathering(models.TextChoices):
        NOT_STARTED = "not_started"
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled", "Cancelled (see the note)"

    class Matching(models.TextChoices):
        NOT_STARTED = "not_started"
        PENDING = "pending"
        DONE = "done"
        SKIPPED = "skipped", "Skipped (see the note)"
        FAILED = "failed"

    article = models.ForeignKey("claims.Article", on_delete=models.PROTECT, related_name="claims")
    text = models.TextField()
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    article_stance = models.CharField(
        max_length=16, choices=ArticleStance.choices, default=ArticleStance.ASSERTS
    )
    stance_cue = models.CharField(max_length=200, blank=True)
    checkworthiness = models.FloatField(default=0.0)
    scored_by = models.CharField(
        max_length=64,
        blank=True,
        help_text="The model that scored check-worthiness; empty if the language is unsupported.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CANDIDATE)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    gathering = models.CharField(
        max_length=16, choices=Gathering.choices, default=Gathering.NOT_STARTED
    )
    gathering_error = models.TextField(blank=True)
    gathering_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who made it (from a span, a split or a merge); empty if extracted.",
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who dismissed, split or merged it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    split_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="split_into",
        help_text="The claim this one is a part of.",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        help_text="The claim that replaced this one and others.",
    )
    matching = models.CharField(
        max_length=16, choices=Matching.choices, default=Matching.NOT_STARTED
    )
    matching_note = models.TextField(
        blank=True, help_text="What matching could not do: a claim too short, a text cut."
    )
    matching_attempts = models.PositiveIntegerField(default=0)
    matching_changed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        help_text="The canonical claim of its group, confirmed by an editor as the same claim.",
    )
    checked_by_external = models.ForeignKey(
        "claims.ExternalReview",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="Another fact-checker's review, confirmed by an editor as of the same claim.",
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article", "span_start", "id"]
        constraints = [
            # Re-running extraction finds the same spans and must not duplicate them.
            models.UniqueConstraint(
                fields=["article", "span_start", "span_end"], name="claim_unique_span"
            ),
            models.CheckConstraint(
                condition=Q(span_start__isnull=True, span_end__isnull=True)
                | Q(span_start__lt=F("span_end")),
                name="claim_span_is_ordered",
            ),
            models.CheckConstraint(
                condition=Q(checkworthiness__gte=0) & Q(checkworthiness__lte=1),
                name="claim_checkworthiness_in_unit_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False),
                name="claim_accepted_has_time",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_has_text"),
            models.CheckConstraint(
                condition=Q(edited_by__isnull=True) | Q(edited_at__isnull=False),
                name="claim_edited_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["dismissed", "split", "merged"])
                | Q(decided_at__isnull=False),
                name="claim_decided_has_time",
            ),
            # A merged claim always points at its replacement, and only a merged one does.
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="claim_merged_has_replacement",
            ),
            models.CheckConstraint(
                condition=~Q(split_from=F("id")) & ~Q(merged_into=F("id")),
                name="claim_not_replaced_by_itself",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("id")), name="claim_not_duplicate_of_itself"
            ),
        ]
        indexes = [
            # The sweep looks for matching that never finished.
            models.Index(fields=["matching", "matching_changed_at"], name="claim_matching_idx"),
            # The review desk's queue (reviewers/queue.py), in its order: a page is the top of
            # this index, where sorting every accepted claim took most of a request. After
            # `id` (which settles the order) come the columns the queue filters claims on, so
            # counting the queue reads the index alone; without them SQLite, which keeps no
            # statistics and so trusts any index on `status`, fetched each claim's row as well
            # (bench/README.md).
            models.Index(
                fields=[
                    "status",
                    "-checkworthiness",
                    "-accepted_at",
                    "-id",
                    "duplicate_of",
                    "checked_by_external",
                    "claimant",
                ],
                name="claim_review_queue_idx",
            ),
            # The newsroom's analytics start from the claims accepted in a period.
            models.Index(fields=["accepted_at"], name="claim_accepted_at_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_scored(self) -> bool:
        """Scored by a check-worthiness model. A claim in a language no model reads has no
        score (0.0, no model named); rows from before models were named have a score only."""
        return bool(self.scored_by) or self.checkworthiness > 0

    @property
    def checked_before(self) -> bool:
        """Confirmed by an editor as checked before (see `ClaimQuerySet.checked_before`)."""
        return self.duplicate_of_id is not None or self.checked_by_external_id is not None


class ClaimHistoryIsAppendOnly(PermissionDenied):
    """Someone tried to change or delete a claim event."""


class ClaimEventQuerySet(models.QuerySet["ClaimEvent"]):
    """The history is append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs: Any) -> int:
        raise ClaimHistoryIsAppendOnly("Claim events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ClaimHistoryIsAppendOnly("Claim events cannot be deleted.")


class ClaimEvent(models.Model):
    """One decision taken on a claim: the claim's history. Rows are only ever added (the
    model refuses changes and deletes; a database trigger refuses them too).

    `from_status` and `to_status` are the claim's status before and after, set only when the
    decision changed it; `detail` holds what else changed (see claims/events.py)."""

    class Action(models.TextChoices):
        ACCEPT = "accept"
        DISMISS = "dismiss"
        EDIT = "edit"
        SPLIT = "split"
        MERGE = "merge"
        CREATE = "create", "Create from a span"
        MATCH_CONFIRM = "match_confirm", "Confirm a match"
        MATCH_REJECT = "match_reject", "Reject a match"
        MATCH_UNDO = "match_undo", "Undo a match"
        EVIDENCE_PIN = "evidence_pin", "Pin or unpin evidence"
        EVIDENCE_STANCE = "evidence_stance", "Set an evidence stance"
        PROVIDER_RETRY = "provider_retry", "Ask a provider again"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who decided; empty if the system did.",
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=16, choices=Claim.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Claim.Status.choices, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A claim's history, in order: the admin page and the claim's API read it.
            models.Index(fields=["claim", "created_at"], name="claimevent_claim_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} on claim #{self.claim_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ClaimHistoryIsAppendOnly("Claim events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ClaimHistoryIsAppendOnly("Claim events cannot be deleted.")


# Every concern's tables, imported last: their foreign keys name Claim and Article by string.
from claims.evidence.models import Evidence as Evidence  # noqa: E402
from claims.evidence.models import GatheringRun as GatheringRun  # noqa: E402
from claims.evidence.models import ProviderJob as ProviderJob  # noqa: E402
from claims.evidence.models import ProviderSetting as ProviderSetting  # noqa: E402
from claims.ingestion.models import Article as Article  # noqa: E402
from claims.ingestion.models import ArticleSourceCorrection as ArticleSourceCorrection  # noqa: E402
from claims.ingestion.models import Feed as Feed  # noqa: E402
from claims.ingestion.models import FeedEntry as FeedEntry  # noqa: E402
from claims.ingestion.models import HostSlot as HostSlot  # noqa: E402
from claims.ingestion.models import Snapshot as Snapshot  # noqa: E402
from claims.matching.models import ClaimMatch as ClaimMatch  # noqa: E402
from claims.matching.models import ExternalReview as ExternalReview  # noqa: E402
from claims.matching.models import MatchEntry as MatchEntry  # noqa: E402
from claims.tips.models import Tip as Tip  # noqa: E402
from claims.tips.models import TipGroup as TipGroup  # noqa: E402
