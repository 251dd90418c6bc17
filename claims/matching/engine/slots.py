"""Texts in numbered slots under caller-chosen keys: the keeping both matching indexes share.

A MatchIndex (index.py) and a MultilingualIndex (multilingual.py) each hold a text under a
key ("claim:12") in a slot, the row number its vector (vectors.py), its headline's vector
and whatever else the index keeps of it (a record, postings) are filed under. Adding a key
again replaces what it held; a slot that a discarded key frees is the next one filled, so
the rows stay as many as the texts held at once. Each index says how it encodes texts
(`_embed`) and what it keeps of one (`_hold`) and lets go of (`_release`).
"""

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from claims.matching.engine.embedding import normalised
from claims.matching.engine.text import clean
from claims.matching.engine.vectors import VectorIndex

Record = TypeVar("Record")


class SlottedIndex(ABC, Generic[Record]):
    """Texts, their vectors and their headlines' vectors, in slots under keys."""

    def __init__(self, dimensions: int, candidates: int, exact_below: int) -> None:
        self.candidates = candidates
        self._lock = threading.RLock()
        self._slots: dict[str, int] = {}
        self._stored: list[Record | None] = []
        self._free: list[int] = []
        self._vectors = VectorIndex(dimensions, exact_below=exact_below)
        # Only headlined slots have one: an archive of unchecked claims costs nothing here.
        self._headline_vectors: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._slots)

    def __getstate__(self) -> dict[str, Any]:
        """Everything but the lock, for a snapshot (claims/matching/snapshot.py); the
        headlines' vectors as one matrix, read back as rows of it (as many small arrays
        they cost a third more memory read back than built: bench/index_snapshot.py)."""
        state = self.__dict__.copy()
        del state["_lock"]
        slots = np.fromiter(self._headline_vectors, dtype=np.int64)
        rows = [self._headline_vectors[int(slot)] for slot in slots]
        matrix = np.stack(rows) if rows else np.zeros((0, self._vectors.dimensions), np.float32)
        state["_headline_vectors"] = (slots, matrix)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        slots, matrix = state.pop("_headline_vectors")
        self.__dict__.update(state)
        self._headline_vectors = dict(zip(slots.tolist(), matrix, strict=True))
        self._lock = threading.RLock()

    def __contains__(self, key: object) -> bool:
        return key in self._slots

    @property
    def approximate(self) -> bool:
        """Whether the vector search is approximate at the index's present size."""
        return self._vectors.approximate

    def memory_bytes(self) -> int:
        """Bytes held by the texts' vectors and, if built, their search graph."""
        return self._vectors.memory_bytes()

    def add_many(
        self,
        items: Sequence[tuple[str, str]],
        vectors: np.ndarray | None = None,
        *,
        headlines: Sequence[str] | None = None,
        headline_vectors: np.ndarray | None = None,
    ) -> None:
        """Index many texts at once, replacing what their keys held (encoding them in
        batches unless `vectors` are given).

        `headlines` go with the items in order ("" for none); `headline_vectors` likewise
        (any row where the headline is "" is ignored).
        """
        headlines = [""] * len(items) if headlines is None else list(headlines)
        if len(headlines) != len(items):
            raise ValueError(f"expected {len(items)} headlines, got {len(headlines)}")
        if vectors is None:
            vectors = self._embed([text for _, text in items])
        if headline_vectors is None:
            headline_vectors = self._headlines_embedded(headlines)
        vectors = self._checked(vectors, len(items))
        headline_vectors = self._checked(headline_vectors, len(items))
        cleaned = [
            (clean(text), clean(headline))
            for (_, text), headline in zip(items, headlines, strict=True)
        ]
        with self._lock:
            for (key, _), (text, headline), vector, headline_vector in zip(
                items, cleaned, vectors, headline_vectors, strict=True
            ):
                self._put(key, text, vector, headline, headline_vector)
            self._vectors.link()

    def discard(self, key: str) -> None:
        """Forget `key`; nothing happens if it is not indexed."""
        with self._lock:
            slot = self._slots.pop(key, None)
            if slot is None:
                return
            self._stored[slot] = None
            self._vectors.remove(slot)
            self._headline_vectors.pop(slot, None)
            self._release(slot)
            self._free.append(slot)

    @abstractmethod
    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return the texts' L2-normalised vectors, one row each."""

    @abstractmethod
    def _hold(self, slot: int, key: str, text: str, headline: str) -> Record:
        """Keep what the index needs of the (cleaned) text put in `slot`; return its record."""

    def _release(self, slot: int) -> None:
        """Let go of what `_hold` kept of the text in `slot`, beyond its record."""

    def _put(
        self, key: str, text: str, vector: np.ndarray, headline: str, headline_vector: np.ndarray
    ) -> None:
        self.discard(key)
        slot = self._free.pop() if self._free else self._grow()
        self._slots[key] = slot
        self._stored[slot] = self._hold(slot, key, text, headline)
        self._vectors.put(slot, vector)
        if headline:  # cleaned: a headline of only stopwords still counts
            self._headline_vectors[slot] = headline_vector.copy()

    def _grow(self) -> int:
        self._stored.append(None)
        return len(self._stored) - 1

    def _headlines_embedded(self, headlines: Sequence[str]) -> np.ndarray:
        """Encode the headlines that are not empty; the rows of the others stay zero."""
        vectors = np.zeros((len(headlines), self._vectors.dimensions), dtype=np.float32)
        present = [number for number, headline in enumerate(headlines) if clean(headline)]
        if present:
            vectors[present] = self._embed([headlines[number] for number in present])
        return vectors

    def _checked(self, vectors: np.ndarray, count: int) -> np.ndarray:
        dimensions = self._vectors.dimensions
        if vectors.shape != (count, dimensions):
            raise ValueError(
                f"expected vectors of shape ({count}, {dimensions}), got {vectors.shape}"
            )
        return normalised(vectors)
