"""Claims someone makes come before the context a reporter states in the article's own voice,
while each keeps its calibrated score."""

from claims.extraction.candidates import propose_candidates
from claims.extraction.ranking import OWN_VOICE_WEIGHT, priority

# Written for this test: context with figures, and claims that a mayor, a port authority and
# posts on social media make, interleaved as a reporter would write them.
CONTEXT = (
    "The port of Riverton handled 2.1 million containers in 2019, making it the country's "
    "third-busiest harbour.",
    "The harbour was founded in 1852 and was rebuilt after a fire destroyed its docks in 1921.",
)
MADE = (
    "Mayor Elena Novak said the new terminal will create 4,000 jobs by 2025.",
    "The port authority said cargo volumes fell by 12 percent last year because of the strike.",
    "Posts on social media claimed that the contractor was paid 90 million dollars in advance.",
)
ARTICLE = " ".join([CONTEXT[0], MADE[0], MADE[1], CONTEXT[1], MADE[2]])


def test_claims_someone_makes_rank_above_the_articles_context() -> None:
    ranked = [candidate.text for candidate in propose_candidates(ARTICLE).candidates]
    made = [ranked.index(text) for text in MADE]
    context = [ranked.index(text) for text in CONTEXT if text in ranked]
    assert len(made) == 3 and context  # the context is still proposed, only lower
    assert max(made) < min(context)


def test_ranking_leaves_the_stored_score_a_probability() -> None:
    candidates = propose_candidates(ARTICLE).candidates
    scores = [candidate.checkworthiness for candidate in candidates]
    assert scores != sorted(scores, reverse=True)  # the order is not the score's alone
    assert all(0 < score < 1 for score in scores)


def test_the_articles_own_voice_counts_for_less_unless_someone_is_named() -> None:
    assert priority(0.8, "", "asserts") == 0.8 * OWN_VOICE_WEIGHT
    assert priority(0.8, "Mayor Elena Novak", "asserts") == 0.8
    assert priority(0.8, "", "refutes") == 0.8
