"""The stance model reads whether a text supports a claim, refutes it, discusses it or is
unrelated, from the passages of it sharing most of the claim's words; a card shows the
passage that decides the stance; `manage.py stance` labels FNC-1's files and refuses bad ones
clearly."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.evidence.passages import candidate_passages
from claims.evidence.services import claim_terms, passages_choose
from claims.evidence.stance import PASSAGES_READ, load_model, passages_read, sentences_of
from claims.models import Claim

BRIDGE = "The new Harbour Street bridge cost taxpayers 400 million dollars."
REFUTATION = (
    "The town's auditor said the claim that the Harbour Street bridge cost 400 million "
    "dollars is false. The final accounts show it cost 212 million dollars."
)
CONFIRMATION = (
    "The town's auditor confirmed that the new Harbour Street bridge cost taxpayers 400 "
    "million dollars, in the final accounts published on Monday."
)
UNRELATED = (
    "The Riverton football club won its third match of the season on Saturday, with two "
    "late goals from its new striker."
)


@pytest.mark.parametrize(
    ("passage", "label"),
    [
        (REFUTATION, "disagree"),
        (CONFIRMATION, "agree"),
        (UNRELATED, "unrelated"),
    ],
)
def test_the_model_reads_a_refutation_a_confirmation_and_an_unrelated_passage(
    passage: str, label: str
) -> None:
    [stance] = load_model().predict([(BRIDGE, passage)])
    assert stance.label == label
    assert 0.5 < stance.probability <= 1


def test_the_model_answers_each_pair_in_order_and_nothing_for_no_pairs() -> None:
    model = load_model()
    pairs = [(BRIDGE, UNRELATED), (BRIDGE, REFUTATION), (BRIDGE, UNRELATED)]
    assert [s.label for s in model.predict(pairs)] == ["unrelated", "disagree", "unrelated"]
    assert model.predict([]) == []


ARTICLE = (
    "Posts on social media say the new Harbour Street bridge cost taxpayers 400 million "
    "dollars. The posts were shared thousands of times this week. Readers asked about them. "
    "Traffic on the river was slow on Tuesday. Boats waited at the lock. The ferry ran late. "
    "The town's auditor said the claim that the bridge cost 400 million dollars is false. "
    "The final accounts show the bridge cost 212 million dollars."
)


def test_an_article_is_read_by_up_to_four_passages_of_three_sentences_most_claim_words_first() -> (
    None
):
    sentences = sentences_of(ARTICLE)
    passages = passages_read(BRIDGE, sentences)
    assert 1 < len(passages) <= PASSAGES_READ
    assert all(1 <= len(sentences_of(passage)) <= 3 for passage in passages)
    assert passages[0].startswith("Posts on social media")  # the most of the claim's words
    assert any("is false" in passage for passage in passages)
    assert passages_read(BRIDGE, []) == []


def test_an_articles_refutation_further_down_decides_its_stance_and_is_the_passage_shown() -> None:
    [reading] = load_model().read([(BRIDGE, passages_read(BRIDGE, sentences_of(ARTICLE)))])
    assert reading.stance.label == "disagree"
    assert "is false" in reading.passage


def test_a_text_with_nothing_read_is_unrelated_and_each_text_is_answered_in_order() -> None:
    model = load_model()
    readings = model.read([(BRIDGE, []), (BRIDGE, [UNRELATED]), (BRIDGE, [CONFIRMATION])])
    assert [r.stance.label for r in readings] == ["unrelated", "unrelated", "agree"]
    assert [r.passage for r in readings] == ["", UNRELATED, CONFIRMATION]
    assert model.read([]) == []


def test_a_card_shows_the_passage_refuting_the_claim_over_a_wordier_one_taking_no_side() -> None:
    source = (
        "Posts on social media say the new Harbour Street bridge cost taxpayers 400 million "
        "dollars. The posts about the bridge were shared thousands of times this week. "
        "Traffic on the river was slow on Tuesday. "
        "The town's auditor said the 400 million figure is false. "
        "The bridge cost 212 million dollars, according to the final accounts."
    )
    claim = Claim(text=BRIDGE)
    [choice] = passages_choose(claim, [source])
    assert choice is not None and choice.stance is not None
    assert choice.passage.startswith("The town's auditor said")
    assert choice.stance.label == "disagree"
    # Keywords alone would show the posts: they share more of the claim's words.
    [(wordiest, share), *_] = candidate_passages(source, claim_terms(claim), 4)
    assert wordiest.startswith("Posts on social media") and share > choice.relevance


def test_a_source_sharing_too_few_of_the_claims_words_has_no_card() -> None:
    assert passages_choose(Claim(text=BRIDGE), [UNRELATED]) == [None]


PAIRS = (
    "pair_id\theadline\tbody_id\tstance\n"
    f"p1\t{BRIDGE}\t7\tdisagree\n"
    f"p2\t{BRIDGE}\t8\tunrelated\n"
    f"p3\t{BRIDGE}\t9\tagree\n"
)
BODIES = (
    "body_id\tbody\n"
    f'7\t"{REFUTATION}\n\nThe mayor has not answered."\n'
    f"8\t{UNRELATED}\n"
    f"9\t{CONFIRMATION}\n"
)


def macro_f1_of(right: int) -> float:
    """The macro-F1 of the three fixture pairs (disagree, unrelated, agree) when the first
    `right` are labelled right and the agree one, if wrong, is read as discuss."""
    if right == 3:
        return 3 / 4
    # agree: no true positive (0); disagree and unrelated right (1 each); discuss: a false
    # positive only (0).
    return 2 / 4


def run_stance(pairs: Path, bodies: Path) -> tuple[list[list[str]], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("stance", str(pairs), str(bodies), stdout=out, stderr=err)
    return [line.split("\t") for line in out.getvalue().splitlines()], err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    pairs, bodies = tmp_path / "pairs.tsv", tmp_path / "bodies.tsv"
    pairs.write_text(PAIRS, encoding="utf-8")
    bodies.write_text(BODIES, encoding="utf-8")
    return pairs, bodies


def test_the_command_prints_a_label_and_probability_per_pair_and_the_macro_f1(
    files: tuple[Path, Path],
) -> None:
    rows, err = run_stance(*files)
    [confirmation] = load_model().predict([(BRIDGE, CONFIRMATION)])  # a body of one sentence
    assert [(pair_id, label) for pair_id, label, _ in rows] == [
        ("p1", "disagree"),
        ("p2", "unrelated"),
        ("p3", confirmation.label),
    ]
    assert all(0 < float(probability) <= 1 for _, _, probability in rows)
    right = 2 + (confirmation.label == "agree")
    assert err.strip() == f"macro-F1 {macro_f1_of(right):.4f} over 3 pairs"


def test_the_command_reads_pairs_without_a_stance_column(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    unlabelled = tmp_path / "unlabelled.tsv"
    unlabelled.write_text(f"pair_id\theadline\tbody_id\nq1\t{BRIDGE}\t7\n", encoding="utf-8")
    rows, err = run_stance(unlabelled, files[1])
    assert [row[:2] for row in rows] == [["q1", "disagree"]]
    assert err == ""


@pytest.mark.parametrize(
    ("pairs_text", "message"),
    [
        ("id\ttitle\tbody\nx\ty\t7\n", "must name the columns pair_id, headline, body_id"),
        (f"pair_id\theadline\tbody_id\nq1\t{BRIDGE}\t99\n", "body_id 99 not in"),
        (f"pair_id\theadline\tbody_id\tstance\nq1\t{BRIDGE}\t7\tmaybe\n", "unknown stance"),
        (f"pair_id\theadline\tbody_id\nq1\t{BRIDGE}\n", "row 2: expected 3 columns"),
    ],
)
def test_the_command_refuses_bad_input_clearly(
    files: tuple[Path, Path], tmp_path: Path, pairs_text: str, message: str
) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(pairs_text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run_stance(bad, files[1])


def test_the_command_refuses_a_missing_file_or_a_bodies_file_of_another_shape(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match="is not a file"):
        run_stance(tmp_path / "missing.tsv", files[1])
    with pytest.raises(CommandError, match="must name the columns body_id, body"):
        run_stance(files[0], files[0])
