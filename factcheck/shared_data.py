"""The data beside the repository, in ../shared: the public benchmark data (CheckThat!,
FNC-1) and the seed article that the tests and benchmarks read.

It is other people's work (data free for research use, a news agency's article), so it is
read where it is and never copied into the repository. A clone that is not beside it is
told where it must be and why, rather than failing on a missing file.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "shared"
SEED_ARTICLE = "seeds/000_6d8d2df6102522df.txt"  # the worked example of ../shared/DESIGN.md


class SharedDataMissing(FileNotFoundError):
    """A file of ../shared is not where the tests and benchmarks read it."""


def shared_path(relative: str) -> Path:
    """Return the path of `relative` (such as SEED_ARTICLE) in ../shared; raise
    SharedDataMissing, saying where it must be and why, if it is not there."""
    path = ROOT / relative
    if not path.exists():
        raise SharedDataMissing(_missing(path))
    return path


def shared_path_or_exit(relative: str) -> Path:
    """shared_path() for a script: exit with the message, not a traceback, if it is missing."""
    try:
        return shared_path(relative)
    except SharedDataMissing as error:
        raise SystemExit(str(error)) from None


def _missing(path: Path) -> str:
    if not ROOT.is_dir():
        return (
            f"{path} is missing: there is no {ROOT} beside this clone. ../shared, the public "
            "benchmark data and the seed article that the tests and benchmarks read, is kept "
            "beside the repository and never copied into it: it is other people's work, not "
            f"ours to publish. Put the project's shared folder, or a link to it, at {ROOT}."
        )
    return f"{path} is missing from {ROOT} (../shared, beside the repository)."
