"""The order and paging of searches over a large library: what the table pages through."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import library as library_module
from db.fields import sort_sql
from db.library import NEWEST_FIRST, Library
from db.records import Author
from tests.factories import Clock, fake_paper


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC), timedelta(seconds=1))
    with Library.open(tmp_path / "order.sqlite", clock=clock) as lib:
        rng = random.Random(7)
        for _ in range(3):  # three imports: papers of one import share their time
            lib.import_papers([fake_paper(rng) for _ in range(40)], on_duplicate="keep")
        yield lib


def plan(library: Library, sql: str, params: tuple[object, ...] = ()) -> str:
    return " | ".join(str(row[3]) for row in
                      library.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_the_whole_library_lists_newest_first_from_an_index(library: Library) -> None:
    ids = library.search("")
    # Each import newer than the last; within one, the file's order.
    assert ids == [*range(81, 121), *range(41, 81), *range(1, 41)]
    assert len(ids) == 120 == library.count("")
    shown = plan(library, f"SELECT p.id FROM papers p WHERE (1) AND p.deleted IS NULL "
                          f"ORDER BY {NEWEST_FIRST} LIMIT 200")
    assert "papers_live_newest" in shown and "TEMP B-TREE" not in shown


# The most sorted columns, and the key: a click on their header reads the first page from
# an index. (field, descending)
INDEXED_SORTS = (("title", False), ("title", True), ("author", False), ("year", False),
                 ("year", True), ("key", False), ("key", True))


@pytest.mark.parametrize(("field", "descending"), INDEXED_SORTS)
def test_sorting_by_a_column_reads_its_index(library: Library, field: str,
                                             descending: bool) -> None:
    ids = library.search("", sort=field, descending=descending)
    assert len(ids) == 120 and len(set(ids)) == 120
    shown = plan(library, f"SELECT p.id FROM papers p WHERE (1) AND p.deleted IS NULL "
                          f"ORDER BY {sort_sql(field, descending)} LIMIT ? OFFSET ?", (200, 0))
    assert "USING INDEX" in shown and "TEMP B-TREE" not in shown, shown


def test_papers_without_a_year_sort_last_both_ways(library: Library) -> None:
    undated = library.search("")[5]
    library.update_paper(undated, date="")
    assert library.paper(undated).year is None
    for descending in (False, True):
        years = [library.paper(i).year for i in library.search("", sort="year",
                                                                  descending=descending)]
        assert years[-1] is None and None not in years[:-1]
        known = [y for y in years if y is not None]
        assert known == sorted(known, reverse=descending)


def test_authors_sort_by_the_first_one_as_it_is_now(library: Library) -> None:
    def order(descending: bool = False) -> list[str | None]:
        names = []
        for i in library.search("", sort="author", descending=descending):
            authors = library.paper(i).authors
            first = authors[0] if authors else None
            names.append(None if first is None else (first.family or first.literal).lower())
        return names

    ids = library.search("")
    library.update_paper(ids[0], authors=[Author(family="Aaberg", given="Ana"),
                                          Author(family="Zyl", given="Zoe")])
    library.update_paper(ids[1], authors=[Author(literal="ACME Research Group")])
    library.update_paper(ids[2], authors=[])
    for descending in (False, True):
        names = order(descending)
        assert names[-1] is None and None not in names[:-1]  # no author: last both ways
        assert names[:-1] == sorted(names[:-1], reverse=descending)  # type: ignore[type-var]
    assert order()[:2] == ["aaberg", "acme research group"]
    # The first author changed, removed, and a paper imported: the order follows.
    library.update_paper(ids[0], authors=[Author(family="Zzyzx", given="Ana")])
    library.update_paper(ids[2], authors=[Author(family="Aardvark", given="Al")])
    added = library.import_papers([fake_paper(random.Random(1), authors=(
        Author(family="Aabel", given="Bo"),))], on_duplicate="keep").added
    assert order()[:3] == ["aabel", "aardvark", "acme research group"]
    assert library.search("", sort="author")[0] == added[0]
    assert order(descending=True)[0] == "zzyzx"


def test_a_one_or_two_letter_prefix_lists_newest_first_unranked(library: Library) -> None:
    for query in ("g", "gr", "GR"):
        ids = library.search(query)
        assert ids, query
        assert ids == [i for i in library.search("") if i in set(ids)]
        assert library_module._common(library.count(query), 120)
        # The same papers as the general path finds (sorting takes it).
        assert set(ids) == set(library.search(query, sort="title"))
    # Three letters are a word being looked for: ranked by relevance.
    ranked = library.search("gra")
    assert ranked != [i for i in library.search("") if i in set(ranked)]
    assert set(ranked) == set(library.search("gr")) & set(ranked)


def test_words_found_in_too_many_papers_list_newest_first(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    newest = library.search("")
    ranked = library.search("graph")
    assert ranked != [i for i in newest if i in set(ranked)]
    monkeypatch.setattr(library_module, "RANK_LIMIT", len(ranked) - 1)
    unranked = library.search("graph")
    assert unranked == [i for i in newest if i in set(ranked)]
    with_filter = library.search("graph year:>=1900")
    assert with_filter == [i for i in unranked if i in set(with_filter)]


def test_pages_are_slices_of_the_whole_order(library: Library) -> None:
    for query, sort in (("", None), ("g", None), ("graph", None), ("graph", "year"),
                        ("tag:ml", None), ("year:>=2000", "title"), ("author:wang", None),
                        ("import:1", None), ("-tag:ml", None), ("tag:ml OR tag:gnn", None)):
        whole = library.search(query, sort=sort)
        paged = [i for start in range(0, len(whole) + 7, 7)
                 for i in library.search(query, sort=sort, limit=7, offset=start)]
        assert paged == whole, (query, sort)
        assert library.count(query) == len(whole), query
        assert library.page(query, sort=sort, limit=7) == (len(whole), whole[:7])


def test_trashed_papers_are_neither_listed_nor_counted(library: Library) -> None:
    found = library.search("g")
    tagged = library.search("g")[:9]
    library.add_tags(tagged, ["gnn", "gnn/deep"])  # two tags matched by one term: once
    assert library.count("tag:gnn") == 9
    library.delete_papers(found[:5])
    assert library.count("tag:gnn") == 4 == len(library.search("tag:gnn"))
    assert library.count("tag:gnn in:trash") == 5
    assert library.count("g") == len(found) - 5
    assert library.search("g") == found[5:]
    assert not set(found[:5]) & set(library.search("graph"))
    assert set(found[:5]) <= set(library.search("g in:trash"))


def test_a_common_match_walks_the_newest_first_index(library: Library,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    statements: list[str] = []
    library.conn.set_trace_callback(statements.append)
    assert library.search("g", limit=5) == library.search("g")[:5]
    assert any("INDEXED BY papers_live_newest" in s for s in statements)
    statements.clear()
    # A rare one is found through its own index and sorted: few rows to sort.
    rare = library.search("title:zzzz")
    assert rare == [] and not any("INDEXED BY" in s for s in statements)


def test_renaming_a_tag_rewrites_no_index_row_and_words_find_the_new_name(
        library: Library) -> None:
    ids = library.search("")[:30]
    library.add_tags(ids, ["quasicrystal"])
    assert sorted(library.search("quasi")) == sorted(ids)
    statements: list[str] = []
    library.conn.set_trace_callback(statements.append)
    library.rename_tag("quasicrystal", "aperiodic/tilings")
    library.conn.set_trace_callback(None)
    assert not any("papers_fts" in s for s in statements)
    assert library.search("quasi") == []
    assert sorted(library.search("tilings")) == sorted(ids)
    assert sorted(library.search('"aperiodic til"')) == sorted(ids)
    assert sorted(library.search("tag:aperiodic")) == sorted(ids)


def test_a_large_filtered_result_is_counted_then_paged(library: Library,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    whole = library.search("year:>=1900", sort="year")
    assert len(whole) > 3
    monkeypatch.setattr(library_module, "WHOLE_READ", 3)
    assert library.page("year:>=1900", sort="year", limit=2) == (len(whole), whole[:2])
