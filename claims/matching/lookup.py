"""Matching for texts that are not claims (yet): a reader's tip.

A tip is compared with our claims whose check is published, to show the reader the check
at once, and with the groups of earlier tips, to count how often a claim is asked. Both
use the same encoders and re-rankers as claims do, the same choice of matcher by language
(crosslingual.py), and the same same-claim threshold. A tip's language is detected from
its text: in a language the multilingual encoder reads, it finds a check written in
another, and joins the group of the same claim asked in another (a Spanish tip and an
English one are one claim asked twice); in any other, the English matcher compares it, as
it compares two English texts.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from claims.extraction.segmentation import detect_language
from claims.matching import engine
from claims.matching.crosslingual import (
    Matchers,
    Target,
    encoded,
    is_english,
    multilingual_where_read,
    read_by_multilingual,
)
from claims.matching.crosslingual import Vectors as Vectors  # a tip's, for the tips' services
from claims.matching.engine import multilingual
from claims.matching.follower import IndexFollower, process_index_ready, process_index_within
from claims.matching.services import match_text, same_claim_threshold
from claims.verdicts import Verdict, published_verdicts
from factcheck.languages import primary_subtag
from factcheck.limits import INDEX_BUILD_SECONDS

SEARCH_DEPTH = 10
# Which encoder made a vector, stored beside it.
MODEL_NAME = engine.MODEL_NAME
MULTILINGUAL_MODEL_NAME = multilingual.MODEL_NAME


@dataclass(frozen=True)
class Stored:
    """A text compared with: its key, its text, its language, and its vectors as
    text_vectors() made them (no multilingual one in a language its encoder does not read)."""

    key: int
    text: str
    language: str
    vectors: Vectors


def text_language(text: str) -> str:
    """Return the primary subtag of a text's language, detected from it ("" if too short
    to tell, which matching takes for English)."""
    return primary_subtag(detect_language(match_text(text).text))


def text_vectors(text: str, language: str) -> Vectors:
    """Return the vectors matching uses for a text (its first MAX_MATCH_CHARS, one line):
    the English matcher's, and the multilingual one's in a language its encoder reads."""
    [vectors] = encoded([match_text(text).text], [language])
    return vectors


def multilingual_vectors(texts: Sequence[str], languages: Sequence[str]) -> list[np.ndarray | None]:
    """Return the multilingual vector text_vectors() makes of each text (None in a language
    the encoder does not read), the encoder called once."""
    return multilingual_where_read([match_text(text).text for text in texts], languages)


def multilingual_missing(language: str, model_name: str) -> bool:
    """Whether a text in `language`, whose multilingual vector was made by `model_name`
    ("" for none), needs one made now: the encoder reads the language, and made none (or
    an earlier model made it)."""
    return model_name != MULTILINGUAL_MODEL_NAME and read_by_multilingual(language)


def worker_index_ready() -> IndexFollower | None:
    """Return this worker's match index of every target (the one claims are matched with)
    brought up to date, or None while it is still being built (a first build over a large
    archive outlasts a task: follower.py); the next call builds on."""
    return process_index_ready(INDEX_BUILD_SECONDS)


def checks_index_within(load_limit: int) -> IndexFollower | None:
    """Return this process's index of our published checks brought up to date, or None if
    that would load more than `load_limit` of them (a web request must not build an index
    of a million rows). Imported reviews and claims not checked are left out: they cannot
    answer a tip, and a newsroom holds far more of them than of its checks."""
    return process_index_within(load_limit, checks_only=True)


def published_check_for(
    text: str, vectors: Vectors, language: str, index: IndexFollower
) -> Verdict | None:
    """Return our published check (not retracted) of the same claim as `text`, if any
    claim with one in `index` (worker_index_ready() or checks_index_within()) scores at
    least the same-claim threshold; the likeliest first."""
    prepared = match_text(text)
    if prepared.skip:
        return None
    hits = index.search(
        prepared.text,
        top=SEARCH_DEPTH,
        vector=vectors.english,
        language=language,
        multilingual_vector=vectors.multilingual,
    )
    floor = same_claim_threshold()
    claim_ids = [
        int(hit.key[6:]) for hit in hits if hit.key.startswith("claim:") and hit.score >= floor
    ]
    verdicts = published_verdicts(claim_ids)
    standing = [verdicts[i] for i in claim_ids if i in verdicts and not verdicts[i].retracted]
    return standing[0] if standing else None


def same_claim_as(
    text: str, vectors: Vectors, language: str, stored: Sequence[Stored]
) -> int | None:
    """Return the key of the stored text likeliest to state the same claim as `text` (in
    `language`), if it scores at least the same-claim threshold; each stored text is
    scored by the matcher that compares the two languages."""
    prepared = match_text(text)
    if prepared.skip or not stored:
        return None
    across = _searched_across(vectors, language, stored)
    # Built for one search: an exact scan of the stored texts costs less than a graph.
    matchers = Matchers(exact_below=len(stored) + 1)
    matchers.add_many(
        [
            Target(
                key=str(item.key),
                text=match_text(item.text).text,
                language=item.language,
                vector=item.vectors.english,
                multilingual_vector=item.vectors.multilingual if across else None,
            )
            for item in stored
        ]
    )
    hits = matchers.search(
        prepared.text,
        top=SEARCH_DEPTH,
        vector=vectors.english,
        language=language,
        multilingual_vector=vectors.multilingual,
    )
    if hits and hits[0].score >= same_claim_threshold():
        return int(hits[0].key)
    return None


def _searched_across(vectors: Vectors, language: str, stored: Sequence[Stored]) -> bool:
    """Whether Matchers.search would ask the multilingual matcher: the text has its vector,
    and it or a stored text with one is not English. Otherwise its index, built for one
    search, is not built at all (an English tip among English groups, or a tip in a
    language the encoder does not read)."""
    if vectors.multilingual is None:
        return False
    return not is_english(language) or any(
        item.vectors.multilingual is not None and not is_english(item.language) for item in stored
    )
