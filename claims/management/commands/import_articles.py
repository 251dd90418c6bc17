"""Bulk import: a file of URLs (one per line) or JSON Lines of articles.

Each line goes through the same service as the admin and the API. Bad lines are
reported with their line number and skipped; the rest is imported.
"""

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from claims.ingestion.pages import parse_published
from claims.ingestion.services import Submission, article_submit

JSON_FIELDS = {"url", "text", "title", "publisher", "published_at"}


class Command(BaseCommand):
    help = "Import articles from a file of URLs or a JSON Lines file ({url} or {text, title, …})."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--format",
            choices=["auto", "urls", "jsonl"],
            default="auto",
            help="auto: JSON Lines if the file name ends in .jsonl or .json, else URLs.",
        )
        parser.add_argument("--user", help="Record the articles as submitted by this user.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        as_json = options["format"] == "jsonl" or (
            options["format"] == "auto" and path.suffix in (".jsonl", ".json")
        )
        user = user_named(options["user"])
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        tally: Counter[str] = Counter()
        progress = Progress(len(lines), self.stderr)
        for number, line in enumerate(lines, start=1):
            progress.step(number)
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                submission = article_submit(**self.fields(line, as_json), submitted_by=user)
            except (ValidationError, ValueError) as error:
                tally["invalid"] += 1
                self.stderr.write(f"\nline {number}: {describe(error)}")
                continue
            tally[outcome(submission)] += 1
        progress.done()
        self.stdout.write(
            f"Imported {tally['new']} new article(s); {tally['existing']} already stored; "
            f"{tally['invalid']} invalid line(s) skipped."
        )

    def fields(self, line: str, as_json: bool) -> dict[str, Any]:
        if not as_json:
            return {"url": line.strip()}
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from None
        if not isinstance(record, dict):
            raise ValueError("each line must be a JSON object")
        unknown = set(record) - JSON_FIELDS
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}")
        if not all(isinstance(value, str) for value in record.values()):
            raise ValueError("every field must be a string")
        fields: dict[str, Any] = dict(record)
        if "published_at" in fields:
            fields["published_at"] = published(fields["published_at"])
        return fields


def published(value: str) -> Any:
    moment = parse_published(value)
    if value and moment is None:
        raise ValueError(f"published_at {value!r} is not an ISO date")
    return moment


def outcome(submission: Submission) -> str:
    return "new" if submission.created else "existing"


def describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def user_named(username: str | None) -> User | None:
    """Return the user a command acts as (--user), None for the system, or stop."""
    if username is None:
        return None
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"No user named {username!r}.") from None


class Progress:
    """A one-line progress bar, redrawn in place."""

    def __init__(self, total: int, stream: OutputWrapper, width: int = 30) -> None:
        self.total, self.stream, self.width = max(total, 1), stream, width

    def step(self, done: int) -> None:
        filled = self.width * done // self.total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total}", ending="")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("")
