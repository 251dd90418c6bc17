"""Recount the desk's counts of reviews by state from the reviews themselves: after a bulk
load that wrote reviews without the services, or to check the kept counts."""

from typing import Any

from django.core.management.base import BaseCommand

from reviewers.models import ReviewStateCount
from reviewers.queue import review_counts_rebuild


class Command(BaseCommand):
    help = "Recount the reviews in each state (the review desk's counts) and store the counts."

    def handle(self, *args: Any, **options: Any) -> None:
        kept = dict(ReviewStateCount.objects.values_list("state", "count"))
        counts = review_counts_rebuild()
        for state, count in counts.items():
            was = kept.get(state)
            change = "" if was == count else f" (was {was if was is not None else 'missing'})"
            self.stdout.write(f"{state}: {count}{change}")
