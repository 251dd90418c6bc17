"""Checked before? in the product: what storing, following and matching cost around the
engine, as ratios to the engine alone in the same run.

With the CheckThat! verified claims (../shared/data/claim-matching, about 10,000) imported
as other fact-checkers' reviews and the dev tweets entered as claims:

1. Import: `import_claimreviews` of a JSON Lines dump of every verified claim, its title as
   the review's headline (validate, store, encode both with both encoders, store the
   vectors), against encoding the same claims and headlines alone, with both encoders (the
   English one and the multilingual one: matching across languages); and what the second
   encoder adds to encoding with the English one alone.
2. A worker's index rebuilt from the stored vectors (IndexFollower.refresh), against
   building the same index by encoding the texts and headlines (MatchIndex.add_many
   without vectors);
   then one incremental refresh after one more review is stored; and a web process's
   index of our published checks alone (what answers a tip), whose first build reads past
   the imported reviews (none of this bench's claims is checked, so it loads nothing).
3. Matching one claim through the product (`claim_match`: stored vector or encoding,
   index refresh, search, eligibility query, storing the suggestions), p50 and p95,
   against the bare `MatchIndex.search` of the same texts. And the quality the product
   keeps: MAP@5 and recall@5 of the stored suggestions against the dev qrels (a suggestion
   needs MATCH_POSSIBLE_THRESHOLD, so these can be below the engine's own ranking).

Runs on a throw-away SQLite database (or the empty database in BENCH_DATABASE_URL).

    .venv/bin/python bench/checked_before.py [--limit N]
"""

import argparse
import csv
import json
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

from throwaway import ROOT, start_django

sys.path.insert(0, str(ROOT))

from factcheck.shared_data import shared_path_or_exit

DATA = shared_path_or_exit("data/claim-matching")
WORK = start_django()

from django.core.management import call_command  # noqa: E402

from claims.ingestion.pages import content_hash  # noqa: E402
from claims.matching import engine  # noqa: E402
from claims.matching.crosslingual import encoded as both_encoded  # noqa: E402
from claims.matching.follower import IndexFollower, process_index  # noqa: E402
from claims.matching.services import (  # noqa: E402
    SEARCH_DEPTH,
    claim_match,
    encoded,
    external_reviews_index,
    matching_request,
)
from claims.models import Article, Claim, ExternalReview, MatchEntry  # noqa: E402


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="Use only the first N claims.")
    limit = parser.parse_args().limit
    call_command("migrate", verbosity=0)
    verified = read_tsv(DATA / "verified_claims.docs.tsv")
    verified = verified[:limit] if limit else verified
    tweets = read_tsv(DATA / "dev" / "tweets.queries.tsv")
    gold = {}
    for line in (DATA / "dev" / "tweet-vclaim-pairs.qrels").read_text().splitlines():
        tweet_id, _, vclaim_id, _ = line.split("\t")
        gold[tweet_id] = vclaim_id
    texts = [row["vclaim"] for row in verified]
    headlines = [row["title"] for row in verified]
    print(f"{len(texts):,} verified claims as reviews; {len(tweets)} dev tweets as claims")

    english_seconds = timed(lambda: encoded(texts + headlines))
    both = texts + headlines
    encode_rate = len(texts) / timed(lambda: both_encoded(both, ["en"] * len(both)))
    row("   encoding with both encoders", f"{encode_rate:.0f} reviews/s",
        f"English alone {len(texts) / english_seconds:.0f} reviews/s",
        len(texts) / english_seconds / encode_rate, "× the time")  # fmt: skip
    dump = WORK / "verified.jsonl"
    dump.write_text("".join(json.dumps(review_of(row)) + "\n" for row in verified))
    import_seconds = timed(
        lambda: call_command("import_claimreviews", str(dump), stdout=StringIO(), stderr=StringIO())
    )
    import_rate = len(texts) / import_seconds
    row("1. import + encode + store", f"{import_rate:.0f} reviews/s",
        f"encoding alone {encode_rate:.0f} reviews/s", import_rate / encode_rate)  # fmt: skip

    follower = IndexFollower()
    rebuild = timed(follower.refresh)
    fresh = engine.MatchIndex()
    items = [(f"review:{index}", text) for index, text in enumerate(texts)]
    building = timed(lambda: fresh.add_many(items, headlines=headlines))
    row("2. index rebuilt from stored vectors", f"{rebuild:.2f} s",
        f"encoding the texts {building:.2f} s", building / rebuild, "× faster")  # fmt: skip
    ours = timed(IndexFollower(checks_only=True).refresh)
    row("   index of our checks alone (a tip's)", f"{ours * 1000:.0f} ms",
        f"rebuild {rebuild * 1000:.0f} ms", rebuild / ours, "× faster")  # fmt: skip
    extra = ExternalReview.objects.create(
        publisher_name="Bench", url="https://bench.example/1", claim_reviewed="One more claim.",
        claim_hash="1" * 64, raw={}, source="bench",
    )  # fmt: skip
    external_reviews_index(review_ids=[extra.id])
    incremental = timed(follower.refresh)
    row("   incremental refresh, one new row", f"{incremental * 1000:.1f} ms",
        f"rebuild {rebuild * 1000:.0f} ms", rebuild / incremental, "× faster")  # fmt: skip

    claims = [claim_of(tweet["tweet_content"]) for tweet in tweets]
    process_index()  # loaded once per worker, as after a worker starts
    product = [timed(lambda claim=claim: claim_match(claim_id=claim.id)) for claim in claims]
    index = process_index()
    bare = [
        timed(lambda claim=claim: index.search(claim.text, top=SEARCH_DEPTH)) for claim in claims
    ]
    for name, index_of in (("p50", 0.5), ("p95", 0.95)):
        ours, theirs = quantile(product, index_of), quantile(bare, index_of)
        row(f"3. claim_match {name}", f"{ours * 1000:.1f} ms",
            f"MatchIndex.search {theirs * 1000:.1f} ms", ours / theirs)  # fmt: skip
    quality(claims, tweets, gold)


