"""The search language: its syntax tree, its errors, and what it finds in a real schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import fields
from db.errors import QueryError
from db.migrations import migrate
from db.search import (
    MAX_DEPTH,
    MAX_TERMS,
    And,
    CompiledQuery,
    Empty,
    Node,
    Not,
    Or,
    Term,
    compile_query,
    complete_prefixes,
    parse,
    quote,
    tag_token,
    tags_named,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def word(value: str, at: int, *, quoted: bool = False) -> Term:
    return Term(None, value, quoted=quoted, position=at, value_position=at)


# -- the syntax tree -------------------------------------------------------------------------

PARSES: list[tuple[str, Node]] = [
    ("", Empty()),
    ("   ", Empty()),
    ("fed", word("fed", 0)),
    ("a b", And((word("a", 0), word("b", 2)))),
    # AND binds tighter than OR, on either side.
    ("a b OR c", Or((And((word("a", 0), word("b", 2))), word("c", 7)))),
    ("a OR b c", Or((word("a", 0), And((word("b", 5), word("c", 7)))))),
    ("(a OR b) c", And((Or((word("a", 1), word("b", 6))), word("c", 9)))),
    ("a AND b OR c", Or((And((word("a", 0), word("b", 6))), word("c", 11)))),
    ("a (b c)", And((word("a", 0), word("b", 3), word("c", 5)))),
    ("a OR (b OR c)", Or((word("a", 0), word("b", 6), word("c", 11)))),
    ("a or b", And((word("a", 0), word("or", 2), word("b", 5)))),
    ("-a", Not(word("a", 1))),
    ("--a", word("a", 2)),
    ("NOT a b", And((Not(word("a", 4)), word("b", 6)))),
    ("a -b", And((word("a", 0), Not(word("b", 3))))),
    ("a - b", And((word("a", 0), word("-", 2), word("b", 4)))),
    ("-(a OR b)", Not(Or((word("a", 2), word("b", 7))))),
    ("-OR", Not(word("OR", 1))),
    ("zero-shot", word("zero-shot", 0)),
    ("SO(3)", word("SO(3)", 0)),
    ("(SO(3))", word("SO(3)", 1)),
    ("a(b OR c)", And((word("a", 0), Or((word("b", 2), word("c", 7)))))),
    ("o'brien", word("o'brien", 0)),
    ('"graph neural"', word("graph neural", 0, quoted=True)),
    ('ab"cd"', And((word("ab", 0), word("cd", 2, quoted=True)))),
    ('-"graph neural"', Not(word("graph neural", 1, quoted=True))),
    ("http://x.org/a", word("http://x.org/a", 0)),
    ("3:1", word("3:1", 0)),
    (":x", word(":x", 0)),
    ("title:graph", Term("title", "graph", position=0, value_position=6)),
    ("Title:graph", Term("title", "graph", position=0, value_position=6)),
    ('title:"graph neural"', Term("title", "graph neural", quoted=True, value_position=6)),
    ("x -tag:read", And((word("x", 0), Not(Term("tag", "read", position=3,
                                                     value_position=7))))),
    ("year:>=2022", Term("year", "2022", ">=", position=0, value_position=5)),
    ("year:2019..2021", Term("year", "2019..2021", position=0, value_position=5)),
    ("added:<30d", Term("added", "30d", "<", position=0, value_position=6)),
    ("doi:10.1/a:b", Term("doi", "10.1/a:b", position=0, value_position=4)),
    ("title:>x", Term("title", ">x", position=0, value_position=6)),
]


@pytest.mark.parametrize(("query", "tree"), PARSES)
def test_parse_builds_the_tree(query: str, tree: Node) -> None:
    assert parse(query) == tree


# -- malformed queries -----------------------------------------------------------------------

KNOWN = ", ".join((*fields.SEARCH_PREFIXES, "has", "in"))
NEEDS_NUMBER = "year needs a number or a range like 2019..2021"
NEEDS_AGE = "needs an age like 30d or a date like 2024-05-01"

MALFORMED: list[tuple[str, str, int]] = [
    ('"graph neural', "unclosed quote", 0),
    ('fed title:"graph', "unclosed quote", 10),
    ('a "b" "c', "unclosed quote", 6),
    ("(a OR b", "unclosed parenthesis", 0),
    ("a (b (c)", "unclosed parenthesis", 2),
    ("a (", "unclosed parenthesis", 2),
    ("a OR b)", 'unexpected ")"', 6),
    (")", 'unexpected ")"', 0),
    ("-(a) )", 'unexpected ")"', 5),
    ("()", "empty parentheses", 0),
    ("a ( )", "empty parentheses", 2),
    ("foo:bar", f'unknown field "foo" (known: {KNOWN})', 0),
    ("fed re:invent", f'unknown field "re" (known: {KNOWN})', 4),
    ('x:"y"', f'unknown field "x" (known: {KNOWN})', 0),
    ("title:", "title: needs a value", 0),
    ("a title: b", "title: needs a value", 2),
    ('title:""', "title: needs a value", 0),
    ("tag:/", "tag: needs a value", 0),
    ("key:*", "key: needs a value", 0),
    ("doi:https://doi.org/", "doi: needs a value", 0),
    ("title:(a OR b)", "title: takes one value, not a group (title:a OR title:b)", 6),
    ("year:abc", NEEDS_NUMBER, 5),
    ("x year:>=", NEEDS_NUMBER, 7),
    ("year:>=2019..2021", NEEDS_NUMBER, 5),
    ("year:..", NEEDS_NUMBER, 5),
    ("year:2019..2021..", NEEDS_NUMBER, 5),
    ("year:20.5", NEEDS_NUMBER, 5),
    ("year:99999999999999999999", NEEDS_NUMBER, 5),
    ("score:abc", "score needs a number or a range like 0.5..2", 6),
    ("rating:6", "rating must be between 0 and 5", 7),
    ("rating:2..9", "rating must be between 0 and 5", 7),
    ("status:done", "status must be one of unread, reading, read", 7),
    ("OR fed", "OR needs something on both sides", 0),
    ("fed OR", "OR needs something on both sides", 4),
    ("fed OR OR b", "OR needs something on both sides", 4),
    ("(OR a)", "OR needs something on both sides", 1),
    ("(a OR)", "OR needs something on both sides", 3),
    ("a AND", "AND needs something on both sides", 2),
    ("AND a", "AND needs something on both sides", 0),
    ("a NOT", "NOT needs something after it", 2),
    ("NOT OR a", "NOT needs something after it", 0),
    ("has:pdf", "has: must be one of notes, code, doi, abstract, arxiv, url, tags", 4),
    ("in:inbox", "in: must be one of trash, library", 3),
    ("added:soon", f"added {NEEDS_AGE}", 6),
    ("added:2024-13", f"added {NEEDS_AGE}", 6),
    ("added:<30x", f"added {NEEDS_AGE}", 6),
    ("added:7d..30d", f"added {NEEDS_AGE}", 6),
    ("added:>=2024..2025", f"added {NEEDS_AGE}", 6),
    ("added:0000", f"added {NEEDS_AGE}", 6),
    ("modified:2024-02-30", f"modified {NEEDS_AGE}", 9),
    ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1),
     f"too many nested parentheses (at most {MAX_DEPTH})", MAX_DEPTH),
    ("a " * (MAX_TERMS + 1), f"too many search terms (at most {MAX_TERMS})", 2 * MAX_TERMS),
]


@pytest.mark.parametrize(("query", "message", "position"), MALFORMED)
def test_malformed_queries_say_what_and_where(query: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(query, now=NOW)
    assert (caught.value.message, caught.value.position) == (message, position)
    assert str(caught.value) == f"{message} at {position}"


def test_empty_query_is_everything() -> None:
    empty = CompiledQuery(where="1", params=(), rank_match=None, include_trash=False)
    assert compile_query("") == empty
    assert compile_query(" \t ") == empty
    # Nothing searchable left once the punctuation-only words are dropped.
    assert compile_query("- !! (+)") == empty


def _user_literals(where: str) -> str:
    """``where`` less the string literals we wrote: LIKE's escape and the has: conditions."""
    for sql in fields.HAS.values():
        where = where.replace(sql, "")
    return where.replace("ESCAPE '\\'", "")


