"""Score sentences for check-worthiness, for researchers: CheckThat! TSV in, scores out.

    manage.py checkworthiness sentences.tsv > scores.tsv

Input: a header row with the columns Sentence_id and Text (others are ignored), TAB
separated, csv quoting. Output: one line per sentence, `Sentence_id<TAB>score<TAB>Yes|No`,
with the same model and threshold as the product.
"""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction.checkworthiness import load_model

CHUNK = 2048


class Command(BaseCommand):
    help = "Score a CheckThat! TSV (Sentence_id, Text) and print id, score and Yes/No per line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        model = load_model()
        for chunk in chunks(read_sentences(path)):
            scores = model.score([text for _, text in chunk])
            for (sentence_id, _), score in zip(chunk, scores, strict=True):
                label = "Yes" if score >= model.threshold else "No"
                self.stdout.write(f"{sentence_id}\t{score:.4f}\t{label}")


def read_sentences(path: Path) -> Iterator[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as lines:
        rows = csv.reader(lines, delimiter="\t")
        header = next(rows, None)
        if header is None or not {"Sentence_id", "Text"} <= set(header):
            raise CommandError(
                f"{path}: the first line must name the columns Sentence_id and Text."
            )
        id_column, text_column = header.index("Sentence_id"), header.index("Text")
        for number, row in enumerate(rows, start=2):
            if len(row) <= max(id_column, text_column):
                raise CommandError(f"{path}, row {number}: expected {len(header)} columns.")
            yield row[id_column], row[text_column]


def chunks(items: Iterator[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    chunk: list[tuple[str, str]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
