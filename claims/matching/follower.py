"""Each worker's in-memory match indexes, built from the stored vectors and kept up to date
by reading only the rows added since it last looked: the English matcher's index of every
target, and the multilingual one of every target with a multilingual vector; a search asks
each for the targets it compares with the query (crosslingual.py).

`MatchEntry` rows are only ever added or deleted, and a new text or model means a new row
with a higher id, so following the table is reading `id > watermark`. On PostgreSQL ids
are handed out before commit, so a row with a lower id can become visible after a higher
one: ids skipped over are remembered as gaps and looked for again until they appear, or
until GAP_PATIENCE has passed (a rolled-back or deleted row never appears); an id below a
row stored longer ago than that is not waited for at all.

What has been read is moved past only once it is in the index, a chunk at a time: a refresh
cut short (a database error, a task's time limit) leaves an index that is behind, never one
that believes itself complete, and the next refresh goes on from there. A worker's first
build over a million rows takes minutes (bench/ann.py), longer than a task may run, so a
task asks for the index with a share of its time (`process_index_ready`): the build goes on
for that long, and while rows are left to read the task puts its work back for later
instead of failing at its time limit or matching against part of the archive.

A worker keeps its index on disk once it is large, and a worker started again reads it
back instead of building it (snapshot.py): `_follower` starts that reading, and a task
waits for it as it would for a first build.

A process may also hold an index of our published checks alone (`checks_only`: our claims
whose entry carries the headline of a published check): a reader's tip is answered only by
our checks, and a web process answering one must build its index in a request, which
imported reviews and claims not checked (most of the table) would make far too slow.
"""

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from claims.matching import engine, snapshot
from claims.matching.crosslingual import Matchers, Target
from claims.matching.engine import multilingual
from claims.matching.models import MatchEntry, entry_key

GAP_PATIENCE_SECONDS = 300.0
MAX_GAPS = 10_000
LOAD_CHUNK = 2000


