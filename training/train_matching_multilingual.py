"""Fit the multilingual re-ranker (matching across languages) and measure it on CheckThat! 2020.

    .venv/bin/python training/train_matching_multilingual.py [--english-cache FILE.npy]

The same steps as train_matching.py, in the multilingual encoder's space
(claims/matching/engine/multilingual.py):

1. index the verified claims with the Universal Sentence Encoder multilingual v3, each with
   its title as its headline;
2. for each train and dev tweet, take the 20 nearest claims by cosine;
3. fit two logistic regressions on the train candidates, as retrieved and again with the
   tweet's claim left out (texts alone; texts and headlines), over signals that do not need
   the two texts to share a language: cosine, its rank and gap, numbers;
4. the likeness gate from the cosines of the train split's same-claim pairs: none below the
   floor, 98 % from the full mark;
5. report MAP@5 (5-fold cross-validation on train, dev never trained on), the thresholds the
   rules of train_matching.py would choose on its own out-of-fold scores, and how dev fares
   at the product's thresholds (the ones the English model chose: a score means one thing);
6. compare, on the English dev tweets and the product's own scoring (gate included), the
   English matcher alone, the multilingual one alone, and both merged by the best score
   (which is better for English claims decides how the two are combined);
7. write claims/matching/engine/reranker_multilingual.json and
   training/matching_multilingual_metrics.json.

The cross-language figures (claims translated into ru, de, es, fr, nl, ar) come from
tests/claims/matching/crosslingual.py, measured by
`.venv/bin/python training/train_matching_multilingual.py --crosslingual-only`.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

import train_matching as english  # noqa: E402

from claims.matching.engine import checkthat, multilingual  # noqa: E402
from claims.matching.engine.index import MatchIndex  # noqa: E402
from claims.matching.engine.reranking import load_reranker as load_english_reranker  # noqa: E402

DATA = english.DATA
METRICS_PATH = ROOT / "training" / "matching_multilingual_metrics.json"
GATE_FULL_SHARE = 0.98


class Split(english.Split):
    """A split's candidates from the multilingual index, with its features."""

    def __init__(self, queries, texts, candidates, relevant, headlines=False):
        self.headlines = headlines
        super().__init__(queries, texts, candidates, relevant, headlines)
        self.feature_names = multilingual.HEADLINE_FEATURES if headlines else multilingual.FEATURES

    def with_headlines(self):
        return Split(self.queries, self.texts, self.candidates, self.relevant, headlines=True)

    def rows(self, signals):
        if not signals:
            width = len(multilingual.HEADLINE_FEATURES if self.headlines else multilingual.FEATURES)
            return np.zeros((0, width))
        return multilingual.feature_rows(signals, headlines=self.headlines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--english-cache", type=Path, help="English corpus vectors (.npy)")
    parser.add_argument("--crosslingual-only", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    if args.crosslingual_only:
        print(json.dumps(crosslingual_report(args.data), indent=2))
        return
    corpus = checkthat.read_corpus(args.data / "verified_claims.docs.tsv")
    index = build_index(corpus)
    print(f"indexed {len(index)} claims in {time.monotonic() - started:.0f} s", file=sys.stderr)
    splits = {name: load_split(args.data, name, index) for name in ("train", "dev")}
    floor, full = likeness_gate(splits["train"], corpus)
    texts = english.fit_and_report(splits)
    headlined = {name: split.with_headlines() for name, split in splits.items()}
    with_headlines = english.fit_and_report(headlined)
    write_reranker(texts, with_headlines, floor, full)
    shipped = load_english_reranker()
    product = (shipped.possible_match_threshold, shipped.same_claim_threshold)
    metrics = {
        "model": multilingual.MODEL_NAME,
        "candidates": multilingual.CANDIDATES,
        "queries": {"train": len(splits["train"].queries), "dev": len(splits["dev"].queries)},
        "candidate_recall": {
            name: round(split.candidate_recall(), 4) for name, split in splits.items()
        },
        "likeness_gate": {"cosine_floor": floor, "cosine_full": full},
        "map@5": {
            "with_headlines": with_headlines.metrics["map@5"],
            "texts": texts.metrics["map@5"],
        },
        "thresholds_its_own_scores_would_choose": {
            "texts": texts.metrics["thresholds"],
            "with_headlines": with_headlines.metrics["thresholds"],
        },
        "product_thresholds": {"possible_match": product[0], "same_claim": product[1]},
        "dev_at_product_thresholds": {
            name: at_thresholds(fitted, split, *product)
            for name, fitted, split in (
                ("with_headlines", with_headlines, headlined["dev"]),
                ("texts", texts, splits["dev"]),
            )
        },
        "models": {
            "with_headlines": with_headlines.metrics["weights"],
            "texts": texts.metrics["weights"],
        },
        "english_dev_by_combination": combinations(
            args.data, corpus, index, args.english_cache, product
        ),
        "crosslingual": crosslingual_report(args.data),
    }
    metrics["seconds"] = round(time.monotonic() - started)
    METRICS_PATH.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, indent=2))


def build_index(corpus):
    vectors = multilingual.embed([row.text for row in corpus] + [row.title for row in corpus])
    index = multilingual.MultilingualIndex()
    index.add_many(
        [(row.id, row.text) for row in corpus],
        vectors[: len(corpus)],
        headlines=[row.title for row in corpus],
        headline_vectors=vectors[len(corpus) :],
    )
    return index


def load_split(data, name, index):
    queries, relevant = dev_queries(data, name)
    vectors = multilingual.embed([row.text for row in queries])
    candidates = [
        index.retrieve(row.text, vector) for row, vector in zip(queries, vectors, strict=True)
    ]
    return Split([row.id for row in queries], [row.text for row in queries], candidates, relevant)


