"""A worker's match index kept on disk, so that a worker started again reads it back instead
of building it from the table for minutes (100,000 entries: read back in 6 s, built in
137 s; bench/index_snapshot.py).

**Writing.** A worker whose index holds at least MATCH_INDEX_SNAPSHOT_FROM entries (20,000)
writes a snapshot once it has read all the table, and again each time it has added a tenth
more (that many at least). It forks (`os.fork`), as Redis does for its snapshots: the child
sees the index as it stood at that instant (its memory shared with the worker's until either
changes a page), writes it and exits, so the worker is held only for the fork and never
past a task's time limit. The file is written beside its place and renamed over it: a
reader sees a whole snapshot or the one before, never half of one.

**Reading.** A worker's first use of its index reads the snapshot's header and checks it
against this code and its settings (FORMAT, the encoders, the graph's parameters) and this
database: a few stored rows must still carry the ids and storing times they had (one
query), so a snapshot of another or a reset database is not followed from a watermark it
never had, nor one newer than a database restored from a backup. The rest is read in a
thread (6 s at 100,000 entries, where building took 137 s; at a million, longer than a
task may run); until it is done a task puts its work back, as during a first build
(follower.py). From the restored watermark on, the follower reads the rows stored since,
as after any refresh (and looks again for the ids it was still waiting for); rows deleted
meanwhile leave the index when a search finds them gone, as they always do.

A snapshot is a pickle: only this code, under the service's account, writes and reads it
(mode 0600, in `var/` by default; `MATCH_INDEX_SNAPSHOT` moves it, or turns it off when
empty).
"""

import contextlib
import logging
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from claims.matching import engine
from claims.matching.engine import multilingual, vectors
from claims.matching.models import MatchEntry

if TYPE_CHECKING:
    from claims.matching.follower import IndexFollower

logger = logging.getLogger(__name__)

# Change when what is pickled changes shape (a class's attributes): an older snapshot is then
# not read, and the worker builds its index from the table once.
FORMAT = 1
# Ids and storing times of this many of the oldest and of the newest rows read.
FINGERPRINT_ROWS = 4
# A child writing longer than this is stuck (300,000 entries take 33 s).
WRITE_TIMEOUT_SECONDS = 3600


@dataclass(frozen=True)
class Header:
    """What a snapshot must agree with before it is read."""

    format: int
    code: tuple[str, str, tuple[Any, ...]]
    watermark: int
    # (id, created_at) of the oldest and of the newest rows at or below the watermark
    oldest: tuple[tuple[int, str], ...]
    newest: tuple[tuple[int, str], ...]
    entries: int


def path() -> Path | None:
    """Where this installation keeps its worker's snapshot (None: it keeps none)."""
    configured = settings.MATCH_INDEX_SNAPSHOT
    return Path(configured) if configured else None


def due(follower: "IndexFollower") -> bool:
    """Whether the follower's index is worth writing down now: a worker's index of every
    target (not a web process's of our checks), large, read to the end, and grown by a
    tenth (MATCH_INDEX_SNAPSHOT_FROM at least) since its last snapshot."""
    size, least = len(follower.index), settings.MATCH_INDEX_SNAPSHOT_FROM
    return (
        path() is not None
        and not follower.checks_only
        and not follower.behind
        and size >= least
        and follower.added_since_snapshot >= max(least, size // 10)
    )


def write_in_child(follower: "IndexFollower") -> int:
    """Fork a process that writes the follower's snapshot and exits; return its pid. Call it
    holding the follower's lock, so that the child copies an index no search or refresh is
    using (the graph's own locks, copied as held, would stop the child)."""
    target = path()
    assert target is not None
    header = _header(follower)
    pid = os.fork()
    if pid == 0:  # the child: no database, no logging (their locks may be held by threads
        # that did not come along), and out through os._exit, which closes no connection.
        code = 1
        try:
            write(target, header, follower)
            code = 0
        finally:
            os._exit(code)
    return pid


def write(target: Path, header: Header, follower: "IndexFollower") -> None:
    """Write a snapshot to `target` atomically (a temporary file renamed over it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(target)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            pickle.dump(header, file, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(follower, file, protocol=pickle.HIGHEST_PROTOCOL)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def _remove_abandoned(target: Path) -> None:
    """Delete what writers killed on the way (a worker stopped with its process group) left:
    partial files of processes no longer running. Each may be gigabytes."""
    for partial in target.parent.glob(f"{target.name}.*.partial"):
        pid = partial.name[len(target.name) + 1 : -len(".partial")]
        if pid.isdigit() and not _running(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another account's process
        return True
    return True


def finished(pid: int, started: float) -> bool:
    """Whether the writing child `pid`, started at `started` (time.monotonic), has exited
    (reaped, its outcome logged); one still writing after WRITE_TIMEOUT is killed."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
        if not done and time.monotonic() - started > WRITE_TIMEOUT_SECONDS:
            os.kill(pid, signal.SIGKILL)
            done, status = os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already
        return True
    if not done:
        return False
    if os.waitstatus_to_exitcode(status) == 0:
        logger.info("Match index snapshot written to %s.", path())
    else:
        logger.warning("Writing the match index snapshot to %s failed.", path())
    return True


class Restore:
    """A usable snapshot being read in a thread of its own."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.follower: IndexFollower | None = None
        self._thread = threading.Thread(target=self._read, name="match-index-restore", daemon=True)
        self._thread.start()

    @classmethod
    def start(cls) -> "Restore | None":
        """Start reading this installation's snapshot if it agrees with this code and this
        database; None if there is none to read."""
        source = path()
        if source is None or not source.exists():
            return None
        try:
            header = read_header(source)
        except Exception:  # a damaged or foreign file: built from the table instead
            logger.warning("Match index snapshot %s is unreadable; building the index.", source)
            return None
        why_not = refusal(header)
        if why_not:
            logger.warning("Match index snapshot %s not used: %s.", source, why_not)
            return None
        return cls(source)

    def wait(self, seconds: float | None) -> bool:
        """Wait up to `seconds` (None: as long as it takes); return whether it is done."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    def _read(self) -> None:
        began = time.monotonic()
        try:
            with self.source.open("rb") as file:
                pickle.load(file)  # noqa: S301 (the header, checked already)
                self.follower = pickle.load(file)  # noqa: S301 (our own file: see above)
        except Exception:
            logger.exception("Match index snapshot %s could not be read.", self.source)
            return
        logger.info(
            "Match index read from %s in %.1f s (%d entries).",
            self.source,
            time.monotonic() - began,
            len(self.follower.index),
        )


def read_header(source: Path) -> Header:
    with source.open("rb") as file:
        header = pickle.load(file)  # noqa: S301 (written by this code, mode 0600)
    if not isinstance(header, Header) or set(vars(header)) != {f.name for f in fields(Header)}:
        raise TypeError(f"{source} holds no match index snapshot of this code's")
    return header


def refusal(header: Header) -> str:
    """Why a snapshot must not be read here ("" if it may)."""
    if header.format != FORMAT:
        return f"written in format {header.format}, this code reads {FORMAT}"
    if header.code != _code():
        return "written for other encoders, graph parameters or MATCH_EXACT_SEARCH_BELOW"
    rows = header.oldest + header.newest
    stored = dict(
        MatchEntry.objects.filter(id__in=[id_ for id_, _ in rows]).values_list("id", "created_at")
    )
    if any(id_ in stored and stored[id_].isoformat() != at for id_, at in rows):
        return "its rows are not this database's"
    # None of its newest rows left: a database restored from an older backup, say, whose
    # new rows may take ids the snapshot has read past. (Or those rows were all replaced
    # since: then building the index once is merely slower.)
    if not any(id_ in stored for id_, _ in header.oldest) or not any(
        id_ in stored for id_, _ in header.newest
    ):
        return "the rows it was taken from are no longer stored"
    return ""


def _header(follower: "IndexFollower") -> Header:
    read = MatchEntry.objects.filter(id__lte=follower.watermark).values_list("id", "created_at")
    return Header(
        format=FORMAT,
        code=_code(),
        watermark=follower.watermark,
        oldest=tuple((id_, at.isoformat()) for id_, at in read.order_by("id")[:FINGERPRINT_ROWS]),
        newest=tuple((id_, at.isoformat()) for id_, at in read.order_by("-id")[:FINGERPRINT_ROWS]),
        entries=len(follower.index),
    )


def _code() -> tuple[str, str, tuple[Any, ...]]:
    """The encoders, and how the index is built (the graph's links and breadth, the size
    from which it is used: a snapshot keeps the one it was built with)."""
    exact_below = settings.MATCH_EXACT_SEARCH_BELOW or vectors.EXACT_SEARCH_BELOW
    graph = (vectors.CONNECTIVITY, vectors.EXPANSION_ADD, vectors.GRAPH_COPIES, exact_below)
    return (engine.MODEL_NAME, multilingual.MODEL_NAME, graph)
