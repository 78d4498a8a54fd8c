"""A large search result: a count and the first page, other pages read as shown."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from db.library import Library
from desktop import mainwindow
from desktop.mainwindow import MainWindow
from desktop.models import papers as papers_model
from desktop.models.papers import PAPER_ID_ROLE, PaperTableModel
from tests.desktop.conftest import settle
from tests.factories import fake_paper

PAGE = 4


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of four rows: the sample's 33 papers then behave as 100k do with the real
    page size."""
    monkeypatch.setattr(papers_model, "PAGE_SIZE", PAGE)
    monkeypatch.setattr(mainwindow, "PAGE_SIZE", PAGE)


class Fetches:
    def __init__(self, ids: list[int]) -> None:
        self.ids = ids
        self.calls: list[tuple[int, int | None]] = []

    def __call__(self, offset: int, limit: int | None) -> list[int]:
        self.calls.append((offset, limit))
        return self.ids[offset:None if limit is None else offset + limit]


def test_the_model_reads_only_the_pages_it_shows(small_pages: None, reader: Library,
                                                 qtmodeltester: ModelTester) -> None:
    ids = reader.search("")
    fetch = Fetches(ids)
    model = PaperTableModel(reader)
    model.set_result(len(ids), ids[:PAGE], fetch)
    assert model.rowCount() == len(ids) and fetch.calls == []
    assert model.index(0, 0).data() == reader.paper(ids[0]).title
    assert fetch.calls == []
    assert model.index(13, 0).data(PAPER_ID_ROLE) == ids[13]
    assert fetch.calls == [(12, PAGE)]
    assert model.row_of_id(ids[13]) == 13 and model.row_of_id(ids[20]) is None
    assert model.first_page() == ids[:PAGE]
    qtmodeltester.check(model)
    # Reading every row: past MAX_ID_PAGES pages, the rest is read at once.
    assert [model.index(r, 0).data(PAPER_ID_ROLE) for r in range(len(ids))] == ids
    assert fetch.calls[-1] == (0, None)
    assert len(fetch.calls) == papers_model.MAX_ID_PAGES
    assert model.ids() == ids and model.row_of_id(ids[20]) == 20


def test_an_edit_past_the_first_page_is_read_again(small_pages: None,
                                                   reader: Library) -> None:
    ids = reader.search("")
    fetch = Fetches(ids)
    model = PaperTableModel(reader)
    model.set_result(len(ids), ids[:PAGE], fetch)
    assert model.paper_id(9) == ids[9]
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom: changed.append(top.row()))
    fetch.ids = ids[:PAGE] + ids[PAGE:][::-1]
    model.forget_beyond_first_page()
    assert changed == [PAGE]
    assert model.paper_id(9) == fetch.ids[9] != ids[9]


def test_a_large_result_in_the_window_reads_one_page(small_pages: None, qtbot: QtBot,
                                                     window: MainWindow,
                                                     reader: Library) -> None:
    window.search.field.setText("")
    window.run_search("")
    assert window.model.rowCount() == reader.count("") == 33
    fetched = window.model.id_pages_fetched
    window.table.viewport().repaint()
    # The rows on screen are read, not the 33 ids at once.
    assert window.model.id_pages_fetched - fetched <= 9
    assert window.model.ids() == reader.search("")
    for query, sort in (("learning", None), ("l", None), ("learning", "year")):
        window.table.set_sort(sort, False)
        window.run_search(query)
        assert window.model.ids() == reader.search(query, sort=sort), query
    assert "33 papers" in window.status_label.text()


def test_selection_and_edits_hold_over_a_paged_result(small_pages: None,
                                                      window: MainWindow,
                                                      reader: Library) -> None:
    window.run_search("")
    first = window.model.paper_id(1)
    window.table.select_ids([first])
    window.run_search("")
    assert window.table.selected_ids() == [first]
    window.table.set_sort("year", False)
    window.run_search("")
    last = window.model.paper_id(window.model.rowCount() - 1)
    window.commands.edit_papers({last: {"date": "1900"}}, "Edit date")
    settle(window)
    assert window.model.ids() == reader.search("", sort="year")
    assert window.model.paper_id(0) == last


def test_rows_are_read_a_block_at_a_time_within_pages_of_ids(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(papers_model, "PAGE_SIZE", 8)
    monkeypatch.setattr(papers_model, "ROW_BLOCK", 3)  # a page's blocks: 3, 3 and 2 rows
    with Library.open(tmp_path / "blocks.sqlite", backups=False) as library:
        rng = random.Random(3)
        library.import_papers([fake_paper(rng) for _ in range(20)], on_duplicate="keep")
        ids = library.search("")
        fetch = Fetches(ids)
        model = PaperTableModel(library)
        model.set_result(len(ids), ids[:8], fetch)

        def title(row: int) -> object:
            return model.index(row, 0).data()

        assert title(9) == library.paper(ids[9]).title
        assert (model.row_reads, model.rows_read) == (1, 3)  # rows 8–10: page 1's first
        assert [title(r) for r in range(len(ids))] == [library.paper(i).title for i in ids]
        assert model.rows_read == len(ids)
        # An edited paper's block alone is read again, and shows the edit.
        library.update_paper(ids[10], title="Edited on row ten")
        library.update_paper(ids[12], title="Edited on row twelve")  # not refreshed
        before = model.rows_read
        model.refresh_papers([ids[10]])
        assert title(10) == "Edited on row ten"
        assert title(9) == library.paper(ids[9]).title
        assert model.rows_read - before == 3
        assert title(12) != "Edited on row twelve"  # its block was left as read
        # Past the first page, blocks are forgotten with their ids.
        model.forget_beyond_first_page()
        before = model.rows_read
        assert title(7) == library.paper(ids[7]).title
        assert model.rows_read == before
        assert title(12) == "Edited on row twelve"
        assert model.rows_read - before == 3