def review_of(verified: dict[str, str]) -> dict[str, object]:
    return {
        "@type": "ClaimReview",
        "url": f"https://verified.example/{verified['']}",
        "claimReviewed": verified["vclaim"],
        "name": verified["title"],
        "author": {"name": "CheckThat! verified claims"},
    }


def claim_of(text: str) -> Claim:
    article = Article.objects.create(
        text=text, content_hash=content_hash(text), status=Article.Status.EXTRACTED
    )
    claim = Claim.objects.create(article=article, text=" ".join(text.split())[:2000])
    matching_request([claim])
    return claim


def quality(claims: list[Claim], tweets: list[dict[str, str]], gold: dict[str, str]) -> None:
    url_of_vclaim = "https://verified.example/"
    average_precision, found = [], 0
    for claim, tweet in zip(claims, tweets, strict=True):
        suggested = [
            match.matched_external.url.removeprefix(url_of_vclaim)
            for match in claim.matches.select_related("matched_external").order_by("rank")
            if match.matched_external
        ]
        wanted = gold.get(tweet[""])
        rank = suggested.index(wanted) + 1 if wanted in suggested else 0
        average_precision.append(1 / rank if rank else 0.0)
        found += bool(rank)
    skipped = Claim.objects.exclude(matching=Claim.Matching.DONE).count()
    print(
        f"   suggestions against the dev qrels: MAP@5 {statistics.mean(average_precision):.3f}, "
        f"recall@5 {found / len(claims):.3f} ({skipped} claims not matched); "
        f"possible-match threshold {engine.POSSIBLE_MATCH_THRESHOLD}"
    )
    print(f"   stored vectors: {MatchEntry.objects.count():,} rows")


def timed(work: object) -> float:
    assert callable(work)
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def quantile(values: list[float], at: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(at * len(ordered)))]


def row(measure: str, result: str, baseline: str, ratio: float, unit: str = "") -> None:
    print(f"{measure:<40} {result:>16}   vs {baseline:<32} ratio {ratio:.2f}{unit}")
    print(f"RATIO\tchecked_before: {measure.strip()}\t{ratio:.2f}\t-")


if __name__ == "__main__":
    main()
