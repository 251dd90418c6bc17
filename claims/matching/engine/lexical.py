"""BM25 over an inverted index that follows additions and removals one text at a time."""

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

K1 = 1.2
B = 0.75


class BM25Index:
    """Okapi BM25 scores for texts stored in numbered slots (the caller owns the numbering)."""

    def __init__(self) -> None:
        self._postings: dict[str, dict[int, int]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # per-term cache
        self._terms: dict[int, Counter[str]] = {}
        self._lengths = np.zeros(0, dtype=np.float32)
        self._total_length = 0

    def __len__(self) -> int:
        return len(self._terms)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_arrays"] = {}  # a cache, made again as queries need it
        return state

    def add(self, slot: int, words: Sequence[str]) -> None:
        self.discard(slot)
        terms = Counter(words)
        self._terms[slot] = terms
        for term, count in terms.items():
            self._postings.setdefault(term, {})[slot] = count
            self._arrays.pop(term, None)
        if slot >= len(self._lengths):
            grown = np.zeros(max(2 * len(self._lengths), slot + 1, 64), dtype=np.float32)
            grown[: len(self._lengths)] = self._lengths
            self._lengths = grown
        self._lengths[slot] = len(words)
        self._total_length += len(words)

    def discard(self, slot: int) -> None:
        terms = self._terms.pop(slot, None)
        if terms is None:
            return
        for term in terms:
            posting = self._postings[term]
            del posting[slot]
            if not posting:
                del self._postings[term]
            self._arrays.pop(term, None)
        self._total_length -= int(self._lengths[slot])
        self._lengths[slot] = 0

    def idf(self, term: str) -> float:
        frequency = len(self._postings.get(term, ()))
        return math.log(1 + (len(self._terms) - frequency + 0.5) / (frequency + 0.5))

    def scores(self, words: Sequence[str], size: int) -> np.ndarray:
        """Return the BM25 score of every slot below `size` for a query's words."""
        scores = np.zeros(size, dtype=np.float32)
        if not self._terms:
            return scores
        average = self._total_length / len(self._terms) or 1.0
        for term in set(words):
            if term not in self._postings:
                continue
            slots, counts = self._posting_arrays(term)
            norm = K1 * (1 - B + B * self._lengths[slots] / average)
            scores[slots] += self.idf(term) * counts * (K1 + 1) / (counts + norm)
        return scores

    def scores_of(self, words: Sequence[str], slots: Sequence[int]) -> np.ndarray:
        """Return the BM25 score of each of `slots` (few) for a query's words; a slot that
        holds no text scores 0."""
        scores = np.zeros(len(slots), dtype=np.float32)
        if not self._terms:
            return scores
        average = self._total_length / len(self._terms) or 1.0
        query = set(words)
        for number, slot in enumerate(slots):
            terms = self._terms.get(slot)
            if not terms:
                continue
            norm = K1 * (1 - B + B * self._lengths[slot] / average)
            scores[number] = sum(
                self.idf(term) * terms[term] * (K1 + 1) / (terms[term] + norm)
                for term in query & terms.keys()
            )
        return scores

    def _posting_arrays(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        if term not in self._arrays:
            posting = self._postings[term]
            slots = np.fromiter(posting.keys(), dtype=np.int64, count=len(posting))
            counts = np.fromiter(posting.values(), dtype=np.float32, count=len(posting))
            self._arrays[term] = (slots, counts)
        return self._arrays[term]
