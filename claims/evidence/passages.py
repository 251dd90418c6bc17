"""Pick the passage of a source text that bears most on a claim."""

import re

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


def best_passage(text: str, terms: list[str], sentences_per_passage: int = 2) -> tuple[str, float]:
    """Return the run of sentences sharing most terms with the claim, and that share (0–1)."""
    sentences = [sentence.text for sentence in segmentation.sentences(text)]
    if not sentences or not terms:
        return "", 0.0
    best_index, best_share = 0, -1.0
    for index in range(len(sentences)):
        window = " ".join(sentences[index : index + sentences_per_passage])
        share = _term_share(window, terms)
        if share > best_share:
            best_index, best_share = index, share
    passage = " ".join(sentences[best_index : best_index + sentences_per_passage])
    return passage, round(best_share, 4)


def _term_share(passage: str, terms: list[str]) -> float:
    words = {word.strip("’'-") for word in WORD.findall(passage.lower())}
    return sum(1 for term in terms if term in words) / len(terms)