def test_no_user_text_reaches_the_sql() -> None:
    query = "\"Robert'); DROP TABLE papers;--\" tag:\"x' OR 1\" key:a%b_* title:'q' has:code"
    compiled = compile_query(query, now=NOW)
    assert "DROP" not in compiled.where and "Robert" not in compiled.where
    assert "'" not in _user_literals(compiled.where)
    assert compiled.where.count("?") == len(compiled.params)
    assert r"a\%b\_%" in compiled.params


def test_rank_match_combines_positive_top_level_words() -> None:
    # Words are looked for outside the tags column, which holds tag ids (db/fts.py).
    assert compile_query('fed "graph neural" tag:ml -diffusion').rank_match == (
        '- {tags} : "fed"* AND - {tags} : "graph neural"*'
    )
    assert compile_query("fed OR graph").rank_match is None
    assert compile_query("tag:ml -fed title:graph").rank_match is None
    assert compile_query('say "hi"').rank_match == '- {tags} : "say"* AND - {tags} : "hi"*'


def test_a_word_finds_the_tags_its_name_holds() -> None:
    tags = [(1, "ml"), (2, "ml/federated"), (3, "mlops"), (4, "Zoë's reading")]
    assert compile_query("ml", tags=tags).rank_match == (
        '(- {tags} : "ml"* OR {tags} : (t1 OR t2 OR t3))')
    assert tags_named("fed", tags) == [2]
    assert tags_named('"ml fed"', tags) == [2]  # the words in order, the last a prefix
    assert tags_named("federated ml", tags) == []
    assert tags_named("ZOE", tags) == [4]  # case and accents folded, as the index does
    assert tags_named("reading", tags) == [4] and tags_named("s", tags) == [4]
    assert tags_named("!!", tags) == []


