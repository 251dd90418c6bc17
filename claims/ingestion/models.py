"""The tables of ingestion: every fetched or pasted text, its raw snapshots, the feeds it
may come from, and each host's turn to be fetched.

Imported from claims/models.py, so Django sees them as models of the claims app.
"""

import gzip
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from factcheck.languages import primary_subtag_field


class Article(models.Model):
    """Any fetched or pasted text: a piece under check, or an evidence source."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        FETCHING = "fetching"
        EXTRACTED = "extracted"
        FAILED = "failed"

    class Kind(models.TextChoices):
        """What a source is when it is not a fetched page (those leave it empty)."""

        DOCUMENT = "document"
        INTERVIEW = "interview"
        DATASET = "dataset"
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        SOCIAL_POST = "social_post", "Social post"
        WEB_PAGE = "web_page", "Web page"
        READER_TIP = "reader_tip", "Reader tip"  # made from readers' tips (claims/tips/)

    # What a reviewer may say a source they supply is (a reader tip is made by the tips inbox).
    SUPPLIED_KINDS = [
        Kind.DOCUMENT,
        Kind.INTERVIEW,
        Kind.DATASET,
        Kind.OFFICIAL_STATEMENT,
        Kind.SOCIAL_POST,
        Kind.WEB_PAGE,
    ]

    url = models.URLField(max_length=2000, blank=True, help_text="The URL as submitted.")
    canonical_url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=16, blank=True, help_text="A BCP 47 tag, as factcheck.languages spells it."
    )
    language_primary = primary_subtag_field()
    text = models.TextField(blank=True)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the extracted text, for dedupe."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, blank=True)
    supplied_by = models.CharField(
        max_length=300, blank=True, help_text="Who gave a reviewer the source (a quote, a file)."
    )
    attempts = models.PositiveIntegerField(default=0)
    ingest_task_id = models.CharField(
        max_length=64, blank=True, help_text="The message that fetches it (a Celery task id)."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    proposes_claims = models.BooleanField(
        default=True, help_text="False for an evidence source: no claims are proposed from it."
    )
    candidates_proposed_at = models.DateTimeField(null=True, blank=True)
    # The proposal's lease: the message proposing claims, since when, and on which worker, so
    # that the sweep can tell a proposal still running from one lost with its worker.
    proposal_task_id = models.CharField(
        max_length=64, blank=True, help_text="The message proposing its claims (a Celery task id)."
    )
    proposal_started_at = models.DateTimeField(null=True, blank=True)
    proposal_worker = models.CharField(
        max_length=255, blank=True, help_text="The worker proposing its claims (its Celery name)."
    )
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
        # The sweep's two questions, asked every few seconds (claims/sweep.py): which
        # fetches and which proposals have not moved. Partial indexes hold only the articles
        # in question, so the sweep reads the backlog, not the whole archive; the conditions
        # are written as the sweep's filters are, which SQLite needs to use them (and as
        # ORs, not `IN`: SQLite matches an `IN` of bound parameters to no index condition).
        indexes = [
            models.Index(
                fields=["status_changed_at"],
                condition=Q(status="queued") | Q(status="fetching"),
                name="article_in_flight_idx",
            ),
            models.Index(
                fields=["status_changed_at"],
                condition=Q(
                    status="extracted", proposes_claims=True, candidates_proposed_at__isnull=True
                ),
                name="article_unproposed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Article {self.pk}"

    @staticmethod
    def having(field: str, *values: str) -> Q:
        """The articles whose `field` (url, canonical_url or content_hash) is one of
        `values`, asked so that the field's unique index serves it. The indexes are partial
        (an empty value is not unique), and SQLite uses a partial index only when the query
        states its condition: `url = ?` alone read the whole table (bench/README.md)."""
        return Q(**{f"{field}__in": values}) & ~Q(**{field: ""})


class ArticleSourceCorrection(models.Model):
    """An editor's correction of where and when an article appeared: who, when, what changed
    (each field as {"old", "new"}). Rows are only ever added."""

    article = models.ForeignKey(
        "claims.Article", on_delete=models.PROTECT, related_name="source_corrections"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "created_at", "id"]

    def __str__(self) -> str:
        return f"{', '.join(self.changes)} of article {self.article_id}"


class Snapshot(models.Model):
    """A fetched page exactly as it was received, compressed, so evidence can be shown as it was."""

    article = models.ForeignKey(
        "claims.Article", on_delete=models.CASCADE, related_name="snapshots"
    )
    url = models.URLField(
        max_length=2000, blank=True, help_text="The final URL, after redirects (none for uploads)."
    )
    filename = models.CharField(max_length=255, blank=True, help_text="The uploaded file's name.")
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

    def inert_text(self) -> str:
        """What may be shown of it, as plain text: a fetched page's body as it came (its
        HTML as source), an uploaded file's text as read from it, never the file itself
        (a PDF or a DOCX can carry scripts and macros)."""
        if self.filename:
            return self.article.text
        return self.body.decode("utf-8", errors="replace")


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

    feed = models.ForeignKey("Feed", on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=2000, help_text="The item's id, or its link if it has none.")
    link = models.URLField(max_length=2000)
    article = models.ForeignKey("claims.Article", null=True, on_delete=models.SET_NULL)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["feed", "-seen_at"]
        verbose_name_plural = "feed entries"
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feed_entry_unique_guid"),
        ]

    def __str__(self) -> str:
        return self.link
