"""The stored vectors nearest a query, by cosine: exact below a size, approximate above it.

Below EXACT_SEARCH_BELOW live vectors the search is one matrix product over all of them,
which is exact and, at that size, faster than walking a graph (bench/ann.py measures where
the two cross). From that size on an HNSW graph (usearch) finds the nearest in about a
millisecond at a million vectors; it is built once, from every vector held, the first time
the size is reached, and then follows each put and remove. The graph holds int8 copies,
which blur the near-ties of a dense cluster, so it is asked for at least RESCORED
candidates (OVERFETCH times the wanted count if more) and those are scored again exactly
against the float32 rows: every cosine handed out is exact and only which vectors are found
is approximate (recall@5 of the exact top 5: bench/ann.py).
"""

from collections.abc import Sequence
from typing import Any

import numpy as np

# Loaded before usearch on purpose: imported after usearch 2.26, onnxruntime 1.32 crashes
# the process (a segmentation fault), whichever module asks for it first.
import onnxruntime  # noqa: F401
from usearch.index import Index

# Measured with bench/ann.py (2 shared cores, p50 of a top-20 search): exact 0.10 ms and
# the graph 0.18 ms at 1,000 vectors, 0.27 and 0.16 ms at 2,000; from about 5,000 on the
# matrix product is large enough for OpenBLAS to split it over threads and, on busy cores,
# it costs tens of milliseconds while the graph stays near one.
EXACT_SEARCH_BELOW = 2_000
# HNSW: links per node, and the breadth of building and of searching. bench/ann.py, 2
# cores: at 100,000 vectors (25 a claim) recall@5 is 1.000 at breadth 512 with 16 links; it
# falls as clusters fill with paraphrases (the exact top 5 are near-ties among a cluster's
# members). At a million (250 a claim): 16 links reach 0.968 at search breadth 1,024; 32
# links built with breadth 64 reach 0.978 at 1,024 and 0.993 only at 2,048 (p95 10-14 ms,
# over the 10 ms aim). Built with breadth 128 the same 32 links find the members a narrow
# build missed: 0.995 at search breadth 1,024 for a p95 of 7.9 ms (1.000 at 2,048, 13 ms),
# on a quiet machine, for a build of 375 s against 193 s at a million (bench/README.md).
CONNECTIVITY = 32
EXPANSION_ADD = 128
EXPANSION_SEARCH = 1024
GRAPH_COPIES = "i8"
# Candidates scored again exactly. At a million vectors, breadth 512: a top-5 search asking
# the graph for 10 found 0.941 of the exact top 5, for 50 0.948, for 100 or 200 no more; a
# top-20 search asking for 20 found 0.879 of the exact top 20, for 50 0.950. Scoring 50
# float32 rows costs microseconds. int8 copies rescored cost no recall against float16
# copies (measured at 100,000: 0.971 and 0.973 at breadth 512), for half the graph's memory.
RESCORED = 50
OVERFETCH = 2