class IndexFollower(Matchers):
    """Both matchers' indexes of every match target (crosslingual.py), or of our published
    checks alone, and where in the entries table it has read to."""

    def __init__(self, *, checks_only: bool = False) -> None:
        super().__init__(exact_below=settings.MATCH_EXACT_SEARCH_BELOW or engine.EXACT_SEARCH_BELOW)
        # Every row is read past (that is how gaps are told apart from rows of other kinds);
        # only the targets in scope are loaded.
        self.checks_only = checks_only
        self.scope = Q(claim__isnull=False) & ~Q(headline="") if checks_only else Q()
        self.watermark = 0
        self.gaps: dict[int, float] = {}
        self.behind = False  # rows were left unread by the last refresh (out of time)
        self.added_since_snapshot = 0  # targets added since the last snapshot (snapshot.py)
        self._writing: tuple[int, float] | None = None  # (pid, start) of a snapshot's writer
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """A snapshot of the index (snapshot.py)."""
        state = self.__dict__.copy()
        del state["_lock"], state["_writing"]
        state["added_since_snapshot"] = 0
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Read back, every gap is waited for afresh: a row that was still being written when
        # the snapshot was taken may have been stored since, below the watermark, however
        # long ago that was (the monotonic clock's times mean nothing in another process).
        now = time.monotonic()
        gaps = dict.fromkeys(state["gaps"], now)
        self.__dict__.update(state, gaps=gaps, _writing=None, _lock=threading.Lock())

    def refresh(self, seconds: float | None = None) -> int:
        """Add the entries stored since the last refresh; return how many were added.
        With `seconds`, stop at the first chunk after that time has passed (at least one
        chunk is read), leaving `behind` set if rows are left to read."""
        deadline = None if seconds is None else time.monotonic() + seconds
        with self._lock:
            seen = self._new_ids()
            settled = self._settled_id() if seen and seen[-1] > self.watermark else 0
            added = 0
            self.behind = False
            for start in range(0, len(seen), LOAD_CHUNK):
                if start and deadline is not None and time.monotonic() > deadline:
                    self.behind = True
                    break
                chunk = seen[start : start + LOAD_CHUNK]
                added += self._load(chunk)
                self._note_read(chunk, settled)  # only now that the chunk is in the index
            self.added_since_snapshot += added
            return added

    def keep_snapshot(self) -> None:
        """Have a snapshot of this index written if one is due (snapshot.py) and none is
        being written."""
        with self._lock:
            if self._writing is not None and not snapshot.finished(*self._writing):
                return
            self._writing = None
            if snapshot.due(self):
                self._writing = (snapshot.write_in_child(self), time.monotonic())
                self.added_since_snapshot = 0

    def unread_beyond(self, limit: int) -> bool:
        """Whether more than `limit` targets this index would load are stored above its
        watermark (a bounded query: it stops at the first one past the limit)."""
        unread = self._targets().filter(id__gt=self.watermark).order_by("id")
        return unread.values("id")[limit : limit + 1].exists()

    def search(
        self,
        text: str,
        top: int,
        vector: np.ndarray | None = None,
        *,
        language: str = "",
        multilingual_vector: np.ndarray | None = None,
    ) -> list[engine.Hit]:
        """Search both indexes (Matchers.search) while no refresh is changing them."""
        with self._lock:
            return super().search(
                text, top, vector, language=language, multilingual_vector=multilingual_vector
            )

    def forget(self, keys: list[str]) -> None:
        """Drop targets whose rows are gone: the follower reads only added rows, so a
        deletion reaches this index when a search finds its target missing."""
        with self._lock:
            for key in keys:
                self.discard(key)

    def _new_ids(self) -> list[int]:
        now = time.monotonic()
        self.gaps = {id_: at for id_, at in self.gaps.items() if now - at < GAP_PATIENCE_SECONDS}
        wanted = Q(id__gt=self.watermark)
        if self.gaps:
            wanted |= Q(id__in=list(self.gaps))
        return list(MatchEntry.objects.filter(wanted).order_by("id").values_list("id", flat=True))

    def _settled_id(self) -> int:
        """Return the newest id above the watermark of a row stored more than GAP_PATIENCE
        ago (0 if none). An id below it that is not visible was handed out before that row
        was stored, so a transaction holding it would have been open longer than the
        patience: it is a deleted or rolled-back row, not one to wait for. (Without this, a
        process starting on a table whose rows are replaced as texts change would look for
        the newest MAX_GAPS deleted ids on every refresh for GAP_PATIENCE.)"""
        stored_before = timezone.now() - timedelta(seconds=GAP_PATIENCE_SECONDS)
        old = MatchEntry.objects.filter(id__gt=self.watermark, created_at__lt=stored_before)
        return old.order_by("-id").values_list("id", flat=True).first() or 0

    def _note_read(self, ids: list[int], settled: int = 0) -> None:
        """Move the watermark to the newest of `ids` (ascending, now in the index), and
        remember the ids skipped on the way above `settled` (_settled_id) as gaps (the
        newest MAX_GAPS of them)."""
        for id_ in ids:
            self.gaps.pop(id_, None)
        newest = ids[-1]
        if newest > self.watermark:
            missing = set(range(max(self.watermark, settled) + 1, newest)) - set(ids)
            now = time.monotonic()
            for id_ in sorted(missing)[-MAX_GAPS:]:
                self.gaps[id_] = now
            if len(self.gaps) > MAX_GAPS:
                self.gaps = dict(sorted(self.gaps.items())[-MAX_GAPS:])
            self.watermark = newest

    def _load(self, ids: list[int]) -> int:
        """Add the entries among `ids` (ascending, at most LOAD_CHUNK) that are targets in
        scope encoded by the current model; return how many."""
        rows = self._targets().filter(_among(ids, self.watermark)).order_by("id")
        wanted = set(ids)
        latest: dict[str, _Row] = {}
        for row in rows.values_list("id", *_Row.COLUMNS):
            id_, claim_id, external_id, *fields = row
            if id_ in wanted:  # a row that appeared since `ids` were read waits its turn
                latest[entry_key(claim_id, external_id)] = _Row(*fields)
        # A new text, headline or model replaces what the key had.
        self.add_many([row.target(key) for key, row in latest.items()])
        return len(latest)

    def _targets(self) -> QuerySet[MatchEntry]:
        """The stored entries this index holds: targets in its scope, encoded by the
        current model."""
        return MatchEntry.objects.filter(self.scope, target=True, model_name=engine.MODEL_NAME)


