"""The window over a real library: typing searches, a bad query is explained, rows page in."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from db.importing import ReadOptions, import_file
from db.library import Library
from desktop.mainwindow import MainWindow
from desktop.models.papers import PAGE_SIZE, PAPER_ID_ROLE, PaperTableModel
from desktop.paths import sample_listing
from tests.factories import fake_paper


@pytest.fixture
def sample_library(library: Library) -> Library:
    import_file(library, sample_listing(), options=ReadOptions(capture_year=2025))
    return library


@pytest.fixture
def window(qtbot: QtBot, sample_library: Library) -> Iterator[MainWindow]:
    win = MainWindow(sample_library)
    qtbot.addWidget(win)
    win.show()
    yield win


def test_the_window_opens_on_the_whole_library(window: MainWindow) -> None:
    assert window.model.rowCount() == 33
    assert window.statusBar().currentMessage() == "33 papers · 33 shown · 0 selected"


def test_typing_filters_after_a_pause(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search_field, "protein")  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: window.model.rowCount() < 33, timeout=2000)
    titles = [window.model.index(r, 0).data() for r in range(window.model.rowCount())]
    assert titles and all(t for t in titles)
    assert any("Protein" in t for t in titles)
    window.table.selectRow(0)
    assert window.statusBar().currentMessage().endswith("1 selected")


def test_a_malformed_query_is_explained_and_the_results_stay(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.search_field.setText("graph")
    qtbot.waitUntil(lambda: window.model.rowCount() < 33, timeout=2000)
    shown = window.model.ids()
    window.search_field.setText('graph "unclosed')
    qtbot.waitUntil(window.query_error.isVisible, timeout=2000)
    assert "unclosed quote" in window.query_error.text()
    assert window.model.ids() == shown
    window.search_field.setText("graph")
    qtbot.waitUntil(lambda: not window.query_error.isVisible(), timeout=2000)


def test_the_model_passes_qt_checks_and_pages_rows(qtmodeltester: object, library: Library) -> None:
    rng = random.Random(5)
    ids = list(library.import_papers([fake_paper(rng) for _ in range(PAGE_SIZE + 50)]).added)
    model = PaperTableModel(library)
    model.set_ids(ids)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    last = model.index(len(ids) - 1, 0)
    assert last.data(PAPER_ID_ROLE) == ids[-1]
    assert last.data() == library.paper(ids[-1]).title


def test_screenshot_of_the_window(window: MainWindow, tmp_path: Path) -> None:
    window.resize(1300, 700)
    image = window.grab()
    target = tmp_path / "mainwindow.png"
    assert image.save(str(target))
    assert image.width() == 1300 and target.stat().st_size > 10_000
