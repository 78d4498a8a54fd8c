"""The first page of a common word search, read by walking the newest-first index: the
same ids, in the same order, as SQLite's own way gives."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import first_page
from db import library as library_module
from db.first_page import newest_matching
from db.library import Library
from tests.factories import Clock, fake_paper

QUERIES = ("g", "gr", "p", "fed", "graph", "neural passing", "quokka", "nothingmatches")
SIZE = 200


@pytest.fixture(params=[1, -1], ids=["later-imports-newer", "later-imports-older"])
def library(tmp_path: Path, request: pytest.FixtureRequest,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    # Words list newest first, like prefixes, when none is ranked.
    monkeypatch.setattr(library_module, "RANK_LIMIT", 0)
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC), timedelta(hours=request.param))
    with Library.open(tmp_path / "walk.sqlite", clock=clock, backups=False) as lib:
        rng = random.Random(11)
        # The first import alone has a rare word: among the oldest papers, or the newest.
        lib.import_papers([fake_paper(rng, title=f"Quokka {fake_paper(rng).title}")
                           for _ in range(50)], on_duplicate="keep")
        for _ in range(3):
            lib.import_papers([fake_paper(rng) for _ in range(50)], on_duplicate="keep")
        lib.delete_papers(range(5, SIZE, 9))
        yield lib


def expected(library: Library, query: str) -> list[int]:
    """The matches in the whole library's order, found another way (sorting by title
    never walks the newest-first index)."""
    found = set(library.search(query, sort="title"))
    return [i for i in library.search("") if i in found]


def walk(library: Library, query: str, limit: int) -> list[int] | None:
    match = library._compile(query).rank_match
    assert match is not None
    return newest_matching(library.conn, match, limit, library.count(query), SIZE)


def test_the_first_page_is_the_start_of_the_whole_order(library: Library) -> None:
    assert library.count("") == SIZE - len(range(5, SIZE, 9))
    for query in QUERIES:
        whole = expected(library, query)
        for limit in (1, 7, 200):
            assert library.search(query, limit=limit) == whole[:limit], (query, limit)
            assert library.page(query, limit=limit) == (len(whole), whole[:limit])
        assert library.search(query) == whole, query
        # SQLite's own "no limit", as the window asks for the rest of a result.
        assert library.search(query, limit=-1) == whole, query


def test_a_common_word_search_takes_the_walk(library: Library,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[list[int] | None] = []

    def spy(*args: object) -> list[int] | None:
        answers.append(newest_matching(*args))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(library_module, "newest_matching", spy)
    for query in ("g", "graph", "quokka"):
        answers.clear()
        _, first = library.page(query, limit=7)
        assert answers == [first] and len(first) == 7, query
    # Not for a later page, nor for a rare word, nor for the trash.
    answers.clear()
    library.search("g", limit=7, offset=7)
    library.page("nothingmatches", limit=7)
    library.page("in:trash g", limit=7)
    assert answers == []


def test_the_walk_itself_answers_common_words(library: Library) -> None:
    for query in ("g", "gr", "p", "graph", "quokka"):
        whole = expected(library, query)
        assert len(whole) * 20 > SIZE, query
        for limit in (1, 7, 200):
            assert walk(library, query, limit) == whole[:limit], (query, limit)
    assert walk(library, "nothingmatches", 7) == []


def test_the_walk_leaves_scattered_ids_to_sqlite(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(first_page, "SPREAD", 0)
    assert walk(library, "g", 7) is None
    for query in QUERIES:
        whole = expected(library, query)
        assert library.page(query, limit=7) == (len(whole), whole[:7]), query


def test_the_walk_gives_up_on_matches_far_from_the_newest(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(first_page, "ROUNDS", 1)
    monkeypatch.setattr(first_page, "MARGIN", 0.01)
    whole = expected(library, "quokka")
    newest_first = library.search("")[0] in whole
    # Found in the first piece when the rare word's papers are the newest; else SQLite's.
    assert walk(library, "quokka", 7) == (whole[:7] if newest_first else None)
    assert library.page("quokka", limit=7) == (len(whole), whole[:7])