def _among(ids: list[int], watermark: int) -> Q:
    """A condition that holds for `ids` (ascending), and perhaps for rows between them: the
    gaps below the watermark by id, the new rows above it as one range, which an index of
    our checks alone reads far faster than a list of ids it mostly does not hold."""
    gaps = [id_ for id_ in ids if id_ <= watermark]
    new = ids[len(gaps) :]
    among = Q(id__in=gaps)
    if new:
        among |= Q(id__gte=new[0], id__lte=new[-1])
    return among


@dataclass(frozen=True)
class _Row:
    """One stored entry, as read from the table."""

    COLUMNS = (
        "claim_id",
        "external_id",
        "text",
        "vector",
        "headline",
        "headline_vector",
        "language",
        "multilingual_model_name",
        "multilingual_vector",
        "multilingual_headline_vector",
    )

    text: str
    vector: bytes | memoryview
    headline: str
    headline_vector: bytes | memoryview | None
    language: str
    multilingual_model_name: str
    multilingual_vector: bytes | memoryview | None
    multilingual_headline_vector: bytes | memoryview | None

    def target(self, key: str) -> Target:
        """Return the entry as the matchers index it (multilingual vectors only if made by
        the current multilingual model)."""
        current = (
            self.multilingual_vector is not None
            and self.multilingual_model_name == multilingual.MODEL_NAME
        )
        return Target(
            key=key,
            text=self.text,
            language=self.language,
            vector=_array(self.vector),
            multilingual_vector=_optional_array(self.multilingual_vector) if current else None,
            headline=self.headline,
            headline_vector=_optional_array(self.headline_vector),
            multilingual_headline_vector=(
                _optional_array(self.multilingual_headline_vector) if current else None
            ),
        )


def _array(vector: bytes | memoryview) -> np.ndarray:
    """Return a stored vector as float32."""
    return np.frombuffer(bytes(vector), dtype=np.float32)


def _optional_array(vector: bytes | memoryview | None) -> np.ndarray | None:
    """Return a stored vector as float32, or None for a missing one (no headline)."""
    return None if vector is None else _array(vector)


_process_followers: dict[bool, IndexFollower] = {}  # by checks_only
_restores: dict[bool, snapshot.Restore] = {}  # a snapshot being read, until it is installed
_starting = threading.Lock()


def process_index() -> IndexFollower:
    """Return this process's index, brought up to date with the entries table."""
    follower = _follower(wait=None)
    assert follower is not None
    follower.refresh()
    follower.keep_snapshot()
    return follower


def process_index_ready(seconds: float) -> IndexFollower | None:
    """Return this process's index brought up to date, reading for about `seconds` at
    most; None if rows are left to read, or its snapshot is (the next call reads on)."""
    began = time.monotonic()
    follower = _follower(wait=seconds)
    if follower is None:
        return None
    follower.refresh(max(0.0, seconds - (time.monotonic() - began)))
    follower.keep_snapshot()
    return None if follower.behind else follower


def process_index_within(limit: int, *, checks_only: bool = False) -> IndexFollower | None:
    """Return this process's index (of our published checks alone, with `checks_only`)
    brought up to date, if that loads at most `limit` entries; None otherwise (nothing is
    read)."""
    follower = _follower(checks_only=checks_only, wait=0)
    if follower is None or follower.unread_beyond(limit):
        return None
    follower.refresh()
    return follower


def _follower(*, checks_only: bool = False, wait: float | None) -> IndexFollower | None:
    """Return this process's follower; a worker's first one is read back from its snapshot
    if it has a usable one (snapshot.py). None while that is still being read after `wait`
    seconds (None: as long as it takes)."""
    with _starting:
        if checks_only not in _process_followers and checks_only not in _restores:
            restore = None if checks_only else snapshot.Restore.start()
            if restore is None:
                _process_followers[checks_only] = IndexFollower(checks_only=checks_only)
            else:
                _restores[checks_only] = restore
    restore = _restores.get(checks_only)
    if restore is not None:
        if not restore.wait(wait):
            return None
        with _starting:
            if _restores.pop(checks_only, None) is not None:  # the first to see it done
                _process_followers[checks_only] = restore.follower or IndexFollower()
    return _process_followers[checks_only]
