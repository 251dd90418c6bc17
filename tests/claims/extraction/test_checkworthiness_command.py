"""Researchers score a CheckThat! TSV, English debates or tweets in Dutch and Spanish,
with the product's models and thresholds."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.extraction.checkworthiness import load_model, scorer_for
from tests.conftest import shared_file

DEV_TEST = "data/checkworthiness/CT24_checkworthy_english_dev-test.tsv"
DUTCH_DEV = "data/checkworthiness/multilingual/CT24_checkworthy_dutch_dev.tsv"


def run(path: Path, *options: str) -> list[list[str]]:
    out = StringIO()
    call_command("checkworthiness", str(path), *options, stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_scores_every_sentence_of_a_checkthat_file() -> None:
    with shared_file(DEV_TEST).open(encoding="utf-8", newline="") as lines:
        rows = list(csv.DictReader(lines, delimiter="\t"))
    output = run(shared_file(DEV_TEST))
    assert [line[0] for line in output] == [row["Sentence_id"] for row in rows]
    threshold = load_model().threshold
    for _, score, label in output:
        assert 0 <= float(score) <= 1
        assert label == ("Yes" if float(score) >= threshold else "No")
    correct = sum(row["class_label"] == line[2] for row, line in zip(rows, output, strict=True))
    assert correct / len(rows) > 0.85  # the shipped model, not a constant


def test_handles_quoted_text_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text(
        'Sentence_id\tSpeaker\tText\n7\tSMITH\t"He said ""taxes went up 40 percent"" in 2019."\n'
        "8\tJONES\tThank you.\n"
    )
    output = run(path)
    assert [line[0] for line in output] == ["7", "8"]
    assert output[0][2] == "Yes" and output[1][2] == "No"


def test_scores_a_tweet_file_in_its_language(tmp_path: Path) -> None:
    with shared_file(DUTCH_DEV).open(encoding="utf-8", newline="") as lines:
        rows = list(csv.DictReader(lines, delimiter="\t"))[:60]
    path = tmp_path / "dutch.tsv"  # the multilingual layout: tweet_id tweet_url tweet_text
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t")
        writer.writerow(["tweet_id", "tweet_url", "tweet_text", "class_label"])
        writer.writerows([r["tweet_id"], r["tweet_url"], r["tweet_text"], "?"] for r in rows)
    detected = run(path)
    assert detected == run(path, "--language", "nl")  # detected as Dutch
    assert [line[0] for line in detected] == [row["tweet_id"] for row in rows]
    dutch = scorer_for("nl")
    assert dutch is not None
    for _, score, label in detected:
        assert label == ("Yes" if float(score) >= dutch.threshold else "No")
    correct = sum(row["class_label"] == line[2] for row, line in zip(rows, detected, strict=True))
    assert correct / len(rows) > 0.6  # the Dutch model, not a constant (40 % are Yes)


def test_reads_the_spanish_training_layout_without_urls(tmp_path: Path) -> None:
    path = tmp_path / "spanish.tsv"
    path.write_text(
        "tweet_id\ttweet_text\tclass_label\n"
        "11\tEl paro bajó un 12 % en 2019 y afectó a 3,2 millones de personas, según el INE.\tYes\n"
        "12\t¡Buenos días a todos! Feliz viernes 😊\tNo\n"
    )
    output = run(path, "--language", "es")
    assert [line[0] for line in output] == ["11", "12"]
    assert float(output[0][1]) > float(output[1][1])
    assert output[1][2] == "No"


def test_refuses_a_file_without_the_expected_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("id\tsentence\n1\tHello there.\n")
    with pytest.raises(CommandError, match="Sentence_id and Text, or tweet_id and tweet_text"):
        run(path)
    with pytest.raises(CommandError, match="it names: id, sentence"):
        run(path)
    with pytest.raises(CommandError, match="is not a file"):
        run(tmp_path / "missing.tsv")


def test_refuses_a_language_without_a_model(tmp_path: Path) -> None:
    path = tmp_path / "french.tsv"
    path.write_text("tweet_id\ttweet_text\n1\tLe chômage a baissé de 3 % en 2019.\n")
    refused = "No check-worthiness model for 'fr'; there are: en, es, nl"
    with pytest.raises(CommandError, match=refused):
        run(path, "--language", "fr")


def test_asks_for_the_language_when_it_cannot_tell(tmp_path: Path) -> None:
    path = tmp_path / "short.tsv"
    path.write_text("tweet_id\ttweet_text\n1\t#covid 😷\n2\t👍\n")
    with pytest.raises(CommandError, match="could not tell the texts' language; pass --language"):
        run(path)


def test_a_short_row_is_reported_by_number(tmp_path: Path) -> None:
    path = tmp_path / "short-row.tsv"
    path.write_text("tweet_id\ttweet_url\ttweet_text\n1\turl\tHet kabinet zegt 5 miljard.\n2\n")
    with pytest.raises(CommandError, match="row 3: expected 3 columns"):
        run(path, "--language", "nl")
