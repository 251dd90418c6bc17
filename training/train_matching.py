"""Fit the matching re-ranker and measure matching quality (MAP@5) on CheckThat! 2020.

Runs in the product's own virtualenv (NumPy and ONNX Runtime, no PyTorch):

    .venv/bin/python training/train_matching.py                # fit; write reranker.json, metrics
    .venv/bin/python training/train_matching.py --evaluate-only  # measure what ships, also
                                                                 # with headlines missing

1. index the verified claims, each with its title as its headline (retrieval is by the
   claim text; the headline is compared with each candidate's query afterwards);
2. for each train and dev tweet, retrieve candidates (top 20 by BM25, top 20 by cosine);
3. fit two logistic regressions (L2, Newton's method) on the train candidates: is this
   candidate the same claim as the tweet? One over the texts' signals alone (used when a
   candidate has no headline), one over the headlines' signals too;
4. report each one's MAP@5 by 5-fold cross-validation over the train tweets (the honest
   figure for unseen tweets), on train itself (a sanity check only) and on dev (never
   trained on);
5. choose the two thresholds on the texts model's out-of-fold train scores
   (choose_thresholds), and report how both models fare at them;
6. write claims/matching/engine/reranker.json and training/matching_metrics.json.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.matching.engine import checkthat  # noqa: E402
from claims.matching.engine.embedding import MODEL_NAME, embed  # noqa: E402
from claims.matching.engine.index import CANDIDATES, MatchIndex  # noqa: E402
from claims.matching.engine.reranking import (  # noqa: E402
    FEATURES,
    HEADLINE_FEATURES,
    RERANKER_PATH,
    Logistic,
    feature_rows,
    load_reranker,
)

DATA = ROOT.parent / "shared" / "data" / "claim-matching"
METRICS_PATH = ROOT / "training" / "matching_metrics.json"
L2 = 1.0
FOLDS = 5
# "possible match": the score that best separates the tweets' right claims from the top hit
# when the tweet's claim is not in the corpus (scored with it removed): the most right
# claims above it less the most such top hits above it (Youden's J). "same claim": the
# lowest score at which a top hit is right 75 % of the time, counting as many tweets whose
# claim is absent as tweets whose claim is present. The corpus holds near-duplicate claims,
# so "removed" often leaves another wording of the same claim on top and counts it as
# wrong: real precision is higher than these rules assume.
SAME_CLAIM_PRECISION = 0.75


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--evaluate-only", action="store_true")
    parser.add_argument("--cache", type=Path, help="keep corpus vectors in this .npy file")
    args = parser.parse_args()

    started = time.monotonic()
    index = build_index(args.data, args.cache)
    print(f"indexed {len(index)} claims in {time.monotonic() - started:.0f} s", file=sys.stderr)
    splits = {name: load_split(args.data, name, index) for name in ("train", "dev")}
    if args.evaluate_only:
        report = evaluate_shipped(splits)
        report["map@5_dev_by_share_of_headless_claims"] = headless_shares(args.data, args.cache)
        print(json.dumps(report, indent=2))
        return
    texts = fit_and_report(splits)
    headlined = {name: split.with_headlines() for name, split in splits.items()}
    with_headlines = fit_and_report(headlined, thresholds_from=texts)
    write_reranker(texts, with_headlines)
    metrics = {
        "model": MODEL_NAME,
        "candidates_per_retriever": CANDIDATES,
        "queries": {"train": len(splits["train"].queries), "dev": len(splits["dev"].queries)},
        "map@5": {
            "with_headlines": with_headlines.metrics["map@5"],
            "texts": texts.metrics["map@5"],
        },
        "single_signal_map@5": {
            name: {
                feature: single_signal(headlined[name], feature)
                for feature in ("cosine", "bm25", "headline_cosine", "headline_bm25")
            }
            for name in ("train", "dev")
        },
        "candidate_recall": {
            name: round(split.candidate_recall(), 4) for name, split in splits.items()
        },
        "thresholds": texts.metrics["thresholds"],
        # Not shipped (one pair of thresholds for both models): what the same rules would
        # choose on the headline model's own out-of-fold scores.
        "thresholds_the_headline_model_would_choose": {
            key: with_headlines.metrics["thresholds"][key]
            for key in ("possible_match", "same_claim")
        },
        "dev_at_thresholds": {
            "with_headlines": with_headlines.metrics["dev_at_thresholds"],
            "texts": texts.metrics["dev_at_thresholds"],
        },
        "models": {
            "with_headlines": with_headlines.metrics["weights"],
            "texts": texts.metrics["weights"],
        },
    }
    metrics["seconds"] = round(time.monotonic() - started)
    METRICS_PATH.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, indent=2))


class Split:
    """The candidates of every query of one split, with their signals and labels."""

    def __init__(self, queries, texts, candidates, relevant, headlines=False):
        self.queries, self.texts, self.candidates, self.relevant = (
            queries,
            texts,
            candidates,
            relevant,
        )
        self.headlines = headlines
        self.feature_names = HEADLINE_FEATURES if headlines else FEATURES
        self.features = [self.rows([c.signals for c in found]) for found in candidates]

    def with_headlines(self):
        """The same candidates, with the features of the headline model."""
        return Split(self.queries, self.texts, self.candidates, self.relevant, headlines=True)

    def rows(self, signals):
        if not signals:
            return np.zeros((0, len(self.feature_names)))
        return feature_rows(signals, headlines=self.headlines)

    def keys(self, n):
        return [candidate.key for candidate in self.candidates[n]]

    def features_without_right(self, n):
        """Feature rows as if the tweet's claim were not in the corpus (ranks recomputed)."""
        gold = self.relevant[self.queries[n]]
        return self.rows([c.signals for c in self.candidates[n] if c.key not in gold])

    def labels(self, n):
        gold = self.relevant[self.queries[n]]
        return np.array([key in gold for key in self.keys(n)], dtype=np.float64)

    def stacked(self, numbers):
        """Training rows of these tweets: their candidates as retrieved, and again as if the
        tweet's claim were not in the corpus (all wrong, ranks recomputed), so that being the
        best of a poor lot does not pass for a match; in the product most claims are new."""
        absent = [self.features_without_right(n) for n in numbers]
        return (
            np.vstack([self.features[n] for n in numbers] + absent),
            np.concatenate([self.labels(n) for n in numbers] + [np.zeros(len(a)) for a in absent]),
        )

    def ranked(self, numbers, scores):
        ranking = {}
        for n in numbers:
            order = np.argsort(-scores[n], kind="stable")
            ranking[self.queries[n]] = [self.keys(n)[i] for i in order]
        return ranking

    def relevant_of(self, numbers):
        return {self.queries[n]: self.relevant[self.queries[n]] for n in numbers}

    def candidate_recall(self):
        found = [bool(set(self.keys(n)) & self.relevant[q]) for n, q in enumerate(self.queries)]
        return sum(found) / len(found)


