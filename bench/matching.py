"""Matching: search latency against 100,000 stored claims, and indexing throughput.

1. Query latency (p50, p95) of MatchIndex.search over 100,000 claims, as a ratio to an exact
   brute-force scan in the same run (encode the query, one matrix product over all vectors,
   top 5). search does more: BM25, the union of both candidate lists and their signals, and
   the logistic re-ranker; the retrieval part alone is reported too.
2. Recall the index keeps: the share of the brute-force cosine top 5 / top 20 found among the
   index's candidates (at 100,000 the vector search goes through the HNSW graph, so this is
   the graph's recall; bench/ann.py measures it alone, up to a million vectors).
3. Indexing throughput in claims per second, with encoding and with stored vectors.
4. The second vector (matching across languages: engine/multilingual.py): encoding a claim
   with the multilingual encoder against encoding it with the English one (CPU time per
   claim, on the dev tweets), and a search of the MultilingualIndex over the same 100,000
   claims (their multilingual vectors, repeated with noise the same way) against a search
   of the MatchIndex; a claim in English searches both (the multilingual one for targets
   in other languages), so the product's cost per query is their sum. Also the memory of
   both indexes.

The 100,000 claims: the 10,375 CheckThat! 2020 verified claims, each with its title as its
headline (so every query takes the re-ranker that weighs headlines, the costlier one),
encoded once, then repeated with a little noise on each vector (and a number appended to
each text) up to 100,000. Queries: the 197 dev tweets.

    .venv/bin/python bench/matching.py
"""

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.shared_data import shared_path_or_exit  # noqa: E402

DATA = shared_path_or_exit("data/claim-matching")

from claims.matching.engine import MatchIndex, embed, multilingual  # noqa: E402
from claims.matching.engine.checkthat import read_corpus, read_queries  # noqa: E402

SIZE = 100_000
ENCODED_SAMPLE = 2_000


def percentile_ms(seconds: Sequence[float], share: float) -> float:
    return float(np.percentile(np.array(seconds) * 1000, share))


