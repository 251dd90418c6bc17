"""The stance model: does a text agree with a claim, disagree, discuss it without taking a
side, or is it unrelated?

It reads up to four passages of the text, those sharing most words with the claim
(`passages_read`), in two stages, trained on FNC-1 (training/train_stance.py) and shipped in
stance_model/:

1. relatedness, from the words claim and passage share (a logistic regression over a few
   overlap features; its weights are in config.json): cheap, and on FNC-1 as good as a
   network at telling a related passage from an unrelated one. A text is as related as its
   most related passage;
2. for related texts, agree / disagree / discuss from a cross-encoder: MiniLM-L6 fine-tuned
   on (claim, passage) pairs, exported to ONNX and quantised to int8. The text's side is the
   mean of its passages' logits; the passage shown for it is the one reading most clearly as
   that side.

Running it needs ONNX Runtime, the tokenizers library and NumPy: nothing is trained,
downloaded or put on a GPU at run time. Labels are FNC-1's; claims.evidence.services maps
them to the product's stances.
"""

import csv
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Encoding, Tokenizer

from claims.evidence.passages import WORD, query_terms, sentence_runs
from claims.extraction import segmentation
from claims.extraction.batching import padded_batches

MODEL_DIR = Path(__file__).resolve().parent / "stance_model"
AGREE, DISAGREE, DISCUSS, UNRELATED = "agree", "disagree", "discuss", "unrelated"
LABELS = (AGREE, DISAGREE, DISCUSS, UNRELATED)
SIDES = (AGREE, DISAGREE, DISCUSS)  # the cross-encoder's outputs, in this order
# Pairs (claim plus passage) run up to 128 tokens, so batches stay small: one long pair
# pads the others (measured in bench/stance.py).
BATCH_SIZE = 16
STEM = 5  # letters that fold "refuted" and "refutes", "Russia" and "Russian" together
# What the model reads of a text: its passages of three sentences sharing most words with the
# claim, up to four. An article's stance is often one sentence away from where it restates the
# claim; reading four passages and averaging found more of them than one focus passage did
# (training/README.md, "Reading four passages").
PASSAGES_READ = 4
SENTENCES_PER_PASSAGE = 3


@dataclass(frozen=True)
class Stance:
    label: str  # one of LABELS
    probability: float  # of that label
    related: float  # probability that the text is about the claim at all
    sides: dict[str, float]  # probability of each of SIDES, given that it is related


def relatedness_features(claim: str, passage: str) -> list[float]:
    """Shares of the claim's content words found in the passage: as written, by stem, and
    their number (a claim of three words matching says less than one of twelve)."""
    terms = query_terms(claim)
    if not terms:
        return [0.0, 0.0, 0.0]
    words = {word.strip("’'-") for word in WORD.findall(passage.lower())}
    stems = {word[:STEM] for word in words}
    exact = sum(1 for term in terms if term in words)
    stemmed = sum(1 for term in terms if term[:STEM] in stems)
    return [exact / len(terms), stemmed / len(terms), min(stemmed, 8) / 8]


def passages_read(claim: str, sentences: Sequence[str]) -> list[str]:
    """The passages of a text (cut into `sentences`, see `sentences_of`) the model reads for
    `claim`, most of the claim's words first."""
    found = sentence_runs(sentences, query_terms(claim), PASSAGES_READ, SENTENCES_PER_PASSAGE)
    return [passage for passage, _ in found]


def sentences_of(text: str) -> list[str]:
    return [sentence.text for sentence in segmentation.sentences(text)]


@dataclass(frozen=True)
class Reading:
    """What the model makes of one text: its stance toward the claim, and the passage of it
    that decides that stance (the one shown on an evidence card)."""

    stance: Stance
    passage: str


