"""The tables of "checked before?": other fact-checkers' reviews, the stored vectors the
workers' match index is built from, and the matches found for each claim.

Imported from claims/models.py, so Django sees them as models of the claims app.
"""

import hashlib

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q

from factcheck.languages import primary_subtag_field


def text_hash(text: str) -> str:
    """Return the SHA-256 of a text with its whitespace squeezed: what a vector was made of."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


class ExternalReview(models.Model):
    """A ClaimReview published by another fact-checker, imported from a page or a dump.

    Never our own verdict: it is shown everywhere as another fact-checker's, with its
    publisher, rating, date and a link to the review.
    """

    publisher_name = models.CharField(max_length=300)
    publisher_url = models.URLField(max_length=2000, blank=True)
    url = models.URLField(max_length=2000, help_text="The review on the fact-checker's site.")
    headline = models.CharField(max_length=500, blank=True)
    claim_reviewed = models.TextField()
    claim_hash = models.CharField(max_length=64, help_text="SHA-256 of the claim reviewed.")
    claimant = models.CharField(max_length=300, blank=True)
    appearance_url = models.URLField(max_length=2000, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    rating_name = models.CharField(
        max_length=200, blank=True, help_text="The rating in words (alternateName)."
    )
    rating_value = models.FloatField(null=True, blank=True)
    rating_best = models.FloatField(null=True, blank=True)
    rating_worst = models.FloatField(null=True, blank=True)
    language = models.CharField(
        max_length=16, blank=True, help_text="A BCP 47 tag, as factcheck.languages spells it."
    )
    language_primary = primary_subtag_field()
    raw = models.JSONField(help_text="The ClaimReview exactly as it was read.")
    source = models.CharField(
        max_length=2000, help_text="The page URL or the dump file it was imported from."
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    index_queued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was last queued to be encoded for matching (the sweep checks it).",
    )

    class Meta:
        ordering = ["-review_date", "-id"]
        verbose_name = "other fact-checker's review"
        verbose_name_plural = "other fact-checkers' reviews"
        constraints = [
            # One page may review several claims; each (review, claim) is imported once.
            models.UniqueConstraint(
                fields=["url", "claim_hash"], name="external_review_unique_claim"
            ),
            models.CheckConstraint(
                condition=~Q(claim_reviewed="") & ~Q(publisher_name=""),
                name="external_review_has_claim_and_publisher",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publisher_name}: {self.claim_reviewed[:70]}"

    @property
    def rating_display(self) -> str:
        """Return the rating as the fact-checker gave it: its words, and the number if any."""
        number = ""
        if self.rating_value is not None:
            number = f"{self.rating_value:g}"
            if self.rating_best is not None:
                number += f" of {self.rating_best:g}"
        if self.rating_name and number:
            return f"{self.rating_name} ({number})"
        return self.rating_name or number or "no rating given"


class MatchEntry(models.Model):
    """The vector of one claim's or one external review's text, as the match index holds it.

    Rows are only added and deleted, never changed: a new text, headline or model means a
    new row with a higher id, which is how each worker's in-memory index notices it (it reads
    the rows above the last id it has seen). `target` marks what new claims are matched
    against: accepted claims and imported reviews; other claims keep their vector here so
    accepting them later needs no encoding.
    """

    claim = models.OneToOneField(
        "claims.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="match_entry"
    )
    external = models.OneToOneField(
        ExternalReview,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="match_entry",
    )
    target = models.BooleanField(help_text="New claims are matched against it.")
    text = models.TextField(help_text="The text as matched (long texts are cut).")
    text_hash = models.CharField(max_length=64)
    headline = models.TextField(
        blank=True,
        help_text="The headline of its check (ours, published; or the other fact-checker's), "
        "which matching weighs too; empty if none.",
    )
    model_name = models.CharField(max_length=200, help_text="The encoder that made the vector.")
    vector = models.BinaryField(help_text="float32, L2-normalised.")
    headline_vector = models.BinaryField(
        null=True, blank=True, help_text="float32, L2-normalised; null without a headline."
    )
    language = models.CharField(
        max_length=16,
        blank=True,
        help_text="The primary subtag of the text's language (its article's, or the review's); "
        "empty if unknown, which matching takes for English.",
    )
    # The multilingual encoder's vectors (engine/multilingual.py), through which a claim is
    # matched with texts in other languages; none for a language the encoder does not read.
    multilingual_model_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The encoder that made the multilingual vectors; empty if there are none.",
    )
    multilingual_vector = models.BinaryField(
        null=True, blank=True, help_text="float32, L2-normalised; null without a model."
    )
    multilingual_headline_vector = models.BinaryField(
        null=True, blank=True, help_text="float32, L2-normalised; null without a headline."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "match entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=True, external__isnull=False)
                | Q(claim__isnull=False, external__isnull=True),
                name="match_entry_of_claim_or_review",
            ),
            models.CheckConstraint(
                condition=Q(multilingual_model_name="", multilingual_vector__isnull=True)
                | (~Q(multilingual_model_name="") & Q(multilingual_vector__isnull=False)),
                name="match_entry_multilingual_vector_has_model",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.model_name})"

    @property
    def key(self) -> str:
        return entry_key(self.claim_id, self.external_id)

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype=np.float32)

    def headline_array(self) -> np.ndarray | None:
        if self.headline_vector is None:
            return None
        return np.frombuffer(bytes(self.headline_vector), dtype=np.float32)

    def multilingual_array(self) -> np.ndarray | None:
        if self.multilingual_vector is None:
            return None
        return np.frombuffer(bytes(self.multilingual_vector), dtype=np.float32)


def entry_key(claim_id: int | None, external_id: int | None) -> str:
    """Return the key an entry has in the match index: claim:ID or review:ID."""
    return f"claim:{claim_id}" if claim_id is not None else f"review:{external_id}"


class ClaimMatch(models.Model):
    """An earlier claim or another fact-checker's review that may state the same claim.

    Found by the matching task (suggested), then confirmed or rejected by an editor; a
    confirmation can be undone (suggested again, who undid it kept on the row).
    """

    class Status(models.TextChoices):
        SUGGESTED = "suggested"
        CONFIRMED = "confirmed", "Confirmed: the same claim"
        REJECTED = "rejected", "Rejected: not the same claim"

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="matches")
    matched_claim = models.ForeignKey(
        "claims.Claim",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="matched_by",
    )
    matched_external = models.ForeignKey(
        ExternalReview,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="matched_by",
    )
    score = models.FloatField(help_text="The probability that both state the same claim.")
    rank = models.PositiveIntegerField(help_text="Its place in the claim's latest matching.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUGGESTED)
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who last undid a confirmation of it.",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim", "rank", "id"]
        verbose_name_plural = "claim matches"
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "matched_claim"],
                condition=Q(matched_claim__isnull=False),
                name="claim_match_unique_claim",
            ),
            models.UniqueConstraint(
                fields=["claim", "matched_external"],
                condition=Q(matched_external__isnull=False),
                name="claim_match_unique_review",
            ),
            models.CheckConstraint(
                condition=Q(matched_claim__isnull=True, matched_external__isnull=False)
                | Q(matched_claim__isnull=False, matched_external__isnull=True),
                name="claim_match_of_claim_or_review",
            ),
            models.CheckConstraint(
                condition=~Q(matched_claim=models.F("claim")), name="claim_match_not_itself"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="claim_match_score_in_unit_range"
            ),
            models.CheckConstraint(
                condition=Q(status="suggested") | Q(decided_at__isnull=False),
                name="claim_match_decided_has_time",
            ),
            models.CheckConstraint(
                condition=Q(undone_by__isnull=True) | Q(undone_at__isnull=False),
                name="claim_match_undone_has_time",
            ),
        ]

    def __str__(self) -> str:
        target = (
            f"claim #{self.matched_claim_id}"
            if self.matched_claim_id
            else f"review #{self.matched_external_id}"
        )
        return f"Claim #{self.claim_id} ~ {target} ({self.score:.2f}, {self.status})"
