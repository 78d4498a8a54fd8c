"""Every Library operation, through the facade the GUI and the CLI use."""

from __future__ import annotations

import random
import sqlite3

import pytest

from db.errors import LibraryError, NotFoundError, QueryError
from db.library import Library, short_authors
from db.records import Author, Changes, PaperData
from tests.factories import fake_paper

ACMP = PaperData(
    title="ACMP: Allen-Cahn Message Passing with Attractive and Repulsive Forces",
    authors=(Author("Wang", "Yuelin"), Author("Yi", "Kai"), Author("Liu", "Xinliang")),
    et_al=True, date="2022-06-11", category="cs.LG",
    abstract="Neural message passing is a basic feature extraction unit.",
    code_url="https://github.com/ykiiiiii/ACMP",
)
EFBV = PaperData(
    title="EF-BV: A Unified Theory of Error Feedback and Variance Reduction",
    authors=(Author("Condat", "Laurent"), Author("Yi", "Kai"), Author("Richtárik", "Peter")),
    date="2022-05-09", category="cs.LG", doi="10.1000/EFBV.2022", venue="NeurIPS",
)
WHO = PaperData(
    title="World report on ageing and health",
    authors=(Author(literal="World Health Organization"),),
    date="2015", entry_type="report",
)


def add(library: Library, data: PaperData) -> int:
    created = library.add_paper(data).created_id
    assert created is not None
    return created


def fts_consistent(library: Library) -> bool:
    """The full-text index holds exactly one row per paper, built from the tables."""
    conn = library.conn
    fts_ids = sorted(r[0] for r in conn.execute("SELECT rowid FROM papers_fts"))
    paper_ids = sorted(r[0] for r in conn.execute("SELECT id FROM papers"))
    conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')")
    return fts_ids == paper_ids


# -- papers -------------------------------------------------------------------------------

def test_add_paper_stores_every_field_and_generates_a_key(library: Library) -> None:
    paper = library.paper(add(library, ACMP))
    assert paper.key == "wangAcmpAllenCahn2022"
    assert paper.title == ACMP.title
    assert [a.display for a in paper.authors] == ["Yuelin Wang", "Kai Yi", "Xinliang Liu"]
    assert paper.et_al is True
    assert (paper.date, paper.year, paper.category) == ("2022-06-11", 2022, "cs.LG")
    assert paper.code_url == "https://github.com/ykiiiiii/ACMP"
    assert (paper.status, paper.rating, paper.deleted) == ("unread", 0, "")
    assert paper.added == paper.modified == "2026-11-25T12:00:00Z"


def test_keys_are_unique_with_letter_suffixes(library: Library) -> None:
    keys = [library.paper(add(library, ACMP)).key for _ in range(3)]
    assert keys == ["wangAcmpAllenCahn2022", "wangAcmpAllenCahn2022a", "wangAcmpAllenCahn2022b"]


def test_organisation_author_and_doi_normalised(library: Library) -> None:
    who = library.paper(add(library, WHO))
    assert who.authors[0].literal == "World Health Organization"
    assert who.key == "worldhealthorganizationWorldReportAgeing2015"
    efbv = library.paper(add(library, EFBV))
    assert efbv.doi == "10.1000/efbv.2022"
    assert efbv.key == "condatEfBvUnified2022"


def test_imported_fields_we_do_not_model_are_kept_verbatim(library: Library) -> None:
    extra = {"isbn": "978-3-16-148410-0", "howpublished": "\\url{https://x.org/~a_b}"}
    paper = library.paper(add(library, PaperData(title="T", extra=extra)))
    assert dict(paper.extra) == extra


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"date": "2022-13"}, "not a real date"),
        ({"date": "June 2022"}, "must look like"),
        ({"status": "done"}, "must be one of unread, reading, read"),
        ({"rating": 6}, "between 0 and 5"),
        ({"key": "has space"}, "may hold only"),
    ],
)
def test_invalid_papers_are_refused_in_words(
    library: Library, bad: dict[str, object], message: str
) -> None:
    with pytest.raises(LibraryError, match=message):
        library.add_paper(PaperData(title="T", **bad))  # type: ignore[arg-type]
    assert library.stats()["papers"] == 0


