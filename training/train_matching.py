"""Train the matching re-ranker and measure matching quality (MAP@5) on CheckThat! 2020.

Runs in the product's own virtualenv (NumPy only, no PyTorch):

    .venv/bin/python training/train_matching.py            # train, write reranker.json + metrics
    .venv/bin/python training/train_matching.py --evaluate-only   # measure the shipped model

1. index the verified claims (claim text; titles are not indexed, see README);
2. for each train tweet, retrieve candidates (top 20 by BM25 and by cosine) and their signals;
3. fit a logistic regression (L2, Newton's method) on train candidates: is this the same claim?
4. report MAP@5 by 5-fold cross-validation over train tweets (the honest figure for unseen
   tweets), on train itself (sanity check only) and on dev (never trained or tuned on);
5. choose the two thresholds on out-of-fold train scores (see choose_thresholds);
6. write claims/matching/reranker.json and training/matching_metrics.json.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claims.matching import checkthat  # noqa: E402
from claims.matching.embedding import MODEL_NAME, embed  # noqa: E402
from claims.matching.index import CANDIDATES, MatchIndex  # noqa: E402
from claims.matching.reranking import FEATURES, RERANKER_PATH, load_reranker  # noqa: E402
from claims.matching.text import clean  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "claim-matching"
METRICS_PATH = ROOT / "training" / "matching_metrics.json"
L2 = 1.0
FOLDS = 5
# Thresholds: "possible match" keeps 95 % of the true matches found in the top 5 above it;
# "same claim" is where a top hit above it is right 95 % of the time, counting tweets whose
# claim is not in the corpus at all (simulated by removing it) as often as those whose is.
POSSIBLE_MATCH_RECALL = 0.95
SAME_CLAIM_PRECISION = 0.95


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
        print(json.dumps(evaluate_shipped(splits), indent=2))
        return
    metrics = train(splits)
    metrics["seconds"] = round(time.monotonic() - started)
    METRICS_PATH.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(metrics, indent=2))


class Split:
    """The candidates of every query of one split, as feature rows with labels."""

    def __init__(self, queries: list[str], keys: list[list[str]], features: list[np.ndarray],
                 relevant: dict[str, set[str]]) -> None:
        self.queries, self.keys, self.features, self.relevant = queries, keys, features, relevant

    def labels(self, number: int) -> np.ndarray:
        gold = self.relevant[self.queries[number]]
        return np.array([key in gold for key in self.keys[number]], dtype=np.float64)

    def stacked(self, numbers: list[int]) -> tuple[np.ndarray, np.ndarray]:
        return (np.vstack([self.features[n] for n in numbers]),
                np.concatenate([self.labels(n) for n in numbers]))

    def ranked(self, numbers: list[int], model: "Logistic") -> dict[str, list[str]]:
        ranking = {}
        for n in numbers:
            scores = model.probabilities(self.features[n])
            order = np.argsort(-scores, kind="stable")
            ranking[self.queries[n]] = [self.keys[n][i] for i in order]
        return ranking

    def recall_of_candidates(self) -> float:
        found = [bool(set(keys) & self.relevant[q]) for q, keys in zip(self.queries, self.keys)]
        return sum(found) / len(found)


class Logistic:
    def __init__(self, weights: np.ndarray, bias: float) -> None:
        self.weights, self.bias = weights, bias

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(features @ self.weights + self.bias)))


def fit(features: np.ndarray, labels: np.ndarray) -> Logistic:
    """Fit an L2-regularised logistic regression by Newton's method (bias not penalised)."""
    x = np.hstack([features, np.ones((len(features), 1))])
    beta = np.zeros(x.shape[1])
    penalty = L2 * np.eye(x.shape[1])
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (p - labels) + penalty @ beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return Logistic(beta[:-1], float(beta[-1]))


def build_index(data: Path, cache: Path | None) -> MatchIndex:
    corpus = checkthat.read_corpus(data / "verified_claims.docs.tsv")
    items = [(row.id, row.text) for row in corpus]
    vectors = None
    if cache is not None and cache.exists():
        stored = np.load(cache, allow_pickle=False)
        if stored.shape[0] == len(items):
            vectors = stored
    if vectors is None:
        vectors = embed([clean(text) for _, text in items])
        if cache is not None:
            np.save(cache, vectors)
    index = MatchIndex()
    index.add_many(items, vectors)
    return index


def load_split(data: Path, name: str, index: MatchIndex) -> Split:
    queries = checkthat.read_queries(data / name / "tweets.queries.tsv")
    relevant = checkthat.read_qrels(data / name / "tweet-vclaim-pairs.qrels")
    queries = [row for row in queries if row.id in relevant]
    keys, features = [], []
    for row in queries:
        found = index.retrieve(row.text)
        keys.append([key for key, _ in found])
        features.append(np.array([signals.features() for _, signals in found]).reshape(-1, len(FEATURES)))
    return Split([row.id for row in queries], keys, features, relevant)


def folds(count: int) -> list[list[int]]:
    order = np.random.default_rng(8).permutation(count)
    return [sorted(int(n) for n in order[fold::FOLDS]) for fold in range(FOLDS)]


