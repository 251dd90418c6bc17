"""The stance model: pairs per second against tokenisation alone on the same pairs.

The pairs are FNC-1's dev pairs (headline, and the sentences of its body the model reads,
chosen as `manage.py stance` chooses them; choosing them is not timed). Two mixes:

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
    focus,
    load_model,
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


def main() -> None:
    model = load_model()
    pairs = read_pairs(DATA / "fnc1_dev_pairs.tsv")
    bodies = read_bodies(DATA / "fnc1_bodies.tsv")
    sentences = {body_id: sentences_of(bodies[body_id]) for body_id in {p.body_id for p in pairs}}
    every = [
        (p.headline, focus(p.headline, sentences[p.body_id], model.focus_words)) for p in pairs
    ]
    stances = model.predict(every)
    related = [pair for pair, s in zip(every, stances, strict=True) if s.label != UNRELATED]
    model.predict(related[:64])  # warm up ONNX Runtime

    print(f"model: {model.name}; {len(every)} FNC-1 dev pairs, {len(related)} found related")
    for name, mix in (("all dev pairs", every), ("related pairs only", related)):
        report(name, model, mix)


def report(name: str, model: StanceModel, pairs: list[tuple[str, str]]) -> None:
    tokenising, tokenising_cpu = timed(lambda: model.tokenize(pairs))
    predicting, predicting_cpu = timed(lambda: model.predict(pairs))
    print(
        f"{name:<20} tokenisation alone {len(pairs) / tokenising:9.0f} pairs/s (baseline); "
        f"model {len(pairs) / predicting:7.0f} pairs/s (target >= 100), "
        f"{len(pairs) / predicting_cpu:.0f} pairs per CPU-second; "
        f"ratio {tokenising / predicting:.4f} (CPU time {tokenising_cpu / predicting_cpu:.4f})"
    )
    print(f"RATIO\tstance: model / tokenisation, pairs/s, {name}\t{tokenising / predicting:.4f}\t-")


if __name__ == "__main__":
    main()
