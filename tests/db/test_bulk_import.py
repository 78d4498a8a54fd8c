"""Imports in bulk: the same library, ids, keys, tags and duplicates as one paper at a time.

An import looks its duplicates up batch by batch in memory (db.match_index) and writes each
table with one executemany (db.paper_rows). These tests hold it to what inserting the
records one by one, each looked up with find_match first, gives.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from db import paper_rows, papers
from db.duplicates import similar_among, similar_titles
from db.library import Library
from db.match_index import _CANDIDATES, _ONE
from db.papers import OnDuplicate
from db.records import Author, PaperData
from db.store import BULK_CACHE_KIB
from tests.factories import Clock, fake_paper

KAI = (Author("Yi", "Kai"), Author("Zhou", "Bingxin"))
GDD = PaperData(title="Graph Denoising Diffusion for Inverse Protein Folding", authors=KAI,
                date="2023-06-29", doi="10.1000/GDD", tags=("Protein", "ml/graphs"))


def frozen_clock() -> Clock:
    return Clock(datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC))


def existing() -> list[PaperData]:
    rng = random.Random(3)
    found = [fake_paper(rng, key=f"smith{2000 + i}") for i in range(25)]
    found += [
        GDD,
        PaperData(title="EF-BV: error feedback", arxiv="2205.04180v1", key="Condat2022",
                  authors=(Author("Condat", "Laurent"),), date="2022", tags=("ml",)),
        PaperData(title="A paper with no first author", date="2021"),
        PaperData(title="Kernel methods", authors=(Author(literal="World Health Org"),),
                  date="2015"),
    ]
    return found


def incoming() -> list[PaperData]:
    """New papers, duplicates of the library and of each other, in a deliberate order."""
    rng = random.Random(11)
    fresh = [fake_paper(rng, tags=("ML", "new")) for _ in range(12)]
    records = [
        fresh[0],
        PaperData(title="Another name", doi="https://doi.org/10.1000/gdd"),  # DOI, case, URL
        PaperData(title="EF-BV again", arxiv="arXiv:2205.04180v3"),  # arXiv version
        PaperData(title="GRAPH DENOISING DIFFUSION FOR INVERSE PROTEIN FOLDING!",
                  authors=(Author("YI", "K."),), date="2023"),  # same title, author, year
        PaperData(title="Graph denoising difusion for inverse protein folding",
                  authors=(Author("Yi", "Kai"),), date="2023"),  # a typo: similar title
        replace(GDD, doi="", date="2022"),  # another year: another paper
        fresh[1],
        replace(fresh[1], doi="", key="", title=fresh[1].title.upper()),  # in the same file
        fresh[2],
        PaperData(title="Kernel methods", authors=(Author(literal="World Health Org"),),
                  date="2015"),  # an organisation as first author
        PaperData(title="A paper with no first author", date="2021"),
        PaperData(title="", doi="10.1000/untitled"),
        PaperData(title="", doi="10.1000/UNTITLED"),  # the one just before, by DOI
        replace(fresh[3], key="Smith2001"),  # a key the library has (case aside)
        replace(fresh[4], key="smith2001"),  # …and again, in this file
        replace(fresh[5], key="smith2001a"),
        *fresh[6:],
        replace(fresh[7], doi="", arxiv="", tags=("ml/graphs", " new ", "")),
        PaperData(title="Tags only", tags=("ml//graphs", "Ml/Graphs", "protein")),
    ]
    return records


def dump(library: Library) -> object:
    """Everything an import writes, but the import's own record."""
    conn = library.conn
    tables = {
        "papers": "SELECT * FROM papers ORDER BY id",
        "authors": "SELECT * FROM authors ORDER BY paper_id, position",
        "tags": "SELECT * FROM tags ORDER BY id",
        "paper_tags": "SELECT * FROM paper_tags ORDER BY paper_id, tag_id",
        "fts": "SELECT rowid, title, authors, abstract, venue, tags, notes FROM papers_fts "
               "ORDER BY rowid",
        "lists": "SELECT * FROM list_items ORDER BY list_id, position",
    }
    return {name: conn.execute(sql).fetchall() for name, sql in tables.items()}


def one_by_one(library: Library, records: list[PaperData],
               on_duplicate: OnDuplicate) -> tuple[list[int], list[tuple[int, int]]]:
    """The reference: each record looked up with find_match, then written on its own."""
    added: list[int] = []
    duplicates: list[tuple[int, int]] = []
    for index, data in enumerate(records):
        found = None if on_duplicate == "keep" else library.find_duplicate(data)
        result = library.import_papers([data], on_duplicate=on_duplicate)
        if found is None:
            assert result.duplicates == ()
            added.extend(result.added)
        else:
            assert result.duplicates == ((0, found),)
            duplicates.append((index, found))
    return added, duplicates


