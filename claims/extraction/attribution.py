"""Who asserts a sentence's claim, and how the article treats it.

Rule-based and transparent: every decision keeps the cue (the words) that made it, so an
editor can see why. The cues are per language (cues.py: English, German, Russian, French,
Spanish, Dutch, Arabic); a sentence is read with its own language's cues, then with the
English ones, which also serve every other language, as a paragraph's language can be
detected wrongly.

Two kinds of claims come out of one sentence:
- the sentence itself, attributed to whoever the sentence quotes ("X said", "according to
  X", a quotation continued from the previous sentence), with stance *reports*, or
  *asserts* when the article speaks in its own voice;
- a claim reported inside a rebuttal ("the information on social networks that X can be
  refuted"): X is its own candidate, attributed to where it circulated, with stance
  *refutes* (or *disputes*), never to the one who rebuts it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from claims.extraction.cues import ENGLISH, Cues, cues_for

AND_WORDS = frozenset({"and", "und", "et", "y", "e", "en", "и", "و"})


@dataclass(frozen=True)
class Attribution:
    claimant: str
    stance: str  # asserts, reports, refutes, disputes
    cue: str


@dataclass(frozen=True)
class ReportedClaim:
    start: int  # offsets within the sentence
    end: int
    attribution: Attribution


def attribute(
    sentence: str,
    previous_speaker: str = "",
    *,
    rebuts: bool | None = None,
    language: str = "en",
) -> Attribution:
    """Return the claimant of a sentence and the article's stance toward it.

    A sentence that rebuts a claim it reports is the rebutter's statement: the article
    reports it; the doubt words in it belong to the rebutted claim (reported_claims).
    """
    claimant, cue = find_claimant(sentence, language)
    opens_quotation = sentence.lstrip().startswith(('"', "“", "«", "„"))
    if not claimant and opens_quotation and previous_speaker:
        claimant, cue = previous_speaker, "continued quotation"
    if not claimant:
        return Attribution("", "asserts", "")
    dispute = _first(cues.dispute.search(sentence) for cues in _cues(language))
    if rebuts is None:  # callers that already ran reported_claims pass what it found
        rebuts = bool(reported_claims(sentence, language))
    if dispute and not rebuts:
        return Attribution(claimant, "disputes", dispute.group())
    return Attribution(claimant, "reports", cue)


def find_claimant(sentence: str, language: str = "en") -> tuple[str, str]:
    """Return (claimant, cue) for the speaker a sentence attributes itself to."""
    for cues in _cues(language):
        for pattern, needs_speaker in cues.claimant_patterns:
            match = pattern.search(sentence)
            if match and (not needs_speaker or _is_speaker(match.group("who"), cues)):
                cue = match.groupdict().get("cue") or _according_to(match)
                return _clean_name(match.group("who"), cues), cue
    return "", ""


def reported_claims(sentence: str, language: str = "en") -> list[ReportedClaim]:
    """Return the claims a sentence reports only to rebut them."""
    for cues in _cues(language):
        found = []
        for match in cues.reported_in_rebuttal.finditer(sentence):
            where = _place(match.group("where"), cues)
            start, end = _trimmed(sentence, match.start("claim"), match.end("claim"))
            negated = cues.negation is not None and cues.negation.search(match.group("cue"))
            stance = "disputes" if negated else "refutes"
            found.append(ReportedClaim(start, end, Attribution(where, stance, match.group("cue"))))
        if found:
            return found
    return []


def refutation_of_previous(sentence: str, language: str = "en") -> str:
    """Return the cue if a sentence refutes the claim of the one before ("the figure was
    false", "X denied the claim"), else ""."""
    for cues in _cues(language):
        refute = cues.refute.search(sentence)
        if refute and cues.looks_back.search(sentence):
            return refute.group()
    return ""


def _cues(language: str) -> Iterator[Cues]:
    """Yield the cues to read a sentence with: its language's, then the English ones."""
    own = cues_for(language or "en")
    if own is not None and own is not ENGLISH:
        yield own
    yield ENGLISH


def _first(matches: Iterator[re.Match[str] | None]) -> re.Match[str] | None:
    return next((match for match in matches if match), None)


def _according_to(match: re.Match[str]) -> str:
    """Return the words before the speaker ("according to", "laut"), as the cue."""
    return match.string[match.start() : match.start("who")].strip(" ,،").lower()


def _place(where: str, cues: Cues) -> str:
    """Return where a claim circulated without its prepositions: "on social networks and in
    online resources" gives "social networks and online resources" ("en línea" keeps its
    "en": only a preposition that starts the place, or follows an "and", goes)."""
    words = where.strip(" ,،").split()
    kept = [
        word
        for index, word in enumerate(words)
        if not (
            cues.where_prepositions.fullmatch(word)
            and (index == 0 or words[index - 1].lower() in AND_WORDS)
        )
    ]
    return _clean_name(" ".join(kept), cues)


def _is_speaker(name: str, cues: Cues) -> bool:
    """Tell a speaker from any words before a reporting verb: a capitalised name, a
    determiner and a noun ("the ministry"), a speaker noun; in an uncased script, any."""
    words = name.split()
    if not words:
        return False
    if not cues.cased or words[-1][0].isupper() or name.lower().startswith(cues.speaker_starts):
        return True
    return cues.speaker_nouns is not None and cues.speaker_nouns.search(name) is not None


def _clean_name(name: str, cues: Cues) -> str:
    name = name.strip(' ,،"“”’«»„')
    if name.endswith(".") and name.split()[-1].count(".") == 1:
        name = name[:-1]  # the sentence's full stop, not an abbreviation's ("U.S.")
    for start in cues.stripped_starts:
        name = name.removeprefix(start)
    return name[:300]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span to its words: no spaces, commas or unpaired quotation marks at its ends."""
    while start < end and text[start] in " \"“'":
        start += 1
    while end > start and text[end - 1] in " ,\"”'":
        end -= 1
    if text[start] == "‘" and text.count("‘", start, end) > text.count("’", start, end):
        start += 1
    if text[end - 1] == "’" and text.count("’", start, end) > text.count("‘", start, end):
        end -= 1
    return start, end
