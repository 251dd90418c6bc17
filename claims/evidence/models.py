"""The tables of evidence: gathering runs, one job per provider, and the evidence found.

Imported from claims/models.py, so Django sees them as models of the claims app.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


class GatheringRun(models.Model):
    """One round of evidence gathering for a claim: a job per provider, run in parallel."""

    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed", "Failed (every provider)"
        CANCELLED = "cancelled", "Cancelled (see the errors)"

    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="gathering_runs"
    )
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
        # The newsroom's provider success rates read the runs started in a period.
        indexes = [models.Index(fields=["started_at"], name="gatheringrun_started_idx")]

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

    run = models.ForeignKey("GatheringRun", on_delete=models.CASCADE, related_name="jobs")
    provider = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="A running job whose lease has passed is taken again."
    )
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The message that runs the job (a Celery task id)."
    )
    last_error = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True, help_text="Why it was cancelled before it ran.")
    evidence_found = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When a job that failed for now is tried again."
    )
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
        # The sweep's questions (gathering.stuck_jobs_requeue): running jobs whose lease
        # passed, queued ones whose message seems lost; the done ones are never read.
        indexes = [
            models.Index(
                fields=["lease_until"],
                condition=Q(status="running"),
                name="providerjob_running_idx",
            ),
            models.Index(
                fields=["changed_at"], condition=Q(status="queued"), name="providerjob_queued_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.status}"


class Evidence(models.Model):
    """A passage of an Article that bears on a Claim."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports"
        REFUTES = "refutes"
        DISCUSSES = "discusses"  # reports the claim without taking a side
        UNRELATED = "unrelated"  # not about the claim, whatever words they share
        MIXED = "mixed"
        NOT_ENOUGH_INFO = "not_enough_info"
        UNKNOWN = "unknown"

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey("claims.Article", on_delete=models.PROTECT, related_name="cited_as")
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
    stance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who set or confirmed the stance; empty while it is a suggestion.",
    )
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


class ProviderSetting(models.Model):
    """An admin's settings for one evidence provider; what is left empty falls back to the
    environment (SEARXNG_URL, MEDIAWIKI_API_URL, CLAIMREVIEW_API_URL and _KEY,
    FETCH_TIMEOUT_SECONDS). The key is never shown again once saved."""

    class Provider(models.TextChoices):
        ARCHIVE = "archive", "Our archive"
        LINKS = "links", "The article's links"
        FEEDS = "feeds", "Trusted feeds"
        WEB_SEARCH = "web_search", "Web search (SearxNG)"
        MEDIAWIKI = "mediawiki", "Encyclopedia (MediaWiki)"
        CLAIMREVIEW = "claimreview", "Other fact-checkers (ClaimReview search)"
        OUR_CHECKS = "our_checks", "Our own published checks"

    provider = models.CharField(max_length=32, choices=Provider.choices, unique=True)
    enabled = models.BooleanField(default=True)
    url = models.URLField(
        max_length=2000, blank=True, help_text="The endpoint; empty: the environment's."
    )
    api_key = models.CharField(max_length=500, blank=True)
    timeout_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Seconds to wait for an answer (1 to 120); empty: the default.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider"]
        constraints = [
            models.CheckConstraint(
                condition=Q(timeout_seconds__isnull=True)
                | Q(timeout_seconds__gte=1, timeout_seconds__lte=120),
                name="provider_setting_timeout_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.get_provider_display()
