"""Duplicates: recognised on import, found across the library, merged and unmerged."""

from __future__ import annotations

import pytest

from db.duplicates import FUZZY, HIGH
from db.errors import LibraryError
from db.library import Library
from db.records import Author, PaperData

BASE = PaperData(title="Graph Denoising Diffusion for Inverse Protein Folding",
                 authors=(Author("Yi", "Kai"), Author("Zhou", "Bingxin")), date="2023-06-29")


def add(library: Library, data: PaperData) -> int:
    created = library.add_paper(data).created_id
    assert created is not None
    return created


@pytest.mark.parametrize(
    ("existing", "incoming"),
    [
        (PaperData(title="A", doi="10.1000/ABC"), PaperData(title="B", doi="10.1000/abc")),
        (PaperData(title="A", doi="10.1000/abc"),
         PaperData(title="B", doi="https://doi.org/10.1000/ABC")),
        (PaperData(title="A", arxiv="2206.05437v1"), PaperData(title="B", arxiv="2206.05437v2")),
        (PaperData(title="A", arxiv="2206.05437"), PaperData(title="B", arxiv="arXiv:2206.05437")),
        (BASE, PaperData(title="GRAPH DENOISING DIFFUSION FOR INVERSE PROTEIN FOLDING",
                         authors=(Author("Yi", "K."),), date="2023")),
        (BASE, PaperData(title="Graph denoising difusion for inverse protein folding",
                         authors=(Author("YI", "Kai"),), date="2023")),
    ],
)
def test_an_import_recognises_the_same_paper(library: Library, existing: PaperData,
                                             incoming: PaperData) -> None:
    paper_id = add(library, existing)
    assert library.find_duplicate(incoming) == paper_id
    result = library.import_papers([incoming])
    assert result.added == () and result.duplicates == ((0, paper_id),)


@pytest.mark.parametrize(
    "incoming",
    [
        PaperData(title=BASE.title, authors=BASE.authors, date="2022"),
        PaperData(title=BASE.title, authors=(Author("Zhou", "Bingxin"),), date="2023"),
        PaperData(title="Graph Denoising Diffusion for Inverse RNA Folding",
                  authors=BASE.authors, date="2023"),
    ],
)
def test_different_papers_are_not_taken_for_duplicates(library: Library,
                                                       incoming: PaperData) -> None:
    add(library, BASE)
    assert library.find_duplicate(incoming) is None


def test_find_duplicates_groups_and_remembers_not_a_duplicate(library: Library) -> None:
    a = add(library, PaperData(title="One", doi="10.1/X"))
    b = add(library, PaperData(title="One again", doi="10.1/x"))
    c = add(library, BASE)
    d = add(library, PaperData(title=BASE.title.upper(), authors=BASE.authors, date="2023"))
    e = add(library, PaperData(title=BASE.title.replace("Diffusion", "Difusion"),
                               authors=BASE.authors, date="2023"))
    f = add(library, PaperData(title="Unrelated"))
    groups = library.find_duplicates()
    assert [(g.ids, g.reason, g.high) for g in groups] == [
        ((a, b), HIGH[0], True), ((c, d, e), FUZZY, False)]
    assert "title" in groups[0].differing and "doi" not in groups[0].differing
    library.mark_not_duplicates([c, e])
    library.mark_not_duplicates([d, e])
    assert [g.ids for g in library.find_duplicates()] == [(a, b), (c, d)]
    library.delete_papers([b])
    assert [g.ids for g in library.find_duplicates()] == [(c, d)]
    assert f not in {i for g in library.find_duplicates() for i in g.ids}