def timed(action: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    durations = []
    for query in queries:
        started = time.perf_counter()
        action(query)
        durations.append(time.perf_counter() - started)
    return durations


class Stored:
    """The claims to index: keys and texts, headlines, and the vectors of both."""

    def __init__(self, encode: Callable[[Sequence[str]], np.ndarray] = embed) -> None:
        corpus = read_corpus(DATA / "verified_claims.docs.tsv")
        texts, titles = [row.text for row in corpus], [row.title for row in corpus]
        started = time.perf_counter()
        base = encode(texts + titles)
        self.encoding_rate = 2 * len(texts) / (time.perf_counter() - started)
        self.encoded = 2 * len(texts)
        rng = np.random.default_rng(100)
        self.items: list[tuple[str, str]] = []
        self.headlines: list[str] = []
        vectors: list[np.ndarray] = []
        for copy in range(0, SIZE // len(texts) + 1):
            suffix = f" ({copy})" if copy else ""
            noise = rng.normal(0, 0.02, base.shape).astype(np.float32)
            noisy = base if not copy else base + noise
            self.items.extend((f"claim:{copy}:{n}", text + suffix) for n, text in enumerate(texts))
            self.headlines.extend(titles)
            vectors.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
        self.items, self.headlines = self.items[:SIZE], self.headlines[:SIZE]
        both = np.stack(vectors)  # copies × (texts + titles) × dimensions
        self.vectors = both[:, : len(texts)].reshape(-1, base.shape[1])[:SIZE]
        self.headline_vectors = both[:, len(texts) :].reshape(-1, base.shape[1])[:SIZE]


def main() -> None:
    stored = Stored()
    items = stored.items
    queries = [row.text for row in read_queries(DATA / "dev" / "tweets.queries.tsv")]
    print(f"encoding alone (embed, {stored.encoded} texts): {stored.encoding_rate:.0f} texts/s")

    index = MatchIndex()
    started = time.perf_counter()
    index.add_many(
        items,
        stored.vectors,
        headlines=stored.headlines,
        headline_vectors=stored.headline_vectors,
    )
    stored_rate = SIZE / (time.perf_counter() - started)
    print(f"indexing {SIZE} claims + headlines with stored vectors: {stored_rate:.0f} claims/s")
    fresh = MatchIndex()
    started = time.perf_counter()
    fresh.add_many(items[:ENCODED_SAMPLE], headlines=stored.headlines[:ENCODED_SAMPLE])
    encoded_rate = ENCODED_SAMPLE / (time.perf_counter() - started)
    print(
        f"indexing {ENCODED_SAMPLE} claims + headlines, encoding both: {encoded_rate:.0f} claims/s"
    )

    matrix = np.ascontiguousarray(stored.vectors)
    positions = {key: n for n, (key, _) in enumerate(items)}

    def brute_force(query: str, top: int = 5) -> list[int]:
        scores = matrix @ embed([query])[0]
        best = np.argpartition(-scores, top)[:top]
        return [int(n) for n in best[np.argsort(-scores[best])]]

    index.search(queries[0])  # load the models
    brute = timed(brute_force, queries)
    retrieval = timed(index.retrieve, queries)
    search = timed(index.search, queries)
    recall: dict[int, list[float]] = {5: [], 20: []}
    for query in queries:
        found = {positions[candidate.key] for candidate in index.retrieve(query)}
        for top in recall:
            exact = brute_force(query, top)
            recall[top].append(len(found & set(exact)) / top)

    print(f"\nquery latency over {SIZE} claims, {len(queries)} dev tweets:")
    print("| measure | p50 ms | p95 ms | p50 ratio to brute force | p95 ratio |")
    rows = (
        ("exact brute-force cosine top 5", brute),
        ("index retrieval (BM25 + cosine)", retrieval),
        ("index search (retrieval + re-ranker)", search),
    )
    for name, durations in rows:
        p50, p95 = percentile_ms(durations, 50), percentile_ms(durations, 95)
        print(
            f"| {name} | {p50:.1f} | {p95:.1f} | {p50 / percentile_ms(brute, 50):.2f} "
            f"| {p95 / percentile_ms(brute, 95):.2f} |"
        )
    for top, shares in recall.items():
        print(f"recall@{top} of brute force among the index's candidates: {np.mean(shares):.4f}")
    print(f"indexing with stored vectors / with encoding: {stored_rate / encoded_rate:.1f}x")
    second_vector(queries, index)


def cpu_per_text(encode: Callable[[Sequence[str]], np.ndarray], texts: Sequence[str]) -> float:
    """CPU seconds per text, one text a call (as a claim is encoded), best of three passes."""
    encode(texts[:2])  # load the model
    passes = []
    for _ in range(3):
        started = time.process_time()
        for text in texts:
            encode([text])
        passes.append((time.process_time() - started) / len(texts))
    return min(passes)


def second_vector(queries: Sequence[str], index: MatchIndex) -> None:
    """Section 4: what the multilingual vector costs beside the English one."""
    english_cpu = cpu_per_text(embed, queries)
    multilingual_cpu = cpu_per_text(multilingual.embed, queries)
    print("\nthe second vector (matching across languages):")
    print(
        f"encoding a claim, CPU per text: English {english_cpu * 1000:.2f} ms, "
        f"multilingual {multilingual_cpu * 1000:.2f} ms"
    )
    ratio = multilingual_cpu / english_cpu
    print(f"RATIO\tmatching: multilingual / English encoding CPU per claim\t{ratio:.2f}\t-")
    both = (english_cpu + multilingual_cpu) / english_cpu
    print(f"RATIO\tmatching: both vectors / English alone, encoding CPU\t{both:.2f}\t-")
    stored = Stored(multilingual.embed)
    other = multilingual.MultilingualIndex()
    other.add_many(
        stored.items,
        stored.vectors,
        headlines=stored.headlines,
        headline_vectors=stored.headline_vectors,
    )
    vectors = multilingual.embed(queries)
    by_query = dict(zip(queries, vectors, strict=True))
    other.search(queries[0], vector=vectors[0])
    found = timed(lambda query: other.search(query, vector=by_query[query]), queries)
    english_vectors = dict(zip(queries, embed(queries), strict=True))
    english = timed(lambda query: index.search(query, vector=english_vectors[query]), queries)
    for name, share in (("p50", 50), ("p95", 95)):
        theirs, ours = percentile_ms(english, share), percentile_ms(found, share)
        print(
            f"search over {SIZE} claims, {name}, query vector given: MatchIndex {theirs:.1f} ms, "
            f"MultilingualIndex {ours:.1f} ms"
        )
        print(
            f"RATIO\tmatching: MultilingualIndex / MatchIndex search {name}\t{ours / theirs:.2f}\t-"
        )
    print(
        f"memory for {SIZE} claims + headlines: MatchIndex vectors "
        f"{index.memory_bytes() / 2**20:.0f} MiB, MultilingualIndex "
        f"{other.memory_bytes() / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    main()
