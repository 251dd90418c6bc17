"""A worker started again: its match index read back from its snapshot
(claims/matching/snapshot.py), against building it from the stored rows as a worker
without one does, in the same run.

    .venv/bin/python bench/index_snapshot.py [--entries 100000] [--cache /tmp/centres.npz]

A throw-away database (bench/throwaway.py: SQLite, or BENCH_DATABASE_URL) holds N imported
reviews, each with its match entry: the text and title of one of CheckThat! 2020's
verified claims (../shared/data/claim-matching; a number added, so that no two are the
same) and, for both encoders, vectors shaped like real ones as bench/ann.py makes them:
4,000 of those claims encoded as cluster centres, each stored vector a noisy paraphrase of
one (a graph's build slows with vectors spread at random, so random ones would flatter the
snapshot). Measured:

1. in a process of its own, as a worker without a snapshot: the first build from the table
   (`IndexFollower.refresh`, both graphs included), its time and its growth of the RSS;
   then writing the snapshot: how long the worker is held (the fork), how long the child
   takes to write, and the file's size;
2. in another, as a restarted worker: reading it back (`process_index`: the header checked
   against the database, the snapshot read in its thread, the follower refreshed), its
   time, and its growth of the RSS, now and at its peak;
3. that both answer 50 queries alike (the same top 5, the same scores).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from throwaway import ROOT, start_django

sys.path.insert(0, str(ROOT))

from factcheck.shared_data import shared_path_or_exit

DATA = shared_path_or_exit("data/claim-matching")
# The snapshot is set below, once the index is built.
WORK = start_django(MATCH_INDEX_SNAPSHOT="", MATCH_INDEX_SNAPSHOT_FROM="1")
# Reading back (--read-back): the parent's snapshot; in the parent: where it will be.
SNAPSHOT = (
    sys.argv[sys.argv.index("--snapshot") + 1]
    if "--snapshot" in sys.argv
    else WORK / "match-index.pickle"
)

from ann import clustered, rss_bytes  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from claims.matching import engine  # noqa: E402
from claims.matching.engine import multilingual  # noqa: E402
from claims.matching.engine.checkthat import read_corpus  # noqa: E402
from claims.matching.follower import IndexFollower, process_index  # noqa: E402
from claims.models import ExternalReview, MatchEntry  # noqa: E402

BATCH = 5_000
CENTRES = 4_000
QUERIES = 50


def real_centres(cache: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """Both encoders' vectors of CENTRES verified claims (kept in `cache` if given)."""
    if cache and cache.exists():
        kept = np.load(cache)
        return kept["english"], kept["across"]
    claims = [row.text for row in read_corpus(DATA / "verified_claims.docs.tsv")][:CENTRES]
    began = time.perf_counter()
    english = np.asarray(engine.embed(claims), dtype=np.float32)
    across = np.asarray(multilingual.embed(claims), dtype=np.float32)
    seconds = time.perf_counter() - began
    print(f"encoded {len(claims):,} claims with both encoders in {seconds:.0f} s")
    if cache:
        np.savez(cache, english=english, across=across)
    return english, across


def stored(entries: int, english: np.ndarray, across: np.ndarray) -> None:
    """Store `entries` reviews with their match entries, BATCH at a time: each text's and
    headline's vectors paraphrases of one centre (bench/ann.py's `clustered`)."""
    corpus = read_corpus(DATA / "verified_claims.docs.tsv")
    generator = np.random.default_rng(7)
    for start in range(0, entries, BATCH):
        numbers = range(start, min(start + BATCH, entries))
        texts = [f"{corpus[n % len(corpus)].text} ({n})" for n in numbers]
        titles = [corpus[n % len(corpus)].title for n in numbers]
        reviews = ExternalReview.objects.bulk_create(
            ExternalReview(
                publisher_name="Bench", url=f"https://bench.example/{n}", claim_reviewed=text,
                claim_hash=f"{n:064d}", raw={}, source="bench", language="en",
            )
            for n, text in zip(numbers, texts, strict=True)
        )  # fmt: skip
        seed = int(generator.integers(1 << 30))
        english_rows = clustered(english, 2 * len(texts), seed)
        across_rows = clustered(across, 2 * len(texts), seed + 1)
        MatchEntry.objects.bulk_create(
            MatchEntry(
                external=review, target=True, text=text, text_hash=f"{n:064d}",
                headline=title, model_name=engine.MODEL_NAME, language="en",
                vector=english_rows[2 * number].tobytes(),
                headline_vector=english_rows[2 * number + 1].tobytes(),
                multilingual_model_name=multilingual.MODEL_NAME,
                multilingual_vector=across_rows[2 * number].tobytes(),
                multilingual_headline_vector=across_rows[2 * number + 1].tobytes(),
            )
            for number, (n, review, text, title) in enumerate(
                zip(numbers, reviews, texts, titles, strict=True)
            )
        )  # fmt: skip