@dataclass(frozen=True)
class StanceModel:
    name: str
    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer
    related_weights: tuple[float, ...]
    related_bias: float
    related_threshold: float
    side_bias: np.ndarray  # added to the cross-encoder's logits; chosen on held-out data

    def read(self, texts: Sequence[tuple[str, Sequence[str]]]) -> list[Reading]:
        """The stance of each text toward its claim, for (claim, the passages read of the
        text, see `passages_read`) in order.

        A text is as related as its most related passage. Its side is the mean of the
        cross-encoder's logits over all its passages, so that a passage restating the claim
        does not outvote the one that refutes it; the passage shown is the one that reads
        most clearly as that side. Only the texts found related go through the
        cross-encoder, all their passages in batches of similar length."""
        related = [
            [self._related(claim, passage) for passage in passages] for claim, passages in texts
        ]
        to_read = [
            index
            for index, found in enumerate(related)
            if found and max(found) >= self.related_threshold
        ]
        logits = self._logits(
            [(texts[index][0], passage) for index in to_read for passage in texts[index][1]]
        )
        readings = [
            _unrelated(passages, found) for (_, passages), found in zip(texts, related, strict=True)
        ]
        first = 0
        for index in to_read:
            passages = texts[index][1]
            own = logits[first : first + len(passages)] + self.side_bias
            first += len(passages)
            readings[index] = _taking_side(passages, related[index], own)
        return readings

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[Stance]:
        """The stance of each passage toward its claim, for (claim, passage) pairs in order:
        each passage read as a text of its own."""
        return [reading.stance for reading in self.read([(c, [p]) for c, p in pairs])]

    def tokenize(self, pairs: Sequence[tuple[str, str]]) -> list[Encoding]:
        """What the cross-encoder reads of each pair ([CLS] claim [SEP] passage [SEP])."""
        return list(self.tokenizer.encode_batch(list(pairs)))

    def _related(self, claim: str, passage: str) -> float:
        features = relatedness_features(claim, passage)
        z = self.related_bias + sum(
            w * x for w, x in zip(self.related_weights, features, strict=True)
        )
        return 1 / (1 + math.exp(-z))

    def _logits(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The cross-encoder's logits over SIDES for each (claim, passage) pair."""
        logits = np.empty((len(pairs), len(SIDES)), dtype=np.float32)
        if not pairs:
            return logits
        encodings = self.tokenize(pairs)
        ids = [encoding.ids for encoding in encodings]
        for batch, input_ids, mask in padded_batches(ids, BATCH_SIZE):
            types = np.zeros_like(input_ids)
            for row, index in enumerate(batch):
                type_ids = encodings[index].type_ids
                types[row, : len(type_ids)] = type_ids
            feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": types}
            logits[batch] = self.session.run(["logits"], feed)[0]
        return logits


def _unrelated(passages: Sequence[str], related: list[float]) -> Reading:
    """A text found unrelated, shown by its most related passage."""
    p = max(related, default=0.0)
    shown = passages[related.index(p)] if passages else ""
    return Reading(Stance(UNRELATED, round(1 - p, 4), round(p, 4), {}), shown)


def _taking_side(passages: Sequence[str], related: list[float], logits: np.ndarray) -> Reading:
    """A related text: the side of the mean of its passages' logits (side bias added), shown
    by the passage most related and most clearly on that side."""
    sides = _softmax(logits.mean(axis=0))
    best = int(np.argmax(sides))
    deciding = int(np.argmax(np.asarray(related) * _softmax(logits)[:, best]))
    p = max(related)
    stance = Stance(
        SIDES[best],
        round(p * float(sides[best]), 4),
        round(p, 4),
        {side: round(float(q), 4) for side, q in zip(SIDES, sides, strict=True)},
    )
    return Reading(stance, passages[deciding])


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp: np.ndarray = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return np.asarray(exp / exp.sum(axis=-1, keepdims=True))


@cache
def load_model(folder: Path = MODEL_DIR) -> StanceModel:
    """Load the shipped model once per process."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(config["max_length"]))
    options = onnxruntime.SessionOptions()
    # One thread, as for the check-worthiness model: the same logits, and no thread pool to
    # spin between batches. With two, the spinning took the cores a busy worker needed: on the
    # shared 2-core machine (load average 14) 192 pairs of 60-128 tokens took 2.10 s of CPU
    # against 3.63 s, and ten pairs 0.3-0.5 s instead of 0.05 s (bench/README.md, gathering).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
    )
    relatedness = config["relatedness"]
    return StanceModel(
        name=str(config["name"]),
        session=session,
        tokenizer=tokenizer,
        related_weights=tuple(float(w) for w in relatedness["weights"]),
        related_bias=float(relatedness["bias"]),
        related_threshold=float(relatedness["threshold"]),
        side_bias=np.asarray([config["side_bias"][side] for side in SIDES], dtype=np.float32),
    )


# --------------------------------------------------------------------------------------------
# FNC-1's files: pairs (pair_id, headline, body_id[, stance]) and bodies (body_id, body)
# --------------------------------------------------------------------------------------------


class StanceDataError(ValueError):
    """A file that is not in FNC-1's format, with what is wrong and where."""


@dataclass(frozen=True)
class Pair:
    pair_id: str
    headline: str
    body_id: str
    stance: str  # "" when the file gives none


def read_pairs(path: Path) -> list[Pair]:
    """Read a pairs file: TAB-separated, header `pair_id headline body_id` and optionally
    `stance` (a label of LABELS)."""
    header, body = _rows(path, required=("pair_id", "headline", "body_id"))
    column = {name: header.index(name) for name in header}
    pairs = []
    for number, row in body:
        stance = row[column["stance"]].strip() if "stance" in column else ""
        if stance and stance not in LABELS:
            raise StanceDataError(f"{path}, row {number}: unknown stance {stance!r}.")
        pairs.append(
            Pair(row[column["pair_id"]], row[column["headline"]], row[column["body_id"]], stance)
        )
    return pairs


def read_bodies(path: Path) -> dict[str, str]:
    """Read a bodies file: TAB-separated, header `body_id body`."""
    header, body = _rows(path, required=("body_id", "body"))
    id_column, text_column = header.index("body_id"), header.index("body")
    return {row[id_column]: row[text_column] for _, row in body}


def _rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows of a TAB-separated file."""
    if not path.is_file():
        raise StanceDataError(f"{path} is not a file.")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article bodies are long fields
    with path.open(encoding="utf-8", newline="") as lines:
        reader = csv.reader(lines, delimiter="\t")
        header = next(reader, None)
        if header is None or not set(required) <= set(header):
            raise StanceDataError(
                f"{path}: the first line must name the columns {', '.join(required)}."
            )
        rows = []
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) < len(header):
                raise StanceDataError(f"{path}, row {number}: expected {len(header)} columns.")
            rows.append((number, row))
    return header, rows