class VectorIndex:
    """Unit vectors in numbered slots; the slots nearest a query, with exact cosines."""

    def __init__(self, dimensions: int, exact_below: int = EXACT_SEARCH_BELOW) -> None:
        self.dimensions = dimensions
        self.exact_below = exact_below
        self._rows = np.zeros((0, dimensions), dtype=np.float32)
        self._live = np.zeros(0, dtype=bool)
        self._count = 0
        self._graph: Index | None = None
        self._unlinked: set[int] = set()  # put since the graph last followed

    def __len__(self) -> int:
        return self._count

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the graph as usearch serialises it (an `Index` does not pickle), for a
        snapshot of a worker's index (claims/matching/snapshot.py)."""
        state = self.__dict__.copy()
        state["_graph"] = None if self._graph is None else _saved(self._graph)
        used = int(np.flatnonzero(self._live)[-1]) + 1 if self._count else 0
        state["_rows"], state["_live"] = self._rows[:used], self._live[:used]  # not the room
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        graph = state["_graph"]
        self.__dict__.update(state)
        if graph is not None:
            restored = Index.restore(graph)
            if restored is None:
                raise ValueError("the snapshot's graph could not be restored")
            # Restoring keeps the links but not the breadths, which fall to usearch's defaults.
            # (Both properties have setters, declared in a way mypy does not see.)
            restored.expansion_add = EXPANSION_ADD  # type: ignore[misc]
            restored.expansion_search = EXPANSION_SEARCH  # type: ignore[misc]
            self._graph = restored

    @property
    def approximate(self) -> bool:
        """Whether a search walks the graph (True) or scans every vector (False)."""
        return self._graph is not None and self._count >= self.exact_below

    def put(self, slot: int, vector: np.ndarray) -> None:
        """Hold `vector` in `slot`, which must be free; the graph learns of it on link()."""
        if slot >= len(self._rows):
            self._grow(slot + 1)
        self._rows[slot] = vector
        if not self._live[slot]:
            self._live[slot] = True
            self._count += 1
        self._unlinked.add(slot)

    def remove(self, slot: int) -> None:
        """Forget the vector in `slot`; nothing happens if it holds none."""
        if slot >= len(self._live) or not self._live[slot]:
            return
        self._live[slot] = False
        self._count -= 1
        if slot in self._unlinked:
            self._unlinked.discard(slot)
        elif self._graph is not None:
            self._graph.remove(slot)

    def link(self) -> None:
        """Bring the graph up to date with the vectors put since the last call (in one
        batch, on every core), or build it once the size calls for it."""
        if self._graph is None:
            if self._count >= self.exact_below:
                self._graph = _new_graph(self.dimensions)
                self._add_to_graph(np.flatnonzero(self._live))
        elif self._unlinked:
            self._add_to_graph(np.fromiter(self._unlinked, dtype=np.int64))
        self._unlinked.clear()

    def nearest(self, query: np.ndarray, count: int) -> dict[int, float]:
        """Return the `count` slots nearest `query` (or all if fewer), with their cosines."""
        if self._count == 0:
            return {}
        if self.approximate:
            slots = self._found_by_graph(query, max(RESCORED, count * OVERFETCH))
        else:
            slots = np.flatnonzero(self._live)
        cosines = self._rows[slots] @ query
        if len(slots) > count:
            best = np.argpartition(-cosines, count - 1)[:count]
            slots, cosines = slots[best], cosines[best]
        return {int(slot): float(cosine) for slot, cosine in zip(slots, cosines, strict=True)}

    def cosines(self, query: np.ndarray, slots: Sequence[int]) -> np.ndarray:
        """Return the cosine of each of `slots` (which must hold vectors) to `query`."""
        result: np.ndarray = self._rows[list(slots)] @ query
        return result

    def memory_bytes(self) -> int:
        """Bytes held: the float32 rows and, if built, the graph with its int8 copies."""
        graph = self._graph.memory_usage if self._graph is not None else 0
        return int(self._rows.nbytes + self._live.nbytes + graph)

    def _found_by_graph(self, query: np.ndarray, count: int) -> np.ndarray:
        assert self._graph is not None
        found = self._graph.search(query, count, threads=1)  # one query: no pool to wake
        slots = np.asarray(found.keys, dtype=np.int64)
        return slots[self._live[slots]]

    def _add_to_graph(self, slots: np.ndarray) -> None:
        assert self._graph is not None
        if len(slots):
            self._graph.add(slots, self._rows[slots], threads=0)

    def _grow(self, needed: int) -> None:
        capacity = max(64, 2 * len(self._rows), needed)
        rows = np.zeros((capacity, self.dimensions), dtype=np.float32)
        rows[: len(self._rows)] = self._rows
        live = np.zeros(capacity, dtype=bool)
        live[: len(self._live)] = self._live
        self._rows, self._live = rows, live


def _saved(graph: Index) -> bytes:
    saved = graph.save()  # without a path: the serialised graph
    assert saved is not None
    return saved


def _new_graph(dimensions: int) -> Index:
    return Index(
        ndim=dimensions,
        metric="cos",
        dtype=GRAPH_COPIES,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )
