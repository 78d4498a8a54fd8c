"""BibTeX → library: every field of a generated entry is in the paper the library keeps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from db.formats import bibtex
from db.library import Library

WORD = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll"),
                                      max_codepoint=0x17F), min_size=2, max_size=10)
EXTRA_NAMES = st.sampled_from(["isbn", "howpublished", "series", "edition", "language",
                               "location", "addendum"])


@settings(max_examples=60, deadline=None)
@given(title=st.lists(WORD, min_size=1, max_size=8).map(" ".join),
       families=st.lists(WORD, min_size=1, max_size=4),
       year=st.integers(min_value=1900, max_value=2030),
       volume=st.integers(min_value=1, max_value=999),
       extra=st.dictionaries(EXTRA_NAMES, st.lists(WORD, min_size=1, max_size=3)
                             .map(" ".join), max_size=3),
       tags=st.lists(WORD, max_size=3, unique_by=str.lower))
def test_an_imported_entry_keeps_every_field(title: str, families: list[str], year: int,
                                             volume: int, extra: dict[str, str],
                                             tags: list[str]) -> None:
    authors = " and ".join(f"{family}, Ann" for family in families)
    fields = {"title": title, "author": authors, "year": str(year), "volume": str(volume),
              "journal": "Journal of Tests", "doi": f"10.1000/{year}.{volume}",
              "keywords": ", ".join(tags), **extra}
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    parsed = bibtex.read(f"@article{{entry{year},\n{body}\n}}\n")
    with Library.memory() as library:
        result = library.import_papers(parsed.records)
        paper = library.paper(result.added[0])
    assert paper.key == f"entry{year}" and paper.entry_type == "article"
    assert paper.title == title and paper.date == str(year)
    assert [a.family for a in paper.authors] == families
    assert {a.given for a in paper.authors} == {"Ann"}
    assert (paper.volume, paper.venue) == (str(volume), "Journal of Tests")
    assert paper.doi == f"10.1000/{year}.{volume}"
    assert sorted(paper.tags, key=str.lower) == sorted(tags, key=str.lower)
    for name, value in extra.items():
        assert paper.extra[name] == value
