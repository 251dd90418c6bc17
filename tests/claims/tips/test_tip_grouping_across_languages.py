"""Tips about one claim are one group whatever language each reader wrote in, when the
multilingual encoder reads it: an English, a Spanish and a German tip of the same claim
are the claim asked three times, and a Spanish tip of another claim is not. A tip in a
language the encoder does not read is grouped by the English matcher, as before; groups
formed before tips had languages are still found, in every language."""

from typing import Any

import pytest

from claims.matching.engine import multilingual
from claims.models import Tip, TipGroup
from claims.tips import services
from claims.tips.services import tip_group, tip_submit
from tests.claims.matching.crosslingual import LEMON_FLU_TIPS, LEMON_SLIMMING_TIP

pytestmark = pytest.mark.django_db

# The same claim in Ukrainian, which the multilingual encoder does not read, in two wordings.
LIBRARIES_UK = [
    "У фейсбуці пишуть, що наступного року міська рада закриє всі публічні бібліотеки, "
    "щоб заощадити гроші.",
    "Кажуть, що міська рада наступного року закриє всі публічні бібліотеки заради економії.",
]
LIBRARIES_EN = (
    "Someone on Facebook says the council is closing all the public libraries next year "
    "to save money."
)
FERRY = "Riverton's ferry fares doubled in January for everyone over sixty."


def tipped(text: str, **fields: Any) -> Tip:
    tip = tip_submit(text=text, **fields).tip
    tip_group(tip_id=tip.id)
    tip.refresh_from_db()
    return tip


def as_formed_before_languages(group: TipGroup | None) -> None:
    """Make a group as it was stored before tips were grouped across languages."""
    assert group is not None
    TipGroup.objects.filter(id=group.id).update(
        language="", multilingual_model_name="", multilingual_vector=None
    )


def test_an_english_a_spanish_and_a_german_tip_of_one_claim_are_one_group() -> None:
    tips = [tipped(LEMON_FLU_TIPS[language]) for language in ("en", "es", "de")]

    [group] = {tip.group for tip in tips}
    assert group is not None
    group.refresh_from_db()
    assert group.count == 3 and group.text == LEMON_FLU_TIPS["en"]
    assert (group.language, group.multilingual_model_name) == ("en", multilingual.MODEL_NAME)


def test_an_english_tip_joins_the_group_a_spanish_tip_started() -> None:
    spanish = tipped(LEMON_FLU_TIPS["es"])
    english = tipped(LEMON_FLU_TIPS["en"])

    assert english.group == spanish.group
    assert TipGroup.objects.get().count == 2


def test_a_spanish_tip_of_another_claim_starts_its_own_group() -> None:
    flu = [tipped(LEMON_FLU_TIPS["en"]), tipped(LEMON_FLU_TIPS["es"])]

    slimming = tipped(LEMON_SLIMMING_TIP)

    assert slimming.group is not None and slimming.group not in {tip.group for tip in flu}
    assert slimming.group.count == 1 and slimming.group.language == "es"


def test_two_spanish_tips_of_different_claims_are_two_groups() -> None:
    flu = tipped(LEMON_FLU_TIPS["es"])

    slimming = tipped(LEMON_SLIMMING_TIP)

    assert slimming.group != flu.group
    assert sorted(TipGroup.objects.values_list("count", flat=True)) == [1, 1]


def test_a_tip_in_a_language_the_encoder_does_not_read_is_grouped_by_the_english_matcher() -> None:
    english = tipped(LIBRARIES_EN)
    first, second = (tipped(text) for text in LIBRARIES_UK)

    assert first.group is not None and second.group == first.group
    assert first.group != english.group  # the English matcher reads no Ukrainian
    group = first.group
    group.refresh_from_db()
    assert group.count == 2 and group.language == "uk"
    assert (group.multilingual_model_name, group.multilingual_vector) == ("", None)


def test_a_group_formed_before_tips_had_languages_is_found_in_another_language() -> None:
    english = tipped(LEMON_FLU_TIPS["en"])
    as_formed_before_languages(english.group)

    spanish = tipped(LEMON_FLU_TIPS["es"])

    assert spanish.group == english.group
    group = TipGroup.objects.get()
    assert group.count == 2 and group.language == "en"
    assert group.multilingual_model_name == multilingual.MODEL_NAME
    assert group.multilingual_vector is not None


def test_only_the_most_recently_asked_groups_are_compared_and_given_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flu = tipped(LEMON_FLU_TIPS["en"]).group
    ferry = tipped(FERRY).group
    as_formed_before_languages(flu)
    as_formed_before_languages(ferry)
    monkeypatch.setattr(services, "GROUPS_COMPARED", 1)

    spanish = tipped(LEMON_FLU_TIPS["es"])

    assert spanish.group not in {flu, ferry}  # the flu group was asked too long ago
    assert flu is not None and ferry is not None
    flu.refresh_from_db()
    ferry.refresh_from_db()
    assert flu.multilingual_model_name == "" and flu.multilingual_vector is None
    assert ferry.multilingual_model_name == multilingual.MODEL_NAME