def test_a_merge_keeps_tags_notes_and_lists_of_both_and_undoes_exactly(
    library: Library,
) -> None:
    keep = add(library, PaperData(title=BASE.title, authors=BASE.authors, date="2023",
                                  tags=("protein",), extra={"isbn": "1"}))
    other = add(library, PaperData(title=BASE.title, date="2023-06-29", venue="ICML",
                                   doi="10.1/gdd", authors=(Author("Yi", "K."),),
                                   tags=("diffusion", "protein"), extra={"note": "x"}))
    library.add_note(keep, "mine")
    library.add_note(other, "theirs")
    library.create_list("Read")
    library.create_list("Both")
    library.add_to_list("Read", [add(library, PaperData(title="first")), other])
    library.add_to_list("Both", [keep, other])
    before = snapshot(library, keep, other)
    record = library.merge_papers(keep, [other])
    merged = library.paper(keep)
    assert (merged.venue, merged.doi, merged.date) == ("ICML", "10.1/gdd", "2023")
    assert merged.tags == ("diffusion", "protein")
    assert [n.body for n in library.notes(keep)] == ["mine", "theirs"]
    assert merged.lists == ("Read", "Both")
    assert library.list_order("Read")[1] == keep
    assert dict(merged.extra) == {"isbn": "1", "note": "x"}
    assert library.search("in:trash") == [other]
    assert library.search("icml") == [keep]
    library.unmerge(record)
    assert snapshot(library, keep, other) == before
    with pytest.raises(LibraryError):
        library.merge_papers(keep, [keep])


def snapshot(library: Library, *ids: int) -> object:
    papers = [library.paper(i) for i in ids]
    return ([(p.title, p.venue, p.doi, p.date, p.tags, p.lists, p.deleted, dict(p.extra),
              p.authors) for p in papers],
            [[n.body for n in library.notes(i)] for i in ids],
            [library.list_order(rl.name) for rl in library.lists()],
            sorted(library.search("icml") + library.search("in:trash")))


def test_imports_are_recorded_and_can_be_undone(library: Library) -> None:
    from db.papers import ImportSource

    first = library.import_papers([BASE], source=ImportSource("a.bib", "bibtex", skipped=2,
                                                              blocks=(("preamble", "x"),)))
    second = library.import_papers([BASE, PaperData(title="New")], on_duplicate="merge",
                                   source=ImportSource("b.bib", "bibtex"))
    records = library.imports()
    assert [(r.id, r.file, r.added, r.duplicates, r.skipped) for r in records] == [
        (second.import_id, "b.bib", 1, 1, 0), (first.import_id, "a.bib", 1, 0, 2)]
    assert library.search(f"import:{first.import_id}") == list(first.added)
    library.undo_import(second.import_id or 0)
    assert library.stats()["papers"] == 1 and len(library.imports()) == 1


def test_an_imported_key_that_is_taken_gets_a_suffix(library: Library) -> None:
    add(library, PaperData(title="Mine", key="smith2020"))
    result = library.import_papers([PaperData(title="Theirs", key="smith2020")])
    assert library.paper(result.added[0]).key == "smith2020a"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("graph denoising diffusion", "graph denoising difusion", True),
        ("a theory of optimisation for deep networks", "a theory of optimization for deep networks",
         True),
        ("the colour of deep networks in practice", "colour of deep networks in practice", True),
        ("message passing for graphs and beyond", "message passing for hypergraphs and beyond",
         False),
        ("graph denoising diffusion for inverse rna folding",
         "graph denoising diffusion for inverse protein folding", False),
        ("short", "shirt", False),
    ],
)
def test_similar_titles(a: str, b: str, same: bool) -> None:
    from db.duplicates import similar_titles

    assert similar_titles(a, b) is same


@pytest.mark.parametrize("name", ["BY_DOI", "BY_ARXIV", "BY_TITLE", "BY_AUTHOR_YEAR"])
def test_the_lookups_of_an_import_use_indexes(library: Library, name: str) -> None:
    from db import duplicates

    sql = getattr(duplicates, name)
    params = (("Wang", 2020) if name == "BY_AUTHOR_YEAR" else ("x",))
    plan = " ".join(str(row[3]) for row in library.conn.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                                 params))
    assert "SCAN" not in plan, plan