def fit(features, labels):
    """Fit an L2-regularised logistic regression by Newton's method (bias not penalised)."""
    x = np.hstack([features, np.ones((len(features), 1))])
    beta = np.zeros(x.shape[1])
    penalty = L2 * np.eye(x.shape[1])
    penalty[-1, -1] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (p - labels) + penalty @ beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return Logistic(weights=beta[:-1], bias=float(beta[-1]))


def corpus_texts(data):
    return {row.id: row.text for row in checkthat.read_corpus(data / "verified_claims.docs.tsv")}


def build_index(data, cache, headless=()):
    """Index the corpus, each claim with its title as headline (but those in `headless`)."""
    corpus = checkthat.read_corpus(data / "verified_claims.docs.tsv")
    texts, titles = [row.text for row in corpus], [row.title for row in corpus]
    vectors = cached_vectors(texts + titles, cache)
    index = MatchIndex()
    index.add_many(
        [(row.id, row.text) for row in corpus],
        vectors[: len(texts)],
        headlines=["" if row.id in headless else row.title for row in corpus],
        headline_vectors=vectors[len(texts) :],
    )
    return index


def headless_shares(data, cache, shares=(0.0, 0.01, 0.1, 0.5, 1.0)):
    """MAP@5 on dev of the shipped matching (MatchIndex.search) when a random share of the
    corpus has no headline, as in an archive that holds unchecked claims."""
    ids = [row.id for row in checkthat.read_corpus(data / "verified_claims.docs.tsv")]
    queries = checkthat.read_queries(data / "dev" / "tweets.queries.tsv")
    relevant = checkthat.read_qrels(data / "dev" / "tweet-vclaim-pairs.qrels")
    queries = [row for row in queries if row.id in relevant]
    report = {}
    for share in shares:
        chosen = np.random.default_rng(8).random(len(ids)) < share
        index = build_index(
            data, cache, headless={key for key, c in zip(ids, chosen, strict=True) if c}
        )
        ranked = {row.id: [hit.key for hit in index.search(row.text, top=5)] for row in queries}
        report[f"{share:.0%}"] = round(checkthat.mean_average_precision(ranked, relevant), 4)
    return report


