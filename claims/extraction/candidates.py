"""Propose claim candidates from an article's text.

Each sentence is scored by its language's check-worthiness model; those at or above the
model's threshold become candidates, with their claimant and the article's stance toward
them (attribution.py), ranked by ranking.priority (a claim someone makes before context the
article states in its own voice). A claim reported inside a rebuttal becomes a candidate of
its own. Sentences in languages without a model are still segmented and proposed, unscored,
and marked as such (`scored_by` empty).
"""

import re
from dataclasses import dataclass

from claims.extraction.attribution import (
    Attribution,
    ReportedClaim,
    attribute,
    refutation_of_previous,
    reported_claims,
)
from claims.extraction.checkworthiness import languages_with_model, scorer_for
from claims.extraction.ranking import priority
from claims.extraction.segmentation import FALLBACK_LANGUAGE, Sentence, detect_language, sentences

MIN_WORDS = 5
# A book-length text is cut here: its first sentences are proposed, and the note says so.
MAX_SENTENCES = 2000
REPORTED_CLAUSE = re.compile(
    r"\b(?:claims|claimed|alleges|alleged|says|said|insists|insisted) that\b", re.I
)

# A stretch of text to score: (text, start in the article, language, attribution).
Piece = tuple[str, int, str, Attribution]


@dataclass(frozen=True)
class Candidate:
    text: str
    span_start: int
    span_end: int
    checkworthiness: float
    scored_by: str
    claimant: str
    article_stance: str
    stance_cue: str


@dataclass(frozen=True)
class Extraction:
    candidates: list[Candidate]
    note: str  # what an editor should know: text cut short, a language left unscored


def propose_candidates(text: str, language_hint: str = "") -> Extraction:
    """Return the checkable claims of `text`, best first."""
    found = sentences(text, language_hint)
    notes = []
    if len(found) > MAX_SENTENCES:
        notes.append(f"Only the first {MAX_SENTENCES:,} of {len(found):,} sentences were read.")
        found = found[:MAX_SENTENCES]
    scored_languages = languages_with_model()
    unscored = sorted({s.language for s in found} - scored_languages)
    if unscored:
        notes.append(
            f"Sentences in {', '.join(unscored)} are proposed unscored: the check-worthiness "
            f"models read {', '.join(sorted(scored_languages))} only."
        )
    reported = [reported_claims(sentence.text) for sentence in found]
    attributions = _attributions(found, reported)
    pieces = [(s.text, s.start, s.language, a) for s, a in zip(found, attributions, strict=True)]
    pieces += _reported_pieces(found, reported)
    pieces = [piece for piece in pieces if len(piece[0].split()) >= MIN_WORDS]
    scores = _scores(pieces)
    candidates = []
    for index, (sentence, start, _, attribution) in enumerate(pieces):
        score, scored_by, threshold = scores.get(index, (0.0, "", 0.0))
        if score < threshold:
            continue
        candidates.append(
            Candidate(
                text=sentence,
                span_start=start,
                span_end=start + len(sentence),
                checkworthiness=score,
                scored_by=scored_by,
                claimant=attribution.claimant,
                article_stance=attribution.stance,
                stance_cue=attribution.cue[:200],
            )
        )
    ranked = sorted(candidates, key=lambda c: (-_priority(c), c.span_start))
    return Extraction(ranked, " ".join(notes))


def _priority(candidate: Candidate) -> float:
    return priority(candidate.checkworthiness, candidate.claimant, candidate.article_stance)


def _scores(pieces: list[Piece]) -> dict[int, tuple[float, str, float]]:
    """Return (calibrated score, model name, model threshold) by piece index, each language
    scored by its own model; pieces in a language without one are left out."""
    by_language: dict[str, list[int]] = {}
    for index, piece in enumerate(pieces):
        by_language.setdefault(piece[2], []).append(index)
    scores: dict[int, tuple[float, str, float]] = {}
    for language, indexes in by_language.items():
        scorer = scorer_for(language)
        if scorer is None:
            continue
        found = scorer.score([pieces[i][0] for i in indexes])
        scores.update(
            (i, (score, scorer.name, scorer.threshold))
            for i, score in zip(indexes, found, strict=True)
        )
    return scores


def _attributions(found: list[Sentence], reported: list[list[ReportedClaim]]) -> list[Attribution]:
    """Attribute each sentence, carrying a quotation's speaker over to the sentence that
    continues it, and noticing when the next sentence refutes a reported claim."""
    attributions: list[Attribution] = []
    speaker = ""
    for sentence, rebuts in zip(found, reported, strict=True):
        attribution = attribute(sentence.text, previous_speaker=speaker, rebuts=bool(rebuts))
        speaker = attribution.claimant or speaker
        attributions.append(attribution)
    for index, attribution in enumerate(attributions[:-1]):
        if attribution.stance != "reports" or reported[index]:
            continue  # a rebuttal's own statement is not what the next sentence refutes
        for later in found[index + 1 : index + 3]:
            cue = refutation_of_previous(later.text)
            if cue:
                attributions[index] = Attribution(attribution.claimant, "refutes", cue)
                break
    return attributions


def _reported_pieces(found: list[Sentence], reported: list[list[ReportedClaim]]) -> list[Piece]:
    pieces = []
    for sentence, claims in zip(found, reported, strict=True):
        for claim in claims:
            text = sentence.text[claim.start : claim.end]
            pieces.append(
                (text, sentence.start + claim.start, sentence.language, claim.attribution)
            )
    return pieces


def score_text(text: str, language: str = "") -> tuple[float, str]:
    """Return (check-worthiness, model name) for one claim an editor wrote or selected;
    (0.0, "") when it is not in a language with a model."""
    scorer = scorer_for(language or detect_language(text) or FALLBACK_LANGUAGE)
    if scorer is None:
        return 0.0, ""
    [score] = scorer.score([text])
    return score, scorer.name


def claim_core(sentence: str) -> str:
    """Return what is claimed, without the attribution: "X claims that Y" gives "Y"."""
    match = REPORTED_CLAUSE.search(sentence)
    core = sentence[match.end() :].strip() if match else ""
    return core if len(core.split()) >= 3 else sentence
