"""What rules can tell about a piece of evidence: whether its source is an interested party
(the claimant, or the subject of the claim). Its stance is the stance model's (stance.py)."""

import re

from claims.evidence.passages import STOPWORDS

# A name right after one of these is where something happened, not who is involved:
# the town's auditor is no party to a claim about "the bridge in Riverton".
PLACE_BEFORE = re.compile(r"\b(?:in|at|near|from|across|outside|inside)\s+(?:the\s+)?$", re.I)
NAME = re.compile(r"\b[A-Z][\w’'-]+(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'-]+)*")


def interested_party(*, claim_text: str, claimant: str, publisher: str, author: str) -> bool:
    """Whether the source's publisher or author is the claimant or someone the claim names."""
    names = [
        match.group()
        for match in NAME.finditer(claim_text)
        if not PLACE_BEFORE.search(claim_text[: match.start()])
    ]
    parties = _name_words(claimant) | {word for name in names for word in _name_words(name)}
    return bool(parties & (_name_words(publisher) | _name_words(author)))


def _name_words(name: str) -> set[str]:
    words = re.findall(r"\w+", name.lower())
    return {_stem(word) for word in words if len(word) > 3 and word not in STOPWORDS | GENERIC}


def _stem(word: str) -> str:
    """Fold the forms a name takes ("Russia", "Russia's", "Russian") into one: its first
    five letters, enough to tell parties apart and to ignore their endings."""
    return word[:5]


# Words in names that do not identify a party on their own.
GENERIC = frozenset(
    """news daily times post press media online network networks social group agency
    service official officials report reports journal herald tribune world international
    national courier gazette review today city state government""".split()
)