@pytest.mark.parametrize("on_duplicate", ["skip", "merge", "keep"])
@pytest.mark.parametrize("batch", [3, 500])
def test_an_import_gives_what_one_by_one_inserts_give(
    monkeypatch: pytest.MonkeyPatch, on_duplicate: OnDuplicate, batch: int,
) -> None:
    monkeypatch.setattr(papers, "IMPORT_BATCH", batch)
    records = incoming()
    with Library.memory(clock=frozen_clock()) as bulk, \
            Library.memory(clock=frozen_clock()) as single:
        for library in (bulk, single):
            library.add_papers(existing())
        result = bulk.import_papers(records, on_duplicate=on_duplicate)
        added, duplicates = one_by_one(single, records, on_duplicate)
        assert list(result.added) == added
        assert list(result.duplicates) == duplicates
        assert dump(bulk) == dump(single)
    if on_duplicate == "skip":
        # What the records above are there to exercise: each kind of match was met.
        found = dict(duplicates)
        assert {1, 2, 3, 4, 7, 9, 10, 12} <= set(found) and 5 not in found
        # Record 7 is record 6 again, the third paper added (after records 0 and 5).
        assert found[7] == added[2]


def test_a_record_matches_what_a_merge_earlier_in_the_file_filled_in() -> None:
    a = PaperData(title="Sparse kernels at scale", authors=KAI, date="2020")
    b = replace(a, doi="10.1000/sparse", venue="ICML")  # same paper: fills A's DOI
    c = PaperData(title="Some other title", doi="10.1000/SPARSE")  # only the DOI says so
    with Library.memory() as library:
        result = library.import_papers([a, b, c], on_duplicate="merge")
        (paper_id,) = result.added
        assert result.duplicates == ((1, paper_id), (2, paper_id))
        assert library.paper(paper_id).venue == "ICML"
        assert library.search("icml") == [paper_id]


def test_duplicate_ids_is_find_duplicate_for_each_record() -> None:
    with Library.memory() as library:
        library.add_papers(existing())
        records = incoming()
        assert library.duplicate_ids(records) == [library.find_duplicate(r) for r in records]


def test_keys_are_looked_up_one_by_one_in_a_large_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Past a size, PaperRows asks the library about each key instead of reading them all.
    monkeypatch.setattr(paper_rows, "_READ_ALL_KEYS_RATIO", 0)
    records = incoming()
    with Library.memory(clock=frozen_clock()) as bulk, \
            Library.memory(clock=frozen_clock()) as single:
        for library in (bulk, single):
            library.add_papers(existing())
        bulk.import_papers(records)
        one_by_one(single, records, "skip")
        assert dump(bulk) == dump(single)


def test_a_cancelled_bulk_import_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(papers, "IMPORT_BATCH", 7)
    records = incoming() * 10

    def cancel(done: int, total: int) -> None:
        if done >= 100:
            raise KeyboardInterrupt

    with Library.memory() as library:
        library.add_papers(existing())
        before = dump(library)
        with pytest.raises(KeyboardInterrupt):
            library.import_papers(records, progress=cancel, on_duplicate="merge",
                                  list_name="L")
        assert dump(library) == before and library.lists() == []


def test_the_candidate_lookup_of_an_import_uses_indexes() -> None:
    with Library.memory() as library:
        for sql, params in ((_CANDIDATES, ('["x"]',) * 4), (_ONE, (1,))):
            plan = [str(row[3]) for row in library.conn.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                                 params)]
            scans = [step for step in plan if step.startswith("SCAN")]
            assert all("json_each" in step for step in scans), plan


@pytest.mark.parametrize("seed", range(5))
def test_similar_among_is_similar_titles_for_each(seed: int) -> None:
    rng = random.Random(seed)
    words = ("graph", "graphs", "neural", "diffusion", "difusion", "protein", "rna", "the")
    base = " ".join(rng.choice(words) for _ in range(8))
    others = []
    for _ in range(40):
        title = list(base.split())
        title[rng.randrange(len(title))] = rng.choice(words)
        others.append(" ".join(title) if rng.random() < 0.8 else base)
    assert similar_among(base, others) == [
        i for i, other in enumerate(others) if similar_titles(base, other)]
    assert similar_among(base, others[:3]) == [
        i for i, other in enumerate(others[:3]) if similar_titles(base, other)]


