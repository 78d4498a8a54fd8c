"""The table model: ids plus pages, checked by Qt's model tester; drags carry ids."""

from __future__ import annotations

import random

from PySide6.QtCore import QMimeData, Qt
from pytestqt.modeltest import ModelTester

from db.library import Library
from desktop.models.papers import (
    PAGE_SIZE,
    PAPER_ID_ROLE,
    PAPER_IDS_MIME,
    ROW_BLOCK,
    TAG_CHIPS_ROLE,
    TAGS_COLUMN,
    PaperTableModel,
    ids_from_mime,
    stars,
)
from tests.factories import fake_paper


def test_the_model_passes_qt_checks_and_pages_rows(qtmodeltester: ModelTester,
                                                   library: Library) -> None:
    rng = random.Random(5)
    ids = list(library.import_papers([fake_paper(rng) for _ in range(PAGE_SIZE + 50)]).added)
    model = PaperTableModel(library)
    model.set_ids(ids)
    qtmodeltester.check(model)
    last = model.index(len(ids) - 1, 0)
    assert last.data(PAPER_ID_ROLE) == ids[-1]
    assert last.data() == library.paper(ids[-1]).title
    # Only the rows asked for are read: the first and the last blocks.
    assert model.row_reads <= 2 and model.rows_read <= 2 * ROW_BLOCK


def test_rows_refresh_in_place_and_tags_carry_colours(library: Library) -> None:
    ids = list(library.import_papers([fake_paper(random.Random(i)) for i in range(3)]).added)
    model = PaperTableModel(library)
    model.set_ids(ids)
    assert model.index(1, 0).data() == library.paper(ids[1]).title
    library.update_paper(ids[1], title="Changed", rating=3)
    library.add_tags([ids[1]], ["gnn"])
    library.recolour_tag("gnn", "#112233")
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom: changed.append(top.row()))
    model.refresh_papers([ids[1]])
    model.set_tag_colours({"GNN": "#112233"})
    assert changed[0] == 1
    assert model.index(1, 0).data() == "Changed"
    assert model.index(1, TAGS_COLUMN).data(TAG_CHIPS_ROLE) == [("gnn", "#112233")]
    assert stars(3) == "★★★☆☆" and stars(0) == ""


def test_drags_carry_ids_and_only_a_list_accepts_a_reorder(library: Library) -> None:
    ids = list(library.import_papers([fake_paper(random.Random(i)) for i in range(4)]).added)
    model = PaperTableModel(library)
    model.set_ids(ids)
    data = model.mimeData([model.index(2, 0), model.index(0, 1), model.index(2, 3)])
    assert ids_from_mime(data) == [ids[0], ids[2]]
    dropped: list[tuple[list[int], int]] = []
    model.rows_dropped.connect(lambda moved, row: dropped.append((moved, row)))
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, 1, 0, model.index(-1, -1))
    model.reorderable = True
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, 1, 0, model.index(-1, -1))
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 1, 0, model.index(-1, -1)) is False
    assert dropped == [([ids[0], ids[2]], 1)]
    junk = QMimeData()
    junk.setData(PAPER_IDS_MIME, b"not json")
    assert ids_from_mime(junk) == []
