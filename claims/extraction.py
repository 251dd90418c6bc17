"""Propose claim candidates from an article's text.

A first, rule-based extractor: it splits sentences, scores how checkable each one looks
(figures, dates, named things, attributions), and reads the claimant and the article's
stance from cue phrases. It is deliberately simple and transparent; a trained
check-worthiness model replaces the scoring later without changing this interface.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

MIN_SCORE = 0.35
MIN_WORDS = 6

# A sentence ends at . ! or ? (optionally followed by a closing quote) before whitespace
# and an upper-case letter, a digit or an opening quote.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z0-9])")
ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Sen|Rep|Gov|U\.S|No|vs|etc|Inc|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.$"
)

NUMBER = re.compile(r"\b\d[\d,.]*\s?(?:%|percent|per cent|million|billion|thousand)?")
NAMED_THING = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b(?:{MONTHS})\b|\b(?:19|20)\d\d\b")
OPINION = re.compile(r"\b(?:I think|I believe|we hope|should|must|would like|let's)\b", re.I)

REFUTE_CUES = re.compile(
    r"\b(?:refuted?|debunked?|false(?:ly)?|baseless|untrue|denied|denies|"
    r"nothing to do with reality|no evidence|fake)\b",
    re.I,
)
DISPUTE_CUES = re.compile(r"\b(?:disputes|disputing|questioned|contested|allegedly|doubts)\b", re.I)
CLAIMANT_PATTERNS = [
    # Reported claims first: "posts on social networks claimed" beats "the ministry said".
    re.compile(
        r"\b(?P<who>(?:posts|information|claims|reports) on social (?:networks|media)"
        r"(?: and in online resources)?)",
        re.I,
    ),
    # "A post shared on social media claims that …": the subject is the claimant.
    re.compile(r"^(?P<who>(?:\S+ ){0,11}?\S+) (?:claims|claimed|alleges|alleged) that\b"),
    re.compile(r"\baccording to (?P<who>(?:the )?[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*)*)"),
    re.compile(
        r"(?P<who>(?:the )?(?:[A-Z][\w’'-]*\s)*[A-Z][\w’'-]*)\s+"
        r"(?:said|says|noted|stressed|claimed|claims|emphasized|pointed out|announced|told)\b"
    ),
    re.compile(
        r"\b(?:said|says|noted|stressed|claimed) (?P<who>(?:the )?[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*)"
    ),
]


@dataclass(frozen=True)
class Candidate:
    text: str
    span_start: int
    span_end: int
    checkworthiness: float
    claimant: str
    article_stance: str
    stance_cue: str


def propose_candidates(text: str) -> list[Candidate]:
    """Return the sentences of `text` that look checkable, best first."""
    candidates = [candidate_for(sentence, start) for sentence, start in split_sentences(text)]
    worthy = [c for c in candidates if c.checkworthiness >= MIN_SCORE]
    return sorted(worthy, key=lambda c: -c.checkworthiness)


def split_sentences(text: str) -> Iterator[tuple[str, int]]:
    """Yield (sentence, start offset) pairs; offsets index into `text`."""
    for paragraph in re.finditer(r"[^\n]+", text):
        start = paragraph.start()
        for boundary in SENTENCE_END.finditer(text, paragraph.start(), paragraph.end()):
            if ABBREVIATIONS.search(text, start, boundary.start()):
                continue
            yield from _stripped(text, start, boundary.start() + len(boundary.group().rstrip()))
            start = boundary.end()
        yield from _stripped(text, start, paragraph.end())


def _stripped(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    piece = text[start:end]
    sentence = piece.strip()
    if sentence:
        yield sentence, start + piece.index(sentence)


def candidate_for(sentence: str, start: int) -> Candidate:
    claimant = find_claimant(sentence)
    stance, cue = article_stance(sentence, claimant)
    return Candidate(
        text=sentence,
        span_start=start,
        span_end=start + len(sentence),
        checkworthiness=checkworthiness(sentence),
        claimant=claimant,
        article_stance=stance,
        stance_cue=cue,
    )


def checkworthiness(sentence: str) -> float:
    """Score 0–1 how much the sentence looks like a checkable factual claim."""
    words = sentence.split()
    if len(words) < MIN_WORDS or sentence.rstrip().endswith("?"):
        return 0.0
    score = 0.2
    score += 0.25 * min(len(NUMBER.findall(sentence)), 2) / 2
    score += 0.2 * min(len(NAMED_THING.findall(sentence)), 3) / 3
    score += 0.15 if DATE.search(sentence) else 0.0
    score += 0.15 if REFUTE_CUES.search(sentence) or DISPUTE_CUES.search(sentence) else 0.0
    score -= 0.25 if OPINION.search(sentence) else 0.0
    score -= 0.1 if len(words) > 60 else 0.0
    return round(max(0.0, min(score, 1.0)), 3)


REPORTED_CLAUSE = re.compile(
    r"\b(?:claims|claimed|alleges|alleged|says|said|insists|insisted) that\b", re.I
)


def claim_core(sentence: str) -> str:
    """Return what is claimed, without the attribution: "X claims that Y" gives "Y"."""
    match = REPORTED_CLAUSE.search(sentence)
    core = sentence[match.end() :].strip() if match else ""
    return core if len(core.split()) >= 3 else sentence


def find_claimant(sentence: str) -> str:
    for pattern in CLAIMANT_PATTERNS:
        match = pattern.search(sentence)
        if match:
            return match.group("who").strip()
    return ""


def article_stance(sentence: str, claimant: str) -> tuple[str, str]:
    """Return the article's stance toward the sentence's claim and the cue that decided it."""
    for stance, cues in (("refutes", REFUTE_CUES), ("disputes", DISPUTE_CUES)):
        match = cues.search(sentence)
        if match:
            return stance, match.group()
    if claimant:
        return "reports", claimant
    return "asserts", ""
