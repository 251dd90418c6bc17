"""The matching index's vector search at a million stored vectors: exact scan against the
approximate (HNSW, usearch) graph that takes over from EXACT_SEARCH_BELOW vectors.

1. Where exact search stops being the faster one: p50 of a top-20 search (what a match
   asks for) by one matrix product and by the graph, at growing sizes.
2. At 1,000,000 vectors: the graph's build time from the stored vectors (what a worker does
   when it starts), p50 / p95 of a top-5 query against the exact scan of the same vectors,
   recall@5 and @20 of the exact top, and memory (the process's RSS delta and the index's
   own count of bytes) per worker.
3. Following: putting and removing vectors one batch at a time as the follower does, and
   recall after removals (removed vectors never come back).

The vectors: all-MiniLM-L6-v2 vectors of CheckThat! verified claims (real sentence vectors)
as cluster centres; each stored vector is a centre plus Gaussian noise, normalised, at a
cosine of about 0.65-0.95 to its centre (a paraphrase's distance), so the space has the
shape of real claims: a shared mean direction, dense clusters, near-duplicates. Queries are
the real vectors of the 197 CheckThat! dev tweets.

    nice -n 10 .venv/bin/python bench/ann.py [--size 1000000] [--cache /tmp/ann.npz]
        [--graph-cache /tmp/ann-graphs] [--centres 4000]

--centres takes fewer claims as centres: 100,000 vectors around 400 claims are clusters as
dense as a million around 4,000 (250 paraphrases a claim), for trying build parameters
without a million-vector build.

--graph-cache keeps the built graph in that directory, in a file named after the size and
the build parameters (links, build breadth, copies' type), and restores it on the next run
with the same ones instead of building it again (a million vectors take about 20 minutes):
for trying search parameters. A restored graph's build is not timed; without the option the
graph is always built from the stored vectors, as a worker does, and the build is timed.
"""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.shared_data import shared_path_or_exit  # noqa: E402

DATA = shared_path_or_exit("data/claim-matching")

from claims.matching.engine import embed, vectors  # noqa: E402
from claims.matching.engine.checkthat import read_corpus, read_queries  # noqa: E402
from claims.matching.engine.vectors import EXACT_SEARCH_BELOW, VectorIndex  # noqa: E402

# isort: split
# After onnxruntime (claims.matching.engine loads it): loaded before it, usearch makes
# onnxruntime's import crash (a segmentation fault; usearch 2.26.6, onnxruntime 1.32.0).
from usearch.index import Index  # noqa: E402

CENTRES = 4000
CROSSING_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
BREADTHS = (64, 128, 256, 512, 1024, 2048)
RESCORED = (10, 20, 50, 100, 200)
TOP = 5
CANDIDATES = 20  # what MatchIndex asks the vector search for
FOLLOWED = 2_000


def rss_bytes(field: str = "VmRSS") -> int:
    """This process's resident memory now, or at its peak ("VmHWM": unlike ru_maxrss, not
    carried over from the process that forked it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field}")


def real_vectors(cache: Path | None) -> tuple[np.ndarray, np.ndarray]:
    if cache and cache.exists():
        kept = np.load(cache)
        return kept["centres"], kept["queries"]
    claims = [row.text for row in read_corpus(DATA / "verified_claims.docs.tsv")][:CENTRES]
    tweets = [row.text for row in read_queries(DATA / "dev" / "tweets.queries.tsv")]
    started = time.perf_counter()
    centres, queries = embed(claims), embed(tweets)
    print(f"encoded {len(claims)} claims and {len(tweets)} tweets in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    if cache:
        np.savez(cache, centres=centres, queries=queries)
    return centres, queries


def clustered(centres: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` unit vectors, each a random centre plus noise, in chunks to spare memory."""
    rng = np.random.default_rng(seed)
    rows = np.empty((count, centres.shape[1]), dtype=np.float32)
    for first in range(0, count, 100_000):
        size = min(100_000, count - first)
        spread = rng.uniform(0.02, 0.06, (size, 1)).astype(np.float32)
        noise = rng.standard_normal((size, centres.shape[1]), dtype=np.float32) * spread
        chunk = centres[rng.integers(0, len(centres), size)] + noise
        rows[first : first + size] = chunk / np.linalg.norm(chunk, axis=1, keepdims=True)
    return rows


def filled(rows: np.ndarray, exact_below: int) -> VectorIndex:
    index = VectorIndex(rows.shape[1], exact_below=exact_below)
    for slot, row in enumerate(rows):
        index.put(slot, row)
    return index


def latencies(
    search: Callable[[np.ndarray, int], object], queries: np.ndarray, count: int = CANDIDATES
) -> np.ndarray:
    """Milliseconds per query: (wall clock, this thread's CPU time) for each."""
    times = []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        search(query, count)
        times.append((time.perf_counter() - started, time.thread_time() - started_cpu))
    return np.array(times) * 1000


def exact_top(rows: np.ndarray, query: np.ndarray, count: int) -> set[int]:
    scores = rows @ query
    return {int(slot) for slot in np.argpartition(-scores, count - 1)[:count]}