def test_update_paper_edits_fields_but_never_the_key_unless_asked(library: Library) -> None:
    paper_id = add(library, ACMP)
    changes = library.update_paper(paper_id, title="A new title", rating=4, status="reading",
                                   date="2023", authors=(Author("Zhou", "Bingxin"),))
    assert changes == Changes(papers=frozenset({paper_id}))
    paper = library.paper(paper_id)
    assert (paper.title, paper.rating, paper.status, paper.year) == ("A new title", 4,
                                                                      "reading", 2023)
    assert paper.key == "wangAcmpAllenCahn2022"
    assert [a.family for a in paper.authors] == ["Zhou"]
    assert paper.modified > paper.added
    assert library.search("author:zhou") == [paper_id]
    assert library.search("allen") == []


def test_update_paper_key_checks(library: Library) -> None:
    first, second = add(library, ACMP), add(library, EFBV)
    library.update_paper(first, key="acmp2022")
    assert library.paper_id("acmp2022") == first
    with pytest.raises(LibraryError, match="already used"):
        library.update_paper(second, key="ACMP2022")
    with pytest.raises(LibraryError, match="no field 'colour'"):
        library.update_paper(first, colour="red")
    with pytest.raises(NotFoundError):
        library.update_paper(999, title="x")


def test_trash_restore_purge_and_empty_trash(library: Library) -> None:
    a, b, c = add(library, ACMP), add(library, EFBV), add(library, WHO)
    library.add_note(a, "keep me")
    library.delete_papers([a, b])
    assert library.search() == [c]
    assert sorted(library.search("in:trash")) == [a, b]
    assert library.stats() == {"papers": 1, "trash": 2, "tags": 0, "lists": 0, "notes": 1}
    library.restore_papers([b])
    assert sorted(library.search()) == [b, c]
    changes = library.empty_trash()
    assert changes.removed == frozenset({a})
    with pytest.raises(NotFoundError):
        library.paper(a)
    assert library.stats()["notes"] == 0
    assert library.empty_trash() == Changes()
    library.purge_papers([c])
    assert library.search() == [b]
    assert fts_consistent(library)


def test_unknown_ids_are_refused_and_nothing_changes(library: Library) -> None:
    a = add(library, ACMP)
    with pytest.raises(NotFoundError, match="id 42"):
        library.delete_papers([a, 42])
    assert library.search() == [a]


# -- import ---------------------------------------------------------------------------------

def test_import_is_one_transaction(library: Library) -> None:
    good = [fake_paper(random.Random(i)) for i in range(5)]
    with pytest.raises(LibraryError):
        library.import_papers([*good, PaperData(title="bad", date="2022-02-30")])
    assert library.stats()["papers"] == 0
    assert library.conn.execute("SELECT count(*) FROM papers_fts").fetchone()[0] == 0


def test_import_skips_merges_or_keeps_duplicates(library: Library) -> None:
    first = library.import_papers([ACMP, EFBV], list_name="Kai Yi", list_description="v1")
    assert len(first.added) == 2
    again = PaperData(title="ACMP: allen–cahn message passing with attractive and repulsive "
                            "forces", authors=(Author("Wang", "Y."),), date="2022",
                      venue="ICLR", tags=("gnn",))
    # Same DOI with another title and prefix is the same paper too.
    by_doi = PaperData(title="Other title", doi="https://doi.org/10.1000/efbv.2022")
    skipped = library.import_papers([again, by_doi], list_name="Kai Yi")
    assert skipped.added == () and [d[1] for d in skipped.duplicates] == list(first.added)
    assert library.paper(first.added[0]).venue == ""
    merged = library.import_papers([again], on_duplicate="merge")
    assert merged.merged == (first.added[0],)
    paper = library.paper(first.added[0])
    assert (paper.venue, paper.tags, paper.date) == ("ICLR", ("gnn",), "2022-06-11")
    kept = library.import_papers([again], on_duplicate="keep")
    assert len(kept.added) == 1
    assert [i.paper_id for i in library.list_items("Kai Yi")] == list(first.added)
    assert library.lists()[0].description == "v1"


