"""Grouping readers' tips across languages: what a tip's grouping costs now that each is
compared with the recent groups by the matcher for their two languages, as ratios to the
English-only grouping it replaced, in the same run.

With GROUPS_COMPARED groups made of CheckThat! verified claims (../shared/data/claim-matching,
English) and, as tips, dev tweets (English) and the claims of tests/claims/matching/
crosslingual.py written in six other languages:

1. The first tip after the upgrade: every group was stored before tips had languages, so
   this one tip detects their languages and gives them their multilingual vectors, once;
   against encoding the same texts with the multilingual encoder alone.
2. Grouping one tip (`tip_group`: encode both vectors, read the groups, both matchers'
   indexes built and searched, the group joined or started), p50 and p95, English tips and
   tips in other languages; against the English-only path it replaced (encode the English
   vector, an English MatchIndex built from the same stored vectors, searched once).

Runs on a throw-away SQLite database (or the empty database in BENCH_DATABASE_URL).

    .venv/bin/python bench/tips.py [--groups N] [--tips N]
"""

import argparse
import csv
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from throwaway import start_django

from factcheck.shared_data import shared_path_or_exit

DATA = shared_path_or_exit("data/claim-matching")
WORK = start_django()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from claims.extraction.candidates import score_text  # noqa: E402
from claims.matching import engine, lookup  # noqa: E402
from claims.matching.engine import multilingual  # noqa: E402
from claims.matching.services import match_text  # noqa: E402
from claims.models import Tip, TipGroup  # noqa: E402
from claims.tips import services  # noqa: E402
from tests.claims.matching.crosslingual import CHECKS  # noqa: E402


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def timed(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def quantile(values: list[float], share: float) -> float:
    return float(np.quantile(values, share))


def row(name: str, ours: str, theirs: str, ratio: float, unit: str = "× the time") -> None:
    print(f"{name:<44} {ours:>12}   {theirs:<34} {ratio:6.2f} {unit}")
    print(f"RATIO\ttips: {name.strip()}\t{ratio:.2f}\t-", flush=True)


def groups_stored_before_languages(texts: list[str]) -> None:
    """Store the groups as they were before tips were grouped across languages."""
    vectors = np.asarray(engine.embed([match_text(text).text for text in texts]), np.float32)
    now = timezone.now()
    TipGroup.objects.bulk_create(
        TipGroup(
            text=text,
            vector=vector.tobytes(),
            model_name=lookup.MODEL_NAME,
            count=1,
            first_asked_at=now,
            last_asked_at=now,
        )
        for text, vector in zip(texts, vectors, strict=True)
    )


def english_only_grouping(text: str, texts: list[str], vectors: np.ndarray) -> None:
    """The grouping before: the English vector, an English index of the groups, one search."""
    [vector] = np.asarray(engine.embed([match_text(text).text]), np.float32)
    index = engine.MatchIndex()
    index.add_many([(str(key), match_text(item).text) for key, item in enumerate(texts)], vectors)
    index.search(match_text(text).text, top=1, vector=vector)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=services.GROUPS_COMPARED)
    parser.add_argument("--tips", type=int, default=20, help="tips of each kind")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    texts = [item["vclaim"] for item in read_tsv(DATA / "verified_claims.docs.tsv")][: args.groups]
    english = [item["tweet_content"] for item in read_tsv(DATA / "dev" / "tweets.queries.tsv")]
    translated = [text for check in CHECKS for text in check.translations.values()]
    print(f"{len(texts):,} groups; {args.tips} English tips and {args.tips} in other languages")

    groups_stored_before_languages(texts)
    score_text(english[0])  # every model loaded before anything is timed
    multilingual.embed([english[0]])
    alone = timed(lambda: multilingual.embed([match_text(text).text for text in texts]))
    first = Tip.objects.create(text=english[0])
    filling = timed(lambda: services.tip_group(tip_id=first.id))
    row("1. first tip, filling every group", f"{filling:.2f} s",
        f"multilingual encoding alone {alone:.2f} s", filling / alone)  # fmt: skip

    stored = TipGroup.objects.order_by("-last_asked_at").values_list("text", "vector")
    pairs = list(stored[: services.GROUPS_COMPARED])
    old_texts = [text for text, _ in pairs]
    old_vectors = np.stack([np.frombuffer(bytes(vector), np.float32) for _, vector in pairs])
    for kind, tips in (("English", english[1 : args.tips + 1]), ("other", translated[: args.tips])):
        created = [Tip.objects.create(text=text) for text in tips]
        ours = [timed(partial(services.tip_group, tip_id=tip.id)) for tip in created]
        theirs = [
            timed(partial(english_only_grouping, text, old_texts, old_vectors)) for text in tips
        ]
        for name, share in (("p50", 0.5), ("p95", 0.95)):
            now, before = quantile(ours, share), quantile(theirs, share)
            row(f"2. tip_group, {kind} tips, {name}", f"{now * 1000:.0f} ms",
                f"English-only grouping {before * 1000:.0f} ms", now / before)  # fmt: skip


if __name__ == "__main__":
    main()
