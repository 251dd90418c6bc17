"""A clone that is not beside ../shared (the public benchmark data and the seed article,
never copied into the repository) is told where it must be and why: a test that reads it
fails with that message, never skipped, and a benchmark exits with it, not a traceback."""

import re
from pathlib import Path

import pytest

from factcheck import shared_data
from factcheck.shared_data import (
    SEED_ARTICLE,
    SharedDataMissing,
    shared_path,
    shared_path_or_exit,
)
from tests.conftest import shared_file

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clone with no ../shared beside it."""
    root = tmp_path.joinpath("shared")
    monkeypatch.setattr(shared_data, "ROOT", root)
    return root


def test_a_clone_without_shared_is_told_where_it_must_be_and_why(missing: Path) -> None:
    with pytest.raises(SharedDataMissing) as raised:
        shared_path(SEED_ARTICLE)

    message = str(raised.value)
    assert message.startswith(f"{missing / SEED_ARTICLE} is missing: there is no {missing} ")
    assert "public benchmark data and the seed article" in message
    assert "never copied into it" in message
    assert message.endswith(f"Put the project's shared folder, or a link to it, at {missing}.")


def test_a_test_that_reads_it_fails_with_the_message_rather_than_being_skipped(
    missing: Path,
) -> None:
    with pytest.raises(pytest.fail.Exception) as failed:
        shared_file("data/claim-matching/verified_claims.docs.tsv")

    assert failed.value.pytrace is False  # the message alone, no traceback
    assert f"there is no {missing} beside this clone" in str(failed.value)


def test_a_benchmark_exits_with_the_message_rather_than_a_traceback(missing: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        shared_path_or_exit("data/stance")

    assert str(exited.value.code).startswith(f"{missing / 'data/stance'} is missing: ")


def test_a_file_missing_from_shared_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shared_data, "ROOT", tmp_path)

    with pytest.raises(SharedDataMissing) as raised:
        shared_path(SEED_ARTICLE)

    assert str(raised.value).startswith(f"{tmp_path / SEED_ARTICLE} is missing from {tmp_path} ")


def test_the_tests_and_benchmarks_read_shared_only_through_shared_data() -> None:
    # A path built by hand would fail with a bare FileNotFoundError in a clone without it.
    by_hand = re.compile(r"""/ ["']shared["']|["']shared/""")
    readers = [*REPOSITORY.glob("tests/**/*.py"), *REPOSITORY.glob("bench/*.py")]
    assert [str(path) for path in readers if by_hand.search(path.read_text())] == []