def test_import_fills_a_list_in_input_order(library: Library) -> None:
    rng = random.Random(7)
    records = [fake_paper(rng, title=f"Paper number {n}") for n in range(10)]
    result = library.import_papers(records, list_name="Reading group")
    items = library.list_items("Reading group")
    assert [i.paper_id for i in items] == list(result.added)
    assert [library.paper(i.paper_id).title for i in items][:2] == ["Paper number 0",
                                                                    "Paper number 1"]
    assert result.changes.lists == frozenset({result.list_id})


# -- tags -----------------------------------------------------------------------------------

def test_tags_add_remove_and_count_without_the_trash(library: Library) -> None:
    a, b = add(library, ACMP), add(library, EFBV)
    changes = library.add_tags([a, b], ["ml/federated", " Optimisation "])
    assert changes.tags and changes.papers == frozenset({a, b})
    library.add_tags([a], ["ML/Federated"])  # same tag, another case
    assert [(t.name, t.count) for t in library.tags()] == [("ml/federated", 2),
                                                          ("Optimisation", 2)]
    library.delete_papers([b])
    assert [t.count for t in library.tags()] == [1, 1]
    library.remove_tags([a], ["optimisation"])
    assert library.paper(a).tags == ("ml/federated",)
    assert library.search("tag:ml") == [a]
    assert library.search("federated") == [a]
    with pytest.raises(NotFoundError):
        library.remove_tags([a], ["nope"])


def test_rename_tag_takes_its_children_along(library: Library) -> None:
    a = add(library, ACMP)
    library.add_tags([a], ["ml", "ml/federated", "mlops"])
    library.rename_tag("ml", "Machine learning")
    assert library.paper(a).tags == ("Machine learning", "Machine learning/federated", "mlops")
    library.rename_tag("machine learning", "machine Learning")  # a case-only rename
    assert library.paper(a).tags[0] == "machine Learning"
    assert library.search("tag:\"machine learning/federated\"") == [a]
    with pytest.raises(LibraryError, match="merge into it"):
        library.rename_tag("mlops", "Machine Learning")
    assert fts_consistent(library)


def test_merge_recolour_delete_tags(library: Library) -> None:
    a, b = add(library, ACMP), add(library, EFBV)
    library.add_tags([a], ["gnn"])
    library.add_tags([b], ["graphs", "GNN"])
    library.merge_tags(["graphs"], "gnn")
    assert [(t.name, t.count) for t in library.tags()] == [("gnn", 2)]
    library.recolour_tag("GNN", "#1F77B4")
    assert library.tags()[0].color == "#1f77b4"
    with pytest.raises(LibraryError, match="#1f77b4"):
        library.recolour_tag("gnn", "blue")
    library.delete_tag("gnn")
    assert library.tags() == [] and library.paper(a).tags == ()
    assert library.search("gnn") == []


# -- reading lists --------------------------------------------------------------------------

def test_reading_lists_keep_the_users_order(library: Library) -> None:
    ids = [add(library, fake_paper(random.Random(i))) for i in range(5)]
    library.create_list("To read", "for the retreat")
    library.create_list("Done")
    with pytest.raises(LibraryError, match="already exists"):
        library.create_list("to READ")
    library.add_to_list("To read", [ids[3], ids[1], ids[4]])
    library.add_to_list("to read", [ids[1], ids[0]])  # ids[1] is already there: stays put
    assert [i.paper_id for i in library.list_items("To read")] == [ids[3], ids[1], ids[4],
                                                                    ids[0]]
    library.remove_from_list("To read", [ids[1]])
    assert [i.position for i in library.list_items("To read")] == [0, 1, 2]
    library.reorder_list("To read", [ids[0], ids[4], ids[3]])
    assert library.search('list:"to read"') == [ids[0], ids[4], ids[3]]
    with pytest.raises(LibraryError, match="every paper"):
        library.reorder_list("To read", [ids[0]])
    library.move_in_list("To read", [ids[3]], 0)
    assert [i.paper_id for i in library.list_items("To read")] == [ids[3], ids[0], ids[4]]
    library.move_list("Done", 0)
    assert [(rl.name, rl.count) for rl in library.lists()] == [("Done", 0), ("To read", 3)]
    library.delete_papers([ids[0]])
    assert library.lists()[1].count == 2
    library.rename_list("To read", "Retreat")
    library.describe_list("Retreat", "June")
    assert [(rl.name, rl.description) for rl in library.lists()][1] == ("Retreat", "June")
    library.delete_list("Retreat")
    assert [rl.name for rl in library.lists()] == ["Done"]
    assert library.stats()["papers"] == 4
    with pytest.raises(NotFoundError):
        library.add_to_list("Done", [999])


