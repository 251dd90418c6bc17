"""Paragraphs, their language, and their sentences, with offsets into the article's text.

pysbd's rule-based segmenter knows the abbreviations and punctuation of 23 languages;
py3langid tells which one a paragraph is in. Text in any other language is still
segmented, with the English rules.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import py3langid
import pysbd
from pysbd.languages import LANGUAGE_CODES

FALLBACK_LANGUAGE = "en"
# Below this many letters a paragraph says too little about its language.
MIN_LETTERS_FOR_DETECTION = 40


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset of the first character in the article's text
    language: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def sentences(text: str, language_hint: str = "") -> list[Sentence]:
    """Return the sentences of `text`, each with its offset and its paragraph's language."""
    found = []
    default = (language_hint or detect_language(text) or FALLBACK_LANGUAGE).split("-")[0]
    for paragraph in re.finditer(r"[^\n]+", text):
        language = detect_language(paragraph.group()) or default
        for piece, offset in _split(paragraph.group(), language):
            found.append(Sentence(piece, paragraph.start() + offset, language))
    return found


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the text's language, or "" if it is too short to tell."""
    if sum(char.isalpha() for char in text[:2000]) < MIN_LETTERS_FOR_DETECTION:
        return ""
    language, _ = py3langid.classify(text[:2000])
    return str(language)


def _split(paragraph: str, language: str) -> Iterator[tuple[str, int]]:
    for span in _segmenter(language).segment(paragraph):
        piece = span.sent
        stripped = piece.strip()
        if stripped:
            yield stripped, span.start + piece.index(stripped)


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    code = language if language in LANGUAGE_CODES else FALLBACK_LANGUAGE
    return pysbd.Segmenter(language=code, clean=False, char_span=True)
