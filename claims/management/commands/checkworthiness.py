"""Score sentences for check-worthiness, for researchers: CheckThat! TSV in, scores out.

    manage.py checkworthiness sentences.tsv > scores.tsv
    manage.py checkworthiness tweets.tsv --language es > scores.tsv

Input: TAB separated, csv quoting, a header row naming the columns, in one of the CheckThat!
2024 layouts (other columns, such as class_label, are ignored):
- English debates: Sentence_id, Text (language: English unless --language says otherwise);
- tweets: tweet_id, tweet_text (with or without tweet_url); the language is --language, or
  detected from the file's first texts.
Output: one line per row, `id<TAB>score<TAB>Yes|No`, with the same model and threshold as
the product; the score is the calibrated probability that a fact-checker picks the text.
"""

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction.checkworthiness import languages_with_model, scorer_for
from claims.extraction.segmentation import detect_language

CHUNK = 2048
# Texts read to detect a file's language; a tweet alone is often too short to tell.
DETECTION_SAMPLE = 200
FIELD_SIZE_LIMIT = 1_000_000  # one tweet, quoted; the csv default (128 KB) is not the issue
LAYOUTS = (("Sentence_id", "Text"), ("tweet_id", "tweet_text"))


@dataclass(frozen=True)
class Layout:
    id_column: int
    text_column: int
    columns: int
    english: bool


class Command(BaseCommand):
    help = (
        "Score a CheckThat! TSV (Sentence_id and Text, or tweet_id and tweet_text) and print "
        "id, score and Yes/No per line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--language",
            default="",
            help="the texts' language (en, ar, nl, es); default: English for Sentence_id/Text "
            "files, detected for tweet files",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        layout = read_layout(path)
        language = options["language"] or ("en" if layout.english else file_language(path, layout))
        scorer = scorer_for(language)
        if scorer is None:
            known = ", ".join(sorted(languages_with_model()))
            raise CommandError(f"No check-worthiness model for {language!r}; there are: {known}.")
        for chunk in chunks(read_rows(path, layout)):
            scores = scorer.score([text for _, text in chunk])
            for (row_id, _), score in zip(chunk, scores, strict=True):
                label = "Yes" if score >= scorer.threshold else "No"
                self.stdout.write(f"{row_id}\t{score:.4f}\t{label}")


def read_layout(path: Path) -> Layout:
    with path.open(encoding="utf-8", newline="") as lines:
        header = next(csv.reader(lines, delimiter="\t"), None) or []
    for id_name, text_name in LAYOUTS:
        if {id_name, text_name} <= set(header):
            return Layout(
                header.index(id_name),
                header.index(text_name),
                len(header),
                id_name == "Sentence_id",
            )
    raise CommandError(
        f"{path}: the first line must name the columns Sentence_id and Text, or tweet_id and "
        f"tweet_text (TAB separated); it names: {', '.join(header) or 'nothing'}."
    )


def read_rows(path: Path, layout: Layout) -> Iterator[tuple[str, str]]:
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    with path.open(encoding="utf-8", newline="") as lines:
        rows = csv.reader(lines, delimiter="\t")
        next(rows)
        for number, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) <= max(layout.id_column, layout.text_column):
                raise CommandError(f"{path}, row {number}: expected {layout.columns} columns.")
            yield row[layout.id_column], row[layout.text_column]


def file_language(path: Path, layout: Layout) -> str:
    """Return the language most of the file's first texts are in."""
    sample = islice(read_rows(path, layout), DETECTION_SAMPLE)
    found = Counter(language for _, text in sample if (language := detect_language(text)))
    if not found:
        raise CommandError(f"{path}: could not tell the texts' language; pass --language.")
    return found.most_common(1)[0][0]


def chunks(items: Iterator[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    chunk: list[tuple[str, str]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
