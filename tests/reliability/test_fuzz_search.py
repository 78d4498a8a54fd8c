"""Hostile queries through the search a user types into: ``Library.search`` over a real
library, never a raw SQL error or a wrong count.

``tests/db/test_search_language.py`` already runs 3,000 random queries through
``compile_query`` against a bare schema. These go through the facade the search bar and
the CLI use, over a library whose tag and list names are themselves hostile (quotes,
parentheses, operators, colons), so that words naming tags take part; and they check
what the table relies on: ``count`` agrees with ``search``, ``page`` is the first page of
``search`` in the same order, sorting keeps the same papers, and the trash stays out
unless asked for.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from benchmarks import synthetic
from db import fields
from db.errors import LibraryError, QueryError
from db.library import Library
from db.search import MAX_DEPTH, MAX_TERMS, compile_query, quote
from tests.reliability.common import REPORT, fuzz_settings

HOSTILE_TAGS = ('say "hi"', "(group)", "a OR b", "-minus", "key:value", "ml/deep/er",
                "100%", "under_score", "日本語", "emoji 🙂", "back\\slash", "*star", "NOT",
                "ml")
HOSTILE_LISTS = ('To "read"', "(x)", "OR", "list:inner")


@pytest.fixture(scope="module")
def shelf() -> Iterator[Library]:
    library = Library.memory()
    records = list(synthetic.papers(300, seed=17))
    ids = list(library.import_papers(records, on_duplicate="keep").added)
    rng = random.Random(17)
    for tag in HOSTILE_TAGS:
        library.add_tags(rng.sample(ids, 12), [tag])
    for name in HOSTILE_LISTS:
        library.create_list(name)
        library.add_to_list(name, rng.sample(ids, 8))
    for paper_id in rng.sample(ids, 20):
        library.add_note(paper_id, "note with (brackets) and \"quotes\" OR operators")
    library.delete_papers(rng.sample(ids, 25))
    yield library
    library.close()


_values = st.sampled_from((
    "fed", "graph", "neural*", "2019", "2019..2021", "..2020", "2020..", ">=2020", "<3",
    "=5", "0.5..2", "-1", "2024-05", "2024-13-40", "30d", "7w", "1y", "99999999999d", "read",
    "unread", "reading", "x", "", "*", "article", "10.1000/x", "2206.05437", "1", "0",
    "ml/", "ml/federated", "NEAR", "^", "+", "//x", "1e309", "NaN",
)) | st.sampled_from(HOSTILE_TAGS + HOSTILE_LISTS).map(quote) \
   | st.sampled_from(HOSTILE_TAGS + HOSTILE_LISTS) | st.text(max_size=6)
_qualified = st.builds(
    lambda name, value: f"{name}:{value}",
    st.sampled_from((*fields.SEARCH_PREFIXES, "has", "in", "Title", "TAG", "nosuch", "http")),
    _values | st.sampled_from((*fields.HAS, *fields.IN_PLACES)),
)
_fragment = st.one_of(
    _qualified,
    st.sampled_from(synthetic.TOPICS),
    st.sampled_from(("(", ")", "-", "NOT", "OR", "AND", "or", '"', '""', "*", "NEAR(",
                     "^", "+", ":", "..", "\\", "'", "%", "_", "\x00", "\t", "\u0301")),
    _values,
)
queries = st.lists(st.tuples(_fragment, st.sampled_from((" ", " ", " ", ""))),
                   max_size=14).map(lambda parts: "".join(f + s for f, s in parts))

DEEP = "(" * 10_000 + "fed" + ")" * 10_000
LONGEST = " ".join(f"-tag:t{i}" for i in range(MAX_TERMS + 1))


@fuzz_settings()
@given(query=queries, sort=st.sampled_from((None, *fields.SORTABLE, "nosuch")),
       descending=st.booleans(), limit=st.integers(1, 60))
@example(query=DEEP, sort=None, descending=False, limit=10)
@example(query="-(" * MAX_DEPTH + "fed" + ")" * MAX_DEPTH, sort=None, descending=False,
         limit=10)
@example(query=LONGEST, sort="title", descending=True, limit=10)
@example(query=quote(HOSTILE_TAGS[0]) + " OR tag:" + quote(HOSTILE_TAGS[1]), sort=None,
         descending=False, limit=5)
def test_any_query_finds_papers_or_says_what_is_wrong(
    shelf: Library, query: str, sort: str | None, descending: bool, limit: int
) -> None:
    REPORT.count_case("Library.search")
    try:
        found = shelf.search(query)
    except QueryError as error:
        assert error.message.strip() and 0 <= error.position <= len(query), error
        return
    assert len(found) == len(set(found)), "a paper listed twice"
    compiled = compile_query(query, now=shelf.now_datetime(),
                             tags=[(t.id, t.name) for t in shelf.tags()])
    if not compiled.include_trash:
        assert not shelf.trashed(found), "the trash leaked into a search"
    assert shelf.count(query) == len(found)
    try:
        total, first = shelf.page(query, sort=sort, descending=descending, limit=limit)
    except LibraryError as error:
        assert sort not in fields.SORTABLE and "Cannot sort by" in str(error)
        return
    assert total == len(found)
    assert first == shelf.search(query, sort=sort, descending=descending, limit=limit)
    if sort is not None:
        assert set(shelf.search(query, sort=sort, descending=descending)) == set(found)
    # What the table shows for them: every id a search gives is a row.
    assert [row.id for row in shelf.rows(first)] == first