def exact_tops(rows: np.ndarray, queries: np.ndarray, count: int) -> list[set[int]]:
    """The exact top `count` of every query, from one matrix product over all of them."""
    tops: list[set[int]] = []
    for first in range(0, len(queries), 50):
        scores = queries[first : first + 50] @ rows.T
        best = np.argpartition(-scores, count - 1, axis=1)[:, :count]
        tops.extend({int(slot) for slot in row} for row in best)
    return tops


def recall(index: VectorIndex, exact: list[set[int]], queries: np.ndarray) -> float:
    count = len(exact[0])
    shares = [
        len(index.nearest(query, count).keys() & top) / count
        for query, top in zip(queries, exact, strict=True)
    ]
    return float(np.mean(shares))


def crossing(centres: np.ndarray, queries: np.ndarray) -> None:
    print("\nexact scan against the graph, p50 of a top-20 search (ms):")
    print("| vectors | exact | graph | graph / exact |")
    for size in CROSSING_SIZES:
        rows = clustered(centres, size, seed=size)
        exact = filled(rows, exact_below=size + 1)  # never approximate
        exact.link()
        graph = filled(rows, exact_below=1)
        graph.link()
        assert graph.approximate and not exact.approximate
        exact_ms = np.percentile(latencies(exact.nearest, queries)[:, 0], 50)
        graph_ms = np.percentile(latencies(graph.nearest, queries)[:, 0], 50)
        print(f"| {size:,} | {exact_ms:.2f} | {graph_ms:.2f} | {graph_ms / exact_ms:.2f} |")


def at_scale(centres: np.ndarray, queries: np.ndarray, size: int, graph_cache: Path | None) -> None:
    before = rss_bytes()
    rows = clustered(centres, size + FOLLOWED, seed=1)
    stored, later = rows[:size], rows[size:]
    index = filled(stored, exact_below=EXACT_SEARCH_BELOW)
    kept = graph_file(graph_cache, size, len(centres)) if graph_cache else None
    build: float | None = None
    if kept and kept.exists():
        restore_graph(index, kept, stored)
    else:
        started = time.perf_counter()
        index.link()  # what a worker does once its follower has read the stored vectors
        build = time.perf_counter() - started
        if kept:
            assert index._graph is not None  # a benchmark's look inside
            index._graph.save(str(kept))
    held = rss_bytes() - before - later.nbytes - stored.nbytes  # the index's, not the input's
    assert index.approximate
    graph = latencies(index.nearest, queries, TOP)
    exact = latencies(lambda query, count: exact_top(stored, query, count), queries, TOP)
    exact5 = exact_tops(stored, queries, TOP)
    recall5 = recall(index, exact5, queries)
    recall20 = recall(index, exact_tops(stored, queries, CANDIDATES), queries)
    p50, p95 = np.percentile(graph[:, 0], 50), np.percentile(graph[:, 0], 95)
    cpu50, cpu95 = np.percentile(graph[:, 1], 50), np.percentile(graph[:, 1], 95)
    exact50, exact95 = np.percentile(exact[:, 0], 50), np.percentile(exact[:, 0], 95)
    print(f"\nat {size:,} vectors ({len(queries)} real query vectors):")
    if build is None:
        print(f"graph restored from {kept} (its build not timed in this run)")
    else:
        print(f"graph built from the stored vectors: {build:.0f} s ({size / build:,.0f} vectors/s)")
    print(f"top-5 query, graph: p50 {p50:.2f} ms, p95 {p95:.2f} ms "
          f"(the thread's CPU time: p50 {cpu50:.2f} ms, p95 {cpu95:.2f} ms)")  # fmt: skip
    print(f"top-5 query, exact scan: p50 {exact50:.1f} ms, p95 {exact95:.1f} ms")
    print(f"recall of the exact top: @5 {recall5:.4f}, @20 {recall20:.4f}")
    print(f"memory: RSS delta {held / 2**20:,.0f} MiB, index's own count "
          f"{index.memory_bytes() / 2**20:,.0f} MiB "
          f"({index.memory_bytes() / size:,.0f} bytes a vector)")  # fmt: skip
    exact20 = exact_tops(stored, queries, CANDIDATES)
    breadths(index, exact5, exact20, queries)
    rescored(index, exact5, exact20, queries)
    follow(index, stored, later, queries)
    print(f"RATIO\tann: top-5 query p95 at {size:,} vectors (ms)\t{p95:.2f}\t<= 10")
    print(f"RATIO\tann: top-5 query p95 at {size:,} vectors (ms of CPU)\t{cpu95:.2f}\t<= 10")
    print(f"RATIO\tann: recall@5 of exact search at {size:,} vectors\t{recall5:.3f}\t>= 0.99")
    print(f"RATIO\tann: top-5 query p95, graph / exact scan\t{p95 / exact95:.3f}\t-")


