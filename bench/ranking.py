"""Do claims someone makes rank above the context a reporter states? (issue 15, item 2)

Pairwise ordering accuracy: of every pair (a claim someone makes, a background sentence the
article states as context) that both come out as candidates, the share where the claim is
ranked first. Measured on the seed article (each candidate labelled by hand below, from
reading the article: the Foreign Ministry's statements and the social-media claim it rebuts
are claims made; the history of the conflict and of the 2020 agreement is context) and on a
small set of articles written for this measure (bench-only, never used to choose anything).
Compared: ranking by the calibrated score alone (before) and by ranking.priority (after).

    .venv/bin/python bench/ranking.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.shared_data import shared_path_or_exit  # noqa: E402

SEED = shared_path_or_exit("seeds/000_6d8d2df6102522df.txt")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from claims.extraction.candidates import Candidate, propose_candidates  # noqa: E402
from claims.extraction.ranking import priority  # noqa: E402
from claims.ingestion.pages import read_pasted  # noqa: E402

# How each seed candidate starts, and whether it is a claim someone makes (True) or context.
SEED_LABELS = {
    "Russia does not seek an exclusive right": True,
    '"Russia is not claiming a monopoly': True,
    "Russia is not claiming a monopoly": True,
    "We stand for effective use": True,
    "The Foreign Ministry pointed out": True,
    "Russia's peacekeeping efforts": True,
    '"These statements are populist': True,
    "These statements are populist": True,
    "The ministry emphasized that the Moscow-initiated": True,
    '"Some of our initiatives': True,
    "Some of our initiatives": True,
    "On the other hand, the agreement": True,
    "The highland region of Nagorno-Karabakh": False,
    "Renewed clashes between Azerbaijan and Armenia": False,
    "On November 9, 2020, Russian President": False,
    "According to the statement, the Azerbaijani": False,
    "In addition, Russian peacekeepers were deployed": False,
}
WRITTEN = [
    (
        "The port of Riverton handled 2.1 million containers in 2019, making it the country's "
        "third-busiest harbour. Mayor Elena Novak said the new terminal will create 4,000 jobs "
        "by 2025. The harbour was founded in 1852 and rebuilt after a fire in 1921. Posts on "
        "social media claimed that the contractor was paid 90 million dollars in advance.",
        {"The port of": False, "Mayor Elena": True, "The harbour was": False, "Posts on": True},
    ),
    (
        "The vaccine campaign began in March 2021 and has so far reached 62 percent of adults. "
        "Health minister Karl Berg said the campaign had prevented 8,000 hospital admissions. "
        "About 1.4 million people live in the province, a third of them in the capital. "
        "According to the opposition, the ministry overspent its budget by 40 million euros.",
        {"The vaccine": False, "Health minister": True, "About 1.4": False, "According to": True},
    ),
    (
        "Unemployment in the region stood at 7.9 percent in January, unchanged from December. "
        "The governor claimed that her tax cuts had created 25,000 jobs since 2022. "
        "The region's last steel mill closed in 2016 after 90 years of production. "
        "A union spokesman said wages had fallen by 3 percent once inflation is counted.",
        {"Unemployment in": False, "The governor": True, "The region's": False, "A union": True},
    ),
]


def labelled(candidates: list[Candidate], labels: dict[str, bool]) -> list[tuple[Candidate, bool]]:
    out = []
    for candidate in candidates:
        found = [made for start, made in labels.items() if candidate.text.startswith(start)]
        if found:
            out.append((candidate, found[0]))
    return out


def pair_accuracy(items: list[tuple[Candidate, bool]], by_priority: bool) -> tuple[int, int]:
    def key(candidate: Candidate) -> float:
        if by_priority:
            return priority(candidate.checkworthiness, candidate.claimant, candidate.article_stance)
        return candidate.checkworthiness

    made = [key(c) for c, is_made in items if is_made]
    context = [key(c) for c, is_made in items if not is_made]
    right = sum(m > c for m in made for c in context)
    return right, len(made) * len(context)


def report(name: str, articles: list[list[tuple[Candidate, bool]]]) -> float:
    """Print and return the pair accuracy, pairs taken within each article."""
    before = after = pairs = made = items = 0
    for article in articles:
        right_before, article_pairs = pair_accuracy(article, by_priority=False)
        right_after, _ = pair_accuracy(article, by_priority=True)
        before, after, pairs = before + right_before, after + right_after, pairs + article_pairs
        made += sum(is_made for _, is_made in article)
        items += len(article)
    print(
        f"{name}: {made} claims made, {items - made} context, {pairs} pairs; "
        f"claim first: score alone {before}/{pairs} = {before / max(pairs, 1):.2f}, "
        f"with attribution {after}/{pairs} = {after / max(pairs, 1):.2f}"
    )
    return after / max(pairs, 1)


def main() -> None:
    seed = propose_candidates(read_pasted(SEED.read_text()).text).candidates
    seed_items = labelled(seed, SEED_LABELS)
    unlabelled = [c.text[:50] for c in seed if not labelled([c], SEED_LABELS)]
    if unlabelled:
        print("seed candidates without a label (left out):", unlabelled)
    print("seed candidates, ranked:")
    for candidate, made in labelled(seed, SEED_LABELS):
        print(
            f"  {candidate.checkworthiness:.3f} {'claim  ' if made else 'context'} "
            f"{candidate.claimant or '-':<28.28} {candidate.text[:60]}"
        )
    seed_after = report("seed article", [seed_items])
    written = [labelled(propose_candidates(text).candidates, labels) for text, labels in WRITTEN]
    written_after = report(f"{len(WRITTEN)} written articles", written)
    print(f"RATIO\tranking: seed claim-before-context pair accuracy\t{seed_after:.2f}\t-")
    print(f"RATIO\tranking: written claim-before-context pair accuracy\t{written_after:.2f}\t-")


if __name__ == "__main__":
    main()
