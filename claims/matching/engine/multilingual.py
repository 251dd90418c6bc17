"""Matching across languages: a second space, where a claim and its translation meet.

The English matcher (index.py) reads English word pieces, so a Russian claim finds our
English check only through shared names and numbers. The multilingual sentence encoder the
product already ships (claims/extraction/multilingual_encoder.py: Universal Sentence
Encoder multilingual v3, 512 dimensions) maps the sentences of its LANGUAGES into one
space, so a claim and its translation land close together.

`MultilingualIndex` holds those vectors under the same keys as a MatchIndex, and scores
its candidates as a MatchIndex does (a `Hit` is the probability that both texts state the
same claim, gated by the pair's own likeness), but from signals that do not depend on the
words being in one language: the cosine, where it stands among the candidates (rank, gap to
the best), the numbers the texts share or contradict, and the same for the candidate's
headline. Words are not compared: across languages there are none in common, and a model
that leaned on them would score every translation low. Its logistic regressions and its
likeness gate are fitted on the same CheckThat! pairs, the same way, as the English ones
(training/train_matching_multilingual.py, reranker_multilingual.json), so that a score
means the same to the product's thresholds.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from claims.extraction import multilingual_encoder
from claims.matching.engine.index import Hit
from claims.matching.engine.reranking import Logistic, logistic_read, ranks
from claims.matching.engine.slots import SlottedIndex
from claims.matching.engine.text import clean, numbers
from claims.matching.engine.vectors import EXACT_SEARCH_BELOW

MODEL_NAME = multilingual_encoder.NAME
DIMENSIONS = multilingual_encoder.DIMENSIONS
# The languages the encoder was trained on (BCP-47 primary subtags): a claim in any other
# is matched by the English matcher alone, and its editor is told so.
LANGUAGES = multilingual_encoder.LANGUAGES
RERANKER_PATH = Path(__file__).resolve().parent / "reranker_multilingual.json"
# Candidates taken by cosine before re-ranking, as the English index takes from each of
# its retrievers.
CANDIDATES = 20

FEATURES = (
    "cosine",
    "cosine_squared",
    "numbers_shared",  # both mention a number, and one they have in common
    "numbers_conflict",  # both mention numbers, none in common
    "cosine_rank",  # 1 / (1 + rank among the candidates by cosine), 1 for the best
    "cosine_gap",  # cosine minus the best candidate's cosine (0 for the best)
)
HEADLINE_FEATURES = (*FEATURES, "headline_cosine", "headline_cosine_rank", "headline_cosine_gap")


def covers(language: str) -> bool:
    """Whether the encoder reads texts in `language` (a primary subtag such as "ru")."""
    return language in LANGUAGES


def embed(texts: Sequence[str]) -> np.ndarray:
    """Return float32 (len(texts), DIMENSIONS) L2-normalised vectors of the cleaned texts."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return multilingual_encoder.embed([clean(text) or text for text in texts])


@dataclass(frozen=True)
class Signals:
    """What the multilingual space knows of one candidate once compared with the query."""

    cosine: float
    numbers_shared: bool
    numbers_conflict: bool
    headline_cosine: float | None = None  # None if the candidate has no headline


@dataclass(frozen=True)
class Candidate:
    key: str
    signals: Signals


@dataclass(frozen=True)
class Reranker:
    texts: Logistic  # over FEATURES
    with_headlines: Logistic  # over HEADLINE_FEATURES
    cosine_floor: float
    cosine_full: float

    def probabilities(self, signals: Sequence[Signals]) -> np.ndarray:
        """Return the probability that each candidate states the same claim as the query:
        with the headline model when every candidate has a headline (as index.py does)."""
        if not signals:
            return np.zeros(0, dtype=np.float64)
        headlines = all(found.headline_cosine is not None for found in signals)
        model = self.with_headlines if headlines else self.texts
        probabilities = model.probabilities(feature_rows(signals, headlines=headlines))
        cosine = np.array([found.cosine for found in signals], dtype=np.float64)
        span = self.cosine_full - self.cosine_floor
        gate = np.clip((cosine - self.cosine_floor) / span, 0.0, 1.0)
        gated: np.ndarray = probabilities * gate
        return gated


