"""Files opened with Papershelf reach the window that has their library open."""

from __future__ import annotations

import os
import socket as socket_module
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db.library import Library
from db.records import PaperData
from desktop import instance
from desktop.app import App
from desktop.instance import Listener, channel_name, decode, encode

REPO = Path(__file__).resolve().parents[2]
BIB = """@article{a1, title = {Opened from the file manager}, author = {Yi, Kai}, year = 2024}
@article{a2, title = {A second opened paper}, author = {Condat, Laurent}, year = 2023}
"""


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "opened.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.delenv("PAPERSHELF_LIBRARY", raising=False)
    with Library.open(tmp_path / "lib.sqlite") as lib:
        lib.import_papers([PaperData(title="Already here")])
    made = App(settings_path=tmp_path / "settings.ini")
    try:
        yield made
    finally:
        made.close()


def forward_from_another_process(library: Path, files: list[Path], *,
                                 timeout_ms: int = 3000, busy_s: float = 0.0) -> bool:
    """``forward`` as a new ``papershelf open`` calls it, while this process's event loop
    serves the listener, after ``busy_s`` seconds of not serving it (a window busy with
    something else). (Not from a thread: PySide keeps Python's lock while a socket
    waits, so the listener's slots could not run.)"""
    script = ("import sys; from pathlib import Path; "
              "from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]); "
              "from desktop.instance import forward; "
              "sys.exit(0 if forward(Path(sys.argv[2]), [Path(a) for a in sys.argv[3:]], "
              "timeout_ms=int(sys.argv[1])) else 3)")
    child = subprocess.Popen([sys.executable, "-c", script, str(timeout_ms), str(library),
                              *map(str, files)],
                             env=dict(os.environ, PYTHONPATH=str(REPO)), cwd=REPO,
                             stderr=subprocess.PIPE, text=True)
    time.sleep(busy_s)
    deadline = time.monotonic() + 30
    while child.poll() is None and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    if child.poll() is None:
        child.kill()
    _, err = child.communicate(timeout=30)
    assert child.returncode in (0, 3), err
    return child.returncode == 0


def test_messages_carry_absolute_paths_and_junk_is_not_one(tmp_path: Path) -> None:
    files = [tmp_path / "a.bib", Path("relative.ris"), tmp_path / "Ünïcode and spaces.bib"]
    assert decode(encode(files, 1234.5).rstrip(b"\n")) == \
        ([f.resolve() for f in files], 1234.5)
    for junk in (b"", b"\xff\xfe", b"[]", b'{"import": "a.bib", "until": 1}',
                 b'{"import": [1], "until": 1}', b'{"import": [""], "until": 1}',
                 b'{"open": ["a.bib"], "until": 1}', b'{"import": ["a.bib"]}',
                 b'{"import": ["a.bib"], "until": "soon"}',
                 b'{"import": ["a.bib"], "until": true}', b"not json"):
        assert decode(junk) is None, junk


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_a_library_in_a_folder_named_in_another_encoding_has_a_channel(
        tmp_path: Path) -> None:
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9"))  # Latin-1 "café"
    name = channel_name(folder / "lib.sqlite")
    assert name.startswith("papershelf-") and name != channel_name(tmp_path / "lib.sqlite")


def test_one_channel_per_library_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert channel_name(Path("lib.sqlite")) == channel_name(tmp_path / "lib.sqlite")
    assert channel_name(tmp_path / "lib.sqlite") != channel_name(tmp_path / "other.sqlite")
    assert channel_name(tmp_path / "lib.sqlite").startswith("papershelf-")


