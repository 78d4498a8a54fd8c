"""The writer lock: it names its holder, and a dead holder never blocks anyone."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from db.errors import LibraryLockedError
from db.failures import NotWritableError
from db.library import Library
from db.lock import Holder, LockHeldError, WriterLock, lock_path
from tests.conftest import REPO


def test_the_lock_file_names_the_process_its_host_and_since_when(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    with Library.open(path):
        holder = Holder.parse(lock_path(path).read_text(encoding="utf-8"))
        assert holder.pid == os.getpid() and holder.host == socket.gethostname()
        assert holder.started is not None
        with pytest.raises(LibraryLockedError) as raised:
            Library.open(path)
    assert isinstance(raised.value, LockHeldError)
    message = str(raised.value)
    assert f"open for writing in another Papershelf (process {os.getpid()} on host " \
           f"{socket.gethostname()}, since " in message
    assert raised.value.holder.pid == os.getpid()


def test_a_lock_file_left_by_a_dead_process_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    Library.open(path).close()
    # What a crashed Papershelf leaves: the file, naming it; the lock died with it.
    lock_path(path).write_text("pid 999999\nhost elsewhere\nstarted 2020-01-01T00:00:00Z\n",
                               encoding="utf-8")
    with Library.open(path):
        assert Holder.parse(lock_path(path).read_text(encoding="utf-8")).pid == os.getpid()


_HOLD = """
import sys, time
from pathlib import Path
from db.lock import WriterLock
lock = WriterLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_lock_held_by_a_killed_process_is_free_at_once(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    Library.open(path).close()
    child = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], cwd=REPO,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(LockHeldError, match=f"process {child.pid} on host"):
            WriterLock(path).acquire()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    with Library.open(path) as lib:
        assert lib.stats()["papers"] == 0


def test_an_older_lock_file_is_still_read() -> None:
    assert Holder.parse("process 4321\n") == Holder(4321, "", None)
    assert Holder.parse("") == Holder()
    assert Holder().describe() == "another process"
    assert Holder(7, "lab-pc").describe() == "process 7 on host lab-pc"


def test_a_lock_that_cannot_be_made_says_the_folder_cannot_be_written(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    lock_path(path).mkdir()  # in the way: what a folder without write access amounts to
    with pytest.raises(NotWritableError, match="Papershelf cannot save changes to") as raised:
        WriterLock(path).acquire()
    assert "cannot be written" in raised.value.reason
