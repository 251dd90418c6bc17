"""The re-ranking step: from retrieval signals to "probability this states the same claim".

A logistic regression over a few signals per (query, candidate) pair, trained on the
CheckThat! 2020 claim-retrieval train split (training/train_matching.py) and shipped as
reranker.json. Its output is calibrated on that data: among the candidates retrieval
brings up, the share that are the same claim.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

RERANKER_PATH = Path(__file__).resolve().parent / "reranker.json"

FEATURES = (
    "cosine",  # of the two sentence vectors
    "cosine_squared",
    "query_coverage",  # idf-weighted share of the query's words found in the candidate
    "candidate_coverage",  # idf-weighted share of the candidate's words found in the query
    "bm25",  # BM25 divided by the most the query's words could score
    "numbers_shared",  # both mention a number, and one they have in common
    "numbers_conflict",  # both mention numbers, none in common
)


@dataclass(frozen=True)
class Signals:
    """What is known of one candidate once the query has been compared to it."""

    cosine: float
    query_coverage: float
    candidate_coverage: float
    bm25: float
    numbers_shared: bool
    numbers_conflict: bool

    def features(self) -> list[float]:
        return [
            self.cosine,
            self.cosine**2,
            self.query_coverage,
            self.candidate_coverage,
            self.bm25,
            float(self.numbers_shared),
            float(self.numbers_conflict),
        ]


@dataclass(frozen=True)
class Reranker:
    weights: np.ndarray
    bias: float
    possible_match_threshold: float
    same_claim_threshold: float

    def probabilities(self, signals: list[Signals]) -> np.ndarray:
        if not signals:
            return np.zeros(0, dtype=np.float64)
        matrix = np.array([candidate.features() for candidate in signals], dtype=np.float64)
        return 1.0 / (1.0 + np.exp(-(matrix @ self.weights + self.bias)))


@cache
def load_reranker(path: Path = RERANKER_PATH) -> Reranker:
    """Read the shipped re-ranker (a few numbers) once per process."""
    config = json.loads(path.read_text(encoding="utf-8"))
    if tuple(config["features"]) != FEATURES:
        raise RuntimeError(f"{path} was trained on other features: {config['features']}")
    return Reranker(
        weights=np.array(config["weights"], dtype=np.float64),
        bias=float(config["bias"]),
        possible_match_threshold=float(config["possible_match_threshold"]),
        same_claim_threshold=float(config["same_claim_threshold"]),
    )