def test_smart_lists(library: Library) -> None:
    library.save_smart_list("Recent", "year:>=2022")
    library.save_smart_list("recent", "year:>=2023")  # same name: replaced
    assert [(s.name, s.query) for s in library.smart_lists()] == [("Recent", "year:>=2023")]
    with pytest.raises(QueryError):
        library.save_smart_list("Broken", '"unclosed')
    library.rename_smart_list("Recent", "New")
    library.delete_smart_list("new")
    assert library.smart_lists() == []


# -- notes ----------------------------------------------------------------------------------

def test_notes_are_searchable_and_editable(library: Library) -> None:
    a = add(library, ACMP)
    note_id = library.add_note(a, "Compare with **GraphSAGE** oversmoothing").created_id
    assert note_id is not None
    assert library.search("note:graphsage") == [a]
    library.add_note(a, "second")
    library.update_note(note_id, "Compare with GCNII")
    assert [n.body for n in library.notes(a)] == ["Compare with GCNII", "second"]
    assert library.search("graphsage") == [] and library.search("gcnii") == [a]
    library.delete_note(note_id)
    assert library.search("has:notes") == [a]
    with pytest.raises(NotFoundError):
        library.update_note(note_id, "x")


# -- search and rows ------------------------------------------------------------------------

def test_search_sorts_and_pages_in_sql(library: Library) -> None:
    rng = random.Random(3)
    ids = [add(library, fake_paper(rng, date=f"{2000 + n}")) for n in range(30)]
    assert library.search(sort="year") == ids
    assert library.search(sort="year", descending=True, limit=5, offset=5) == ids[::-1][5:10]
    assert library.count("year:2010..2019") == 10
    with pytest.raises(LibraryError, match="Cannot sort by"):
        library.search(sort="colour")


def test_bare_words_rank_by_relevance(library: Library) -> None:
    weak = add(library, PaperData(title="A note", abstract="mentions diffusion once"))
    strong = add(library, PaperData(title="Diffusion models", abstract="diffusion diffusion"))
    assert library.search("diffusion") == [strong, weak]


def test_rows_give_the_table_its_short_forms(library: Library) -> None:
    a, who = add(library, ACMP), add(library, WHO)
    many = add(library, PaperData(title="Many", authors=tuple(
        Author(f"F{i}", "G") for i in range(5))))
    library.add_tags([a], ["b-tag", "a-tag"])
    rows = library.rows([many, a, who, 12345])
    assert [r.id for r in rows] == [many, a, who]
    assert rows[0].authors == "F0, F1, F2 et al."
    assert rows[1].authors == "Wang, Yi, Liu et al."
    assert rows[1].tags == ("a-tag", "b-tag") and rows[1].has_code and rows[1].year == 2022
    assert rows[2].authors == "World Health Organization"
    assert short_authors(["A", "B"], False) == "A, B"


def test_every_write_keeps_the_index_consistent(library: Library) -> None:
    rng = random.Random(11)
    ids = list(library.import_papers([fake_paper(rng) for _ in range(40)]).added)
    library.add_tags(ids[:10], ["x"])
    library.rename_tag("x", "y")
    library.add_note(ids[0], "n")
    library.update_paper(ids[1], title="changed")
    library.delete_papers(ids[5:8])
    library.purge_papers(ids[8:9])
    assert fts_consistent(library)
    assert library.count("tag:y") == 6  # ids[0..9] minus three trashed and one purged


def test_settings_live_in_the_library(library: Library) -> None:
    assert library.setting("columns", "default") == "default"
    library.set_setting("columns", "title,year")
    assert library.setting("columns") == "title,year"


