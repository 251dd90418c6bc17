"""Researchers score a CheckThat! TSV with the product's model and threshold."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.extraction.checkworthiness import load_model

DEV_TEST = (
    Path(__file__).resolve().parents[4]
    / "shared/data/checkworthiness/CT24_checkworthy_english_dev-test.tsv"
)


def run(path: Path) -> list[list[str]]:
    out = StringIO()
    call_command("checkworthiness", str(path), stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_scores_every_sentence_of_a_checkthat_file() -> None:
    with DEV_TEST.open(encoding="utf-8", newline="") as lines:
        rows = list(csv.DictReader(lines, delimiter="\t"))
    output = run(DEV_TEST)
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


def test_refuses_a_file_without_the_expected_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("id\tsentence\n1\tHello there.\n")
    with pytest.raises(CommandError, match="Sentence_id and Text"):
        run(path)
    with pytest.raises(CommandError, match="is not a file"):
        run(tmp_path / "missing.tsv")
