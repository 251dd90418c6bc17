"""The order in which candidates are shown: a claim someone makes before context.

The check-worthiness score says how likely a fact-checker would pick a sentence, read on its
own. Read in an article, a sentence the reporter states in the article's own voice, with no
one to attribute it to ("The region has been disputed since 1988."), is mostly background;
a claim that someone makes (a ministry, a quoted official, posts on social media) is what a
fact-checker checks first. So the rank halves the score of unattributed sentences in the
article's own voice: a claim someone makes comes first unless it is less than half as
likely to be picked. The stored score stays the calibrated probability; only the order
changes. How this was measured: docs/extraction.md and bench/ranking.py.
"""

OWN_VOICE_WEIGHT = 0.5
# Claim.ArticleStance.ASSERTS, named here so that extraction runs without Django's models.
OWN_VOICE = "asserts"


def priority(checkworthiness: float, claimant: str, article_stance: str) -> float:
    """Return the value candidates are ranked by, highest first."""
    if claimant or article_stance != OWN_VOICE:
        return checkworthiness
    return checkworthiness * OWN_VOICE_WEIGHT