def cached_vectors(texts, cache):
    if cache is not None and cache.exists():
        stored = np.load(cache, allow_pickle=False)
        if stored.shape[0] == len(texts):
            return stored
    vectors = embed(texts)
    if cache is not None:
        np.save(cache, vectors)
    return vectors


def load_split(data, name, index):
    queries = checkthat.read_queries(data / name / "tweets.queries.tsv")
    relevant = checkthat.read_qrels(data / name / "tweet-vclaim-pairs.qrels")
    queries = [row for row in queries if row.id in relevant]
    candidates = [index.retrieve(row.text) for row in queries]
    return Split([row.id for row in queries], [row.text for row in queries], candidates, relevant)


def folds(numbers):
    order = np.random.default_rng(8).permutation(numbers)
    return [sorted(int(n) for n in order[fold::FOLDS]) for fold in range(FOLDS)]


class Fitted:
    def __init__(self, model, possible, same, metrics):
        self.model, self.possible, self.same, self.metrics = model, possible, same, metrics


def fit_and_report(splits, thresholds_from=None):
    """Fit one re-ranker on the train split's features and measure it; the thresholds are
    chosen on its out-of-fold scores unless taken from another fitted model."""
    train, dev = splits["train"], splits["dev"]
    everyone = list(range(len(train.queries)))
    oof, absent = {}, {}
    fold_maps = []
    for part in folds(everyone):
        kept = [n for n in everyone if n not in set(part)]
        model = fit(*train.stacked(kept))
        scores = {n: model.probabilities(train.features[n]) for n in part}
        oof.update(scores)
        absent.update({n: model.probabilities(train.features_without_right(n)) for n in part})
        fold_maps.append(
            checkthat.mean_average_precision(train.ranked(part, scores), train.relevant_of(part))
        )
    model = fit(*train.stacked(everyone))
    possible, same, threshold_report = choose_thresholds(train, everyone, oof, absent)
    if thresholds_from is not None:
        possible, same = thresholds_from.possible, thresholds_from.same
    dev_all = list(range(len(dev.queries)))
    dev_scores = {n: model.probabilities(dev.features[n]) for n in dev_all}
    dev_absent = {n: model.probabilities(dev.features_without_right(n)) for n in dev_all}
    names = train.feature_names
    metrics = {
        "weights": dict(zip(names, [round(float(w), 4) for w in model.weights], strict=True)),
        "map@5": {
            "train_cv5": round(
                checkthat.mean_average_precision(train.ranked(everyone, oof), train.relevant), 4
            ),
            "train_cv5_folds": [round(value, 4) for value in fold_maps],
            "train_fit_sanity_check": map_at_5(train, everyone, model),
            "dev": map_at_5(dev, dev_all, model),
        },
        "thresholds": threshold_report,
        "dev_at_thresholds": outcomes(dev, dev_all, dev_scores, dev_absent, possible, same),
    }
    return Fitted(model, possible, same, metrics)


def map_at_5(split, numbers, model):
    scores = {n: model.probabilities(split.features[n]) for n in numbers}
    return round(
        checkthat.mean_average_precision(split.ranked(numbers, scores), split.relevant_of(numbers)),
        4,
    )


def single_signal(split, feature, numbers=None):
    """MAP@5 of ranking the same candidates by one signal alone."""
    numbers = list(range(len(split.queries))) if numbers is None else numbers
    column = split.feature_names.index(feature)
    scores = {n: split.features[n][:, column] for n in numbers}
    return round(
        checkthat.mean_average_precision(split.ranked(numbers, scores), split.relevant_of(numbers)),
        4,
    )


