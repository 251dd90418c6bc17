from django.db import models


class Tally(models.Model):
    """How many of one figure's facts fell on one day, or in one month, per key (a
    claimant, a provider, a rating...): what the analytics sum over a period.

    Kept by newsroom/rollup.py: each day's rows are recounted from the facts whenever the
    services change a fact of that day, in their transaction; a month's rows are the sum
    of its days, moved by the same difference. `manage.py analytics_rebuild` recounts all.
    """

    class Span(models.TextChoices):
        DAY = "day"
        MONTH = "month"

    figure = models.CharField(max_length=40)
    span = models.CharField(max_length=5, choices=Span.choices)
    day = models.DateField(help_text="The day; for a month, its first day (UTC).")
    key = models.CharField(max_length=400, blank=True)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "span", "day", "key"], name="tally_one_row_per_key"
            )
        ]
        indexes = [
            # Covers the sums: a period's rows by range, read from the index alone.
            models.Index(fields=["figure", "span", "day", "key", "n"], name="tally_sum_idx")
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.span} {self.day} {self.key!r}: {self.n}"
