"""Save the main window on the sample library to docs/screenshots/ (``make screenshots``).

Runs offscreen: the window paints into images exactly as it would on a screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QApplication,
    QListWidget,
    QWidget,
)

from db.importing import ReadOptions, import_file  # noqa: E402
from db.library import Library  # noqa: E402
from desktop.app import App  # noqa: E402
from desktop.paths import sample_listing  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1440, 860)


def prepare(path: Path) -> None:
    """The sample, with the tags, colours, ratings and a note a user would have added."""
    with Library.open(path) as lib:
        import_file(lib, sample_listing(), options=ReadOptions(capture_year=2025))
        ids = {lib.paper(i).title.split(":")[0]: i for i in lib.search("")}
        federated = lib.search("federated")
        lib.add_tags(federated, ["ml/federated"])
        lib.add_tags(lib.search("protein"), ["bio/protein"])
        lib.add_tags(lib.search("graph"), ["ml/graphs"])
        lib.add_tags(lib.search("quantization"), ["to-read"])
        lib.recolour_tag("ml/federated", "#1f77b4")
        lib.recolour_tag("bio/protein", "#2ca02c")
        lib.recolour_tag("to-read", "#ff7f0e")
        lib.update_papers({federated[0]: {"rating": 5, "status": "read"},
                           federated[1]: {"rating": 4, "status": "reading"}})
        acmp = ids["ACMP"]
        lib.update_paper(acmp, rating=4, status="reading")
        lib.add_note(acmp, "## Why it matters\n\n- Allen–Cahn term keeps the **Dirichlet "
                           "energy** bounded below\n- compare with *GRAND* and *GraphCON*\n\n"
                           "Code: <https://github.com/ykiiiiii/ACMP>")
        lib.create_list("Reading group", "Papers for the Thursday group")
        lib.add_to_list("Reading group", federated[:4])
        lib.save_smart_list("Recent and rated", "year:>=2024 rating:>=4")


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def shoot(widget: QWidget, name: str) -> None:
    path = OUT / name
    widget.grab().save(str(path))
    print(f"saved {path.relative_to(ROOT)}")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "Papershelf sample.sqlite"
        prepare(library)
        app = App(settings_path=Path(folder) / "settings.ini")
        app.open(str(library))
        window = app.window
        assert window is not None
        window.resize(*SIZE)
        window.show()
        settle(app.qt)
        window.table.selectRow(0)
        settle(app.qt)
        shoot(window, "main-light.png")

        window.search.set_query("federated")
        window.table.selectRow(0)
        settle(app.qt)
        shoot(window, "search.png")

        window.search.set_query('tag:"ml/federated"')
        settle(app.qt)
        shoot(window, "tag-filter.png")

        window.search.set_query('title:ACMP')
        window.table.selectRow(0)
        settle(app.qt)
        notes = window.detail.findChild(QListWidget, "notesList")
        if notes is not None and notes.count():
            notes.setCurrentRow(0)
        preview = window.detail.findChild(QWidget, "notePreview")
        toggle = window.detail.findChild(QAbstractButton, "notePreviewMode")
        if toggle is not None:
            toggle.click()
        settle(app.qt)
        shoot(window, "notes-preview.png")
        if preview is None:
            print("note: no widget named notePreview was found")

        window.set_theme("dark")
        window.search.set_query("")
        window.table.selectRow(2)
        settle(app.qt)
        shoot(window, "main-dark.png")
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
