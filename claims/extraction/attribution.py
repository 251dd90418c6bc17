"""Who asserts a sentence's claim, and how the article treats it.

Rule-based and transparent: every decision keeps the cue (the words) that made it, so an
editor can see why. English cues only; other languages get no claimant and "asserts".

Two kinds of claims come out of one sentence:
- the sentence itself, attributed to whoever the sentence quotes ("X said", "according to
  X", a quotation continued from the previous sentence), with stance *reports*, or
  *asserts* when the article speaks in its own voice;
- a claim reported inside a rebuttal ("the information on social networks that X can be
  refuted"): X is its own candidate, attributed to where it circulated, with stance
  *refutes* (or *disputes*), never to the one who rebuts it.
"""

import re
from dataclasses import dataclass

SAY = (
    r"said|says|say|noted|notes|stressed|stresses|told|added|announced|emphasi[sz]ed|"
    r"pointed out|claimed|claims|insisted|argued|wrote|stated|explained|warned|declared"
)
WORD = r"(?:[A-Z][\w’'.-]*|of|for|and|de|al)"
SPEAKER_NOUN = (
    r"ministry|minister|government|president|spokes\w+|police|statement|report|officials?|"
    r"company|agency|council|mayor|court|authorities|army|military|embassy|office|department|"
    r"committee|study|survey|researchers|scientists|experts"
)
NAME = (
    rf"(?:(?:the |The )(?:[\w’'-]+ ){{0,3}}(?:{SPEAKER_NOUN})\b"
    rf"|(?:the |The )?{WORD}(?: {WORD}){{0,6}})"
)
ACCORDING_TO = re.compile(rf"\b[Aa]ccording to (?P<who>{NAME})")
SUBJECT_SAYS = re.compile(rf"(?P<who>{NAME}) (?P<cue>{SAY})\b")
QUOTE_SAYS = re.compile(rf"[\"”’],? (?P<cue>{SAY}) (?P<who>{NAME})")
CLAIM_VERB = r"claims|claimed|alleges|alleged|suggests|suggested"
SUBJECT_CLAIMS_THAT = re.compile(
    rf"^(?P<who>(?:\S+ ){{0,11}}?\S+)(?:, (?:which|who) [^,]+,)? (?P<cue>{CLAIM_VERB}) that\b"
)
SOURCE_NOUN = (
    r"information|claims?|reports?|posts?|rumou?rs?|allegations?|assertions?|statements?|"
    r"messages?|publications?|videos?|stories|articles?"
)
REBUTTAL = (
    r"(?:can|could|should|must|may|has|have|had|is|are|was|were|will)"
    r"(?: not)?(?: be| been)?(?: safely| easily| categorically| completely| flatly| firmly)?"
    r" (?:refuted|denied|debunked|dismissed|rejected|false|untrue|baseless|groundless|fake)"
)
REPORTED_IN_REBUTTAL = re.compile(
    rf"\b(?:the )?(?:{SOURCE_NOUN})(?: (?:circulating|spread|shared|published|appearing))?"
    rf" (?P<where>(?:on|in) [^\"“‘]{{3,90}}?) that,? (?P<claim>.{{10,}}?),?"
    rf" (?P<cue>{REBUTTAL})\b"
)
REFUTE_CUE = re.compile(
    r"\b(?:refuted?|debunked?|is false|was false|were false|are false|untrue|baseless|"
    r"denied|denies|nothing to do with reality|no evidence|not true|fake)\b",
    re.I,
)
DISPUTE_CUE = re.compile(
    r"\b(?:allegedly|disputes?|disputed the|questioned|contested|doubts)\b", re.I
)
LOOKS_BACK = re.compile(
    r"\b(?:the|this|that|these|those) (?:figure|claim|post|statement|number|report)s?\b", re.I
)


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
    sentence: str, previous_speaker: str = "", *, rebuts: bool | None = None
) -> Attribution:
    """Return the claimant of a sentence and the article's stance toward it.

    A sentence that rebuts a claim it reports is the rebutter's statement: the article
    reports it; the doubt words in it belong to the rebutted claim (reported_claims).
    """
    claimant, cue = find_claimant(sentence)
    if not claimant and sentence.lstrip().startswith(('"', "“")) and previous_speaker:
        claimant, cue = previous_speaker, "continued quotation"
    if not claimant:
        return Attribution("", "asserts", "")
    dispute = DISPUTE_CUE.search(sentence)
    if rebuts is None:  # callers that already ran reported_claims pass what it found
        rebuts = REPORTED_IN_REBUTTAL.search(sentence) is not None
    if dispute and not rebuts:
        return Attribution(claimant, "disputes", dispute.group())
    return Attribution(claimant, "reports", cue)


def find_claimant(sentence: str) -> tuple[str, str]:
    """Return (claimant, cue) for the speaker a sentence attributes itself to."""
    for pattern in (SUBJECT_CLAIMS_THAT, ACCORDING_TO, QUOTE_SAYS, SUBJECT_SAYS):
        match = pattern.search(sentence)
        if match and _is_speaker(match.group("who")):
            cue = match.groupdict().get("cue") or "according to"
            return _clean_name(match.group("who")), cue
    return "", ""


def reported_claims(sentence: str) -> list[ReportedClaim]:
    """Return the claims a sentence reports only to rebut them."""
    found = []
    for match in REPORTED_IN_REBUTTAL.finditer(sentence):
        where = re.sub(r"\b(?:on|in) ", "", match.group("where")).strip(" ,")
        start, end = _trimmed(sentence, match.start("claim"), match.end("claim"))
        stance = "disputes" if "not" in match.group("cue").split() else "refutes"
        found.append(ReportedClaim(start, end, Attribution(where, stance, match.group("cue"))))
    return found


def refutation_of_previous(sentence: str) -> str:
    """Return the cue if a sentence refutes the claim of the one before ("the figure was
    false", "X denied the claim"), else ""."""
    refute = REFUTE_CUE.search(sentence)
    if refute and LOOKS_BACK.search(sentence):
        return refute.group()
    return ""


def _is_speaker(name: str) -> bool:
    words = name.split()
    return (bool(words) and words[-1][0].isupper()) or name.lower().startswith(("the ", "a "))


def _clean_name(name: str) -> str:
    return name.strip(' ,"“”’').removeprefix("The ").removeprefix("the ")[:300]


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