def rss_mib(field: str = "VmRSS") -> float:
    return rss_bytes(field) / 2**20


def row(measure: str, result: str, baseline: str = "", ratio: str = "") -> None:
    print(f"{measure:<48} {result:>12}  {baseline:<34} {ratio}", flush=True)


def answers(index: IndexFollower, centres: Path) -> list[list[tuple[str, float]]]:
    """The index's top 5 for QUERIES verified claims, with vectors near theirs."""
    corpus = read_corpus(DATA / "verified_claims.docs.tsv")
    queries = [corpus[n].text for n in range(0, len(corpus), len(corpus) // QUERIES)][:QUERIES]
    vectors = clustered(np.load(centres)["english"], len(queries), 11)
    return [
        [(hit.key, hit.score) for hit in index.search(text, 5, vector)]
        for text, vector in zip(queries, vectors, strict=True)
    ]


def build(centres: Path) -> dict[str, Any]:
    """In a process of its own, as a worker without a snapshot: build, then write one."""
    settings.MATCH_INDEX_SNAPSHOT = str(SNAPSHOT)
    before = rss_mib()
    built = IndexFollower()
    began, began_cpu = time.perf_counter(), time.process_time()
    built.refresh()
    figures: dict[str, Any] = {
        "seconds": time.perf_counter() - began,
        "cpu": time.process_time() - began_cpu,
        "grown": rss_mib() - before,
    }
    built.added_since_snapshot = len(built.index)  # as after a first build
    began = time.perf_counter()
    built.keep_snapshot()
    figures["held"] = time.perf_counter() - began
    assert built._writing is not None, "no snapshot was due"
    _, status = os.waitpid(built._writing[0], 0)
    assert os.waitstatus_to_exitcode(status) == 0
    figures["written"] = time.perf_counter() - began
    return {**figures, "answers": answers(built, centres)}


def read_back(centres: Path) -> dict[str, Any]:
    """In a process of its own, as a worker started again."""
    settings.MATCH_INDEX_SNAPSHOT = str(SNAPSHOT)
    before = rss_mib()
    began = time.perf_counter()
    index = process_index()
    seconds = time.perf_counter() - began
    assert index.added_since_snapshot == 0 and len(index.index), "read back, not built"
    return {
        "seconds": seconds,
        "grown": rss_mib() - before,
        "peak": rss_mib("VmHWM") - before,
        "answers": answers(index, centres),
    }


def in_child(mode: str, centres: Path) -> dict[str, Any]:
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite3'}"
    done = subprocess.run(
        [sys.executable, __file__, mode, str(centres), "--snapshot", str(SNAPSHOT)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_DATABASE_URL": database},
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, help="keep the encoded centres here (.npz)")
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    centres = options.cache or WORK / "centres.npz"
    english, across = real_centres(centres)
    began = time.perf_counter()
    stored(options.entries, english, across)
    print(f"{options.entries:,} entries stored in {time.perf_counter() - began:.0f} s")
    connection.close()  # the children open their own

    built = in_child("--build", centres)
    row("1. first build from the table", f"{built['seconds']:.1f} s",
        f"CPU {built['cpu']:.1f} s; RSS grew {built['grown']:,.0f} MiB")  # fmt: skip
    size = Path(SNAPSHOT).stat().st_size
    row("   the worker held while the snapshot forks", f"{built['held'] * 1000:.0f} ms")
    row("   the child writing it", f"{built['written']:.1f} s", f"{size / 2**20:,.0f} MiB on disk")

    read = in_child("--read-back", centres)
    faster = f"{built['seconds'] / read['seconds']:.1f}× faster"
    row("2. read back by a restarted worker", f"{read['seconds']:.1f} s",
        f"first build {built['seconds']:.1f} s", faster)  # fmt: skip
    row("   its RSS grew", f"{read['grown']:,.0f} MiB", f"{read['peak']:,.0f} MiB at the peak")
    same = sum(a == b for a, b in zip(built["answers"], read["answers"], strict=True))
    row("3. queries answered as by the built index", f"{same} of {len(built['answers'])}")
    ratio = read["seconds"] / built["seconds"]
    print(f"RATIO\tindex_snapshot: read back / first build\t{ratio:.3f}\t<= 0.2")


if __name__ == "__main__":
    if sys.argv[1] in ("--build", "--read-back"):
        work = build if sys.argv[1] == "--build" else read_back
        print(json.dumps(work(Path(sys.argv[2]))))
    else:
        main()
