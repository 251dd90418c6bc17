from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F, Q

from claims.models import Claim, Evidence


class Rating(models.Model):
    """One step of the rating scale; the default scale is seeded by a migration."""

    label = models.CharField(max_length=64, unique=True)
    value = models.IntegerField(unique=True, help_text="Higher is more true.")
    description = models.TextField(blank=True)
    scored = models.BooleanField(
        default=True, help_text="False for ratings outside the true–false scale (Unverifiable)."
    )

    class Meta:
        ordering = ["-value"]

    def __str__(self) -> str:
        return self.label


class Tag(models.Model):
    """A topic a check can be filed under; the public API filters by its slug."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


STAGE_INDEX = [
    "accepted_at",
    "assigned_seconds",
    "drafted_seconds",
    "approved_seconds",
    "published_seconds",
]


class Review(models.Model):
    """The work of checking one claim: its state, its verdict and who did what.

    An accepted claim without a Review row is "new" in the queue (reviewers/queue.py); the
    row is written by the first step taken on it (assign, draft or dismiss), so `claims`
    never has to know that reviews exist.
    """

    class State(models.TextChoices):
        NEW = "new"
        ASSIGNED = "assigned"
        DRAFTING = "drafting"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        APPROVED = "approved"
        PUBLISHED = "published"
        CORRECTION_PENDING = "correction_pending", "Correction awaiting approval"
        RETRACTED = "retracted"
        DISMISSED = "dismissed"

    class SendBackReason(models.TextChoices):
        MORE_EVIDENCE = "more_evidence", "More evidence needed"
        CHANGES = "changes_requested", "Changes requested"

    class DismissReason(models.TextChoices):
        NOT_CHECK_WORTHY = "not_check_worthy", "Not check-worthy"
        DUPLICATE = "duplicate", "Duplicate"

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="review")
    state = models.CharField(max_length=24, choices=State.choices, default=State.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reviews",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authored_reviews",
        help_text="Who wrote the verdict: the assignee who last saved or submitted it.",
    )
    rating = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.PROTECT)
    headline = models.CharField(max_length=300, blank=True)
    justification = models.TextField(blank=True)
    cited_evidence = models.ManyToManyField(
        Evidence,
        blank=True,
        related_name="citing_reviews",
        help_text="The evidence the justification rests on; only the claim's own evidence.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="reviews")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_reviews",
    )
    pending_correction = models.JSONField(
        default=dict,
        blank=True,
        help_text="A correction that changes the rating, awaiting a second person's approval: "
        "the changes, the public note and who proposed it (`by`). The published verdict "
        "stays as it is until then.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Counts every change; a form sends it back to detect stale edits."
    )
    # When each stage of the check ended, stamped by the service that records the event
    # (reviewers/services.py): the analytics read one row per review, not its events.
    # `accepted_at` is the claim's, copied when the review row is written; each other
    # stage keeps the first time the review reached it (a send-back and a redraft, or a
    # correction, leave them as they were).
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField(null=True, blank=True, editable=False)
    drafted_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="First sent for approval."
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How long each stage took, in whole seconds from the previous stage's end: the figure
    # groups these numbers, as reading a timestamp costs SQLite a parse per row.
    assigned_seconds = models.IntegerField(null=True, blank=True, editable=False)
    drafted_seconds = models.IntegerField(null=True, blank=True, editable=False)
    approved_seconds = models.IntegerField(null=True, blank=True, editable=False)
    published_seconds = models.IntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        permissions = [
            ("approve_review", "Can approve a verdict written by someone else, or send it back"),
            ("publish_review", "Can publish, correct and retract a check"),
            ("assign_review", "Can assign reviews to others"),
            ("dismiss_review", "Can dismiss a claim from the review queue"),
        ]
        constraints = [
            # Four eyes, down to the database: nobody approves their own verdict.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("author")),
                name="review_approver_is_not_author",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["new", "assigned", "drafting", "dismissed"])
                | (Q(rating__isnull=False) & ~Q(justification="") & ~Q(headline="")),
                name="review_submitted_has_verdict",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=["new", "assigned", "drafting", "awaiting_approval", "dismissed"]
                )
                | Q(approved_by__isnull=False),
                name="review_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["assigned", "drafting", "awaiting_approval"])
                | Q(assignee__isnull=False),
                name="review_in_progress_has_assignee",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "state"], name="review_assignee_state_idx"),
            # The reviewer-load figure's open work: the few open reviews by state, not all.
            models.Index(fields=["state", "assignee"], name="review_state_assignee_idx"),
            # Covers the time-per-stage figure: the period's reviews by range, index only.
            models.Index(fields=STAGE_INDEX, name="review_stage_times_idx"),
        ]

    # The state whose first reaching ends each stage, and the field that keeps its time.
    STAGE_TIMES = {
        State.ASSIGNED: "assigned_at",
        State.AWAITING_APPROVAL: "drafted_at",
        State.APPROVED: "approved_at",
        State.PUBLISHED: "published_at",
    }

    def __str__(self) -> str:
        return f"Review of “{self.claim}”"

    def writer_ids(self) -> set[int]:
        """Return everyone who held or wrote the verdict: none of them may approve it."""
        held = {event.assignee_id for event in self.events.all() if event.assignee_id}
        return held | ({self.author_id} if self.author_id else set())


class ReviewStateCount(models.Model):
    """How many reviews are in one state: the desk's counts read these nine rows instead of
    counting every review on every request. reviewers/services.py changes them in the
    transaction that changes a review's state (`review_counts_move`), so a step that fails
    leaves them as they were; `manage.py rebuild_review_counts` recounts them."""

    state = models.CharField(primary_key=True, max_length=24, choices=Review.State.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=0), name="review_state_count_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state}: {self.count}"


class AuditTrailIsAppendOnly(PermissionDenied):
    """Someone tried to change or delete a review event."""


class ReviewEventQuerySet(models.QuerySet["ReviewEvent"]):
    """The audit trail is append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs: Any) -> int:
        raise AuditTrailIsAppendOnly("Review events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("Review events cannot be deleted.")


class ReviewEvent(models.Model):
    """One state transition of a review: the audit trail. Rows are only ever added (the
    model refuses changes and deletes; a database trigger refuses them too)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, choices=Review.State.choices)
    reason_code = models.CharField(
        max_length=32, blank=True, help_text="Why it was sent back or dismissed, as a code."
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whom the review was given to, on an assignment.",
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewEventQuerySet.as_manager()

    class Meta:
        ordering = ["review", "created_at", "id"]
        indexes = [
            # The newsroom's reviewer load: the steps of one kind taken in a period.
            models.Index(fields=["to_state", "created_at"], name="reviewevent_state_created_idx")
        ]

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Review events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailIsAppendOnly("Review events cannot be deleted.")


class ReviewComment(models.Model):
    """One message in a review's thread: questions, answers, notes for the approver."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_has_body")]

    def __str__(self) -> str:
        return f"{self.author} on {self.review_id}: {self.body[:40]}"


# Publishing's tables, imported last: their foreign keys name Review by string.
from reviewers.publishing.models import PublishedCheck as PublishedCheck  # noqa: E402
from reviewers.publishing.models import WebhookDelivery as WebhookDelivery  # noqa: E402
from reviewers.publishing.models import WebhookSubscription as WebhookSubscription  # noqa: E402
