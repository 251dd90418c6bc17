"""Researchers run the product's matching over CheckThat! claim-retrieval files."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.matching.engine.checkthat import mean_average_precision, read_qrels, read_run
from tests.conftest import shared_file

DATA = "data/claim-matching"
# MAP@5 of the shipped matching on the dev tweets against a fifth of the verified claims
# (dev_corpus; 0.886 against all of them, training/matching_metrics.json), less a margin for
# int8 vectors moving in the third decimal with their batch-mates.
DEV_MAP_AT_5 = 0.938
MARGIN = 0.01

CORPUS = (
    "vclaim_id\tvclaim\ttitle\n"
    '10\t"The measles vaccine causes autism, ""experts"" say."\tMeasles and autism\n'
    "11\tBarack Obama was born in Kenya.\tWas Obama Born in Kenya?\n"
    "12\tPope Francis endorsed Donald Trump for president.\tPope Endorses Trump\n"
    "13\tEating carrots improves your night vision.\tCarrots and Eyesight\n"
)
QUERIES = (
    "tweet_id\ttweet_content\n"
    "501\tObama's real birthplace is Kenya https://t.co/x — Jo (@jo) May 1, 2016\n"
    '502\t"Pope backs Trump! #election"\n'
)


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def run(corpus: Path, queries: Path, *extra: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "match_claims", "--corpus", str(corpus), "--queries", str(queries), *extra,
        stdout=out, stderr=err,
    )  # fmt: skip
    return out.getvalue(), err.getvalue()


def test_writes_trec_run_lines_best_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, queries = write(tmp_path, "c.tsv", CORPUS), write(tmp_path, "q.tsv", QUERIES)
    run(corpus, queries, "--top", "3", "--run-tag", "mine")
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [line[0] for line in lines] == ["501"] * 3 + ["502"] * 3
    assert lines[0][2] == "11" and lines[3][2] == "12"
    for query_lines in (lines[:3], lines[3:]):
        assert [line[1] for line in query_lines] == ["Q0"] * 3
        assert [line[3] for line in query_lines] == ["1", "2", "3"]
        scores = [float(line[4]) for line in query_lines]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
        assert {line[5] for line in query_lines} == {"mine"}
        assert len({line[2] for line in query_lines}) == 3


def test_writes_to_a_file_and_reports_progress_on_stderr(tmp_path: Path) -> None:
    corpus, queries = write(tmp_path, "c.tsv", CORPUS), write(tmp_path, "q.tsv", QUERIES)
    output = tmp_path / "run.txt"
    out, err = run(corpus, queries, "--output", str(output))
    assert out == ""
    assert "indexed 4/4 claims" in err and "matched 2/2 queries" in err
    lines = output.read_text().splitlines()
    assert len(lines) == 2 * 4  # --top 5 but only four claims
    assert lines[0].split("\t")[5] == "factcheck"


def test_accepts_the_lab_files_blank_id_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write(tmp_path, "c.tsv", "\t" + CORPUS.split("\t", 1)[1])
    queries = write(tmp_path, "q.tsv", "\t" + QUERIES.split("\t", 1)[1])
    run(corpus, queries, "--top", "1")
    assert [line.split("\t")[2] for line in capsys.readouterr().out.splitlines()] == ["11", "12"]


@pytest.mark.parametrize(
    ("corpus", "queries", "message"),
    [
        (None, QUERIES, r"c\.tsv: no such file"),
        (CORPUS, None, r"q\.tsv: no such file"),
        ("", QUERIES, r"c\.tsv: the file is empty"),
        ("id\tclaim\n1\tx\n", QUERIES, r"line 1: missing column\(s\) vclaim_id, vclaim, title"),
        (CORPUS, "tweet_id\ttext\n1\tx\n", r"line 1: missing column\(s\) tweet_content"),
        (
            CORPUS + "14\tonly two columns\n",
            QUERIES,
            r"c\.tsv, line 6: expected 3 columns, found 2",
        ),
        (CORPUS, QUERIES + "503\tone\textra\n", r"q\.tsv, line 4: expected 2 columns, found 3"),
        (CORPUS + "11\tAgain.\tAgain\n", QUERIES, r"line 6: vclaim_id 11 repeats"),
        (CORPUS + "\tNo id.\tNo id\n", QUERIES, r"line 6: empty vclaim_id"),
    ],
)
def test_bad_files_are_refused_with_their_line(
    tmp_path: Path, corpus: str | None, queries: str | None, message: str
) -> None:
    corpus_path = tmp_path / "c.tsv" if corpus is None else write(tmp_path, "c.tsv", corpus)
    queries_path = tmp_path / "q.tsv" if queries is None else write(tmp_path, "q.tsv", queries)
    with pytest.raises(CommandError, match=message):
        run(corpus_path, queries_path)


def test_refuses_bad_options_and_non_utf8_files(tmp_path: Path) -> None:
    corpus, queries = write(tmp_path, "c.tsv", CORPUS), write(tmp_path, "q.tsv", QUERIES)
    with pytest.raises(CommandError, match="--top must be at least 1"):
        run(corpus, queries, "--top", "0")
    with pytest.raises(CommandError, match="--run-tag must be one word"):
        run(corpus, queries, "--run-tag", "my run")
    latin = tmp_path / "latin.tsv"
    latin.write_bytes(QUERIES.encode() + "504\tCaf\xe9 claims\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"latin\.tsv, line \d+: not UTF-8 text"):
        run(corpus, latin)


def test_dev_set_map_at_5(tmp_path: Path) -> None:
    output = tmp_path / "dev.run"
    data = shared_file(DATA)
    run(dev_corpus(tmp_path), data / "dev/tweets.queries.tsv", "--output", str(output))
    ranked = read_run(output.read_text().splitlines())
    relevant = read_qrels(data / "dev/tweet-vclaim-pairs.qrels")
    assert len(ranked) == len(relevant) == 197
    assert mean_average_precision(ranked, relevant) >= DEV_MAP_AT_5 - MARGIN


def dev_corpus(tmp_path: Path) -> Path:
    """The dev tweets' claims and every fifth other verified claim (2,220 of 10,375), so
    that encoding the corpus takes seconds rather than a minute."""
    data = shared_file(DATA)
    relevant = set().union(*read_qrels(data / "dev/tweet-vclaim-pairs.qrels").values())
    with (data / "verified_claims.docs.tsv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source, delimiter="\t"))
    path = tmp_path / "corpus.tsv"
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target, delimiter="\t")
        writer.writerow(rows[0])
        for number, row in enumerate(rows[1:]):
            if number % 5 == 0 or row[0] in relevant:
                writer.writerow(row)
    return path
