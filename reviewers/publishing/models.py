"""The tables of publishing: frozen versions of checks, and the webhooks that announce them.

Imported from reviewers/models.py, so Django sees them as models of the reviewers app.
"""

from django.db import models
from django.db.models import Q

from factcheck.languages import primary_subtag_field


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

    review = models.ForeignKey(
        "reviewers.Review", on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField()
    change = models.CharField(max_length=16, choices=Change.choices, default=Change.PUBLISHED)
    note = models.TextField(blank=True, help_text="What a correction changed, or why retracted.")
    is_current = models.BooleanField(default=True)
    published_at = models.DateTimeField(help_text="When the first version was published.")
    modified_at = models.DateTimeField(help_text="When this version was published.")
    claim_text = models.TextField()
    claimant = models.CharField(max_length=300, blank=True)
    appearance_url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(
        max_length=16, blank=True, help_text="The article's language tag, as published."
    )
    language_primary = primary_subtag_field()
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
            # The newsroom's analytics: checks first published in a period, and their mix.
            models.Index(fields=["published_at"], name="check_published_idx"),
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