def train(splits: dict[str, Split]) -> dict[str, object]:
    train_split, dev = splits["train"], splits["dev"]
    everyone = list(range(len(train_split.queries)))
    out_of_fold: dict[str, list[str]] = {}
    fold_scores: list[tuple[float, bool, bool]] = []  # (top score, top is right, any right)
    fold_maps = []
    oof_scores: list[np.ndarray] = [np.zeros(0)] * len(everyone)
    for held_out in folds(len(everyone)):
        kept = [n for n in everyone if n not in set(held_out)]
        model = fit(*train_split.stacked(kept))
        ranked = train_split.ranked(held_out, model)
        fold_maps.append(checkthat.mean_average_precision(
            ranked, {train_split.queries[n]: train_split.relevant[train_split.queries[n]] for n in held_out}))
        out_of_fold.update(ranked)
        for n in held_out:
            oof_scores[n] = model.probabilities(train_split.features[n])
    model = fit(*train_split.stacked(everyone))
    possible, same, threshold_report = choose_thresholds(train_split, oof_scores)
    write_reranker(model, possible, same)
    return {
        "model": MODEL_NAME,
        "features": list(FEATURES),
        "candidates_per_retriever": CANDIDATES,
        "map@5": {
            "train_cv5": round(checkthat.mean_average_precision(out_of_fold, train_split.relevant), 4),
            "train_cv5_folds": [round(value, 4) for value in fold_maps],
            "train_fit_sanity_check": round(map_at_5(train_split, model), 4),
            "dev": round(map_at_5(dev, model), 4),
        },
        "baselines_map@5": {split: baselines(splits[split]) for split in ("train", "dev")},
        "candidate_recall": {split: round(splits[split].recall_of_candidates(), 4) for split in ("train", "dev")},
        "thresholds": threshold_report,
        "dev_at_thresholds": threshold_outcomes(dev, [model.probabilities(f) for f in dev.features], possible, same),
    }


def map_at_5(split: Split, model: Logistic) -> float:
    return checkthat.mean_average_precision(split.ranked(list(range(len(split.queries))), model), split.relevant)


def baselines(split: Split) -> dict[str, float]:
    """MAP@5 of each retriever alone, over the same candidates."""
    result = {}
    for name in ("cosine", "bm25"):
        column = FEATURES.index(name)
        ranked = {}
        for n, query in enumerate(split.queries):
            order = np.argsort(-split.features[n][:, column], kind="stable")
            ranked[query] = [split.keys[n][i] for i in order]
        result[name] = round(checkthat.mean_average_precision(ranked, split.relevant), 4)
    return result


def top_scores(split: Split, scores: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per query: score of the best right candidate (or 0), best score with the right ones
    removed (the tweet's claim not in the corpus), and whether the top hit is right."""
    right, without, top_right = [], [], []
    for n in range(len(split.queries)):
        labels = split.labels(n).astype(bool)
        s = scores[n]
        right.append(s[labels].max() if labels.any() else 0.0)
        without.append(s[~labels].max() if (~labels).any() else 0.0)
        top_right.append(bool(labels[np.argmax(s)]) if len(s) else False)
    return np.array(right), np.array(without), np.array(top_right)


def choose_thresholds(split: Split, scores: list[np.ndarray]) -> tuple[float, float, dict[str, object]]:
    right, without, top_right = top_scores(split, scores)
    top5_right = []
    for n in range(len(split.queries)):
        labels = split.labels(n).astype(bool)
        order = np.argsort(-scores[n])[:5]
        top5_right.append(right[n] if labels[order].any() else 0.0)
    found = np.array(top5_right)
    found = found[found > 0]
    possible = float(np.floor(np.quantile(found, 1 - POSSIBLE_MATCH_RECALL) * 100) / 100)
    # Both populations: tweet with its claim present (top hit right or wrong) and absent.
    top = np.array([s.max() if len(s) else 0.0 for s in scores])
    same = 1.0
    for candidate in np.arange(0.99, 0.0, -0.01):
        correct = np.sum((top >= candidate) & top_right)
        wrong = np.sum((top >= candidate) & ~top_right) + np.sum(without >= candidate)
        if not correct:
            continue
        if correct / (correct + wrong) < SAME_CLAIM_PRECISION:
            break
        same = float(round(candidate, 2))
    report = {
        "chosen_on": "out-of-fold scores of the 5-fold cross-validation on train",
        "possible_match": possible,
        "same_claim": same,
        "train_oof": threshold_outcomes(split, scores, possible, same),
    }
    return possible, same, report


def threshold_outcomes(split: Split, scores: list[np.ndarray], possible: float, same: float) -> dict[str, float]:
    right, without, top_right = top_scores(split, scores)
    top = np.array([s.max() if len(s) else 0.0 for s in scores])
    return {
        "claim_present_true_match_above_possible": round(float(np.mean(right >= possible)), 4),
        "claim_present_top_hit_above_same_and_right": round(float(np.mean((top >= same) & top_right)), 4),
        "claim_present_top_hit_above_same_but_wrong": round(float(np.mean((top >= same) & ~top_right)), 4),
        "claim_absent_top_hit_above_possible": round(float(np.mean(without >= possible)), 4),
        "claim_absent_top_hit_above_same": round(float(np.mean(without >= same)), 4),
    }


def write_reranker(model: Logistic, possible: float, same: float) -> None:
    config = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in model.weights],
        "bias": round(model.bias, 6),
        "possible_match_threshold": possible,
        "same_claim_threshold": same,
        "trained_on": "CLEF CheckThat! 2020 Task 2 English, train split (800 tweets)",
    }
    RERANKER_PATH.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    load_reranker.cache_clear()


def evaluate_shipped(splits: dict[str, Split]) -> dict[str, float]:
    reranker = load_reranker()
    model = Logistic(reranker.weights, reranker.bias)
    return {f"map@5_{name}": round(map_at_5(split, model), 4) for name, split in splits.items()}


if __name__ == "__main__":
    main()