def dev_queries(data, name="dev"):
    queries = checkthat.read_queries(data / name / "tweets.queries.tsv")
    relevant = checkthat.read_qrels(data / name / "tweet-vclaim-pairs.qrels")
    return [row for row in queries if row.id in relevant], relevant


def likeness_gate(split, corpus):
    """Floor: below the least cosine of a train tweet and its claim; full: the cosine that
    GATE_FULL_SHARE of those pairs reach (every pair, retrieved or not)."""
    texts = {row.id: row.text for row in corpus}
    pairs = [
        (text, key)
        for query, text in zip(split.queries, split.texts, strict=True)
        for key in split.relevant[query]
        if key in texts
    ]
    tweets = multilingual.embed([text for text, _ in pairs])
    claims = multilingual.embed([texts[key] for _, key in pairs])
    cosines = np.sum(tweets * claims, axis=1)
    floor = round(float(np.floor(cosines.min() * 100) / 100), 2)
    full = round(float(np.floor(np.quantile(cosines, 1 - GATE_FULL_SHARE) * 100) / 100), 2)
    return floor, full


def at_thresholds(fitted, split, possible, same):
    numbers = list(range(len(split.queries)))
    scores = {n: fitted.model.probabilities(split.features[n]) for n in numbers}
    absent = {n: fitted.model.probabilities(split.features_without_right(n)) for n in numbers}
    return english.outcomes(split, numbers, scores, absent, possible, same)


def write_reranker(texts, with_headlines, floor, full):
    config = {
        "texts": english.logistic_config(texts.model, multilingual.FEATURES),
        "with_headlines": english.logistic_config(
            with_headlines.model, multilingual.HEADLINE_FEATURES
        ),
        "cosine_floor": floor,
        "cosine_full": full,
        "trained_on": "CLEF CheckThat! 2020 Task 2 English, train split (800 tweets), "
        f"vectors of {multilingual.MODEL_NAME}",
    }
    multilingual.RERANKER_PATH.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    multilingual.load_reranker.cache_clear()


def combinations(data, corpus, index, english_cache, thresholds):
    """English dev tweets scored as the product scores them (gate included): the English
    matcher, the multilingual one, and both merged by the best score per claim; MAP@5 and
    the outcomes at the product's thresholds (absent: the tweet's claim taken out)."""
    english_index = MatchIndex()
    texts, titles = [row.text for row in corpus], [row.title for row in corpus]
    vectors = english.cached_vectors(texts + titles, english_cache)
    english_index.add_many(
        [(row.id, row.text) for row in corpus],
        vectors[: len(texts)],
        headlines=titles,
        headline_vectors=vectors[len(texts) :],
    )
    queries, relevant = dev_queries(data)
    query_vectors = multilingual.embed([row.text for row in queries])
    english_reranker = load_english_reranker()
    multilingual_reranker = multilingual.load_reranker()
    runs = {"english": {}, "multilingual": {}, "merged_best": {}}
    for row, vector in zip(queries, query_vectors, strict=True):
        gold = relevant[row.id]
        found = english_index.retrieve(row.text)
        near = index.retrieve(row.text, vector)
        for absent in (False, True):
            kept_english = [c for c in found if not (absent and c.key in gold)]
            kept_near = [c for c in near if not (absent and c.key in gold)]
            by_english = dict(
                zip(
                    [c.key for c in kept_english],
                    english_reranker.probabilities([c.signals for c in kept_english]),
                    strict=True,
                )
            )
            by_multilingual = dict(
                zip(
                    [c.key for c in kept_near],
                    multilingual_reranker.probabilities([c.signals for c in kept_near]),
                    strict=True,
                )
            )
            merged = dict(by_english)
            for key, score in by_multilingual.items():
                merged[key] = max(score, merged.get(key, 0.0))
            for name, scores in (
                ("english", by_english),
                ("multilingual", by_multilingual),
                ("merged_best", merged),
            ):
                runs[name][(row.id, absent)] = scores
    report = {}
    possible, same = thresholds
    for name, run in runs.items():
        ranked = {
            query: sorted(scores, key=lambda key: -scores[key])[:5]
            for (query, absent), scores in run.items()
            if not absent
        }
        present = [(query, scores) for (query, absent), scores in run.items() if not absent]
        gone = [scores for (_, absent), scores in run.items() if absent]
        right = np.array(
            [max([s for k, s in sc.items() if k in relevant[q]], default=0.0) for q, sc in present]
        )
        top = [
            (max(sc.values(), default=0.0), max(sc, key=sc.get) in relevant[q] if sc else False)
            for q, sc in present
        ]
        wrong = np.array([max(sc.values(), default=0.0) for sc in gone])
        report[name] = {
            "map@5": round(checkthat.mean_average_precision(ranked, relevant), 4),
            "claim_present_right_claim_above_possible": round(float(np.mean(right >= possible)), 4),
            "claim_present_top_hit_above_same_and_right": round(
                float(np.mean([s >= same and ok for s, ok in top])), 4
            ),
            "claim_absent_top_hit_above_possible": round(float(np.mean(wrong >= possible)), 4),
            "claim_absent_top_hit_above_same": round(float(np.mean(wrong >= same)), 4),
        }
    return report


def crosslingual_report(data):
    """Our checks, in English, among the real verified claims; each translated claim (ru, de,
    es, fr, nl, ar) searched: is its check the top hit, and above which threshold?"""
    sys.path.insert(0, str(ROOT / "tests" / "claims" / "matching"))
    import crosslingual  # the translations the tests use

    return crosslingual.measure(data / "verified_claims.docs.tsv")


if __name__ == "__main__":
    main()
