"""The check-worthiness models: how likely would a fact-checker pick this sentence to check?

English: a MiniLM-L6 encoder fine-tuned on the CLEF CheckThat! 2024 English training data
(training/train_checkworthiness.py), exported to ONNX. Dutch and Spanish: per language, one
linear score over the multilingual sentence encoder's vector (multilingual_encoder.py) and
the sentence's hashed word and character n-grams (ngram_features.py), trained on CheckThat!
2024 tweets (training/train_checkworthiness_multilingual.py). Both ship in
checkworthiness_model/. Arabic has none: no model trained on its tweets beat calling every
tweet check-worthy, so the training script does not ship it.

Every score is calibrated (Platt scaling fitted on data the model was not trained on), so a
score is the probability that a fact-checker would pick the sentence, comparable across
languages: 0.7 means that about 7 in 10 such sentences were picked in held-out data.
Nothing is trained, downloaded or put on a GPU at run time.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from claims.extraction import multilingual_encoder, ngram_features
from claims.extraction.batching import padded_batches

MODEL_DIR = Path(__file__).resolve().parent / "checkworthiness_model"
HEADS = "multilingual"  # multilingual.json (calibration, thresholds) + multilingual.npz (weights)
# The bands an editor sees instead of a number's shade. A calibrated score is a probability,
# so the cut-offs read as such: "likely", a fact-checker would more likely than not pick it;
# "possible", at least one in five; "unlikely", fewer.
LIKELY_FROM = 0.5
POSSIBLE_FROM = 0.2
# Measured (bench/extraction.py): larger batches pad short sentences to long ones. Int8
# activations are quantised per batch, so a score can move in the third decimal with its
# batch-mates (F1 on dev-test 0.895-0.900 across batch sizes).
BATCH_SIZE = 16
# What one call of the network costs beyond its batch's token positions, in positions
# (measured on one thread: 1.5-2 ms a call, 0.085-0.1 ms a position; of 16, 24 and 32, 32
# scored the bench's articles fastest). Batches of up to BATCH_SIZE are cut where calls and
# positions cost least (batching.py): cut every 16, an article's sentences made 30 % of the
# positions padding.
CALL_COST = 32


@dataclass(frozen=True)
class Calibration:
    """P(picked) = sigmoid(a * raw + b): Platt scaling, fitted on held-out raw scores."""

    a: float
    b: float

    def probabilities(self, raw: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-(self.a * raw + self.b))))


class Scorer(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def threshold(self) -> float:
        """A calibrated probability: at or above it, a sentence is a candidate."""

    def score(self, sentences: Sequence[str]) -> list[float]: ...


@dataclass(frozen=True)
class CheckworthinessModel:
    """The English model: fine-tuned MiniLM through ONNX Runtime."""

    name: str
    threshold: float
    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer
    calibration: Calibration

    def score(self, sentences: Sequence[str]) -> list[float]:
        """Return the calibrated probability of "Yes" for each sentence, in input order."""
        raw = _logit(self.network_probabilities(sentences))
        return _rounded(self.calibration.probabilities(raw))

    def network_probabilities(self, sentences: Sequence[str]) -> np.ndarray:
        """Return the network's own P(Yes), before calibration.

        Sentences are sorted by length and run in batches padded only to their own longest
        sentence: far less padding, and so far less work, than fixed-size batches.
        """
        ids = [encoding.ids for encoding in self.tokenizer.encode_batch(list(sentences))]
        scores = np.empty(len(ids), dtype=np.float32)
        for batch, input_ids, mask in padded_batches(ids, BATCH_SIZE, call_cost=CALL_COST):
            feed = {"input_ids": input_ids, "attention_mask": mask}
            scores[batch] = self.session.run(["prob_yes"], feed)[0]
        return scores


@dataclass(frozen=True)
class NgramPart:
    """Hashed word and character n-grams (ngram_features.py): a weight and an inverse
    document frequency per bucket."""

    language: str
    idf: np.ndarray
    weights: np.ndarray

    def raw(self, sentences: Sequence[str]) -> np.ndarray:
        return ngram_features.linear_scores(sentences, self.language, self.idf, self.weights, 0.0)


@dataclass(frozen=True)
class LanguageHead:
    """A language's model: one linear score over the multilingual encoder's vector and/or the
    sentence's hashed n-grams (the two parts' weights already scaled by their share in the
    average), then calibration."""

    name: str
    threshold: float
    bias: float
    calibration: Calibration
    encoder_weights: np.ndarray | None
    ngrams: NgramPart | None

    def score(self, sentences: Sequence[str]) -> list[float]:
        """Return the calibrated probability of "Yes" for each sentence, in input order."""
        if not sentences:
            return []
        raw = np.full(len(sentences), self.bias, dtype=np.float64)
        if self.encoder_weights is not None:
            raw += multilingual_encoder.embed(sentences) @ self.encoder_weights
        if self.ngrams is not None:
            raw += self.ngrams.raw(sentences)
        return _rounded(self.calibration.probabilities(raw))


def band(score: float, *, scored: bool) -> str:
    """Return "likely", "possible" or "unlikely" for a calibrated score, "unscored" for a
    sentence no model read."""
    if not scored:
        return "unscored"
    if score >= LIKELY_FROM:
        return "likely"
    return "possible" if score >= POSSIBLE_FROM else "unlikely"


def languages_with_model() -> frozenset[str]:
    """Return the languages (BCP-47 primary subtags) whose sentences are scored. Sentences in
    any other language are proposed unscored, chosen by signals (signals.py)."""
    return frozenset({"en", *_heads_config()["languages"]})


def scorer_for(language: str) -> Scorer | None:
    """Return the model that scores `language` ("es", "es-ES"), or None if there is none."""
    primary = language.split("-")[0].lower()
    if primary == "en":
        return load_model()
    if primary in languages_with_model():
        return _load_head(primary)
    return None


@cache
def load_model(folder: Path = MODEL_DIR) -> CheckworthinessModel:
    """Load the English model once per process."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    english = _heads_config(folder)["english_minilm"]
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(config["max_length"]))
    options = onnxruntime.SessionOptions()
    # One thread, as for the multilingual encoder: a worker scores one article at a time and
    # a machine runs several workers. On the shared 2-core machine (load average 8-12) two
    # threads, spinning while they waited for a core, made 277 sentences per CPU second
    # against one thread's 636 (bench/README.md).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
    )
    return CheckworthinessModel(
        name=f"{config['name']}-calibrated",
        threshold=float(english["threshold"]),
        session=session,
        tokenizer=tokenizer,
        calibration=Calibration(**english["calibration"]),
    )


