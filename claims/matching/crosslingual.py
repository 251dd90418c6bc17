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

`Matchers` holds both matchers' indexes of the same targets and asks each for the targets
it compares with a query: a worker's index of every claim and review (follower.py), and the
recent groups of readers' tips a new tip is compared with (lookup.py).
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
    found = multilingual_where_read(texts, languages)
    return [Vectors(english[number], vector) for number, vector in enumerate(found)]


def multilingual_where_read(
    texts: Sequence[str], languages: Sequence[str]
) -> list[np.ndarray | None]:
    """Return the multilingual encoder's vector of each text in a language it reads (None
    for the others), the encoder called once."""
    read = [number for number, language in enumerate(languages) if read_by_multilingual(language)]
    found = multilingual.embed([texts[number] for number in read])
    by_number = dict(zip(read, found, strict=True))
    return [by_number.get(number) for number in range(len(texts))]


@dataclass(frozen=True)
class Target:
    """A text to be found under `key`: its language, its vectors, and its headline's (the
    headline's vectors are ignored without a headline)."""

    key: str
    text: str
    language: str
    vector: np.ndarray
    multilingual_vector: np.ndarray | None = None
    headline: str = ""
    headline_vector: np.ndarray | None = None
    multilingual_headline_vector: np.ndarray | None = None


class Matchers:
    """The English matcher's index of every target, the multilingual one's of the targets
    with a multilingual vector, and each target's language."""

    def __init__(self, *, exact_below: int = engine.EXACT_SEARCH_BELOW) -> None:
        self.index = engine.MatchIndex(exact_below=exact_below)
        self.multilingual = multilingual.MultilingualIndex(exact_below=exact_below)
        self.languages: dict[str, str] = {}
        # Targets in the multilingual index that are not English: without any, an English
        # text has nothing to look for there (a newsroom working in English only).
        self.not_english: set[str] = set()

    def add_many(self, targets: Sequence[Target]) -> None:
        """Index the targets, replacing what their keys held in both indexes (a target
        without a multilingual vector now leaves the multilingual index)."""
        for target in targets:
            self.discard(target.key)
        if not targets:
            return
        self.index.add_many(
            [(target.key, target.text) for target in targets],
            vectors=np.stack([target.vector for target in targets]),
            headlines=[target.headline for target in targets],
            headline_vectors=np.stack(
                [_or_zeros(target.headline_vector, engine.DIMENSIONS) for target in targets]
            ),
        )
        self.languages.update((target.key, target.language) for target in targets)
        both = [target for target in targets if target.multilingual_vector is not None]
        self.not_english.update(target.key for target in both if not is_english(target.language))
        if both:
            self.multilingual.add_many(
                [(target.key, target.text) for target in both],
                vectors=np.stack([_or_zeros(target.multilingual_vector) for target in both]),
                headlines=[target.headline for target in both],
                headline_vectors=np.stack(
                    [_or_zeros(target.multilingual_headline_vector) for target in both]
                ),
            )

    def discard(self, key: str) -> None:
        """Forget `key` in both indexes; nothing happens if it is not indexed."""
        self.index.discard(key)
        self.multilingual.discard(key)
        self.languages.pop(key, None)
        self.not_english.discard(key)

    def search(
        self,
        text: str,
        top: int,
        vector: np.ndarray | None = None,
        *,
        language: str = "",
        multilingual_vector: np.ndarray | None = None,
    ) -> list[engine.Hit]:
        """Return the best `top` targets for a text in `language`: each target scored by
        the matcher that compares the two languages (the English one for two English
        texts, the multilingual one across languages it reads), best first."""
        hits = [
            hit
            for hit in self.index.search(text, top=top, vector=vector)
            if not self._across(language, hit.key)
        ]
        if multilingual_vector is not None and (self.not_english or not is_english(language)):
            found = self.multilingual.search(text, top=top, vector=multilingual_vector)
            hits += [hit for hit in found if self._across(language, hit.key)]
        return sorted(hits, key=lambda hit: -hit.score)[:top]

    def _across(self, language: str, key: str) -> bool:
        """Whether the target under `key` is compared with a text in `language` in the
        multilingual space (it must hold the target's multilingual vector)."""
        target_language = self.languages.get(key, "")
        return key in self.multilingual and compared_across_languages(language, target_language)


def _or_zeros(vector: np.ndarray | None, dimensions: int = multilingual.DIMENSIONS) -> np.ndarray:
    """Return the vector, or zeros in its place where there is none (no headline)."""
    return np.zeros(dimensions, dtype=np.float32) if vector is None else vector


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
