import gzip
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Article(models.Model):
    """Any fetched or pasted text: a piece under check, or an evidence source."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        FETCHING = "fetching"
        EXTRACTED = "extracted"
        FAILED = "failed"

    url = models.URLField(max_length=2000, blank=True, help_text="The URL as submitted.")
    canonical_url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the extracted text, for dedupe."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    candidates_proposed_at = models.DateTimeField(null=True, blank=True)
    candidates_note = models.TextField(
        blank=True, help_text="What extraction could not do: text cut short, a language unscored."
    )
    links = models.JSONField(
        default=list, blank=True, help_text="Outbound links of the main text: [{url, text}]."
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="article_unique_url"
            ),
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url=""),
                name="article_unique_canonical_url",
            ),
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~Q(content_hash=""),
                name="article_unique_content_hash",
            ),
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(text=""), name="article_has_url_or_text"
            ),
            models.CheckConstraint(
                condition=~Q(status="extracted") | (~Q(text="") & ~Q(content_hash="")),
                name="article_extracted_has_text",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_reason=""),
                name="article_failed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Article {self.pk}"


class Snapshot(models.Model):
    """A fetched page exactly as it was received, compressed, so evidence can be shown as it was."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="snapshots")
    url = models.URLField(max_length=2000, help_text="The final URL, after redirects.")
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the uncompressed body.")
    body_gzip = models.BinaryField()
    size = models.PositiveIntegerField(help_text="Uncompressed size in bytes.")
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["article", "-fetched_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "sha256"], name="snapshot_unique_body"),
        ]

    def __str__(self) -> str:
        return f"{self.url} at {self.fetched_at:%Y-%m-%d %H:%M}"

    @property
    def body(self) -> bytes:
        return gzip.decompress(bytes(self.body_gzip))


class Feed(models.Model):
    """An RSS or Atom feed whose new items are ingested as articles."""

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    poll_every = models.DurationField(default=timedelta(minutes=30))
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        constraints = [
            models.CheckConstraint(
                condition=Q(poll_every__gte=timedelta(minutes=1)),
                name="feed_polls_at_most_each_minute",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class HostSlot(models.Model):
    """When a host may next be fetched: the politeness limit, shared by every worker."""

    host = models.CharField(max_length=253, unique=True)
    next_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host} from {self.next_at:%H:%M:%S.%f}"


class FeedEntry(models.Model):
    """One item seen in a feed: the record that it was ingested, so it never is twice."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=2000, help_text="The item's id, or its link if it has none.")
    link = models.URLField(max_length=2000)
    article = models.ForeignKey(Article, null=True, on_delete=models.SET_NULL)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["feed", "-seen_at"]
        verbose_name_plural = "feed entries"
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feed_entry_unique_guid"),
        ]

    def __str__(self) -> str:
        return self.link


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

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claims")
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
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def checked_before(self) -> bool:
        """Confirmed by an editor as checked before (see `ClaimQuerySet.checked_before`)."""
        return self.duplicate_of_id is not None or self.checked_by_external_id is not None


class GatheringRun(models.Model):
    """One round of evidence gathering for a claim: a job per provider, run in parallel."""

    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed", "Failed (every provider)"
        CANCELLED = "cancelled", "Cancelled (see the errors)"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="gathering_runs")
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    providers_total = models.PositiveIntegerField()
    providers_done = models.PositiveIntegerField(default=0)
    errors = models.TextField(blank=True, help_text="The reasons of the providers that failed.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim", "-started_at"]
        constraints = [
            # Starting a run while one is running would gather everything twice.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(state="running"), name="gathering_one_running_run"
            ),
            models.CheckConstraint(
                condition=Q(providers_done__lte=F("providers_total")),
                name="gathering_done_at_most_total",
            ),
            models.CheckConstraint(
                condition=Q(state="running") | Q(finished_at__isnull=False),
                name="gathering_finished_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Gathering #{self.pk} for claim {self.claim_id}: {self.state}"


class ProviderJob(models.Model):
    """One provider's share of a gathering run: claimed with a lease, retried, never lost."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        CANCELLED = "cancelled", "Cancelled before it ran"

    TERMINAL = (Status.DONE, Status.FAILED, Status.CANCELLED)

    run = models.ForeignKey(GatheringRun, on_delete=models.CASCADE, related_name="jobs")
    provider = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="A running job whose lease has passed is taken again."
    )
    last_error = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True, help_text="Why it was cancelled before it ran.")
    evidence_found = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["run", "provider"], name="provider_job_unique"),
            models.CheckConstraint(
                condition=~Q(status="running") | Q(lease_until__isnull=False),
                name="provider_job_running_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(last_error=""),
                name="provider_job_failed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="provider_job_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.status}"


class Evidence(models.Model):
    """A passage of an Article that bears on a Claim."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports"
        REFUTES = "refutes"
        MIXED = "mixed"
        NOT_ENOUGH_INFO = "not_enough_info"
        UNKNOWN = "unknown"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="cited_as")
    provider = models.CharField(max_length=32)
    passage = models.TextField()
    rank = models.PositiveIntegerField()
    relevance = models.FloatField()
    stance = models.CharField(max_length=16, choices=Stance.choices, default=Stance.UNKNOWN)
    snapshot_hash = models.CharField(max_length=64)
    retrieved_at = models.DateTimeField()
    published_after_claim = models.BooleanField(
        default=False, help_text="The source was published after the claim's article."
    )
    interested_party = models.BooleanField(
        default=False, help_text="The source is the claimant or the subject of the claim."
    )
    stance_cue = models.CharField(max_length=200, blank=True)
    pinned = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who added it by hand; empty if a provider found it.",
    )

    class Meta:
        ordering = ["claim", "-pinned", "rank"]
        verbose_name_plural = "evidence"
        constraints = [
            # A redelivered gathering task must not add the same source twice.
            models.UniqueConstraint(
                fields=["claim", "source", "provider"], name="evidence_unique_source"
            ),
            models.CheckConstraint(condition=~Q(passage=""), name="evidence_has_passage"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} #{self.rank} for claim {self.claim_id}"


# The tables of "checked before?" live in their own module; importing them here makes them
# models of this app.
from .match_models import ClaimMatch as ClaimMatch  # noqa: E402
from .match_models import ExternalReview as ExternalReview  # noqa: E402
from .match_models import MatchEntry as MatchEntry  # noqa: E402