def test_list_name_is_the_one_list_every_result_is_in() -> None:
    assert compile_query('list:"To read"').list_name == "To read"
    assert compile_query("list:surveys status:unread fed").list_name == "surveys"
    assert compile_query("fed").list_name is None
    assert compile_query("-list:surveys").list_name is None
    assert compile_query("list:surveys OR fed").list_name is None
    assert compile_query("list:a list:b").list_name is None


def test_complete_prefixes_offers_fields_then_whole_terms() -> None:
    prefixes = complete_prefixes()
    assert prefixes[:3] == ("title:", "author:", "year:")
    assert {"tag:", "added:", "has:notes", "has:code", "in:trash", "status:read"} <= set(
        prefixes
    )
    assert "url:" not in prefixes  # not searchable by a prefix of its own


# -- results over a real schema --------------------------------------------------------------


def _insert_paper(conn: sqlite3.Connection, paper_id: int, title: str, *,
                  authors: tuple[tuple[str, str], ...] = (), tags: tuple[str, ...] = (),
                  notes: tuple[str, ...] = (), lists: tuple[str, ...] = (),
                  abstract: str = "", venue: str = "", added: str = "2020-01-01T00:00:00Z",
                  modified: str = "", **columns: object) -> None:
    values: dict[str, object] = {"id": paper_id, "key": f"paper{paper_id}", "title": title,
                                 "abstract": abstract, "venue": venue, "added": added,
                                 "modified": modified or added, **columns}
    names = ", ".join(values)
    conn.execute(f"INSERT INTO papers ({names}) VALUES ({', '.join('?' * len(values))})",
                 tuple(values.values()))
    for position, (first, family) in enumerate(authors):
        conn.execute("INSERT INTO authors (paper_id, position, family, given) "
                     "VALUES (?, ?, ?, ?)", (paper_id, position, family, first))
    for tag in tags:
        conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
        conn.execute("INSERT INTO paper_tags SELECT ?, id FROM tags WHERE name = ?",
                     (paper_id, tag))
    for body in notes:
        conn.execute("INSERT INTO notes (paper_id, body, created, modified) "
                     "VALUES (?, ?, ?, ?)", (paper_id, body, added, added))
    for name in lists:
        conn.execute("INSERT OR IGNORE INTO lists (name, position, created) "
                     "VALUES (?, 0, ?)", (name, added))
        conn.execute("INSERT INTO list_items SELECT id, ?, 0, ? FROM lists WHERE name = ?",
                     (paper_id, added, name))
    author_text = "; ".join(f"{first} {family}".strip() for first, family in authors)
    tag_ids = [conn.execute("SELECT id FROM tags WHERE name = ?", (t,)).fetchone()[0]
               for t in tags]
    conn.execute(
        "INSERT INTO papers_fts(rowid, title, authors, abstract, venue, tags, notes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (paper_id, title, author_text, abstract, venue,
         " ".join(tag_token(i) for i in tag_ids), "\n".join(notes)),
    )


