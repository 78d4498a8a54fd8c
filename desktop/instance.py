"""Files opened from the file manager go to the window that already has their library.

A window holding a library for writing listens on a local socket named for that library
(a Unix socket only its user may open; a named pipe on Windows). ``papershelf open FILE``
first offers its files there: the open window imports them, and the new process ends
instead of opening a second, read-only window that could not import anything.

The message is one line of JSON, ``{"import": ["/abs/file.bib", ...], "until": T}``; the
window answers ``ok`` once it has taken the files. ``T`` (seconds since the epoch, both
processes being on one machine) is when the sender stops waiting: a window too busy to
read the message before then leaves it, as the sender will have opened a window of its
own by the time it would be answered.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QEventLoop,
    QObject,
    QTimer,
    Signal,
)
from PySide6.QtNetwork import QLocalServer, QLocalSocket

# How long a new process waits for an open window to take its files; a window that
# does not answer in this time is taken to be busy or gone, and a new one opens.
FORWARD_TIMEOUT_MS = 3000
# The window stops taking a message this long before its sender stops waiting, so that
# an answer sent in time also arrives in time.
ANSWER_MARGIN_S = 0.5
# More than any list of paths a file manager passes: a peer sending more is not ours.
MAX_MESSAGE = 1 << 20
# A peer that has said nothing whole by then is let go.
CONNECTION_TIMEOUT_MS = 10_000
_ACK = b"ok\n"


def channel_name(library: Path) -> str:
    """The socket name of the window holding ``library``: one per user and library file."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    # The path as the file system spells it: a folder name need not be valid UTF-8.
    digest = hashlib.sha256(user.encode() + b"\0" + os.fsencode(library.resolve()))
    return f"papershelf-{digest.hexdigest()[:24]}"


def encode(files: Sequence[Path], until: float) -> bytes:
    """The message giving ``files``, to be taken before ``until`` (epoch seconds)."""
    return json.dumps({"import": [str(f.resolve()) for f in files],
                       "until": until}).encode() + b"\n"


def decode(message: bytes) -> tuple[list[Path], float] | None:
    """The files of a message and when its sender stops waiting, or None if it is not one
    of ours."""
    try:
        data = json.loads(message.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    files, until = data.get("import"), data.get("until")
    if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files) \
            or not isinstance(until, int | float) or isinstance(until, bool):
        return None
    return [Path(f) for f in files], float(until)


class Listener(QObject):
    """Takes files sent to this window's library; ``files_received(list[Path])``."""

    files_received = Signal(list)

    def __init__(self, library: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = channel_name(library)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def start(self) -> bool:
        """Listen; False if the name cannot be had (the window then works alone).

        A socket file left by a killed window does not stand in the way: with
        UserAccessOption, Qt makes the socket aside and renames it into place."""
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def answers(self, timeout_ms: int = FORWARD_TIMEOUT_MS) -> bool:
        """Whether a connection to this listener is taken, from its own thread (a check
        for the self-test: ``forward`` would wait for this thread itself)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        deadline = QDeadlineTimer(timeout_ms)
        while socket.state() == QLocalSocket.LocalSocketState.ConnectingState \
                and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        connected = socket.state() == QLocalSocket.LocalSocketState.ConnectedState
        socket.abort()
        return connected

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            _Connection(self._server.nextPendingConnection(), self.files_received.emit)


class _Connection(QObject):
    """One peer: reads its line, answers, and hands its files on once."""

    def __init__(self, socket: QLocalSocket, take: Callable[[list[Path]], None]) -> None:
        super().__init__(socket)  # the socket owns it: both go when the peer leaves
        self._socket = socket
        self._take = take
        self._buffer = bytearray()
        self._done = False
        socket.readyRead.connect(self._read)
        socket.disconnected.connect(socket.deleteLater)
        # Cancelled with this object, which goes with its socket.
        QTimer.singleShot(CONNECTION_TIMEOUT_MS, self, socket.abort)

    def _read(self) -> None:
        self._buffer += bytes(self._socket.readAll().data())
        if self._done or b"\n" not in self._buffer:
            if len(self._buffer) > MAX_MESSAGE:
                self._socket.abort()
            return
        self._done = True
        message = decode(bytes(self._buffer.split(b"\n", 1)[0]))
        # Too late, its sender has given up: taking the files now would import them
        # behind the back of a window that says it could not.
        if message is not None and time.time() <= message[1]:
            self._socket.write(_ACK)
            self._socket.flush()
            self._take(message[0])
        self._socket.disconnectFromServer()


def forward(library: Path, files: Sequence[Path],
            timeout_ms: int = FORWARD_TIMEOUT_MS) -> bool:
    """Give ``files`` to the window holding ``library``; True once it has taken them,
    False if no window took them within ``timeout_ms`` (and none will later)."""
    deadline = QDeadlineTimer(timeout_ms)
    until = time.time() + timeout_ms / 1000 - ANSWER_MARGIN_S
    socket = QLocalSocket()
    socket.connectToServer(channel_name(library))
    if not socket.waitForConnected(deadline.remainingTime()):
        return False
    try:
        socket.write(encode(files, until))
        if not socket.waitForBytesWritten(deadline.remainingTime()):
            return False
        answer = b""
        while len(answer) < len(_ACK) and not deadline.hasExpired() \
                and socket.waitForReadyRead(max(deadline.remainingTime(), 0)):
            answer += bytes(socket.readAll().data())
        return answer.startswith(_ACK)
    finally:
        socket.abort()