@cache
def _load_head(language: str, folder: Path = MODEL_DIR) -> LanguageHead:
    config = _heads_config(folder)
    head = config["languages"][language]
    with np.load(folder / f"{HEADS}.npz") as arrays:
        key = f"{language}.encoder"
        encoder = np.asarray(arrays[key], dtype=np.float32) if key in arrays else None
        ngrams = None
        if f"{language}.ngram_weights" in arrays:
            ngrams = NgramPart(
                language,
                np.asarray(arrays[f"{language}.ngram_idf"], dtype=np.float64),
                np.asarray(arrays[f"{language}.ngram_weights"], dtype=np.float64),
            )
    return LanguageHead(
        name=f"{config['name']}-{language}",
        threshold=float(head["threshold"]),
        bias=float(head["bias"]),
        calibration=Calibration(**head["calibration"]),
        encoder_weights=encoder,
        ngrams=ngrams,
    )


@cache
def _heads_config(folder: Path = MODEL_DIR) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((folder / f"{HEADS}.json").read_text(encoding="utf-8"))
    return config


def _logit(probabilities: np.ndarray) -> np.ndarray:
    p = np.clip(probabilities.astype(np.float64), 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def _rounded(probabilities: np.ndarray) -> list[float]:
    return [round(float(p), 4) for p in probabilities]