def _tags(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return [(int(i), str(n)) for i, n in conn.execute("SELECT id, name FROM tags")]


def _build_shelf() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn, None)
    _insert_paper(
        conn, 1, "Federated Learning with Compressed Communication",
        authors=(("Peter", "Richtárik"), ("Kai", "Yi")), year=2022, date="2022-06",
        venue="NeurIPS", abstract="We study federated optimisation with compressed gradients.",
        category="cs.LG", status="read", rating=5, score=0.9, doi="10.1000/Fed.2022",
        arxiv="2201.00001", url="https://example.org/fed",
        code_url="https://github.com/example/fed", key="yi2022federated",
        publisher="Curran Associates", tags=("ml", "ml/federated"),
        notes=("Check the convergence proof",), lists=("To read",),
        added="2026-11-25T12:00:00Z", modified="2026-11-30T08:00:00Z")
    _insert_paper(
        conn, 2, "Graph Neural Networks: A Review of Methods",
        authors=(("Jie", "Zhou"), ("Ganqu", "Cui")), year=2020, venue="AI Open",
        abstract="Graph neural networks are neural models that capture graph dependence.",
        category="cs.AI", status="reading", rating=3, score=0.5, arxiv="1812.08434",
        key="zhou2020graph", tags=("ml", "gnn"), added="2024-05-10T09:00:00Z")
    _insert_paper(
        conn, 3, "Zero-shot Learning on SO(3) Groups", authors=(("Mary", "O'Brien"),),
        year=2019, venue="CVPR", abstract="Rotation equivariant features.",
        category="math.GR", entry_type="inproceedings", publisher="IEEE",
        key="obrien2019zero", tags=("mlops",), added="2024-01-15T00:00:00Z")
    _insert_paper(
        conn, 4, "Neural Reasoning over Graph Structures", authors=(("Anna", "Smith"),),
        year=2021, venue="ICML", abstract="Neural models for graph reasoning.",
        category="stat.ML", status="read", rating=4, score=2.5, doi="10.5555/neural.2021",
        key="smith2021neural", tags=("gnn",), lists=("To read",),
        added="2023-03-01T10:00:00Z")
    _insert_paper(
        conn, 5, "Federated Averaging Revisited", authors=(("Brendan", "McMahan"),),
        year=2018, category="cs.LG", status="read", tags=("ml/federated",),
        added="2022-01-01T00:00:00Z", deleted="2026-11-28T00:00:00Z")
    _insert_paper(
        conn, 6, "Scaling Laws for Neural Language Models", authors=(("", "OpenAI"),),
        year=2020, score=1.25, category="cs.CL", doi="10.48550/arXiv.2001.08361",
        arxiv="2001.08361", key="kaplan2020scaling", publisher="arXiv", tags=("nlp",),
        added="2026-11-30T00:00:00Z")
    _insert_paper(
        conn, 7, "A Draft on Coverage", key="draft_100%", entry_type="misc", rating=1,
        notes=("mention 100% coverage",), added="2025-06-15T00:00:00Z")
    _insert_paper(
        conn, 8, "Large Language Models are Zero-Shot Reasoners",
        authors=(("Takeshi", "Kojima"),), year=2022, category="cs.CL", status="reading",
        rating=2, key="draftx100", tags=("nlp",), notes=("Great prompting trick",),
        lists=("Surveys",), added="2026-10-20T00:00:00Z")
    return conn