def breadths(
    index: VectorIndex, exact5: list[set[int]], exact20: list[set[int]], queries: np.ndarray
) -> None:
    """Recall and latency at other search breadths than the shipped one (the graph's ef)."""
    graph = index._graph  # a benchmark's look inside
    assert graph is not None
    shipped = graph.expansion_search
    for breadth in BREADTHS:
        graph.expansion_search = breadth  # type: ignore[misc]  # usearch has the setter
        top5 = latencies(index.nearest, queries, TOP)
        top20 = latencies(index.nearest, queries, CANDIDATES)
        print(f"  search breadth {breadth}{' (shipped)' if breadth == shipped else ''}: "
              f"recall@5 {recall(index, exact5, queries):.4f}, "
              f"@20 {recall(index, exact20, queries):.4f}; top-5 p50 "
              f"{np.percentile(top5[:, 0], 50):.2f} ms, p95 {np.percentile(top5[:, 0], 95):.2f} "
              f"ms (CPU p95 {np.percentile(top5[:, 1], 95):.2f} ms); top-20 p95 "
              f"{np.percentile(top20[:, 0], 95):.2f} ms "
              f"(CPU p95 {np.percentile(top20[:, 1], 95):.2f} ms)")  # fmt: skip
    graph.expansion_search = shipped  # type: ignore[misc]


def rescored(
    index: VectorIndex, exact5: list[set[int]], exact20: list[set[int]], queries: np.ndarray
) -> None:
    """Recall at the shipped breadth by how many candidates the graph hands for re-scoring."""
    shipped = vectors.RESCORED
    for count in RESCORED:
        vectors.RESCORED = count  # a benchmark's look inside: nearest() reads it at each call
        top5 = latencies(index.nearest, queries, TOP)
        print(f"  at least {count} rescored{' (shipped)' if count == shipped else ''}: "
              f"recall@5 {recall(index, exact5, queries):.4f}, "
              f"@20 {recall(index, exact20, queries):.4f}; top-5 CPU p95 "
              f"{np.percentile(top5[:, 1], 95):.2f} ms")  # fmt: skip
    vectors.RESCORED = shipped


def graph_file(directory: Path, size: int, centres: int) -> Path:
    """Where --graph-cache keeps the graph of `size` vectors built with today's parameters."""
    directory.mkdir(parents=True, exist_ok=True)
    built = f"c{vectors.CONNECTIVITY}-a{vectors.EXPANSION_ADD}-{vectors.GRAPH_COPIES}"
    return directory / f"ann-{size}-{centres}centres-{built}.usearch"


def restore_graph(index: VectorIndex, kept: Path, stored: np.ndarray) -> None:
    """Give `index` the graph kept in `kept`, after checking it holds these vectors."""
    graph = Index.restore(str(kept))
    if graph is None or len(graph) != len(stored):
        raise SystemExit(f"{kept} does not hold a graph of {len(stored):,} vectors")
    for slot in range(0, len(stored), len(stored) // 10):
        copy = graph.get(slot, dtype="f32")
        if not isinstance(copy, np.ndarray) or copy @ stored[slot] < 0.95 * np.linalg.norm(copy):
            raise SystemExit(f"{kept} holds other vectors than these (another --size or seed?)")
    graph.expansion_search = vectors.EXPANSION_SEARCH  # type: ignore[misc]
    index._graph = graph  # a benchmark's look inside: what link() would have built
    index._unlinked.clear()


def follow(index: VectorIndex, stored: np.ndarray, later: np.ndarray, queries: np.ndarray) -> None:
    """Put new vectors a batch of 100 at a time, then remove as many old ones."""
    size = len(stored)
    started = time.perf_counter()
    for first in range(0, len(later), 100):
        for offset, row in enumerate(later[first : first + 100]):
            index.put(size + first + offset, row)
        index.link()
    added = time.perf_counter() - started
    removed = list(range(0, size, size // len(later)))[: len(later)]
    started = time.perf_counter()
    for slot in removed:
        index.remove(slot)
    gone = time.perf_counter() - started
    everything = np.concatenate([stored, later])
    everything[removed] = 0.0  # removed vectors are not to be found
    found = set().union(*(index.nearest(query, CANDIDATES).keys() for query in queries))
    assert not found & set(removed), "a removed vector was found"
    print(f"following: {len(later)} vectors put in batches of 100 at "
          f"{len(later) / added:,.0f} a second, {len(removed)} removed at "
          f"{len(removed) / gone:,.0f} a second; recall@5 after: "
          f"{recall(index, exact_tops(everything, queries, TOP), queries):.4f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--skip-crossing", action="store_true")
    parser.add_argument("--cache", type=Path, help="keep the encoded vectors here (.npz)")
    parser.add_argument("--graph-cache", type=Path, help="keep built graphs in this directory")
    parser.add_argument(
        "--centres",
        type=int,
        default=CENTRES,
        help="claims used as cluster centres (fewer: clusters as dense as a larger archive's)",
    )
    options = parser.parse_args()
    centres, queries = real_vectors(options.cache)
    if not 0 < options.centres <= len(centres):
        parser.error(f"--centres must be between 1 and {len(centres)}")
    centres = centres[: options.centres]
    if not options.skip_crossing:
        crossing(centres, queries)
    at_scale(centres, queries, options.size, options.graph_cache)


if __name__ == "__main__":
    main()