def test_changes_combine() -> None:
    merged = Changes(papers=frozenset({1})) | Changes(tags=True, created_id=3)
    assert merged == Changes(papers=frozenset({1}), tags=True, created_id=3)
    assert Changes().empty and not merged.empty


def test_library_checks_constraints_in_sql(library: Library) -> None:
    """The schema itself refuses what the facade refuses, as a second line."""
    with pytest.raises(sqlite3.IntegrityError):
        library.conn.execute(
            "INSERT INTO papers(key, added, modified, rating) VALUES ('k', 'x', 'x', 9)")


def test_a_word_in_the_title_outranks_the_same_word_in_an_abstract(library: Library) -> None:
    in_abstract = add(library, PaperData(title="Message passing",
                                         abstract="Quantization of quantization networks"))
    in_title = add(library, PaperData(title="Quantization for language models",
                                      abstract="A long abstract about other things entirely"))
    assert library.search("quantization") == [in_title, in_abstract]


def test_word_searches_leave_the_trash_out_unless_asked(library: Library) -> None:
    kept = add(library, PaperData(title="Diffusion kept"))
    trashed = add(library, PaperData(title="Diffusion trashed"))
    library.delete_papers([trashed])
    assert library.search("diffusion") == [kept]
    assert library.search("diffusion", limit=1, offset=0) == [kept]
    assert library.search("in:trash diffusion") == [trashed]
    assert library.count("diffusion") == 1


def test_a_batch_commits_together_or_not_at_all(library: Library) -> None:
    a = add(library, ACMP)
    with pytest.raises(NotFoundError), library.batch():
        library.add_tags([a], ["kept?"])
        library.create_list("Also kept?")
        library.add_to_list("Also kept?", [999])
    assert library.tags() == [] and library.lists() == []
    with library.batch():
        library.add_tags([a], ["gnn"])
        library.create_list("Reading")
    assert library.paper(a).lists == () and [t.name for t in library.tags()] == ["gnn"]


def test_update_papers_edits_many_in_one_write(library: Library) -> None:
    a, b = add(library, ACMP), add(library, EFBV)
    changes = library.update_papers({a: {"rating": 5}, b: {"status": "read", "rating": 2}})
    assert changes.papers == frozenset({a, b})
    assert [(p.rating, p.status) for p in map(library.paper, (a, b))] == [(5, "unread"),
                                                                         (2, "read")]
    with pytest.raises(LibraryError, match="between 0 and 5"):
        library.update_papers({a: {"rating": 1}, b: {"rating": 9}})
    assert library.paper(a).rating == 5


def test_reads_that_undo_relies_on(library: Library) -> None:
    a, b = add(library, ACMP), add(library, EFBV)
    assert library.tagged("gnn") is None
    library.create_tag("gnn", "#aabbcc")
    assert library.tagged("GNN") == frozenset() and library.tag_colour("gnn") == "#aabbcc"
    library.add_tags([a, b], ["gnn"])
    library.delete_papers([b])
    assert library.tagged("gnn") == frozenset({a, b})
    assert library.trashed([a, b]) == frozenset({b})
    library.create_list("L")
    library.add_to_list("L", [b, a])
    assert library.list_order("L") == [b, a]
    assert [i.paper_id for i in library.list_items("L")] == [a]
    assert library.reading_list("l").count == 1
    with pytest.raises(LibraryError, match="#1f77b4"):
        library.create_tag("x", "red")


def test_an_import_reports_progress_and_a_cancel_rolls_it_back(library: Library) -> None:
    rng = random.Random(9)
    records = [fake_paper(rng) for _ in range(350)]
    seen: list[tuple[int, int]] = []

    def cancel_at_200(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        library.import_papers(records, progress=cancel_at_200, list_name="Never")
    assert seen == [(0, 350), (100, 350), (200, 350)]
    assert library.stats()["papers"] == 0 and library.lists() == []


def test_renaming_a_parent_that_is_not_a_tag_renames_its_children(library: Library) -> None:
    a = add(library, ACMP)
    library.add_tags([a], ["ml/federated", "ml/graphs"])
    library.rename_tag("ML", "learning")
    assert library.paper(a).tags == ("learning/federated", "learning/graphs")
    with pytest.raises(NotFoundError):
        library.rename_tag("nothing", "x")
