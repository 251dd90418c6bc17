"""The stance model: pairs per second against tokenisation alone on the same pairs.

The pairs are FNC-1's dev pairs: a headline and the passages of its body the model reads
(up to four, chosen as `manage.py stance` and the product choose them; choosing them is not
timed). Speed is given per (claim, passage) pair, what the network reads, and per article.
Two mixes:

1. all dev pairs as they come: 73 % are unrelated, which the relatedness stage decides
   without running the cross-encoder;
2. only the pairs the relatedness stage lets through, so that every pair runs the
   cross-encoder: the product's case, whose candidate passages all share the claim's words.

Each is timed against the tokenizer alone on the same pairs (what any model reading them
must at least do), in wall-clock and in CPU time. The product needs >= 100 pairs/s on 2 cores.

    .venv/bin/python bench/stance.py
"""

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.shared_data import shared_path_or_exit  # noqa: E402

DATA = shared_path_or_exit("data/stance")

from claims.evidence.stance import (  # noqa: E402
    UNRELATED,
    StanceModel,
    load_model,
    passages_read,
    read_bodies,
    read_pairs,
    sentences_of,
)


def timed(run: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all threads of the process) of the least disturbed of
    `repeat` runs: the machine is shared, and CPU time is what other processes disturb least."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return best


Text = tuple[str, list[str]]  # a claim and the passages read of one article


def main() -> None:
    model = load_model()
    pairs = read_pairs(DATA / "fnc1_dev_pairs.tsv")
    bodies = read_bodies(DATA / "fnc1_bodies.tsv")
    sentences = {body_id: sentences_of(bodies[body_id]) for body_id in {p.body_id for p in pairs}}
    every = [(p.headline, passages_read(p.headline, sentences[p.body_id])) for p in pairs]
    readings = model.read(every)
    related = [text for text, r in zip(every, readings, strict=True) if r.stance.label != UNRELATED]
    model.read(related[:16])  # warm up ONNX Runtime

    print(f"model: {model.name}; {len(every)} FNC-1 dev pairs, {len(related)} found related")
    for name, mix in (("all dev pairs", every), ("related pairs only", related)):
        report(name, model, mix)


def report(name: str, model: StanceModel, texts: list[Text]) -> None:
    passages = [(claim, passage) for claim, found in texts for passage in found]
    tokenising, tokenising_cpu = timed(lambda: model.tokenize(passages))
    predicting, predicting_cpu = timed(lambda: model.read(texts))
    print(
        f"{name:<20} tokenisation alone {len(passages) / tokenising:9.0f} passages/s (baseline); "
        f"model {len(passages) / predicting:7.0f} passages/s (target >= 100), "
        f"{len(texts) / predicting:.0f} articles/s, "
        f"{len(passages) / predicting_cpu:.0f} passages per CPU-second; "
        f"ratio {tokenising / predicting:.4f} (CPU time {tokenising_cpu / predicting_cpu:.4f})"
    )
    print(f"RATIO\tstance: model / tokenisation, pairs/s, {name}\t{tokenising / predicting:.4f}\t-")


if __name__ == "__main__":
    main()
