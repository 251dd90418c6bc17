"""Which sentences to propose where no check-worthiness model reads the language.

Proposing every sentence of such an article flooded the editor (one German page gave 320
candidates). Instead, signs of a checkable claim that hold in any language pick at most
`UNSCORED_CANDIDATES_PER_ARTICLE` of them: numbers and quantities (digits of any script,
percentages, currencies), quotations in any quotation marks, names told by their capitals
where the script has them, and the reporting verbs of the language (cues.py). The chosen
sentences stay unscored: the signals choose, they do not rank check-worthiness.
"""

import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise

from claims.extraction.cues import cues_for

HOW_CHOSEN = "numbers, quotations, names and reporting verbs"
QUOTATION = re.compile(
    r"«[^»]{3,}»|„[^“”]{3,}[“”]|“[^”]{3,}”|\"[^\"]{3,}\"|‘[^’]{3,}’|‚[^‘’]{3,}[‘’]|"
    r"「[^」]{2,}」|『[^』]{2,}』"
)
# Languages that capitalise every noun: there one capital says nothing, a run of two does.
NOUNS_CAPITALISED = frozenset({"de", "lb"})
WEIGHTS = {"number": 2, "quotation": 1, "name": 1, "reporting": 1}


@dataclass(frozen=True)
class Signals:
    kinds: frozenset[str]

    @property
    def strength(self) -> int:
        return sum(WEIGHTS[kind] for kind in self.kinds)


def signals(sentence: str, language: str, attributed: bool = False) -> Signals:
    """Return the signs of a checkable claim in one sentence (`attributed`: attribution
    found who says it, e.g. a claim reported only to be rebutted)."""
    found = set()
    if any(char.isdigit() or unicodedata.category(char) == "Sc" for char in sentence):
        found.add("number")  # digits of any script, and currency symbols; % comes with digits
    if QUOTATION.search(sentence):
        found.add("quotation")
    if _has_name(sentence, language):
        found.add("name")
    cues = cues_for(language)
    if attributed or (cues is not None and cues.reporting.search(sentence)):
        found.add("reporting")
    return Signals(frozenset(found))


def strongest(texts: list[tuple[str, str, bool]], cap: int) -> list[int]:
    """Return the indexes of at most `cap` of the (sentence, language, attributed) triples,
    those with the strongest signals (the earlier of equals), in their order."""
    strength = [signals(*text).strength for text in texts]
    ranked = sorted(range(len(texts)), key=lambda index: (-strength[index], index))
    return sorted(ranked[:cap])


def _has_name(sentence: str, language: str) -> bool:
    """Tell a name by its shape: a capitalised word that does not start the sentence (two
    in a row where every noun is capitalised), or an acronym. Scripts without case (Arabic,
    Chinese, Hindi) have no such shape."""
    words = re.findall(r"[^\W\d_][\w-]*", sentence)[1:]  # "l’Insee": l, Insee
    capitalised = [word[0].isupper() for word in words]
    if any(word.isupper() and len(word) >= 2 for word in words):
        return True
    if language.split("-")[0] in NOUNS_CAPITALISED:
        return any(a and b for a, b in pairwise(capitalised))
    return any(capitalised)
