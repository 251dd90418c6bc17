"""Claim extraction: speed as ratios to sentence segmentation alone, and model quality.

1. Sentences per second of full extraction (segmentation, language, check-worthiness
   model, claimant and stance) against segmentation alone on the same text, in wall-clock
   and in CPU time (best of three interleaved rounds each).
2. Sentences per second of the check-worthiness model alone (the product needs >= 500).
3. F1 of the "Yes" class on the CheckThat! 2024 dev and dev-test splits, at the shipped
   threshold, through the same code as `manage.py checkworthiness`.
4. Arabic, Dutch and Spanish (heads over the multilingual encoder): sentences per second
   against the English model's in the same run, and F1 of "Yes" on each dev split (never
   used in training or for any choice) next to the all-Yes baseline.

    .venv/bin/python bench/extraction.py
"""

import csv
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.shared_data import shared_path_or_exit  # noqa: E402

DATA = shared_path_or_exit("data/checkworthiness")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from claims.extraction.candidates import propose_candidates  # noqa: E402
from claims.extraction.checkworthiness import load_model, scorer_for  # noqa: E402
from claims.extraction.segmentation import sentences  # noqa: E402

SPLITS = ("dev", "dev-test")
ROUNDS = 3
TWEETS = {"ar": "arabic", "nl": "dutch", "es": "spanish"}
csv.field_size_limit(10_000_000)


def read_split(name: str) -> list[tuple[str, bool]]:
    path = DATA / f"CT24_checkworthy_english_{name}.tsv"
    with path.open(encoding="utf-8", newline="") as lines:
        return [
            (row["Text"], row["class_label"] == "Yes")
            for row in csv.DictReader(lines, delimiter="\t")
        ]


def read_tweets(language: str) -> list[tuple[str, bool]]:
    path = DATA / "multilingual" / f"CT24_checkworthy_{TWEETS[language]}_dev.tsv"
    with path.open(encoding="utf-8", newline="") as lines:
        return [
            (row["tweet_text"], row["class_label"] == "Yes")
            for row in csv.DictReader(lines, delimiter="\t")
        ]


def f1(predicted: list[bool], gold: list[bool]) -> float:
    true_positives = sum(p and g for p, g in zip(predicted, gold, strict=True))
    precision = true_positives / max(sum(predicted), 1)
    recall = true_positives / max(sum(gold), 1)
    return 2 * precision * recall / max(precision + recall, 1e-9)


def articles(texts: list[str], per_paragraph: int = 5, per_article: int = 40) -> list[str]:
    """Arrange sentences as articles: paragraphs of five, forty sentences an article."""
    paragraphs = [
        " ".join(texts[i : i + per_paragraph]) for i in range(0, len(texts), per_paragraph)
    ]
    step = per_article // per_paragraph
    return ["\n\n".join(paragraphs[i : i + step]) for i in range(0, len(paragraphs), step)]


@dataclass
class Timing:
    """The best of several runs, in wall-clock seconds and in the process's CPU seconds (which
    the other processes of a shared machine disturb far less)."""

    wall: float = float("inf")
    cpu: float = float("inf")

    def run(self, work: Callable[[], object]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        self.wall = min(self.wall, time.perf_counter() - wall)
        self.cpu = min(self.cpu, time.process_time() - cpu)


def main() -> None:
    model = load_model()
    splits = {name: read_split(name) for name in SPLITS}
    texts = [text for name in SPLITS for text, _ in splits[name]]
    model.score(texts[:64])  # warm up ONNX Runtime
    corpus = articles(texts)
    count = sum(len(sentences(article)) for article in corpus)

    segmentation, extraction, scoring = Timing(), Timing(), Timing()
    for _ in range(ROUNDS):  # interleaved, so that a busy spell slows all three alike
        segmentation.run(lambda: [sentences(article) for article in corpus])
        extraction.run(lambda: [propose_candidates(article) for article in corpus])
        scoring.run(lambda: model.score(texts))
    wall_ratio = segmentation.wall / extraction.wall
    cpu_ratio = segmentation.cpu / extraction.cpu
    print(f"corpus: {len(corpus)} articles, {count} sentences (CheckThat! dev + dev-test)")
    print(f"best of {ROUNDS} rounds; sentences per second of wall clock (of CPU time)")
    print(
        f"segmentation alone:  {count / segmentation.wall:8.0f} ({count / segmentation.cpu:.0f}) "
        "(baseline)"
    )
    print(
        f"full extraction:     {count / extraction.wall:8.0f} ({count / extraction.cpu:.0f}) "
        f"ratio {wall_ratio:.2f} (CPU time {cpu_ratio:.2f})"
    )
    print(f"RATIO\textraction: full / segmentation alone\t{wall_ratio:.2f}\t>= 0.4")
    print(f"RATIO\textraction: full / segmentation alone, CPU time\t{cpu_ratio:.2f}\t>= 0.4")
    print(
        f"model alone:         {len(texts) / scoring.wall:8.0f} ({len(texts) / scoring.cpu:.0f}) "
        "(target >= 500)"
    )
    for name, rows in splits.items():
        scores = model.score([text for text, _ in rows])
        predicted = [score >= model.threshold for score in scores]
        print(f"F1 (Yes) on {name:<8}  {f1(predicted, [gold for _, gold in rows]):.3f}")
    print(f"model: {model.name}, threshold {model.threshold}")
    english_speed = len(texts) / scoring.wall
    for language in TWEETS:
        if scorer_for(language) is None:
            print(f"{language}: no model ships (training/README.md), not benchmarked")
            continue
        multilingual(language, english_speed)


def multilingual(language: str, english_speed: float) -> None:
    scorer = scorer_for(language)
    assert scorer is not None
    rows = read_tweets(language)
    texts = [text for text, _ in rows]
    gold = [yes for _, yes in rows]
    scorer.score(texts[:16])  # warm up: load the encoder and the head
    started = time.perf_counter()
    scores = scorer.score(texts)
    speed = len(texts) / (time.perf_counter() - started)
    predicted = [score >= scorer.threshold for score in scores]
    print(
        f"{language} dev: {len(texts)} tweets, {speed:6.0f} tweets/s, "
        f"F1 (Yes) {f1(predicted, gold):.3f} (all-Yes {f1([True] * len(gold), gold):.3f}), "
        f"threshold {scorer.threshold}, {scorer.name}"
    )
    print(
        f"RATIO\textraction: {language} model speed / English model\t{speed / english_speed:.2f}\t-"
    )


if __name__ == "__main__":
    main()