@pytest.fixture(scope="module")
def shelf() -> Iterator[sqlite3.Connection]:
    conn = _build_shelf()
    yield conn
    conn.close()


def found(conn: sqlite3.Connection, query: str) -> set[int]:
    compiled = compile_query(query, now=NOW, tags=_tags(conn))
    where = compiled.where if compiled.include_trash else (
        f"p.deleted IS NULL AND ({compiled.where})")
    rows = conn.execute(f"SELECT p.id FROM papers p WHERE {where}", compiled.params)
    return {paper_id for (paper_id,) in rows}


EVERY = {1, 2, 3, 4, 6, 7, 8}

RESULTS: list[tuple[str, set[int]]] = [
    ("", EVERY),
    # Full text, prefix-matched while typing, accents folded.
    ("fed", {1}),
    ("f", {1, 3, 4, 6}),  # federated, features, for
    ("federated learning", {1}),
    ("richtarik", {1}),
    ("RICHTÁRIK", {1}),
    ("graph neural", {2, 4}),
    ('"graph neural"', {2}),
    ('"graph neur"', {2}),
    ('"neural graph"', set()),
    ("zero-shot", {3, 8}),
    ("SO(3)", {3}),
    ("(SO(3))", {3}),
    ("o'brien", {3}),
    ("100%", {7}),
    ("http://example.org", set()),
    ("fed -", {1}),
    ("fed OR !!", {1}),
    # Full-text columns; unquoted is a prefix, quoted is whole words.
    ("title:graph", {2, 4}),
    ("title:gra", {2, 4}),
    ('title:"gra"', set()),
    ('title:"graph"', {2, 4}),
    ("title:fed", {1}),
    ("title:rotation", set()),
    ("abstract:rotation", {3}),
    ("author:yi", {1}),
    ("author:richt", {1}),
    ("author:o'brien", {3}),
    ("author:openai", {6}),
    ("venue:neur", {1}),
    ('venue:"ai open"', {2}),
    ("note:converg", {1}),
    ('note:"great"', {8}),
    ('note:"gre"', set()),
    # Tags, lists, categories.
    ("tag:ml", {1, 2}),
    ("tag:ML", {1, 2}),
    ("tag:ml/", {1, 2}),
    ("tag:ml/federated", {1}),
    ("tag:mlops", {3}),
    ("tag:ml/fed", set()),
    ("-tag:ml", {3, 4, 6, 7, 8}),
    ('list:"to read"', {1, 4}),
    ("list:SURVEYS", {8}),
    ("list:to", set()),
    ("category:cs", {1, 2, 6, 8}),
    ("category:LG", {1}),
    ("category:cs.cl", {6, 8}),
    ("category:ml", {4}),
    ("category:c", set()),
    # Identifiers.
    ("doi:10.1000/fed.2022", {1}),
    ("doi:https://doi.org/10.1000/FED.2022", {1}),
    ("doi:http://dx.doi.org/10.5555/neural.2021", {4}),
    ("doi:doi:10.5555/neural.2021", {4}),
    ("doi:10.5555", set()),
    ("arxiv:2201.00001", {1}),
    ("arxiv:2201.00001v2", {1}),
    ("arxiv:arXiv:1812.08434v1", {2}),
    ("arxiv:2201", set()),
    # Case-insensitive equality, or a prefix with *, where % and _ are literal.
    ("key:smith2021neural", {4}),
    ("key:SMITH*", {4}),
    ("key:smith", set()),
    ("key:draft*", {7, 8}),
    ("key:draft_*", {7}),
    ("key:draft_100%", {7}),
    ("key:draft%", set()),
    ('key:"draft*"', set()),
    ("type:inproceedings", {3}),
    ("type:misc", {7}),
    ("publisher:ieee", {3}),
    ("publisher:curran*", {1}),
    ("publisher:curran", set()),
    # Status and numbers.
    ("status:read", {1, 4}),
    ("status:Reading", {2, 8}),
    ("-status:unread", {1, 2, 4, 8}),
    ("rating:5", {1}),
    ("rating:0", {3, 6}),
    ("rating:>=3", {1, 2, 4}),
    ("rating:<2", {3, 6, 7}),
    ("rating:2..3", {2, 8}),
    ("year:2022", {1, 8}),
    ("year:=2020", {2, 6}),
    ("year:>=2021", {1, 4, 8}),
    ("year:>2021", {1, 8}),
    ("year:<2020", {3}),
    ("year:<=2020", {2, 3, 6}),
    ("year:2019..2020", {2, 3, 6}),
    ("year:2021..", {1, 4, 8}),
    ("year:..2019", {3}),
    ("-year:2022", {2, 3, 4, 6, 7}),  # the paper with no year is not 2022 either
    ("score:>1", {4, 6}),
    ("score:0.5..1", {1, 2}),
    ("score:1.25", {6}),
    ("score:..0.6", {2}),
    # Ages against NOW (2026-12-01) and dates.
    ("added:<30d", {1, 6}),
    ("added:7d", {1, 6}),
    ("added:<2d", {6}),
    ("added:<1w", {1, 6}),
    ("added:>30d", {2, 3, 4, 7, 8}),
    ("added:<2m", {1, 6, 8}),
    ("added:<1y", {1, 6, 8}),
    ("added:<2y", {1, 6, 7, 8}),
    ("added:>=2y", {2, 3, 4}),
    ("added:<99999y", EVERY),
    ("added:2024", {2, 3}),
    ("added:2024-05", {2}),
    ("added:2024-1-15", {3}),
    ("added:>=2025-01-01", {1, 6, 7, 8}),
    ("added:>2024", {1, 6, 7, 8}),
    ("added:<2024", {4}),
    ("added:<=2024-01", {3, 4}),
    ("added:2024-01..2024-03", {3}),
    ("added:2024..2025", {2, 3, 7}),
    ("added:..2023", {4}),
    ("modified:<2d", {1, 6}),
    ("modified:<1d", {1}),
    # has: and in:
    ("has:notes", {1, 7, 8}),
    ("has:code", {1}),
    ("has:doi", {1, 4, 6}),
    ("has:abstract", {1, 2, 3, 4}),
    ("has:arxiv", {1, 2, 6}),
    ("has:url", {1}),
    ("has:tags", {1, 2, 3, 4, 6, 8}),
    ("-has:tags", {7}),
    ("in:trash", {5}),
    ("in:trash fed", {5}),
    ("in:trash OR tag:gnn", {2, 4, 5}),
    ("in:library", EVERY),
    ("-in:trash", EVERY),
    ("in:trash -fed", set()),
    ("in:trash OR in:library", EVERY | {5}),
    # Negation, OR, AND, parentheses.
    ("tag:gnn OR tag:nlp", {2, 4, 6, 8}),
    ("fed OR zero", {1, 3, 8}),
    ("tag:ml OR year:2019 status:unread", {1, 2, 3}),
    ("(tag:ml OR year:2019) status:unread", {3}),
    ("-(tag:ml OR tag:nlp)", {3, 4, 7}),
    ("NOT tag:ml", {3, 4, 6, 7, 8}),
    ("tag:ml AND status:read", {1}),
    ("graph -neural", set()),
    ("graph -title:review", {4}),
    ("learning -(zero OR compressed)", set()),
    ("learning -(zero-shot)", {1}),
    ("neural (year:2020 OR rating:4) -openai", {2, 4}),
]


