"""The hashed n-grams the Arabic, Dutch and Spanish models read: the same text always lands
in the same buckets, spelling variants that mean nothing read alike, and the product's
scorer reproduces what training scored."""

import zlib

import numpy as np
import pytest

from claims.extraction.checkworthiness import _heads_config, scorer_for
from claims.extraction.ngram_features import (
    BUCKETS,
    hashed_counts,
    linear_scores,
    ngrams,
    text_for_ngrams,
)


def test_words_word_pairs_and_character_grams_inside_words_are_counted() -> None:
    grams = ngrams("el paro el")
    assert grams["w el"] == 2 and grams["w el paro"] == 1 and grams["w paro el"] == 1
    assert grams["c pa"] == 1 and grams["c paro"] == 1 and grams["cro "] == 1
    assert grams["c el "] == 2  # each word is padded with a space each side
    assert "c el p" not in grams  # character grams never cross a word boundary
    assert "c paro " not in grams  # at most 5 characters


def test_buckets_are_a_stable_hash_not_pythons_salted_one() -> None:
    counts = hashed_counts("paro", "es")
    assert zlib.crc32(b"w paro") % BUCKETS in counts
    assert counts == hashed_counts("paro", "es")
    assert all(0 <= index < BUCKETS for index in counts)


def test_links_handles_case_and_which_digits_do_not_change_the_features() -> None:
    assert text_for_ngrams("@Sanidad El PARO bajó un 12 % https://t.co/x", "es") == (
        "el paro bajó un 00 %"
    )
    assert hashed_counts("Subió un 12 %", "es") == hashed_counts("subió un 47 %", "es")


def test_arabic_diacritics_tatweel_and_letter_variants_read_alike() -> None:
    plain = "قالت الوزارة ان الاصابات ارتفعت"
    written = "قالَت الوزارـــة إنّ الإصابات ارتفعت"
    assert text_for_ngrams(written, "ar") == text_for_ngrams(plain, "ar")
    assert text_for_ngrams("مدرسة", "ar") == text_for_ngrams("مدرسه", "ar")
    assert text_for_ngrams("مدرسة", "es") != text_for_ngrams("مدرسه", "es")  # Arabic only


def test_the_sparse_score_equals_the_dense_tfidf_dot_product() -> None:
    rng = np.random.default_rng(3)
    idf, weights = rng.uniform(1, 5, BUCKETS), rng.normal(size=BUCKETS)
    texts = ["El paro bajó un 12 % en 2019.", "", "¡Hola!"]
    dense: list[float] = []
    for text in texts:
        vector = np.zeros(BUCKETS)
        for index, value in hashed_counts(text, "es").items():
            vector[index] = value * idf[index]
        norm = float(np.linalg.norm(vector))
        dense.append(0.5 + (float(vector @ weights) / norm if norm else 0.0))
    assert np.allclose(linear_scores(texts, "es", idf, weights, 0.5), dense)


@pytest.mark.parametrize("language", sorted(_heads_config()["languages"]))
def test_the_product_scores_what_training_scored(language: str) -> None:
    # Training recorded the scores of a few sentences through its own sparse matrices and
    # scikit-learn-fitted weights: the runtime's hashing, tf-idf and weights must agree.
    scorer = scorer_for(language)
    assert scorer is not None
    probes = _heads_config()["languages"][language]["probes"]
    scores = scorer.score([text for text, _ in probes])
    assert scores == pytest.approx([expected for _, expected in probes], abs=2e-4)
