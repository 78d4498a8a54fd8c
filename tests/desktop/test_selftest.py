"""`papershelf --self-test`, and the plain words when Qt cannot open a window."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QtMsgType

from desktop import app as app_module
from desktop import selftest
from desktop.app import platform_failure
from tests.conftest import REPO


def _run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "desktop.cli", *argv], cwd=REPO,
                          env={**environment, **env}, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_self_test_passes_from_a_checkout() -> None:
    done = _run("--self-test", QT_QPA_PLATFORM="offscreen")
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[0] == "library created … ok"
    assert lines[1] == "sample imported: 33 papers, 1 reading list … ok"
    assert lines[2].startswith("search ")
    assert "exported BibTeX: 33 entries, read back … ok" in lines
    assert "exported CSL-JSON: 33 items, read back … ok" in lines
    assert any(line.startswith("bibliographies in 6 CSL styles") for line in lines)
    assert lines[-2] == ("window opened and closed: 33 papers shown (offscreen), listening for "
                         "opened files … ok")
    assert lines[-1].startswith("self-test passed in ")


def test_the_self_test_names_the_step_that_failed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("desktop.paths.sample_listing", lambda: tmp_path / "gone.txt")
    out = io.StringIO()
    assert selftest.run_self_test(out) == selftest.EXIT_FAILED
    assert out.getvalue().splitlines() == [
        "library created … ok",
        f"sample … FAILED: the sample listing is missing: {tmp_path / 'gone.txt'}",
    ]


def test_without_a_display_the_self_test_says_why() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is Linux's")
    done = _run("--self-test")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "window … FAILED: Papershelf could not open a window: there is no display (neither "
        "DISPLAY nor WAYLAND_DISPLAY is set). Run it from a desktop session.")


def test_a_platform_plugin_qt_cannot_start_gets_plain_words_not_an_abort() -> None:
    done = _run(QT_QPA_PLATFORM="nosuchplatform", PAPERSHELF_LIBRARY="/nonexistent/x.sqlite")
    assert done.returncode == 2
    assert done.stderr == (
        "papershelf: Papershelf could not open a window: Qt has no platform plugin named "
        "'nosuchplatform' (from QT_QPA_PLATFORM). Unset QT_QPA_PLATFORM, or set it to xcb, "
        "wayland or offscreen.\n")


def _heard(*messages: str) -> list[tuple[QtMsgType, str, str]]:
    return [(QtMsgType.QtWarningMsg, "qt.qpa.plugin", m) for m in messages]


def test_what_qt_said_becomes_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":9")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-3")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    said = platform_failure(_heard("could not connect to display :9"))
    assert "the X display ':9' (DISPLAY) does not answer" in said
    said = platform_failure(_heard('Could not load the Qt platform plugin "wayland" in ""'))
    assert "the Wayland display 'wayland-3' (WAYLAND_DISPLAY) does not answer" in said
    monkeypatch.setattr("desktop.app.sys.platform", "linux")
    monkeypatch.setattr(app_module, "_has_library", lambda name: name != "xcb-icccm")
    said = platform_failure(_heard('Could not load the Qt platform plugin "xcb" in ""'))
    assert "not installed (libxcb-icccm4)" in said and "sudo apt-get install" in said
    assert said.endswith('(Qt said: Could not load the Qt platform plugin "xcb" in "")')
    monkeypatch.setattr(app_module, "_has_library", lambda name: True)
    assert platform_failure([]) == ("Papershelf could not open a window: Qt could not start "
                                    "its platform plugin.")
