"""Matching: is a new claim one that was checked before?

Public interface (the product stores vectors and keys, and shows hits with their scores):

- ``MODEL_NAME``, ``DIMENSIONS``: which encoder made a vector, stored next to it so that a
  change of model triggers re-embedding.
- ``embed(texts)``: float32 (n, DIMENSIONS), L2-normalised sentence vectors.
- ``MatchIndex``: add / add_many / discard / search by caller-chosen string keys; a stored
  text may come with a headline (its check's title), which the re-ranker weighs when every
  candidate of a query has one.
- ``Hit(key, score)``: score is a calibrated probability that the texts state the same claim.
- ``EXACT_SEARCH_BELOW``: the size from which a MatchIndex finds vectors through an HNSW
  graph (approximate) rather than one exact matrix product; ``MatchIndex(exact_below=…)``.
- ``POSSIBLE_MATCH_THRESHOLD``, ``SAME_CLAIM_THRESHOLD``: defaults chosen from data.
"""

from claims.matching.engine.embedding import DIMENSIONS, MODEL_NAME, embed
from claims.matching.engine.index import Hit, MatchIndex
from claims.matching.engine.reranking import load_reranker
from claims.matching.engine.vectors import EXACT_SEARCH_BELOW

POSSIBLE_MATCH_THRESHOLD: float = load_reranker().possible_match_threshold
SAME_CLAIM_THRESHOLD: float = load_reranker().same_claim_threshold

__all__ = [
    "DIMENSIONS",
    "EXACT_SEARCH_BELOW",
    "MODEL_NAME",
    "POSSIBLE_MATCH_THRESHOLD",
    "SAME_CLAIM_THRESHOLD",
    "Hit",
    "MatchIndex",
    "embed",
]
