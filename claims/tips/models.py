"""The tables of reader tips: each tip as a reader sent it, and the group of tips that ask
about the same claim, which an editor may turn into a claim.

Imported from claims/models.py, so Django sees them as models of the claims app.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

MAX_TIP_CHARS = 5000
TOO_LONG = f"A tip holds at most {MAX_TIP_CHARS:,} characters."


def status_token() -> str:
    """Return the secret part of a tip's private status link."""
    return secrets.token_urlsafe(24)


class TipGroup(models.Model):
    """Every tip about one claim: how often it was asked, and what became of it."""

    class Status(models.TextChoices):
        OPEN = "open"
        CLAIMED = "claimed", "Turned into a claim"

    text = models.TextField(help_text="The first tip's text, which the others matched.")
    vector = models.BinaryField(help_text="The text's sentence vector (float32), for grouping.")
    model_name = models.CharField(max_length=100, help_text="The encoder that made the vector.")
    language = models.CharField(
        max_length=16,
        blank=True,
        help_text="The primary subtag of the text's language, detected from it; empty if "
        "unknown, which matching takes for English.",
    )
    # The multilingual encoder's vector, through which a tip in another language finds the
    # group; none in a language the encoder does not read (matching/crosslingual.py).
    multilingual_model_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The encoder that made the multilingual vector; empty if there is none.",
    )
    multilingual_vector = models.BinaryField(
        null=True, blank=True, help_text="float32, L2-normalised; null without a model."
    )
    count = models.PositiveIntegerField(default=0, help_text="How many tips asked it.")
    first_asked_at = models.DateTimeField()
    last_asked_at = models.DateTimeField()
    checkworthiness = models.FloatField(default=0.0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    claim = models.OneToOneField(
        "claims.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="tip_group"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-count", "-checkworthiness", "-last_asked_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", claim__isnull=True)
                | Q(status="claimed", claim__isnull=False),
                name="tipgroup_claimed_has_claim",
            ),
            models.CheckConstraint(
                condition=Q(multilingual_model_name="", multilingual_vector__isnull=True)
                | (~Q(multilingual_model_name="") & Q(multilingual_vector__isnull=False)),
                name="tipgroup_multilingual_vector_has_model",
            ),
        ]
        indexes = [
            # The editors' inbox, in its order; and the groups a new tip is compared with.
            models.Index(fields=["-count", "-checkworthiness"], name="tipgroup_inbox_idx"),
            models.Index(fields=["-last_asked_at"], name="tipgroup_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Tip(models.Model):
    """One reader's tip, with its private status link and, if given, a contact address."""

    class Grouping(models.TextChoices):
        PENDING = "pending"
        GROUPED = "grouped"

    text = models.TextField()
    link = models.URLField(max_length=2000, blank=True)
    contact = models.EmailField(
        blank=True, help_text="Private: only used to say when the check is published."
    )
    token = models.CharField(max_length=64, unique=True, default=status_token)
    created_at = models.DateTimeField(auto_now_add=True)
    grouping = models.CharField(max_length=16, choices=Grouping.choices, default=Grouping.PENDING)
    grouping_changed_at = models.DateTimeField(auto_now_add=True)
    group = models.ForeignKey(
        TipGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="tips"
    )
    answered_by_check = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The published check the reader was shown at once."
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grouping="pending") | Q(group__isnull=False),
                name="tip_grouped_has_group",
            ),
        ]
        indexes = [
            models.Index(
                fields=["grouping_changed_at"],
                condition=Q(grouping="pending"),
                name="tip_pending_idx",
            ),
            # The readers still to be told, found by the sweep.
            models.Index(
                fields=["group"],
                condition=Q(notified_at__isnull=True) & ~Q(contact=""),
                name="tip_awaiting_news_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]