def test_emptying_the_trash_removes_every_trace_and_keeps_foreign_keys_on() -> None:
    with Library.memory() as library:
        library.add_papers(existing())
        ids = library.search("")
        gone, kept = ids[:10], ids[10:]
        library.add_note(gone[0], "a note")
        library.create_list("L")
        library.add_to_list("L", [gone[1], kept[0]])
        library.mark_not_duplicates([gone[2], kept[1]])
        library.update_paper(gone[3], key="renamedKey")  # leaves an alias
        library.delete_papers(gone)
        changes = library.empty_trash()
        assert changes.removed == frozenset(gone)
        conn = library.conn
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, column in library.cascades("papers") or []:
            left = conn.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" NOT IN '
                                "(SELECT id FROM papers)").fetchone()[0]
            assert left == 0, table
        assert library.list_order("L") == [kept[0]]
        assert conn.execute("SELECT count(*) FROM papers_fts").fetchone()[0] == len(kept)


def test_a_failed_purge_rolls_back_and_turns_foreign_keys_on_again() -> None:
    with Library.memory() as library:
        library.add_papers(existing())
        ids = library.search("")
        library.conn.execute("CREATE TEMP TRIGGER no_purge BEFORE DELETE ON papers "
                             "BEGIN SELECT RAISE(ABORT, 'refused'); END")
        with pytest.raises(Exception, match="refused"):
            library.purge_papers(ids[:3])
        assert library.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert library.stats()["papers"] == len(ids)
        assert library.conn.execute("SELECT count(*) FROM authors WHERE paper_id IN "
                                    f"({', '.join(map(str, ids[:3]))})").fetchone()[0] > 0


def test_undoing_an_import_purges_inside_the_open_write() -> None:
    with Library.memory() as library:
        from db.papers import ImportSource

        result = library.import_papers(incoming(), source=ImportSource("a.bib", "bibtex"))
        library.add_note(result.added[0], "mine")
        library.undo_import(result.import_id or 0)
        assert library.stats()["papers"] == 0 and library.stats()["notes"] == 0
        assert library.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def fts_rows(library: Library) -> list[tuple[object, ...]]:
    return library.conn.execute("SELECT rowid, title, authors, abstract, venue, tags, notes "
                                "FROM papers_fts ORDER BY rowid").fetchall()


def test_merges_leave_the_index_as_a_full_reindex_would() -> None:
    with Library.memory() as library:
        keep = library.add_paper(GDD).created_id or 0
        other = library.add_paper(replace(GDD, doi="", venue="ICML", tags=("x",),
                                          abstract="words")).created_id or 0
        bare = library.add_paper(replace(GDD, doi="", tags=())).created_id or 0
        library.add_note(other, "a note about folding")
        record = library.merge_papers(keep, [other, bare])
        merged = fts_rows(library)
        with library.batch():
            library.reindex(library.search("in:trash") + library.search(""))
        assert fts_rows(library) == merged
        assert library.search("folding note") == [keep]
        library.unmerge(record)
        unmerged = fts_rows(library)
        with library.batch():
            library.reindex(library.search("in:trash") + library.search(""))
        assert fts_rows(library) == unmerged
        assert library.search("note") == [other]


def test_merging_a_paper_imported_twice_leaves_the_index_as_it_was() -> None:
    with Library.memory() as library:
        library.import_papers([GDD, fake_paper(random.Random(1))])
        twice = library.import_papers([GDD], on_duplicate="keep").added[0]
        before = [row for row in fts_rows(library) if row[0] != twice]
        record = library.merge_papers(1, [twice])
        assert [row for row in fts_rows(library) if row[0] != twice] == before
        assert library.search("in:trash") == [twice] and library.search("folding") == [1]
        library.unmerge(record)
        assert sorted(library.search("folding")) == [1, twice]


def test_an_import_works_with_a_larger_page_cache_and_gives_it_back(tmp_path: Path) -> None:
    with Library.open(tmp_path / "cache.sqlite", backups=False) as library:
        def cache_size() -> int:
            return int(str(library.scalar("PRAGMA cache_size")))

        before = cache_size()
        seen: list[int] = []
        library.import_papers([fake_paper(random.Random(n)) for n in range(30)],
                              progress=lambda done, total: seen.append(cache_size()))
        assert seen and set(seen) == {-BULK_CACHE_KIB} and cache_size() == before

        def fail(done: int, total: int) -> None:
            raise RuntimeError("cancelled")

        with pytest.raises(RuntimeError):
            library.import_papers([fake_paper(random.Random(99))], progress=fail)
        assert cache_size() == before
