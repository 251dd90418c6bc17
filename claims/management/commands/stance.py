"""The stance of article bodies toward headlines, for researchers: FNC-1's files in,
one label per pair out.

    manage.py stance pairs.tsv bodies.tsv > stances.tsv

Input: FNC-1's format, TAB separated with csv quoting: the pairs with a header naming
pair_id, headline and body_id (a stance column is optional), the bodies with body_id and
body. Output: one line per pair, `pair_id<TAB>label<TAB>probability`, the label one of
agree, disagree, discuss, unrelated, from the same model as the product. When every pair
carries a stance, the macro-F1 over the four labels goes to standard error.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.evidence.stance import (
    LABELS,
    Pair,
    Stance,
    StanceDataError,
    load_model,
    passages_read,
    read_bodies,
    read_pairs,
    sentences_of,
)

CHUNK = 512


class Command(BaseCommand):
    help = "Label FNC-1 (headline, body) pairs: pair_id, agree/disagree/discuss/unrelated, p."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pairs", type=Path)
        parser.add_argument("bodies", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pairs, bodies = read_pairs(options["pairs"]), read_bodies(options["bodies"])
        except StanceDataError as error:
            raise CommandError(str(error)) from None
        unknown = sorted({pair.body_id for pair in pairs} - set(bodies))
        if unknown:
            raise CommandError(
                f"{options['pairs']}: body_id {', '.join(unknown[:5])} not in {options['bodies']}."
            )
        predicted = []
        for first in range(0, len(pairs), CHUNK):
            chunk = pairs[first : first + CHUNK]
            for pair, stance in zip(chunk, self._predict(chunk, bodies), strict=True):
                self.stdout.write(f"{pair.pair_id}\t{stance.label}\t{stance.probability:.4f}")
                predicted.append(stance.label)
        if pairs and all(pair.stance for pair in pairs):
            score = macro_f1([pair.stance for pair in pairs], predicted)
            self.stderr.write(f"macro-F1 {score:.4f} over {len(pairs)} pairs")

    def _predict(self, pairs: list[Pair], bodies: dict[str, str]) -> list[Stance]:
        """Each body read as the product reads a source: its passages sharing most words
        with the headline (`passages_read`)."""
        sentences = {
            body_id: sentences_of(bodies[body_id]) for body_id in {p.body_id for p in pairs}
        }
        texts = [(p.headline, passages_read(p.headline, sentences[p.body_id])) for p in pairs]
        return [reading.stance for reading in load_model().read(texts)]


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """The mean over FNC-1's four labels of each label's F1."""
    f1s = []
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label != g)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label != p)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)