def feature_rows(signals: Sequence[Signals], *, headlines: bool = False) -> np.ndarray:
    """Return one row of FEATURES (HEADLINE_FEATURES if `headlines`: every candidate must
    have one) per candidate; ranks and gaps are among these candidates."""
    cosine = np.array([found.cosine for found in signals], dtype=np.float64)
    columns = [
        cosine,
        cosine**2,
        np.array([found.numbers_shared for found in signals], dtype=np.float64),
        np.array([found.numbers_conflict for found in signals], dtype=np.float64),
        1.0 / (1.0 + ranks(cosine)),
        cosine - cosine.max(),
    ]
    if headlines:
        if any(found.headline_cosine is None for found in signals):
            raise ValueError("headline features need a headline for every candidate")
        headline = np.array([found.headline_cosine for found in signals], dtype=np.float64)
        columns += [headline, 1.0 / (1.0 + ranks(headline)), headline - headline.max()]
    return np.stack(columns, axis=1)


@cache
def load_reranker(path: Path = RERANKER_PATH) -> Reranker:
    """Read the shipped logistic regressions and likeness gate once per process."""
    config = json.loads(path.read_text(encoding="utf-8"))
    return Reranker(
        texts=logistic_read(config["texts"], FEATURES, path),
        with_headlines=logistic_read(config["with_headlines"], HEADLINE_FEATURES, path),
        cosine_floor=float(config["cosine_floor"]),
        cosine_full=float(config["cosine_full"]),
    )


@dataclass(frozen=True)
class _Stored:
    key: str
    numbers: frozenset[str]


class MultilingualIndex(SlottedIndex[_Stored]):
    """Texts under caller-chosen keys, searched by meaning across the encoder's languages."""

    def __init__(
        self, candidates: int = CANDIDATES, *, exact_below: int = EXACT_SEARCH_BELOW
    ) -> None:
        """`exact_below`: from this many stored texts on, their vectors are searched through
        an approximate (HNSW) graph, as in a MatchIndex (vectors.py)."""
        super().__init__(DIMENSIONS, candidates, exact_below)

    def search(self, text: str, top: int = 5, vector: np.ndarray | None = None) -> list[Hit]:
        """Return up to `top` stored texts, the likeliest to state the same claim first.

        `vector` is the text's own, as embed() makes it, if the caller has it already. A
        text without a letter (empty, links, emojis, numbers) matches nothing: [].
        """
        found = self.retrieve(text, vector)
        if not found:
            return []
        scores = load_reranker().probabilities([candidate.signals for candidate in found])
        order = np.argsort(-scores, kind="stable")[:top]
        return [Hit(key=found[index].key, score=round(float(scores[index]), 4)) for index in order]

    def retrieve(self, text: str, vector: np.ndarray | None = None) -> list[Candidate]:
        """Return the stored texts nearest `text` by cosine, with their signals."""
        query = clean(text)
        if not any(char.isalpha() for char in query) or not self._slots:
            return []  # nothing but links, emojis, numbers or spaces
        query_vector = embed([text])[0] if vector is None else vector
        query_numbers = numbers(query)
        with self._lock:
            cosines = self._vectors.nearest(query_vector, self.candidates)
            return [
                Candidate(
                    key=stored.key,
                    signals=self._signals(slot, stored, cosine, query_vector, query_numbers),
                )
                for slot, cosine in sorted(cosines.items())
                if (stored := self._stored[slot]) is not None
            ]

    def _signals(
        self,
        slot: int,
        stored: _Stored,
        cosine: float,
        query_vector: np.ndarray,
        query_numbers: frozenset[str],
    ) -> Signals:
        shared = query_numbers & stored.numbers
        headline = self._headline_vectors.get(slot)
        return Signals(
            cosine=cosine,
            numbers_shared=bool(shared),
            numbers_conflict=bool(query_numbers) and bool(stored.numbers) and not shared,
            headline_cosine=None if headline is None else float(headline @ query_vector),
        )

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed(texts)

    def _hold(self, slot: int, key: str, text: str, headline: str) -> _Stored:
        return _Stored(key, numbers(text))
