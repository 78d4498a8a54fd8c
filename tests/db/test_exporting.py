"""Export scopes, atomic files, and live exports that follow every change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from db.errors import LibraryError
from db.exporting import export, resolve, write_atomic
from db.importing import ReadOptions, import_file
from db.library import Library
from db.live import bind, live_exports, refresh, unbind
from desktop.paths import sample_listing


@pytest.fixture
def sample(library: Library) -> Library:
    import_file(library, sample_listing(), options=ReadOptions(capture_year=2025))
    return library


def test_scopes_keep_their_order(sample: Library) -> None:
    order = [i.paper_id for i in sample.list_items("Kai Yi")]
    sample.reorder_list("Kai Yi", order[::-1])
    assert resolve(sample, list_name="Kai Yi") == order[::-1]
    keys = [sample.paper(i).key for i in order[:3]]
    assert resolve(sample, keys=keys[::-1]) == order[:3][::-1]
    assert resolve(sample, query="protein") == sample.search("protein")
    sample.save_smart_list("Proteins", "protein")
    assert resolve(sample, smart_list="proteins") == sample.search("protein")
    assert sorted(resolve(sample)) == sorted(order)
    with pytest.raises(LibraryError, match="no smart list"):
        resolve(sample, smart_list="nope")
    with pytest.raises(LibraryError, match="Unknown export format"):
        export(sample, order, "docx")


def test_files_are_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "refs.bib"
    write_atomic(target, "one\n")
    write_atomic(target, "two\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["refs.bib"]
    # Bytes as given: RIS's CRLF stays CRLF, a lone LF stays LF, UTF-8 throughout.
    write_atomic(target, "TY  - JOUR\r\nTI  - Richtárik\nER  - \r\n")
    assert target.read_bytes() == "TY  - JOUR\r\nTI  - Richtárik\nER  - \r\n".encode()
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        with pytest.raises(LibraryError, match="Cannot write"):
            write_atomic(locked / "refs.bib", "x")
    finally:
        os.chmod(locked, 0o700)


def test_a_bound_list_follows_changes_to_its_papers(sample: Library, tmp_path: Path) -> None:
    target = tmp_path / "refs.json"
    binding = bind(sample, target, "csljson", list_name="Kai Yi")
    first = json.loads(target.read_text(encoding="utf-8"))
    assert len(first) == 33
    (status,) = live_exports(sample)
    assert status.id == binding and status.last_written and not status.last_error
    member = sample.list_items("Kai Yi")[0].paper_id
    changes = sample.update_paper(member, title="A title changed in Papershelf")
    assert refresh(sample, changes) == 1
    assert "A title changed in Papershelf" in target.read_text(encoding="utf-8")
    outside = sample.add_paper(sample.paper(member).__class__(title="Not in the list"))
    assert refresh(sample, outside) == 0
    changes = sample.remove_from_list("Kai Yi", [member])
    assert refresh(sample, changes) == 1
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 32
    unbind(sample, binding)
    assert live_exports(sample) == []


def test_a_failed_live_export_is_recorded_not_raised(sample: Library, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    bind(sample, blocker / "refs.json", "csljson", list_name="Kai Yi")
    (status,) = live_exports(sample)
    assert "Cannot write" in status.last_error and status.last_written == ""
