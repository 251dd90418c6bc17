"""Which matcher compares two texts, by their languages, and what the editor is told.

Every match target and every claim has two vectors: the English matcher's (all-MiniLM,
with BM25 and the English re-ranker) and, in a language the multilingual encoder reads, the
multilingual one's (engine/multilingual.py). Two English texts are compared by the English
matcher, the better of the two on English (training/matching_multilingual_metrics.json:
dev MAP@5 and fewer false suggestions than the multilingual matcher, or than both merged by
the best score). Two texts the multilingual encoder reads, not both English, are compared
in its space: a Russian claim and our English check, a German tip and our English check,
an English claim and a French review, two Spanish claims. A text in a language it does not
read is compared by the English matcher, through the words and numbers it shares with
texts in its own language, and its editor is told so (`language_note`).

A text of unknown language (too short to tell, no tag) is taken for English, as before.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from claims.matching import engine
from claims.matching.engine import multilingual
from factcheck.languages import primary_subtag

ENGLISH = "en"


def language_of(tag: str) -> str:
    """Return the primary subtag matching goes by: "de" for "de-AT", "en" when unknown."""
    return primary_subtag(tag) or ENGLISH


def is_english(language: str) -> bool:
    """Whether matching takes a text in `language` for English (unknown is)."""
    return language_of(language) == ENGLISH


def read_by_multilingual(language: str) -> bool:
    """Whether the multilingual encoder reads texts in `language` (a primary subtag)."""
    return multilingual.covers(language_of(language))


def compared_across_languages(query_language: str, target_language: str) -> bool:
    """Whether two texts are compared in the multilingual space (True) or by the English
    matcher (False): the multilingual space when it reads both and they are not both
    English."""
    if is_english(query_language) and is_english(target_language):
        return False
    return read_by_multilingual(query_language) and read_by_multilingual(target_language)


@dataclass(frozen=True)
class Vectors:
    """A text's vectors: the English matcher's, and the multilingual encoder's (None in a
    language it does not read)."""

    english: np.ndarray
    multilingual: np.ndarray | None


def encoded(texts: Sequence[str], languages: Sequence[str]) -> list[Vectors]:
    """Return each text's vectors, each encoder called once for all the texts it reads."""
    english = np.asarray(engine.embed(texts), dtype=np.float32)
    read = [number for number, language in enumerate(languages) if read_by_multilingual(language)]
    found = multilingual.embed([texts[number] for number in read])
    by_number = dict(zip(read, found, strict=True))
    return [Vectors(english[n], by_number.get(n)) for n in range(len(texts))]


def multilingual_encoded(texts: Sequence[str]) -> list[np.ndarray]:
    """Return the multilingual encoder's vectors of texts it reads."""
    return list(multilingual.embed(texts))


def language_note(language: str) -> str:
    """Tell the editor, for a claim in a language the multilingual encoder does not read,
    that its matches come only from texts in its own language."""
    code = language_of(language)
    if multilingual.covers(code):
        return ""
    readable = ", ".join(sorted(multilingual.LANGUAGES))
    return (
        f"Matches are limited to texts in the claim's language ({code}): the multilingual "
        f"encoder, which finds a check written in another language, reads {readable}, not "
        f"{code}; this claim was matched on the words and numbers it shares with texts "
        "in its own language."
    )
