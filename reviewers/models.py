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
    version = models.PositiveIntegerField(
        default=1, help_text="Counts every change; a form sends it back to detect stale edits."
    )
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
        indexes = [models.Index(fields=["assignee", "state"], name="review_assignee_state_idx")]

    def __str__(self) -> str:
        return f"Review of “{self.claim}”"

    def writer_ids(self) -> set[int]:
        """Return everyone who held or wrote the verdict: none of them may approve it."""
        held = {event.assignee_id for event in self.events.all() if event.assignee_id}
        return held | ({self.author_id} if self.author_id else set())


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


class PublishedCheckQuerySet(models.QuerySet["PublishedCheck"]):
    def current(self) -> "PublishedCheckQuerySet":
        return self.filter(is_current=True)

    def public(self) -> "PublishedCheckQuerySet":
        """Current versions of the checks that stand (not retracted)."""
        return self.current().exclude(change=PublishedCheck.Change.RETRACTED)


class PublishedCheck(models.Model):
    """A frozen version of a check exactly as the public sees it.

    Publishing writes version 1; each correction writes the next version and moves
    `is_current` to it; a retraction is a last version that withdraws the check. The
    public pages, API, feed and webhooks read these rows only.
    """

    class Change(models.TextChoices):
        PUBLISHED = "published"
        CORRECTED = "corrected"
        RETRACTED = "retracted"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    change = models.CharField(max_length=16, choices=Change.choices, default=Change.PUBLISHED)
    note = models.TextField(blank=True, help_text="What a correction changed, or why retracted.")
    is_current = models.BooleanField(default=True)
    published_at = models.DateTimeField(help_text="When the first version was published.")
    modified_at = models.DateTimeField(help_text="When this version was published.")
    claim_text = models.TextField()
    claimant = models.CharField(max_length=300, blank=True)
    appearance_url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=16, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text="Tag slugs, as published.")
    evidence = models.JSONField(
        default=list, blank=True, help_text="The cited evidence, as published: [{title, url, …}]."
    )
    rating_label = models.CharField(max_length=64)
    rating_value = models.IntegerField()
    headline = models.CharField(max_length=300)
    justification = models.TextField()
    claim_review = models.JSONField(
        help_text="The schema.org ClaimReview, as published; empty once retracted."
    )

    objects = PublishedCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-modified_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="check_unique_version"),
            models.UniqueConstraint(
                fields=["review"], condition=Q(is_current=True), name="check_one_current_version"
            ),
            models.CheckConstraint(
                condition=Q(version=1, change="published")
                | (Q(version__gt=1) & ~Q(change="published")),
                name="check_first_version_is_the_publication",
            ),
            models.CheckConstraint(
                condition=Q(change="published") | ~Q(note=""), name="check_change_has_note"
            ),
        ]
        indexes = [
            # The public list, newest first, read in index order with no sort; the
            # condition is the public queryset's own filter, so every database uses it.
            models.Index(
                fields=["-modified_at", "-id"],
                condition=Q(is_current=True) & ~Q(change="retracted"),
                name="check_public_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.headline} (v{self.version})"


class WebhookSubscription(models.Model):
    """A partner's URL that is told, signed with its secret, when checks change."""

    class Event(models.TextChoices):
        PUBLISHED = "check.published"
        CORRECTED = "check.corrected"
        RETRACTED = "check.retracted"

    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=200, help_text="Shared secret for the HMAC signature.")
    events = models.JSONField(default=list, help_text="Which of check.published, …")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one subscription: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    version = models.ForeignKey(PublishedCheck, on_delete=models.PROTECT, related_name="deliveries")
    event = models.CharField(max_length=32, choices=WebhookSubscription.Event.choices)
    body = models.TextField(help_text="The JSON sent, exactly as signed.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(help_text="When it is due (again), while pending.")
    response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            # One delivery per version and subscription, however often it is enqueued.
            models.UniqueConstraint(
                fields=["subscription", "version"], name="delivery_unique_per_version"
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="delivery_delivered_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription}"
