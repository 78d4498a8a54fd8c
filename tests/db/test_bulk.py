"""Many papers read at once: the same records as one paper at a time, in far fewer queries."""

from __future__ import annotations

import dataclasses
import gc
import random

import pytest

from db import bulk, exporting
from db.errors import LibraryError, NotFoundError
from db.formats import ExportItem, ExportOptions
from db.library import Library
from db.records import Author, Paper, PaperData
from tests.factories import fake_paper


@pytest.fixture
def mixed(library: Library) -> tuple[Library, list[int]]:
    """Papers with and without authors, tags, lists, notes, former keys and extra fields,
    some of them trashed."""
    rng = random.Random(7)
    records = [
        fake_paper(rng),
        fake_paper(rng, authors=()),
        fake_paper(rng, authors=(Author(literal="World Health Organization"),), et_al=True),
        fake_paper(rng, tags=("ml/graphs", "Zeta", "alpha"), extra={"bibtex.title": "{ACMP}",
                                                                    "note": "x"}),
        fake_paper(rng, abstract="", venue="", score=0.5, status="read", rating=4),
        *(fake_paper(rng) for _ in range(20)),
    ]
    library.import_papers(records, on_duplicate="keep")
    ids = library.search("", sort="key")
    library.add_tags(ids[::3], ["three", "Ünïcode"])
    library.create_list("Reading")
    library.create_list("Other")
    library.add_to_list("Reading", ids[::2])
    library.add_to_list("Other", ids[1::4])
    for paper_id in ids[::5]:
        library.add_note(paper_id, f"First note on {paper_id}")
        library.add_note(paper_id, "Second note")
    library.apply_key_pattern("[auth][year]")  # the old keys stay as aliases
    library.delete_papers(ids[4::6])
    return library, ids


def test_papers_are_what_paper_gives_one_at_a_time(mixed: tuple[Library, list[int]]) -> None:
    library, ids = mixed
    assert library.trashed(ids), "the fixture trashes some papers"
    assert any(library.aliases(i) for i in ids) and any(library.notes(i) for i in ids)
    wanted = ids[::-1] + ids[:3]  # any order, repeats kept
    assert bulk.papers(library, wanted) == [library.paper(i) for i in wanted]
    assert bulk.papers(library, []) == []


def test_notes_and_aliases_are_what_the_library_gives(mixed: tuple[Library, list[int]]) -> None:
    library, ids = mixed
    notes = bulk.note_bodies(library, ids)
    aliases = bulk.aliases(library, ids)
    for paper_id in ids:
        assert notes.get(paper_id, ()) == tuple(n.body for n in library.notes(paper_id))
        assert aliases.get(paper_id, ()) == library.aliases(paper_id)


def test_export_items_are_the_papers_with_their_notes_and_keys(
    mixed: tuple[Library, list[int]],
) -> None:
    library, ids = mixed
    visible = exporting.resolve(library)
    assert not set(visible) & library.trashed(ids), "a whole-library export leaves out the trash"
    assert exporting.items(library, visible) == [
        ExportItem(library.paper(i), tuple(n.body for n in library.notes(i)),
                   library.aliases(i)) for i in visible]


def test_an_unknown_id_is_refused_as_paper_refuses_it(library: Library) -> None:
    created = library.add_paper(PaperData(title="Only one")).created_id
    assert created is not None
    with pytest.raises(NotFoundError, match="No paper with id 999"):
        bulk.papers(library, [created, 999])


def test_people_are_shared_between_papers(library: Library) -> None:
    same = (Author("Yi", "Kai"),)
    library.add_papers([PaperData(title="One", authors=same), PaperData(title="Two", authors=same)])
    one, two = bulk.papers(library, library.search("", sort="key"))
    assert one.authors[0] is two.authors[0]


def test_a_record_maker_builds_what_the_class_builds() -> None:
    make = bulk.record_maker(Paper)
    values = {field.name: getattr(Paper(), field.name) for field in dataclasses.fields(Paper)}
    values |= {"id": 3, "title": "T", "authors": (Author("Yi", "Kai"),), "tags": ("a",)}
    made = make(**values)
    assert made == Paper(**values) and type(made) is Paper
    assert hash(made.authors) == hash(Paper(**values).authors)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.title = "changed"  # type: ignore[misc]
    # Not every field given (one added to the class since): the class's own __init__.
    assert make(title="T") == Paper(title="T")


def test_a_record_maker_leaves_classes_that_do_more_to_their_init() -> None:
    @dataclasses.dataclass(frozen=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        value: int

    assert bulk.record_maker(Checked) is Checked
    assert bulk.record_maker(Slotted) is Slotted


def test_an_export_pauses_the_cycle_collector_only_while_it_runs(
    mixed: tuple[Library, list[int]],
) -> None:
    library, _ = mixed
    ids = exporting.resolve(library)
    assert gc.isenabled()
    exporting.export(library, ids, "bibtex")
    assert gc.isenabled()
    with pytest.raises(LibraryError, match="Unknown citation style"):
        exporting.export(library, ids, "bibliography", ExportOptions(style="nope"))
    assert gc.isenabled()
    gc.disable()
    try:
        exporting.export(library, ids, "ris")
        assert not gc.isenabled(), "a caller's choice to keep it off is kept"
    finally:
        gc.enable()
