"""Rank verified claims for each tweet, for researchers: CheckThat! files in, a TREC run out.

    manage.py match_claims --corpus verified_claims.docs.tsv --queries tweets.queries.tsv \
        --top 5 --run-tag factcheck --output run.txt

Corpus: TAB-separated, header `vclaim_id vclaim title`, csv quoting; the title is each
claim's headline (the re-ranker weighs it). Queries: header `tweet_id tweet_content`.
Output: `query_id Q0 vclaim_id rank score run_tag` per line (TAB separated), the same
ranking and scores as the product's matching. Progress goes to stderr.
"""

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.matching.engine import MatchIndex
from claims.matching.engine.checkthat import FormatError, Row, read_corpus, read_queries, trec_lines

INDEX_CHUNK = 512
PROGRESS_EVERY = 50


class Command(BaseCommand):
    help = "Rank the claims of a CheckThat! corpus for each query tweet; write a TREC run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--corpus", type=Path, required=True, help="vclaim_id vclaim title")
        parser.add_argument("--queries", type=Path, required=True, help="tweet_id tweet_content")
        parser.add_argument("--top", type=int, default=5, help="claims per query (default 5)")
        parser.add_argument("--run-tag", default="factcheck", help="last column of each line")
        parser.add_argument("--output", type=Path, help="write the run here, not to stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        top: int = options["top"]
        run_tag: str = options["run_tag"]
        if top < 1:
            raise CommandError("--top must be at least 1.")
        if not run_tag or any(char.isspace() for char in run_tag):
            raise CommandError("--run-tag must be one word (it is a column of the run).")
        try:
            corpus = read_corpus(options["corpus"])
            queries = read_queries(options["queries"])
        except FormatError as error:
            raise CommandError(str(error)) from None
        index = self.indexed(corpus)
        output: Path | None = options["output"]
        if output is None:
            self.write_run(index, queries, top, run_tag, sys.stdout)
            return
        try:
            with output.open("w", encoding="utf-8") as run:
                self.write_run(index, queries, top, run_tag, run)
        except OSError as error:
            raise CommandError(f"{output}: cannot write ({error.strerror})") from None

    def indexed(self, corpus: Sequence[Row]) -> MatchIndex:
        index = MatchIndex()
        started = time.monotonic()
        for first in range(0, len(corpus), INDEX_CHUNK):
            chunk = corpus[first : first + INDEX_CHUNK]
            index.add_many(
                [(row.id, row.text) for row in chunk], headlines=[row.title for row in chunk]
            )
            self.progress(f"indexed {first + len(chunk)}/{len(corpus)} claims", started)
        return index

    def write_run(
        self, index: MatchIndex, queries: Sequence[Row], top: int, run_tag: str, run: TextIO
    ) -> None:
        started = time.monotonic()
        for number, query in enumerate(queries, start=1):
            for line in trec_lines(query.id, index.search(query.text, top=top), run_tag):
                run.write(line + "\n")
            if number % PROGRESS_EVERY == 0 or number == len(queries):
                self.progress(f"matched {number}/{len(queries)} queries", started)

    def progress(self, message: str, started: float) -> None:
        self.stderr.write(f"{message} ({time.monotonic() - started:.0f} s)")