def test_a_listening_window_takes_the_files_and_answers(qtbot: QtBot, tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    listener = Listener(library)
    assert listener.start()
    try:
        received: list[list[Path]] = []
        listener.files_received.connect(received.append)
        files = [tmp_path / "x.bib", tmp_path / "y y.ris"]
        assert forward_from_another_process(library, files)
        qtbot.waitUntil(lambda: bool(received))
        assert received == [files]
        # Another library's window does not hear it.
        assert not forward_from_another_process(tmp_path / "other.sqlite", files)
        assert received == [files]
        assert listener.answers()
    finally:
        listener.close()
    assert not listener.answers(timeout_ms=500)
    assert not forward_from_another_process(library, [tmp_path / "x.bib"])


def test_a_stranger_on_the_socket_is_dropped_unheard(qtbot: QtBot, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(instance, "MAX_MESSAGE", 64)
    monkeypatch.setattr(instance, "CONNECTION_TIMEOUT_MS", 500)
    library = tmp_path / "lib.sqlite"
    listener = Listener(library)
    assert listener.start()
    received: list[object] = []
    listener.files_received.connect(received.append)
    try:
        # A line not ours; more than a message may be; a start that never ends.
        for junk in (b"hello\n", b"x" * 200, b'{"import": ["a.bib"'):
            socket = QLocalSocket()
            socket.connectToServer(listener.name)
            assert socket.waitForConnected(2000)
            socket.write(junk)
            socket.flush()
            # The listener closes the connection without answering.
            qtbot.waitUntil(lambda s=socket: s.state() ==  # type: ignore[misc]
                            QLocalSocket.LocalSocketState.UnconnectedState, timeout=3000)
            assert bytes(socket.readAll().data()) == b""
        assert received == []
    finally:
        listener.close()


def test_a_window_too_busy_to_answer_in_time_leaves_the_files(qtbot: QtBot,
                                                              tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    listener = Listener(library)
    assert listener.start()
    received: list[list[Path]] = []
    listener.files_received.connect(received.append)
    try:
        # The sender gives up after 0.8 s (and opens a window of its own); this window
        # reads the message only after 2 s: it must not import behind that window's back.
        assert not forward_from_another_process(library, [tmp_path / "late.bib"],
                                                timeout_ms=800, busy_s=2.0)
        end = time.monotonic() + 1
        while time.monotonic() < end:
            QApplication.processEvents()
        assert received == []
        # Served in time, the same message is taken.
        assert forward_from_another_process(library, [tmp_path / "late.bib"])
        qtbot.waitUntil(lambda: received == [[tmp_path / "late.bib"]])
    finally:
        listener.close()


@pytest.mark.skipif(not hasattr(socket_module, "AF_UNIX"), reason="Unix sockets only")
def test_a_socket_left_by_a_killed_window_does_not_keep_the_name(tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    listener = Listener(library)
    # What a killed window leaves: the socket's file, with nobody listening on it.
    stale = Path(QDir.tempPath()) / listener.name
    stale.unlink(missing_ok=True)
    with socket_module.socket(socket_module.AF_UNIX) as dead:
        dead.bind(str(stale))
        dead.listen()
    assert stale.exists()
    try:
        assert listener.start()
    finally:
        listener.close()


def test_files_opened_go_into_the_window_or_are_refused_read_only(
        qtbot: QtBot, app: App, bib: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert app.open(str(tmp_path / "lib.sqlite"))
    window = app.window
    assert window is not None and not window.read_only
    app.import_opened([bib])
    qtbot.waitUntil(lambda: window.reader.count() == 3, timeout=10_000)
    assert "Opened from the file manager" in {window.reader.paper(i).title
                                               for i in window.reader.search("")}
    informed: list[str] = []

    def inform(title: str, text: str) -> QMessageBox:
        informed.append(text)
        return QMessageBox()

    monkeypatch.setattr(window, "read_only", True)
    monkeypatch.setattr(window, "inform", inform)
    app.import_opened([bib])
    assert informed and "read-only" in informed[0] and str(bib) in informed[0]
    assert window.reader.count() == 3


def test_papershelf_open_hands_files_to_the_open_window(
        qtbot: QtBot, app: App, bib: Path, tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    assert app.open(str(library))
    window = app.window
    assert window is not None
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"))
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "--library", str(library), "open", str(bib)],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The window serves the new process from its event loop while it waits.
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=30_000)
    finally:
        if child.poll() is None:  # it opened a window of its own: not what is tested
            child.kill()
    _, err = child.communicate()
    assert child.returncode == 0, err
    assert time.monotonic() - started < 30
    qtbot.waitUntil(lambda: window.reader.count() == 3, timeout=10_000)
    # The new process opened no window of its own: the library's lock is still ours.
    assert not window.read_only
