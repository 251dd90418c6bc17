"""The check-worthiness model: does a sentence contain a factual claim worth checking?

A MiniLM-L6 encoder fine-tuned on the CLEF CheckThat! 2024 English training data
(training/train_checkworthiness.py), exported to ONNX and shipped in
claims/checkworthiness_model/. Running it needs only ONNX Runtime, the tokenizers
library and NumPy: nothing is trained, downloaded or put on a GPU at run time.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from claims.extraction.batching import padded_batches

MODEL_DIR = Path(__file__).resolve().parent / "checkworthiness_model"
LANGUAGES = frozenset({"en"})  # what the model was trained on
# Measured (bench/extraction.py): larger batches pad short sentences to long ones. Int8
# activations are quantised per batch, so a score can move in the third decimal with its
# batch-mates (F1 on dev-test 0.895-0.900 across batch sizes).
BATCH_SIZE = 16


def languages_with_model() -> frozenset[str]:
    """Return the languages (primary subtags) a check-worthiness model reads. Sentences in
    any other language are proposed unscored, chosen by signals (signals.py)."""
    return LANGUAGES


@dataclass(frozen=True)
class CheckworthinessModel:
    name: str
    threshold: float
    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer

    def score(self, sentences: Sequence[str]) -> list[float]:
        """Return the probability of "Yes" for each sentence, in input order.

        Sentences are sorted by length and run in batches padded only to their own longest
        sentence: far less padding, and so far less work, than fixed-size batches.
        """
        if not sentences:
            return []
        ids = [encoding.ids for encoding in self.tokenizer.encode_batch(list(sentences))]
        scores = np.empty(len(ids), dtype=np.float32)
        for batch, input_ids, mask in padded_batches(ids, BATCH_SIZE):
            feed = {"input_ids": input_ids, "attention_mask": mask}
            scores[batch] = self.session.run(["prob_yes"], feed)[0]
        return [round(float(score), 4) for score in scores]


@cache
def load_model(folder: Path = MODEL_DIR) -> CheckworthinessModel:
    """Load the shipped model once per process."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(config["max_length"]))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
    )
    return CheckworthinessModel(
        name=str(config["name"]),
        threshold=float(config["threshold"]),
        session=session,
        tokenizer=tokenizer,
    )
