"""What rules can tell about evidence: whether the source is an interested party (the
claimant, or the subject of the claim). The suggested stance is the model's (test_stance.py)."""

from claims.evidence.rules import interested_party

PEACEKEEPERS = (
    "Russia's peacekeeping efforts were allegedly aimed at breaking Nagorno-Karabakh away "
    "from Armenia and handing it over to Azerbaijan."
)


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
