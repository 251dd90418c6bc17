"""Propose claim candidates from an article's text.

Each sentence is scored by its language's check-worthiness model; those at or above the
model's threshold become candidates, with their claimant and the article's stance toward
them (attribution.py), ranked by ranking.priority (a claim someone makes before context the
article states in its own voice). A claim reported inside a rebuttal becomes a candidate of
its own. Of the sentences in languages no model reads, at most
UNSCORED_CANDIDATES_PER_ARTICLE are proposed, chosen by signals that hold in any language
(signals.py), unscored (`scored_by` empty), and the article's note says how many of how many.
"""

import re
from dataclasses import dataclass

from django.conf import settings

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
from claims.extraction.signals import HOW_CHOSEN, strongest

MIN_WORDS = 5
# The article's stances (Claim.ArticleStance) that say a claim someone made is wrong or doubtful.
CONTESTED = ("refutes", "disputes")
# A book-length text is cut here: its first sentences are proposed, and the note says so.
MAX_SENTENCES = 2000
# Named in the note on an article no model reads: "the models read Dutch and English only".
LANGUAGE_NAMES = {
    "en": "English", "de": "German", "ru": "Russian", "fr": "French", "es": "Spanish",
    "nl": "Dutch", "ar": "Arabic",
}  # fmt: skip
REPORTED_CLAUSE = re.compile(
    r"\b(?:claims|claimed|alleges|alleged|says|said|insists|insisted) that\b", re.I
)


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
    """Return the checkable claims of `text`, best first; those in languages no model reads
    after them, unscored, in the order of the text."""
    found = sentences(text, language_hint)
    notes = []
    if len(found) > MAX_SENTENCES:
        notes.append(f"Only the first {MAX_SENTENCES:,} of {len(found):,} sentences were read.")
        found = found[:MAX_SENTENCES]
    reported = [reported_claims(sentence.text, sentence.language) for sentence in found]
    attributions = _attributions(found, reported)
    pieces = [
        Piece(s.text, s.start, s.language, a) for s, a in zip(found, attributions, strict=True)
    ]
    pieces += _reported_pieces(found, reported)
    pieces = [piece for piece in pieces if len(piece.text.split()) >= MIN_WORDS]
    modelled = languages_with_model()
    scored = [piece for piece in pieces if piece.language in modelled]
    unscored = sorted(
        (piece for piece in pieces if piece.language not in modelled), key=lambda p: p.start
    )
    cap: int = settings.UNSCORED_CANDIDATES_PER_ARTICLE
    signs = [(p.text, p.language, bool(p.attribution.claimant)) for p in unscored]
    chosen = [unscored[index] for index in strongest(signs, cap)]
    if unscored:
        notes.append(_unscored_note(unscored, cap, modelled))
    candidates = [
        _candidate(piece, score, scored_by)
        for piece, (score, scored_by, threshold) in zip(scored, _scores(scored), strict=True)
        if score >= threshold or _contested(piece)
    ]
    candidates.sort(key=lambda c: (-_priority(c), c.span_start))
    candidates += [_candidate(piece, None, "") for piece in chosen]
    return Extraction(candidates, " ".join(notes))


@dataclass(frozen=True)
class Piece:
    """A sentence, or a claim reported inside one, before it is scored or chosen."""

    text: str
    start: int
    language: str
    attribution: Attribution


def _candidate(piece: Piece, score: float | None, scored_by: str) -> Candidate:
    return Candidate(
        text=piece.text,
        span_start=piece.start,
        span_end=piece.start + len(piece.text),
        checkworthiness=score or 0.0,
        scored_by=scored_by,
        claimant=piece.attribution.claimant,
        article_stance=piece.attribution.stance,
        stance_cue=piece.attribution.cue[:200],
    )


def _contested(piece: Piece) -> bool:
    """Whether the article itself says someone's claim is wrong or doubtful: such a claim is
    what a fact-checker looks for, so it is proposed whatever its score (and ranked by it)."""
    return bool(piece.attribution.claimant) and piece.attribution.stance in CONTESTED


def _priority(candidate: Candidate) -> float:
    return priority(candidate.checkworthiness, candidate.claimant, candidate.article_stance)


def _scores(pieces: list[Piece]) -> list[tuple[float, str, float]]:
    """Return (calibrated score, model name, model threshold) of each piece, each language
    scored in one batch by its own model."""
    by_language: dict[str, list[int]] = {}
    for index, piece in enumerate(pieces):
        by_language.setdefault(piece.language, []).append(index)
    scores: list[tuple[float, str, float]] = [(0.0, "", 1.0)] * len(pieces)
    for language, indexes in by_language.items():
        scorer = scorer_for(language)
        if scorer is None:  # languages_with_model() said it has one; keep it unproposed
            continue
        found = scorer.score([pieces[i].text for i in indexes])
        for i, score in zip(indexes, found, strict=True):
            scores[i] = (score, scorer.name, scorer.threshold)
    return scores


def _unscored_note(unscored: list[Piece], cap: int, modelled: frozenset[str]) -> str:
    """Say which languages went unscored, and how many of their sentences were kept."""
    languages = ", ".join(sorted({piece.language for piece in unscored}))
    names = sorted(LANGUAGE_NAMES.get(code, code) for code in modelled)
    readable = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    why = f"no check-worthiness model for {languages} (the models read {readable} only)"
    if len(unscored) <= cap:
        return f"Sentences in {languages} are proposed unscored: {why}."
    return (
        f"{cap} of {len(unscored)} sentences in {languages} kept as candidates, unscored: "
        f"{why}; chosen by {HOW_CHOSEN}, at most {cap} per article."
    )


def _attributions(found: list[Sentence], reported: list[list[ReportedClaim]]) -> list[Attribution]:
    """Attribute each sentence, carrying a quotation's speaker over to the sentence that
    continues it, and noticing when the next sentence refutes a reported claim."""
    attributions: list[Attribution] = []
    speaker = ""
    for sentence, rebuts in zip(found, reported, strict=True):
        attribution = attribute(
            sentence.text, previous_speaker=speaker, rebuts=bool(rebuts), language=sentence.language
        )
        speaker = attribution.claimant or speaker
        attributions.append(attribution)
    for index, attribution in enumerate(attributions[:-1]):
        if attribution.stance != "reports" or reported[index]:
            continue  # a rebuttal's own statement is not what the next sentence refutes
        for later in found[index + 1 : index + 3]:
            cue = refutation_of_previous(later.text, later.language)
            if cue:
                attributions[index] = Attribution(attribution.claimant, "refutes", cue)
                break
    return attributions


def _reported_pieces(found: list[Sentence], reported: list[list[ReportedClaim]]) -> list[Piece]:
    pieces = []
    for sentence, claims in zip(found, reported, strict=True):
        for claim in claims:
            text = sentence.text[claim.start : claim.end]
            start = sentence.start + claim.start
            pieces.append(Piece(text, start, sentence.language, claim.attribution))
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