@pytest.mark.parametrize(("query", "expected"), RESULTS)
def test_query_finds(shelf: sqlite3.Connection, query: str, expected: set[int]) -> None:
    assert found(shelf, query) == expected


@pytest.mark.parametrize(("query", "words"), [
    ("graph", "graph"),
    ("neural -tag:gnn", "neural"),
    ('learn "zero-shot" year:2019', 'learn "zero-shot"'),
])
def test_rank_match_ranks_what_the_words_find(shelf: sqlite3.Connection, query: str,
                                              words: str) -> None:
    compiled = compile_query(query, now=NOW)
    assert compiled.rank_match is not None
    ranked = {row[0] for row in shelf.execute(
        "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank",
        (compiled.rank_match,))}
    assert ranked - {5} == found(shelf, words)  # 5 is in the trash: found() leaves it out
    assert found(shelf, query) <= ranked


def test_naive_now_is_taken_as_utc(shelf: sqlite3.Connection) -> None:
    naive = compile_query("added:<30d", now=datetime(2026, 12, 1))
    assert naive == compile_query("added:<30d", now=NOW)


def test_the_limits_still_compile_to_sql_sqlite_accepts(shelf: sqlite3.Connection) -> None:
    # The costliest nesting per parenthesis found for SQLite's parser stack (NOT, OR, AND,
    # each a level of SQL parentheses); with twice MAX_DEPTH it overflows on SQLite 3.40.
    deep = "-(year:1 OR category:x " * MAX_DEPTH + "tag:x" + ")" * MAX_DEPTH
    long = " ".join(f"-category:c{i}" for i in range(MAX_TERMS))
    for query in (deep, long):
        compiled = compile_query(query, now=NOW)
        # Wrapped twice more, as a caller combining it with a smart list might.
        shelf.execute(f"SELECT p.id FROM papers p WHERE p.deleted IS NULL AND (({compiled.where}))"
                      " ORDER BY p.id", compiled.params).fetchall()