def per_query(split, numbers, scores, absent):
    """Per query: best score of a right candidate (0 if none was retrieved), the top score
    when the tweet's claim is not in the corpus (`absent`: scored without it), the top score
    and whether the top hit is right, and whether a right one is in the top 5."""
    rows = []
    for n in numbers:
        labels = split.labels(n).astype(bool)
        s = scores[n]
        order = np.argsort(-s, kind="stable")
        rows.append(
            (
                s[labels].max() if labels.any() else 0.0,
                absent[n].max() if len(absent[n]) else 0.0,
                s.max() if len(s) else 0.0,
                bool(len(s)) and bool(labels[order[0]]),
                bool(labels[order[:5]].any()),
            )
        )
    right, wrong, top, top_right, in_top5 = (np.array(column) for column in zip(*rows, strict=True))
    return right, wrong, top, top_right.astype(bool), in_top5.astype(bool)


def choose_thresholds(split, numbers, scores, absent):
    right, wrong, top, top_right, _ = per_query(split, numbers, scores, absent)
    grid = np.round(np.arange(0.01, 1.0, 0.01), 2)
    separation = [np.mean(right >= t) - np.mean(wrong >= t) for t in grid]
    possible = float(grid[int(np.argmax(separation))])
    same = 1.0
    for candidate in np.arange(0.01, 1.0, 0.01):
        correct = np.sum((top >= candidate) & top_right)
        mistaken = np.sum((top >= candidate) & ~top_right) + np.sum(wrong >= candidate)
        if correct and correct / (correct + mistaken) >= SAME_CLAIM_PRECISION:
            same = float(round(candidate, 2))
            break
    report = {
        "chosen_on": "out-of-fold scores of the 5-fold cross-validation on train",
        "rule": "possible: most right claims above it less most top hits above it when the "
        "claim is absent (Youden's J); same: the lowest at which top hits are right "
        f"{SAME_CLAIM_PRECISION:.0%} of the time, "
        "tweets with their claim removed from the corpus counted as often as with it",
        "possible_match": possible,
        "same_claim": same,
        "train_oof": outcomes(split, numbers, scores, absent, possible, same),
    }
    return possible, same, report


def outcomes(split, numbers, scores, absent, possible, same):
    right, wrong, top, top_right, _ = per_query(split, numbers, scores, absent)
    return {
        "claim_present_right_claim_above_possible": round(float(np.mean(right >= possible)), 4),
        "claim_present_top_hit_above_same_and_right": round(
            float(np.mean((top >= same) & top_right)), 4
        ),
        "claim_present_top_hit_above_same_but_wrong": round(
            float(np.mean((top >= same) & ~top_right)), 4
        ),
        "claim_absent_top_hit_above_possible": round(float(np.mean(wrong >= possible)), 4),
        "claim_absent_top_hit_above_same": round(float(np.mean(wrong >= same)), 4),
    }


def write_reranker(texts, with_headlines):
    config = {
        "texts": logistic_config(texts.model, FEATURES),
        "with_headlines": logistic_config(with_headlines.model, HEADLINE_FEATURES),
        "possible_match_threshold": texts.possible,
        "same_claim_threshold": texts.same,
        "trained_on": "CLEF CheckThat! 2020 Task 2 English, train split (800 tweets)",
    }
    RERANKER_PATH.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    load_reranker.cache_clear()


def logistic_config(model, features):
    return {
        "features": list(features),
        "weights": [round(float(w), 6) for w in model.weights],
        "bias": round(model.bias, 6),
    }


def evaluate_shipped(splits):
    reranker = load_reranker()
    report = {}
    for name, split in splits.items():
        numbers = list(range(len(split.queries)))
        report[f"map@5_{name}_texts"] = map_at_5(split, numbers, reranker.texts)
        headlined = split.with_headlines()
        report[f"map@5_{name}_with_headlines"] = map_at_5(
            headlined, numbers, reranker.with_headlines
        )
    return report


if __name__ == "__main__":
    main()
