"""Stopping the demo stops its workers: a worker whose warm shutdown hangs is killed with
its pool after a grace period, instead of being left running behind the demo; and a demo
that could not serve says so before it starts any."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from factcheck.management.commands import demo
from factcheck.management.commands.demo import stop_workers

# A stand-in for a worker whose warm shutdown never ends: it ignores SIGTERM, and has a
# child (its "pool") that ignores it too.
STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"])
print(child.pid, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False


def test_a_worker_that_does_not_stop_is_killed_with_its_pool_after_the_grace() -> None:
    worker = subprocess.Popen(
        [sys.executable, "-c", STUBBORN],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # as start_workers starts them
    )
    assert worker.stdout is not None
    pool = int(worker.stdout.readline())
    began = time.monotonic()
    stop_workers([worker], grace=1)
    assert worker.returncode is not None and time.monotonic() - began < 10
    deadline = time.monotonic() + 5
    while _alive(pool) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pool)


def test_a_worker_that_stops_is_waited_for_and_not_killed() -> None:
    worker = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True
    )
    stop_workers([worker], grace=10)
    assert worker.returncode == -15  # ended by the SIGTERM of a warm shutdown, not SIGKILL


def test_a_demo_whose_address_is_taken_says_so_before_starting_any_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """runserver leaves through os._exit when its port is taken, past the demo's `finally`:
    workers started before it would be left running."""

    def no_workers() -> None:
        raise AssertionError("workers were started")

    monkeypatch.setattr(demo, "start_workers", no_workers)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        with pytest.raises(CommandError, match=f"Cannot serve the demo on {address}"):
            call_command("demo", addrport=address)