# -- random input never breaks SQLite ----------------------------------------------------

PIECES = (
    " ", " ", " ", '"', '"', "(", ")", ":", "-", "*", "..", ">=", "<=", ">", "<", "=", "/",
    "//", "OR", "AND", "NOT", "or", "NEAR", "^", "+", "{", "}", "'", "%", "_", "\\", ",",
    ".", "\x00", "\t", "é", "ß", "日本", "Ω", "\u0301", "\ue000", "🙂", "fed", "graph",
    "2019", "2024-05", "30d", "7w", "1y", "0.5", "99999999999", "read", "trash", "notes",
    "ml/", *(f"{name}:" for name in (*fields.SEARCH_PREFIXES, "has", "in", "http", "url")),
)

queries = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=16).map("".join)


@settings(max_examples=3000, deadline=None)
@given(query=queries)
def test_any_query_is_a_query_error_or_runs(shelf: sqlite3.Connection, query: str) -> None:
    try:
        compiled = compile_query(query, now=NOW)
    except QueryError as error:
        assert 0 <= error.position <= len(query)
        return
    assert compiled.where.count("?") == len(compiled.params)
    assert "'" not in _user_literals(compiled.where)  # no SQL string of the user's
    shelf.execute(f"SELECT p.id FROM papers p WHERE {compiled.where}", compiled.params).fetchall()
    if compiled.rank_match is not None:
        shelf.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank",
                     (compiled.rank_match,)).fetchall()



@pytest.mark.parametrize(
    ("query", "words_only"),
    [("fed", True), ("graph neural", True), ('"message passing" fed', True),
     ("fed year:2022", False), ("-fed", False), ("fed OR graph", False), ("in:trash fed", False),
     ("", False), ("-", False), ("title:fed", False)],
)
def test_words_only_marks_queries_the_index_answers_alone(query: str, words_only: bool) -> None:
    assert compile_query(query).words_only is words_only


@pytest.mark.parametrize("name", ["ml/federated", 'the "best" papers', '"', 'a""b', "x y"])
def test_quote_reads_back_as_the_same_value(name: str) -> None:
    term = parse(f"tag:{quote(name)}")
    assert isinstance(term, Term) and term.value == name and term.quoted


def test_digits_of_other_scripts_are_not_an_import_number() -> None:
    # "²".isdigit() is True, but int("²") raises: found by the long fuzzing run.
    for query in ("import:²", "import:٣"):
        with pytest.raises(QueryError, match="import needs the number"):
            compile_query(query)
