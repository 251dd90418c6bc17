"""Find the passages of a source text that share most words with a claim."""

import re
from collections.abc import Sequence

from claims.extraction import segmentation

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our out over own
    said same says she should so some such than that the their them then there these they
    this those through to too under until up very was we were what when where which while
    who whom why will with would you your""".split()
)
WORD = re.compile(r"[\w’'-]+")
MAX_TERMS = 16


def query_terms(text: str) -> list[str]:
    """Return the distinct content words of `text`, in order, lower-cased."""
    terms: list[str] = []
    for word in WORD.findall(text.lower()):
        word = word.strip("’'-")
        if len(word) > 2 and word not in STOPWORDS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def candidate_passages(
    text: str, terms: list[str], count: int, sentences_per_passage: int = 2
) -> list[tuple[str, float]]:
    """Return up to `count` runs of sentences sharing most terms with the claim, with that
    share (0–1), best first; the runs do not overlap, so each says something of its own."""
    sentences = [sentence.text for sentence in segmentation.sentences(text)]
    return sentence_runs(sentences, terms, count, sentences_per_passage)


def sentence_runs(
    sentences: Sequence[str], terms: list[str], count: int, sentences_per_passage: int = 2
) -> list[tuple[str, float]]:
    """`candidate_passages` of a text already cut into sentences."""
    if not sentences or not terms:
        return []
    windows = [
        (index, _term_share(" ".join(sentences[index : index + sentences_per_passage]), terms))
        for index in range(len(sentences))
    ]
    windows.sort(key=lambda window: (-window[1], window[0]))
    chosen: list[tuple[int, float]] = []
    for index, share in windows:
        if all(abs(index - other) >= sentences_per_passage for other, _ in chosen):
            chosen.append((index, share))
            if len(chosen) == count:
                break
    return [
        (" ".join(sentences[index : index + sentences_per_passage]), round(share, 4))
        for index, share in chosen
    ]


def _term_share(passage: str, terms: list[str]) -> float:
    words = {word.strip("’'-") for word in WORD.findall(passage.lower())}
    return sum(1 for term in terms if term in words) / len(terms)
