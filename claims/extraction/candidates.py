"""Propose claim candidates from an article's text.

Each sentence is scored by the check-worthiness model; those above its threshold become
candidates, with their claimant and the article's stance toward them (attribution.py).
A claim reported inside a rebuttal becomes a candidate of its own. Sentences in
languages the model was not trained on are still segmented and proposed, unscored, and
marked as such (`scored_by` empty).
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
from claims.extraction.checkworthiness import LANGUAGES, load_model
from claims.extraction.segmentation import FALLBACK_LANGUAGE, Sentence, detect_language, sentences

MIN_WORDS = 5
# A book-length text is cut here: its first sentences are proposed, and the note says so.
MAX_SENTENCES = 2000
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
    """Return the checkable claims of `text`, best first."""
    found = sentences(text, language_hint)
    notes = []
    if len(found) > MAX_SENTENCES:
        notes.append(f"Only the first {MAX_SENTENCES:,} of {len(found):,} sentences were read.")
        found = found[:MAX_SENTENCES]
    unscored = sorted({s.language for s in found} - LANGUAGES)
    if unscored:
        notes.append(
            f"Sentences in {', '.join(unscored)} are proposed unscored: the check-worthiness "
            "model reads English only."
        )
    reported = [reported_claims(sentence.text) for sentence in found]
    attributions = _attributions(found, reported)
    pieces = [(s.text, s.start, s.language, a) for s, a in zip(found, attributions, strict=True)]
    pieces += _reported_pieces(found, reported)
    pieces = [piece for piece in pieces if len(piece[0].split()) >= MIN_WORDS]
    model = load_model()
    english = [index for index, piece in enumerate(pieces) if piece[2] in LANGUAGES]
    scores = dict(zip(english, model.score([pieces[i][0] for i in english]), strict=True))
    candidates = []
    for index, (sentence, start, _, attribution) in enumerate(pieces):
        score = scores.get(index)
        if score is not None and score < model.threshold:
            continue
        candidates.append(
            Candidate(
                text=sentence,
                span_start=start,
                span_end=start + len(sentence),
                checkworthiness=score or 0.0,
                scored_by=model.name if score is not None else "",
                claimant=attribution.claimant,
                article_stance=attribution.stance,
                stance_cue=attribution.cue[:200],
            )
        )
    ranked = sorted(candidates, key=lambda c: (-c.checkworthiness, c.span_start))
    return Extraction(ranked, " ".join(notes))


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


def _reported_pieces(
    found: list[Sentence], reported: list[list[ReportedClaim]]
) -> list[tuple[str, int, str, Attribution]]:
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
    (0.0, "") when it is not in a language the model reads."""
    language = (language or detect_language(text) or FALLBACK_LANGUAGE).split("-")[0]
    if language not in LANGUAGES:
        return 0.0, ""
    model = load_model()
    [score] = model.score([text])
    return score, model.name


def claim_core(sentence: str) -> str:
    """Return what is claimed, without the attribution: "X claims that Y" gives "Y"."""
    match = REPORTED_CLAUSE.search(sentence)
    core = sentence[match.end() :].strip() if match else ""
    return core if len(core.split()) >= 3 else sentence
