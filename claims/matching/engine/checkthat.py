"""The CheckThat! claim-retrieval file formats: corpus, queries, qrels and TREC runs.

Corpus and queries are TAB-separated with a header and CSV quoting: corpus columns
`vclaim_id vclaim title`, queries `tweet_id tweet_content` (the lab's own files leave the
id column's header blank, which is accepted). Qrels lines are `query_id 0 vclaim_id 1`;
run lines `query_id Q0 vclaim_id rank score run_tag`.
"""

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from claims.matching.engine.index import Hit


class FormatError(ValueError):
    """A file is not in the expected format; the message names the file and line."""


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    title: str = ""


def read_corpus(path: Path) -> list[Row]:
    """Return the verified claims of a corpus file (`vclaim_id vclaim title`)."""
    return [
        Row(id=values[0], text=values[1], title=values[2])
        for values in _records(path, ("vclaim_id", "vclaim", "title"))
    ]


def read_queries(path: Path) -> list[Row]:
    """Return the tweets of a queries file (`tweet_id tweet_content`)."""
    return [
        Row(id=values[0], text=values[1])
        for values in _records(path, ("tweet_id", "tweet_content"))
    ]


def read_qrels(path: Path) -> dict[str, set[str]]:
    """Return the relevant vclaim ids of each query id."""
    relevant: dict[str, set[str]] = {}
    with _opened(path) as lines:
        for number, line in enumerate(lines, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 4:
                raise FormatError(f"{path}, line {number}: expected 4 fields, found {len(fields)}")
            if fields[3] != "0":
                relevant.setdefault(fields[0], set()).add(fields[2])
    return relevant


def trec_lines(query_id: str, hits: Sequence[Hit], run_tag: str) -> Iterator[str]:
    """Return the run lines of one query, one per hit, rank counted from 1."""
    for rank, hit in enumerate(hits, start=1):
        yield f"{query_id}\tQ0\t{hit.key}\t{rank}\t{hit.score:.4f}\t{run_tag}"


def read_run(lines: Iterable[str]) -> dict[str, list[str]]:
    """Return the ranked vclaim ids of each query in TREC run lines."""
    ranked: dict[str, list[tuple[int, str]]] = {}
    for line in lines:
        if line.strip():
            query_id, _, vclaim_id, rank = line.split()[:4]
            ranked.setdefault(query_id, []).append((int(rank), vclaim_id))
    return {query_id: [vclaim for _, vclaim in sorted(pairs)] for query_id, pairs in ranked.items()}


def mean_average_precision(
    ranked: Mapping[str, Sequence[str]], relevant: Mapping[str, set[str]], depth: int = 5
) -> float:
    """Return MAP@depth as the lab's scorer computes it (AP over the relevant count)."""
    if not relevant:
        return 0.0
    total = 0.0
    for query_id, gold in relevant.items():
        found, precisions = 0, 0.0
        for rank, vclaim_id in enumerate(ranked.get(query_id, [])[:depth], start=1):
            if vclaim_id in gold:
                found += 1
                precisions += found / rank
        total += precisions / len(gold)
    return total / len(relevant)


def _records(path: Path, columns: tuple[str, ...]) -> Iterator[list[str]]:
    with _opened(path) as lines:
        reader = csv.reader(lines, delimiter="\t")
        header = next(reader, None)
        if header is None:
            raise FormatError(f"{path}: the file is empty; expected a header {' '.join(columns)}")
        positions = _positions(path, header, columns)
        seen: set[str] = set()
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise FormatError(
                    f"{path}, line {reader.line_num}: expected {len(header)} columns, "
                    f"found {len(values)}"
                )
            record = [values[position].strip() for position in positions]
            if not record[0]:
                raise FormatError(f"{path}, line {reader.line_num}: empty {columns[0]}")
            if record[0] in seen:
                raise FormatError(
                    f"{path}, line {reader.line_num}: {columns[0]} {record[0]} repeats"
                )
            seen.add(record[0])
            yield record


def _positions(path: Path, header: list[str], columns: tuple[str, ...]) -> list[int]:
    names = [name.strip().lower() for name in header]
    if names and not names[0]:
        names[0] = columns[0]  # the lab's files leave the id column's header blank
    missing = [column for column in columns if column not in names]
    if missing:
        raise FormatError(
            f"{path}, line 1: missing column(s) {', '.join(missing)}; the header has "
            f"{', '.join(repr(name) for name in header)}"
        )
    return [names.index(column) for column in columns]


@contextmanager
def _opened(path: Path) -> Iterator[Iterator[str]]:
    """Open a UTF-8 text file, turning read and decoding errors into FormatError."""
    try:
        file = open(path, encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise FormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FormatError(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise FormatError(f"{path}: cannot be read ({error.strerror})") from None
    with file:
        yield _decoded(path, file)


def _decoded(path: Path, file: TextIO) -> Iterator[str]:
    number = 0
    try:
        for number, line in enumerate(file, start=1):  # noqa: B007 - read in the except
            yield line
    except UnicodeDecodeError:
        raise FormatError(f"{path}, line {number + 1}: not UTF-8 text") from None
