"""The re-ranking step: from retrieval signals to "probability this states the same claim".

Logistic regressions over the signals of each candidate, trained on the CLEF CheckThat!
2020 claim-retrieval train split (training/train_matching.py) and shipped as reranker.json
(a few numbers). There are two: one weighs the texts alone, the other also the candidates'
headlines (the title of a published check, the headline of another fact-checker's review),
which are often worded like the claims people post ("Did X say Y?"): MAP@5 on dev 0.886
with the texts alone, 0.91 with headlines too. The second is used only when every candidate
has a headline: with some headlined and some not, the headlined ones win on headline
signals alone, and MAP@5 fell below the texts-alone model's (0.87 with half of the corpus
headlined). Its output is the score of a Hit: the probability that a candidate states
the same claim as the query, calibrated on the train tweets' candidates taken twice, once as
retrieved and once with the tweet's claim left out of the corpus (as if half the queries
had never been checked before).

Where a candidate stands among the others (its rank by cosine and by BM25, its distance to
the best) weighs as much as the signals themselves: on the train split those features
raise MAP@5 from 0.87 to 0.89 (cross-validated).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

RERANKER_PATH = Path(__file__).resolve().parent / "reranker.json"

# The likeness gate (likeness_gate): from the cosines of the train split's same-claim pairs.
COSINE_FLOOR = 0.15
COSINE_FULL = 0.33

FEATURES = (
    "cosine",  # of the two sentence vectors
    "cosine_squared",
    "query_coverage",  # idf-weighted share of the query's words found in the candidate
    "candidate_coverage",  # idf-weighted share of the candidate's words found in the query
    "bm25",  # BM25 divided by the most the query's words could score
    "numbers_shared",  # both mention a number, and one they have in common
    "numbers_conflict",  # both mention numbers, none in common
    "cosine_rank",  # 1 / (1 + rank among the candidates by cosine), 1 for the best
    "bm25_rank",  # the same by BM25
    "cosine_gap",  # cosine minus the best candidate's cosine (0 for the best)
    "bm25_gap",  # the same for BM25
)
# The same, and the candidate's headline compared with the query by both retrievers.
HEADLINE_FEATURES = (
    *FEATURES,
    "headline_cosine",
    "headline_cosine_rank",
    "headline_cosine_gap",
    "headline_bm25",
    "headline_bm25_rank",
    "headline_bm25_gap",
)


@dataclass(frozen=True)
class Signals:
    """What retrieval knows of one candidate once the query has been compared to it."""

    cosine: float
    query_coverage: float
    candidate_coverage: float
    bm25: float
    numbers_shared: bool
    numbers_conflict: bool
    # The same two measures against the candidate's headline; None if it has none.
    headline_cosine: float | None = None
    headline_bm25: float | None = None

    @property
    def has_headline(self) -> bool:
        return self.headline_cosine is not None and self.headline_bm25 is not None


@dataclass(frozen=True)
class Logistic:
    weights: np.ndarray
    bias: float

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        logits: np.ndarray = features @ self.weights + self.bias
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-logits))
        return probabilities


@dataclass(frozen=True)
class Reranker:
    texts: Logistic  # over FEATURES
    with_headlines: Logistic  # over HEADLINE_FEATURES
    possible_match_threshold: float
    same_claim_threshold: float

    def probabilities(self, signals: Sequence[Signals]) -> np.ndarray:
        """Return the probability that each candidate states the same claim as the query."""
        if not signals:
            return np.zeros(0, dtype=np.float64)
        headlines = all(found.has_headline for found in signals)
        model = self.with_headlines if headlines else self.texts
        probabilities = model.probabilities(feature_rows(signals, headlines=headlines))
        gated: np.ndarray = probabilities * likeness_gate(signals)
        return gated


def likeness_gate(signals: Sequence[Signals]) -> np.ndarray:
    """Return 0–1 per candidate: how far its own likeness (cosine) lets it be a match.

    Ranks and gaps judge a candidate against the others, which says little in a small
    index: alone, any stored claim is "the best", and an unrelated query scored 0.23–0.29
    against a newsroom's only claim. A same-claim pair is also alike on its own: on the
    CheckThat! train pairs, 98 % have a cosine ≥ 0.33 and none below 0.15. So below
    COSINE_FLOOR a candidate is no match, and up to COSINE_FULL it counts in part.
    """
    cosine = np.array([found.cosine for found in signals], dtype=np.float64)
    gate: np.ndarray = np.clip((cosine - COSINE_FLOOR) / (COSINE_FULL - COSINE_FLOOR), 0.0, 1.0)
    return gate


def feature_rows(signals: Sequence[Signals], *, headlines: bool = False) -> np.ndarray:
    """Return one row of FEATURES (HEADLINE_FEATURES if `headlines`: every candidate must
    have one) per candidate; ranks and gaps are among these candidates."""
    cosine = np.array([found.cosine for found in signals], dtype=np.float64)
    bm25 = np.array([found.bm25 for found in signals], dtype=np.float64)
    columns = [
        cosine,
        cosine**2,
        np.array([found.query_coverage for found in signals], dtype=np.float64),
        np.array([found.candidate_coverage for found in signals], dtype=np.float64),
        bm25,
        np.array([found.numbers_shared for found in signals], dtype=np.float64),
        np.array([found.numbers_conflict for found in signals], dtype=np.float64),
        1.0 / (1.0 + ranks(cosine)),
        1.0 / (1.0 + ranks(bm25)),
        cosine - cosine.max(),
        bm25 - bm25.max(),
    ]
    if headlines:
        columns += _headline_columns(signals)
    return np.stack(columns, axis=1)


def _headline_columns(signals: Sequence[Signals]) -> list[np.ndarray]:
    if not all(found.has_headline for found in signals):
        raise ValueError("headline features need a headline for every candidate")
    cosine = np.array([found.headline_cosine for found in signals], dtype=np.float64)
    bm25 = np.array([found.headline_bm25 for found in signals], dtype=np.float64)
    return [
        cosine,
        1.0 / (1.0 + ranks(cosine)),
        cosine - cosine.max(),
        bm25,
        1.0 / (1.0 + ranks(bm25)),
        bm25 - bm25.max(),
    ]


def ranks(values: np.ndarray) -> np.ndarray:
    """Each value's place among them, 0 for the largest (ties in their order)."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = np.arange(len(values))
    return ranks


@cache
def load_reranker(path: Path = RERANKER_PATH) -> Reranker:
    """Read the shipped logistic regressions once per process."""
    config = json.loads(path.read_text(encoding="utf-8"))
    return Reranker(
        texts=logistic_read(config["texts"], FEATURES, path),
        with_headlines=logistic_read(config["with_headlines"], HEADLINE_FEATURES, path),
        possible_match_threshold=float(config["possible_match_threshold"]),
        same_claim_threshold=float(config["same_claim_threshold"]),
    )


def logistic_read(config: dict[str, Any], features: tuple[str, ...], path: Path) -> Logistic:
    """A stored logistic regression, refused if it was trained on other features."""
    if tuple(config["features"]) != features:
        raise RuntimeError(f"{path} was trained on other features: {config['features']}")
    weights = np.array(config["weights"], dtype=np.float64)
    return Logistic(weights=weights, bias=float(config["bias"]))
