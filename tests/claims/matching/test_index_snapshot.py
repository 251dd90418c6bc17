"""A worker started again reads its match index back from disk instead of building it from
the table, and never follows a snapshot that is not of this database and this code."""

import os
import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from claims.matching import follower, snapshot
from claims.matching.engine import MatchIndex
from claims.matching.engine.vectors import EXPANSION_SEARCH
from claims.matching.follower import IndexFollower, process_index, process_index_ready
from claims.matching.lookup import text_vectors
from claims.matching.models import MatchEntry
from claims.models import ExternalReview
from tests.claims.matching.conftest import imported_review

TEXTS = [
    "The Harbour Street bridge in Riverton cost 400 million dollars.",
    "The flu vaccine given at Riverton schools contains mercury.",
    "Riverton's mayor has banned dogs from every public park.",
    "Riverton's river water is unsafe to drink, a viral post says.",
    "El alcalde de Riverton ha prohibido los perros en todos los parques.",
]


def review(text: str, number: int, language: str = "en") -> ExternalReview:
    return imported_review(text, f"https://checkers.example/{number}", language)


@pytest.fixture
def kept(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Snapshots kept in a folder of the test's own, from three entries on, each worker
    process started afresh (as after a restart) when the test says so."""
    settings.MATCH_INDEX_SNAPSHOT = str(tmp_path / "match-index.pickle")
    settings.MATCH_EXACT_SEARCH_BELOW = 3  # the graph too is written and read back
    settings.MATCH_INDEX_SNAPSHOT_FROM = 3
    monkeypatch.setattr(follower, "_process_followers", {})
    monkeypatch.setattr(follower, "_restores", {})
    return tmp_path / "match-index.pickle"


def written(index: IndexFollower) -> None:
    """Wait for the process writing the index's snapshot."""
    assert index._writing is not None, "no snapshot was being written"
    _, status = os.waitpid(index._writing[0], 0)
    assert os.waitstatus_to_exitcode(status) == 0
    index._writing = None


def worker_restarted() -> None:
    follower._process_followers.clear()


def snapshot_of_three() -> None:
    """Three reviews in the worker's index, and the snapshot of it written."""
    for number, text in enumerate(TEXTS[:3]):
        review(text, number)
    written(process_index())


@pytest.mark.django_db
def test_a_worker_started_again_reads_its_index_back_and_follows_what_was_stored_since(
    kept: Path,
) -> None:
    stored = [review(text, number) for number, text in enumerate(TEXTS[:3])]
    abandoned = kept.with_name(f"{kept.name}.999999999.partial")  # a writer killed midway
    abandoned.write_bytes(b"half a snapshot")
    before = process_index()
    written(before)
    assert kept.stat().st_mode & 0o777 == 0o600
    assert not abandoned.exists()

    worker_restarted()
    later = review(TEXTS[3], 3)
    after = process_index()

    assert after is not before
    assert after.watermark > before.watermark
    assert len(after.index) == 4  # three read back, one read from the table
    assert after.index.approximate
    graph = after.index._vectors._graph
    assert graph is not None and graph.expansion_search == EXPANSION_SEARCH
    assert after.search(TEXTS[1], top=1)[0].key == f"review:{stored[1].id}"
    assert after.search("is the river water safe to drink", top=1)[0].key == f"review:{later.id}"
    exact = IndexFollower()
    exact.index = MatchIndex(exact_below=100)
    exact.refresh()
    for text in TEXTS[:4]:
        assert after.search(text, top=4) == exact.search(text, top=4)


@pytest.mark.django_db
def test_a_row_still_being_written_when_the_snapshot_was_taken_is_read_after_a_restart(
    kept: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL an id is handed out before its row commits: a row committed after the
    snapshot, below its watermark, is looked for again by the worker that reads it back,
    however long after the snapshot that is."""
    review(TEXTS[0], 0)
    late = review(TEXTS[1], 1)
    review(TEXTS[2], 2)
    hidden = MatchEntry.objects.get(external=late)  # not committed yet
    values = {field.attname: getattr(hidden, field.attname) for field in MatchEntry._meta.fields}
    hidden.delete()
    settings.MATCH_INDEX_SNAPSHOT_FROM = 2
    before = process_index()
    assert values["id"] in before.gaps
    written(before)

    MatchEntry.objects.create(**values)  # now committed
    monkeypatch.setattr(follower, "GAP_PATIENCE_SECONDS", 2.0)
    time.sleep(2.5)  # the worker down for longer than a gap is waited for
    worker_restarted()
    restored = process_index()

    assert len(restored.index) == 3 and values["id"] not in restored.gaps
    assert restored.search(TEXTS[1], top=1)[0].key == f"review:{late.id}"


@pytest.mark.django_db
def test_the_restored_index_keeps_its_languages_and_multilingual_vectors(kept: Path) -> None:
    spanish = review(TEXTS[4], 4, language="es")
    for number, text in enumerate(TEXTS[:2]):
        review(text, number)
    written(process_index())
    worker_restarted()

    restored = process_index()

    assert restored.languages[f"review:{spanish.id}"] == "es"
    query = "Riverton's mayor banned dogs from the parks"
    vectors = text_vectors(query, "en")
    hits = restored.search(
        query,
        top=1,
        vector=vectors.english,
        language="en",
        multilingual_vector=vectors.multilingual,
    )
    assert hits and hits[0].key == f"review:{spanish.id}"


@pytest.mark.django_db
def test_no_snapshot_is_written_below_its_size_or_while_rows_are_left_to_read(
    kept: Path, settings: Any
) -> None:
    for number, text in enumerate(TEXTS[:2]):
        review(text, number)
    index = process_index()
    assert index._writing is None and not kept.exists()  # two entries: a rebuild is instant

    review(TEXTS[2], 2)
    index.behind = True
    assert not snapshot.due(index)
    index.refresh()
    assert snapshot.due(index)

    settings.MATCH_INDEX_SNAPSHOT_FROM = 100
    assert not snapshot.due(index)


@pytest.mark.django_db
def test_a_snapshot_of_another_database_is_not_followed(kept: Path) -> None:
    snapshot_of_three()
    # A database reset and filled again: the same ids, stored at other times.
    MatchEntry.objects.update(created_at="2020-01-01T00:00:00Z")
    worker_restarted()

    assert snapshot.refusal(snapshot.read_header(kept)) == "its rows are not this database's"
    rebuilt = process_index()  # from the table, and written down in its place
    assert len(rebuilt.index) == 3
    written(rebuilt)
    assert snapshot.refusal(snapshot.read_header(kept)) == ""


@pytest.mark.django_db
def test_a_snapshot_newer_than_the_database_is_not_followed(
    kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "FINGERPRINT_ROWS", 2)
    for number, text in enumerate(TEXTS):
        review(text, number)
    written(process_index())
    # The database restored from a backup taken before the last two rows were stored: new
    # rows could take ids the snapshot has read past, and would never be read.
    newest = MatchEntry.objects.order_by("-id")[:2]
    MatchEntry.objects.filter(id__in=[entry.id for entry in newest]).delete()
    worker_restarted()

    assert snapshot.refusal(snapshot.read_header(kept)) == (
        "the rows it was taken from are no longer stored"
    )
    rebuilt = process_index()
    assert len(rebuilt.index) == 3
    written(rebuilt)


@pytest.mark.django_db
def test_a_snapshot_of_other_code_or_settings_or_a_damaged_one_is_not_read(
    kept: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    snapshot_of_three()

    monkeypatch.setattr(snapshot, "FORMAT", snapshot.FORMAT + 1)
    assert "format" in snapshot.refusal(snapshot.read_header(kept))
    assert snapshot.Restore.start() is None
    monkeypatch.undo()
    settings.MATCH_EXACT_SEARCH_BELOW = 2_000  # the graph from another size on
    assert "MATCH_EXACT_SEARCH_BELOW" in snapshot.refusal(snapshot.read_header(kept))
    settings.MATCH_EXACT_SEARCH_BELOW = 3

    header = snapshot.read_header(kept)
    kept.write_bytes(pickle.dumps(header) + b"\x80\x05 damaged after the header")
    monkeypatch.setattr(follower, "_process_followers", {})
    monkeypatch.setattr(follower, "_restores", {})
    built = process_index()
    assert len(built.index) == 3
    written(built)  # built from the table, and written down in its place
    again = snapshot.Restore.start()
    assert again is not None and again.wait(None) and again.follower is not None

    kept.write_bytes(b"not a snapshot")
    assert snapshot.Restore.start() is None


@pytest.mark.django_db
def test_a_task_puts_its_work_back_while_the_snapshot_is_still_being_read(
    kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot_of_three()
    worker_restarted()
    reading = snapshot.Restore.start()
    assert reading is not None
    reading.wait(None)
    slow = snapshot.Restore.__new__(snapshot.Restore)
    slow.follower = reading.follower
    slow.wait = lambda seconds: seconds is None  # type: ignore[method-assign]
    follower._restores[False] = slow

    assert process_index_ready(0.1) is None  # still reading: the task puts its work back
    assert follower._restores  # and the next one waits on
    assert process_index() is reading.follower
    assert not follower._restores
