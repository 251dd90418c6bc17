"""Import other fact-checkers' ClaimReviews: from pages by URL, or from a dump file.

A dump is a JSON document (an array of ClaimReviews, an object holding them, a Google
Fact Check Tools `claims:search` answer) or JSON Lines, one per line. Each review goes
through the same service as the admin's import; bad lines are reported by number and the
rest is imported. New reviews are then encoded for matching, here, in batches.
"""

from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.management.commands.import_articles import Progress, user_named
from claims.matching.claimreviews import reviews_in_dump
from claims.matching.imports import external_review_import, external_reviews_import_url
from claims.matching.services import ENCODE_BATCH, external_reviews_index


class Command(BaseCommand):
    help = (
        "Import other fact-checkers' ClaimReviews from pages (--url) or a JSON / JSON Lines dump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, nargs="?", help="A JSON or JSON Lines dump.")
        parser.add_argument(
            "--url", action="append", default=[], help="A page with ClaimReview JSON-LD."
        )
        parser.add_argument("--user", help="Record the reviews as imported by this user.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["path"]
        urls: list[str] = options["url"]
        if (path is None) == (not urls):
            raise CommandError("Give either a dump file or one or more --url, not both.")
        if path is not None and not path.is_file():
            raise CommandError(f"{path} is not a file.")
        user = user_named(options["user"])
        tally: Counter[str] = Counter()
        new_ids = self.from_urls(urls, user, tally) if urls else self.from_dump(path, user, tally)
        self.index(new_ids)
        self.stdout.write(
            f"Imported {tally['imported']} new review(s); {tally['known']} already known; "
            f"{tally['rejected']} rejected."
        )

    def from_dump(self, path: Path | None, user: User | None, tally: Counter[str]) -> list[int]:
        assert path is not None
        items = list(reviews_in_dump(path.read_text(encoding="utf-8", errors="replace")))
        progress = Progress(len(items), self.stderr)
        new_ids = []
        for done, item in enumerate(items, start=1):
            progress.step(done)
            if item.found is None:
                self.rejected(tally, item.where, item.problem)
                continue
            try:
                review, created = external_review_import(
                    found=item.found, source=path.name, user=user
                )
            except ValidationError as error:
                self.rejected(tally, item.where, " ".join(error.messages))
                continue
            tally["imported" if created else "known"] += 1
            if created:
                new_ids.append(review.id)
        progress.done()
        return new_ids

    def from_urls(self, urls: list[str], user: User | None, tally: Counter[str]) -> list[int]:
        progress = Progress(len(urls), self.stderr)
        new_ids = []
        for done, url in enumerate(urls, start=1):
            progress.step(done)
            try:
                summary = external_reviews_import_url(url=url, user=user)
            except ValidationError as error:
                self.rejected(tally, url, " ".join(error.messages))
                continue
            for problem in summary.problems:
                self.rejected(tally, url, problem)
            tally["imported"] += len(summary.imported)
            tally["known"] += summary.known
            new_ids += summary.imported
        progress.done()
        return new_ids

    def rejected(self, tally: Counter[str], where: str, why: str) -> None:
        tally["rejected"] += 1
        self.stderr.write(f"\n{where}: {why}")

    def index(self, review_ids: list[int]) -> None:
        """Encode the new reviews for matching, so new claims are matched against them."""
        if not review_ids:
            return
        self.stderr.write("Encoding the new reviews for matching:")
        progress = Progress(len(review_ids), self.stderr)
        for start in range(0, len(review_ids), ENCODE_BATCH):
            external_reviews_index(review_ids=review_ids[start : start + ENCODE_BATCH])
            progress.step(min(start + ENCODE_BATCH, len(review_ids)))
        progress.done()
