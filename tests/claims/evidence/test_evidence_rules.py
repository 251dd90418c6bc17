"""What rules can tell about evidence: a suggested stance with its cue, and whether the
source is an interested party (the claimant, or the subject of the claim)."""

import pytest

from claims.evidence.rules import interested_party, suggest_stance

PEACEKEEPERS = (
    "Russia's peacekeeping efforts were allegedly aimed at breaking Nagorno-Karabakh away "
    "from Armenia and handing it over to Azerbaijan."
)


@pytest.mark.parametrize(
    ("passage", "stance", "cue"),
    [
        ("The ministry said the reports were false and can be refuted.", "refutes", "false"),
        ("Officials denied that the bridge cost 400 million.", "refutes", "denied"),
        ("That figure is not true, the auditor said.", "refutes", "not true"),
        ("The auditor confirmed the bridge cost 212 million.", "supports", "confirmed"),
        ("The mayor confirmed one figure but called the other misleading.", "mixed",
         "misleading / confirmed"),
        ("The bridge opened on September 30.", "unknown", ""),
    ],
)  # fmt: skip
def test_cue_words_suggest_a_stance(passage: str, stance: str, cue: str) -> None:
    guess = suggest_stance(passage)
    assert (guess.stance, guess.cue) == (stance, cue)


def test_a_ministry_rebutting_claims_about_its_own_country_is_an_interested_party() -> None:
    assert interested_party(
        claim_text=PEACEKEEPERS,
        claimant="social networks and online resources",
        publisher="Ministry of Foreign Affairs of the Russian Federation",
        author="",
    )


def test_the_claimant_answering_for_itself_is_an_interested_party() -> None:
    assert interested_party(
        claim_text="The bridge cost 400 million dollars.",
        claimant="Mayor Elena Novak",
        publisher="Riverton Courier",
        author="Elena Novak",
    )


def test_an_outlet_unrelated_to_the_claim_is_not() -> None:
    assert not interested_party(
        claim_text=PEACEKEEPERS,
        claimant="social networks and online resources",
        publisher="Valley Times",
        author="Ann Reporter",
    )


def test_a_place_where_the_claim_happened_does_not_make_its_institutions_parties() -> None:
    assert not interested_party(
        claim_text="The new Harbour Street bridge in Riverton cost taxpayers 400 million dollars.",
        claimant="A post on social media",
        publisher="Riverton Auditor",
        author="",
    )
