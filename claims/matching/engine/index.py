"""MatchIndex: earlier claims, ranked by how likely they state the same claim as a new text.

Two retrievers each bring their best candidates: BM25 over content words, and cosine over
sentence vectors (vectors.py: one exact matrix product in a small index, an HNSW graph in a
large one; the candidates' cosines are exact either way). The
re-ranker then scores every candidate from both and the best come back first. A stored
text may come with a headline (the title of its check); the headline is compared with the
query too, by its own BM25 and cosine, and the re-ranker weighs it (reranking.py).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from claims.matching.engine.embedding import DIMENSIONS, embed
from claims.matching.engine.lexical import K1, BM25Index
from claims.matching.engine.reranking import Signals, load_reranker
from claims.matching.engine.slots import SlottedIndex
from claims.matching.engine.text import clean, numbers, words
from claims.matching.engine.vectors import EXACT_SEARCH_BELOW

# Candidates taken from each retriever before re-ranking. On the CheckThat! train split
# the right claim is among the union of both top-20 lists for 98 % of the tweets.
CANDIDATES = 20


@dataclass(frozen=True)
class Hit:
    key: str
    score: float  # calibrated 0..1: probability the stored text states the same claim


@dataclass(frozen=True)
class Candidate:
    key: str
    signals: Signals


@dataclass(frozen=True)
class _Stored:
    key: str
    words: frozenset[str]
    numbers: frozenset[str]
    has_headline: bool


class MatchIndex(SlottedIndex[_Stored]):
    """An in-memory index of texts under caller-chosen keys ("claim:12", "external:7")."""

    def __init__(
        self, candidates: int = CANDIDATES, *, exact_below: int = EXACT_SEARCH_BELOW
    ) -> None:
        """`exact_below`: from this many stored texts on, their vectors are searched through
        an approximate (HNSW) graph instead of compared one by one (vectors.py)."""
        super().__init__(DIMENSIONS, candidates, exact_below)
        self._bm25 = BM25Index()
        self._headline_bm25 = BM25Index()  # only the slots whose text has a headline

    def add(
        self,
        key: str,
        text: str,
        vector: np.ndarray | None = None,
        *,
        headline: str = "",
        headline_vector: np.ndarray | None = None,
    ) -> None:
        """Index `text` (and its `headline`, if any) under `key`, replacing what the key held;
        the vectors, if given, skip encoding."""
        self.add_many(
            [(key, text)],
            None if vector is None else vector.reshape(1, -1),
            headlines=[headline],
            headline_vectors=None if headline_vector is None else headline_vector.reshape(1, -1),
        )

    def search(self, text: str, top: int = 5, vector: np.ndarray | None = None) -> list[Hit]:
        """Return up to `top` stored texts, the likeliest to state the same claim first.

        `vector` is the text's own, as embed() makes it, if the caller has it already.
        A text without a content word (empty, only stopwords, links or emojis) matches
        nothing and returns [].
        """
        found = self.retrieve(text, vector)
        if not found:
            return []
        scores = load_reranker().probabilities([candidate.signals for candidate in found])
        order = np.argsort(-scores, kind="stable")[:top]
        return [Hit(key=found[index].key, score=round(float(scores[index]), 4)) for index in order]

    def retrieve(self, text: str, vector: np.ndarray | None = None) -> list[Candidate]:
        """Return the candidates both retrievers bring up for `text`, with their signals."""
        query = clean(text)
        query_words = words(query)
        if not query_words or not self._slots:
            return []
        query_vector = embed([text])[0] if vector is None else vector
        with self._lock:
            slots, signals = self._retrieve(query, query_words, query_vector)
            return [
                Candidate(key=stored.key, signals=found)
                for stored, found in zip(self._stored_at(slots), signals, strict=True)
            ]

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed(texts)

    def _hold(self, slot: int, key: str, text: str, headline: str) -> _Stored:
        text_words = words(text)
        self._bm25.add(slot, text_words)
        if headline:
            self._headline_bm25.add(slot, words(headline))
        return _Stored(key, frozenset(text_words), numbers(text), has_headline=bool(headline))

    def _release(self, slot: int) -> None:
        self._bm25.discard(slot)
        self._headline_bm25.discard(slot)

    def _stored_at(self, slots: list[int]) -> list[_Stored]:
        stored = [self._stored[slot] for slot in slots]
        assert all(item is not None for item in stored)
        return stored  # type: ignore[return-value]

    def _retrieve(
        self, query: str, query_words: list[str], query_vector: np.ndarray
    ) -> tuple[list[int], list[Signals]]:
        size = len(self._stored)
        cosines = self._vectors.nearest(query_vector, self.candidates)
        lexical = self._bm25.scores(query_words, size)
        ordered = sorted(cosines.keys() | _top(lexical, self.candidates, above=0.0))
        lexical_only = [slot for slot in ordered if slot not in cosines]
        if lexical_only:
            found = self._vectors.cosines(query_vector, lexical_only)
            cosines.update(zip(lexical_only, found.tolist(), strict=True))
        bm25_ceiling = _bm25_ceiling(self._bm25, query_words)
        headline_cosines = [
            float(self._headline_vectors[slot] @ query_vector)
            if slot in self._headline_vectors
            else 0.0
            for slot in ordered
        ]
        headline_lexical = self._headline_bm25.scores_of(query_words, ordered)
        headline_ceiling = _bm25_ceiling(self._headline_bm25, query_words)
        query_numbers = numbers(query)
        signals = [
            self._signals(
                slot,
                set(query_words),
                query_numbers,
                cosines[slot],
                min(float(lexical[slot]) / bm25_ceiling, 1.0),
                (
                    headline_cosines[number],
                    min(float(headline_lexical[number]) / headline_ceiling, 1.0),
                ),
            )
            for number, slot in enumerate(ordered)
        ]
        return ordered, signals

    def _signals(
        self,
        slot: int,
        query_words: set[str],
        query_numbers: frozenset[str],
        cosine: float,
        bm25: float,
        headline: tuple[float, float],
    ) -> Signals:
        stored = self._stored[slot]
        assert stored is not None
        headline_cosine, headline_bm25 = headline if stored.has_headline else (None, None)
        shared = query_words & stored.words
        shared_numbers = query_numbers & stored.numbers
        both_have_numbers = bool(query_numbers) and bool(stored.numbers)
        return Signals(
            cosine=cosine,
            query_coverage=self._idf_share(shared, query_words),
            candidate_coverage=self._idf_share(shared, stored.words),
            bm25=bm25,
            numbers_shared=bool(shared_numbers),
            numbers_conflict=both_have_numbers and not shared_numbers,
            headline_cosine=headline_cosine,
            headline_bm25=headline_bm25,
        )

    def _idf_share(self, part: set[str], whole: set[str] | frozenset[str]) -> float:
        total = sum(self._bm25.idf(term) for term in whole)
        return sum(self._bm25.idf(term) for term in part) / total if total else 0.0


def _bm25_ceiling(bm25: BM25Index, query_words: list[str]) -> float:
    # The most a text could score: each query word at full saturation.
    ceiling = sum(bm25.idf(term) * (K1 + 1) for term in set(query_words))
    return ceiling or math.inf


def _top(scores: np.ndarray, count: int, above: float = -math.inf) -> set[int]:
    if len(scores) > count:
        best = np.argpartition(-scores, count - 1)[:count]
    else:
        best = np.arange(len(scores))
    return {int(slot) for slot in best if scores[slot] > above}
