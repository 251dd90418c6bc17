"""Language tags are stored in one form, whatever spelling a page, a feed or an import
used, and the primary subtag is what every language filter reads."""

import pytest

from factcheck.languages import language_condition, normalise_language, primary_subtag


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("de", "de"),
        ("de-DE", "de-DE"),
        ("de_de", "de-DE"),
        ("EN-us", "en-US"),
        (" pt-BR ", "pt-BR"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("en_US.UTF-8", "en-US"),  # a POSIX locale
        ("iw", "he"),  # retired codes are replaced
        ("eng", "en"),
        ("fr-FR-u-ca-gregory", "fr-FR"),  # a calendar is not a language
    ],
)
def test_every_spelling_of_a_tag_comes_out_in_one_form(given: str, canonical: str) -> None:
    assert normalise_language(given) == canonical


@pytest.mark.parametrize("given", ["", "  ", "English", "und", "x-private", "123", "de--DE"])
def test_a_value_that_names_no_language_comes_out_empty(given: str) -> None:
    assert normalise_language(given) == ""


def test_a_tag_longer_than_the_stored_field_loses_its_last_variants() -> None:
    assert normalise_language("de-latf-at-1901-1996") == "de-Latf-AT-1901"


def test_the_primary_subtag_is_the_language_alone() -> None:
    assert [primary_subtag(tag) for tag in ("de-AT", "DE_de", "zh-Hant-TW", "")] == [
        "de",
        "de",
        "zh",
        "",
    ]


def test_a_bare_language_filters_by_the_primary_subtag_and_a_full_tag_by_itself() -> None:
    assert str(language_condition("DE")) == "(AND: ('language_primary', 'de'))"
    assert str(language_condition("de_at")) == "(AND: ('language__iexact', 'de-AT'))"
    with pytest.raises(ValueError, match="not a language tag"):
        language_condition("Klingon!")
