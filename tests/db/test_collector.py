"""The cycle collector's pauses: counted, so overlapping bulk work leaves it as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from db import collector
from db.exporting import export
from db.importing import read_text
from db.library import Library


@pytest.fixture
def enabled() -> Iterator[None]:
    before = gc.isenabled()
    gc.enable()
    yield
    if before:
        gc.enable()
    else:
        gc.disable()


def test_overlapping_pauses_end_with_the_last(enabled: None) -> None:
    first, second = collector.paused(), collector.paused()
    first.__enter__()
    assert not gc.isenabled()
    second.__enter__()
    first.__exit__(None, None, None)  # an import ends while an export still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_pause_that_fails_still_ends(enabled: None) -> None:
    with pytest.raises(RuntimeError), collector.paused():
        assert not gc.isenabled()
        raise RuntimeError("the import failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(enabled: None) -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_imports_and_exports_pause_it(enabled: None,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = collector.paused

    def watched() -> object:
        seen.append(True)
        return real()

    monkeypatch.setattr(collector, "paused", watched)
    read = read_text("@article{a, title = {One}, year = 2020}\n", file="a.bib")
    with Library.memory() as library:
        library.import_papers(read.records)
        export(library, library.search(""), "bibtex")
    assert len(seen) == 2 and gc.isenabled()
