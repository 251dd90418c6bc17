"""Matching for texts that are not claims (yet): a reader's tip.

A tip is compared with our claims whose check is published, to show the reader the check
at once, and with the groups of earlier tips, to count how often a claim is asked. Both
use the same encoders and re-rankers as claims do, and the same-claim threshold. A tip's
language is detected from its text; in a language the multilingual encoder reads, it finds
a check written in another (crosslingual.py). Tips are grouped by the English matcher only.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from claims.extraction.segmentation import detect_language
from claims.matching import engine
from claims.matching.crosslingual import multilingual_encoded, read_by_multilingual
from claims.matching.follower import process_index
from claims.matching.services import encoded, match_text, same_claim_threshold
from claims.verdicts import Verdict, published_verdicts

SEARCH_DEPTH = 10
MODEL_NAME = engine.MODEL_NAME  # which encoder made a vector, stored beside it


@dataclass(frozen=True)
class Stored:
    """A text compared with: its key, its text, and its vector as embed() made it."""

    key: int
    text: str
    vector: np.ndarray


def text_vector(text: str) -> np.ndarray:
    """Return the vector matching uses for a text (its first MAX_MATCH_CHARS, one line)."""
    [vector] = encoded([match_text(text).text])
    return np.asarray(vector, dtype=np.float32)


def published_check_for(text: str, vector: np.ndarray) -> Verdict | None:
    """Return our published check (not retracted) of the same claim as `text`, if any
    claim with one scores at least the same-claim threshold; the likeliest first."""
    prepared = match_text(text)
    if prepared.skip:
        return None
    language = detect_language(prepared.text)
    translatable = None
    if read_by_multilingual(language):
        [translatable] = multilingual_encoded([prepared.text])
    hits = process_index().search(
        prepared.text,
        top=SEARCH_DEPTH,
        vector=vector,
        language=language,
        multilingual_vector=translatable,
    )
    floor = same_claim_threshold()
    claim_ids = [
        int(hit.key[6:]) for hit in hits if hit.key.startswith("claim:") and hit.score >= floor
    ]
    verdicts = published_verdicts(claim_ids)
    standing = [verdicts[i] for i in claim_ids if i in verdicts and not verdicts[i].retracted]
    return standing[0] if standing else None


def same_claim_as(text: str, vector: np.ndarray, stored: Sequence[Stored]) -> int | None:
    """Return the key of the stored text likeliest to state the same claim as `text`, if it
    scores at least the same-claim threshold."""
    prepared = match_text(text)
    if prepared.skip or not stored:
        return None
    index = engine.MatchIndex()
    index.add_many(
        [(str(item.key), match_text(item.text).text) for item in stored],
        np.vstack([item.vector for item in stored]),
    )
    hits = index.search(prepared.text, top=1, vector=vector)
    if hits and hits[0].score >= same_claim_threshold():
        return int(hits[0].key)
    return None
