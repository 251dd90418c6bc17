"""Extraction turns an article into a ranked list of checkable claims, each with who said
it and how the article treats it; odd input gets clear behaviour, never a crash."""

from claims.extraction.candidates import MAX_SENTENCES, propose_candidates
from claims.extraction.checkworthiness import load_model
from claims.extraction.ranking import priority
from claims.ingestion.pages import read_pasted
from tests.conftest import seed_article

FRENCH = (
    "Le ministère a publié un communiqué mardi matin sur la situation dans la région. "
    "Selon le texte, les forces de maintien de la paix resteront déployées jusqu'en 2025."
)


def seed_text() -> str:
    return read_pasted(seed_article()).text


def test_social_media_claims_come_out_refuted_and_not_attributed_to_the_ministry() -> None:
    candidates = propose_candidates(seed_text()).candidates
    [rebutted] = [c for c in candidates if c.text.startswith("Russia's peacekeeping efforts")]
    assert "‘breaking Nagorno-Karabakh away,’" in rebutted.text
    assert rebutted.text.endswith("‘protectorate’")
    assert rebutted.claimant == "social networks and online resources"
    assert rebutted.article_stance == "refutes"
    assert rebutted.stance_cue == "can be safely refuted"
    assert rebutted.checkworthiness >= load_model().threshold


def test_the_rebuttal_itself_is_the_ministrys_reported_statement() -> None:
    candidates = propose_candidates(seed_text()).candidates
    [rebuttal] = [c for c in candidates if c.text.startswith("The Foreign Ministry pointed out")]
    assert (rebuttal.claimant, rebuttal.article_stance) == ("Foreign Ministry", "reports")


def test_quotations_carry_their_speaker() -> None:
    candidates = propose_candidates(seed_text()).candidates
    said = next(c for c in candidates if c.text.startswith("Russia does not seek"))
    assert (said.claimant, said.article_stance, said.stance_cue) == (
        "Russian Foreign Ministry",
        "reports",
        "said",
    )


def test_a_refutation_in_the_next_sentence_sets_the_stance() -> None:
    text = (
        "A viral post claims that the new bridge cost taxpayers 400 million dollars. "
        "Mayor Elena Novak said the figure was false."
    )
    [post] = [c for c in propose_candidates(text).candidates if "400 million" in c.text]
    assert (post.claimant, post.article_stance, post.stance_cue) == (
        "A viral post",
        "refutes",
        "was false",
    )


def test_candidates_are_ranked_scored_and_placed_in_the_text() -> None:
    text = seed_text()
    extraction = propose_candidates(text)
    found = extraction.candidates
    ranks = [priority(c.checkworthiness, c.claimant, c.article_stance) for c in found]
    assert ranks == sorted(ranks, reverse=True) and len(ranks) >= 5
    for candidate in extraction.candidates:
        assert text[candidate.span_start : candidate.span_end] == candidate.text
        assert candidate.scored_by == load_model().name
    assert extraction.note == ""


def test_small_talk_is_not_proposed() -> None:
    text = "Thank you all very much for coming tonight. It is great to be here with you all."
    assert propose_candidates(text).candidates == []


def test_empty_text_or_text_without_sentences_gives_nothing() -> None:
    assert propose_candidates("").candidates == []
    assert propose_candidates("— * —\n\n###").candidates == []


def test_unsupported_language_is_segmented_but_left_unscored() -> None:
    extraction = propose_candidates(FRENCH)
    assert [c.text[:20] for c in extraction.candidates] == [
        "Le ministère a publi",
        "Selon le texte, les ",
    ]
    assert {(c.checkworthiness, c.scored_by) for c in extraction.candidates} == {(0.0, "")}
    assert "fr" in extraction.note and "read Dutch, English and Spanish only" in extraction.note


def test_mixed_languages_are_scored_where_the_model_can() -> None:
    english = "Unemployment fell to 3.5 percent in 2019, the lowest rate in fifty years."
    extraction = propose_candidates(f"{english}\n\n{FRENCH}")
    scored = {c.text: c.scored_by for c in extraction.candidates}
    assert scored[english] == load_model().name
    assert all(by == "" for text, by in scored.items() if text != english)


def test_a_book_length_text_is_read_up_to_the_limit_and_says_so() -> None:
    paragraph = " ".join(
        f"In {1900 + n % 120} the town of Riverton had {1000 + 37 * n} inhabitants, "
        "the census office reported."
        for n in range(50)
    )
    text = "\n\n".join([paragraph] * 300)  # 15,000 sentences, over 1 MB
    assert len(text.encode()) > 1_000_000
    extraction = propose_candidates(text)
    assert extraction.note.startswith(f"Only the first {MAX_SENTENCES:,} of 15,000 sentences")
    assert max(c.span_end for c in extraction.candidates) < len(text) // 4
