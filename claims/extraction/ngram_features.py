"""Hashed word and character n-grams of a sentence: the features of the check-worthiness
n-gram models (training/train_checkworthiness_multilingual.py builds its training matrices
with these same functions, so what ships reads a sentence exactly as training did).

Every n-gram is hashed with CRC-32 (stable across processes and Python versions, unlike
``hash()``) into a fixed space of 2^18 buckets, so no vocabulary ships: the model is a weight
per bucket. A text's vector is sublinear term frequency (1 + log count) times the bucket's
inverse document frequency from training, scaled to unit length.
"""

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np

from claims.extraction.multilingual_encoder import normalised

BUCKETS = 1 << 18
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)  # inside words padded with a space each side, like char_wb
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d")
# Arabic: short vowels and other diacritics, tatweel; the alef forms that writers and
# keyboards use interchangeably, taa marbuta and alef maqsura.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})


def text_for_ngrams(text: str, language: str) -> str:
    """Return the form of `text` the n-grams are taken from: links and @handles removed (as
    for the encoder), lower case, every digit read as 0 (a figure matters, not which), and
    for Arabic, diacritics and tatweel stripped and letter variants unified."""
    text = unicodedata.normalize("NFKC", normalised(text)).lower()
    text = _NUMBER.sub("0", text)
    if language == "ar":
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    return text


def ngrams(text: str) -> Counter[str]:
    """Return the counts of the word and character n-grams of an already prepared text."""
    words = _WORD.findall(text)
    counts: Counter[str] = Counter()
    low, high = WORD_NGRAMS
    for n in range(low, high + 1):
        for i in range(len(words) - n + 1):
            counts["w " + " ".join(words[i : i + n])] += 1
    low, high = CHAR_NGRAMS
    for word in words:
        padded = f" {word} "
        for n in range(low, min(high, len(padded)) + 1):
            for i in range(len(padded) - n + 1):
                counts["c" + padded[i : i + n]] += 1
    return counts


def bucket(gram: str) -> int:
    return zlib.crc32(gram.encode("utf-8")) & (BUCKETS - 1)


def hashed_counts(text: str, language: str) -> dict[int, float]:
    """Return {bucket: 1 + log(count)} for one text (colliding n-grams add their counts)."""
    summed: Counter[int] = Counter()
    for gram, count in ngrams(text_for_ngrams(text, language)).items():
        summed[bucket(gram)] += count
    return {index: 1.0 + float(np.log(count)) for index, count in summed.items()}


def sparse_rows(texts: Sequence[str], language: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the texts' sublinear counts as CSR arrays (indptr, indices, values)."""
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for text in texts:
        row = hashed_counts(text, language)
        keys = sorted(row)
        indices.extend(keys)
        values.extend(row[k] for k in keys)
        indptr.append(len(indices))
    return (
        np.asarray(indptr, dtype=np.int64),
        np.asarray(indices, dtype=np.int64),
        np.asarray(values, dtype=np.float64),
    )


def linear_scores(
    texts: Sequence[str], language: str, idf: np.ndarray, weights: np.ndarray, bias: float
) -> np.ndarray:
    """Return weights . tfidf(text) + bias for each text, tfidf scaled to unit length."""
    indptr, indices, values = sparse_rows(texts, language)
    scores = np.full(len(texts), bias, dtype=np.float64)
    for row in range(len(texts)):
        cols = indices[indptr[row] : indptr[row + 1]]
        tfidf = values[indptr[row] : indptr[row + 1]] * idf[cols]
        norm = float(np.sqrt(np.sum(tfidf * tfidf)))
        if norm > 0:
            scores[row] += float(np.dot(tfidf, weights[cols])) / norm
    return scores
