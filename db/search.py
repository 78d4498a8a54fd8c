"""The search language, compiled to a parameterised SQL condition over ``p`` (papers).

A query is terms joined by juxtaposition (AND), ``OR`` and ``AND``, negated by a leading
``-`` or ``NOT``, grouped by parentheses. AND binds tighter than OR; only the uppercase
words are keywords (``or`` is a word to search for). A term is:

* a bare word or a ``"phrase"``: full-text search in every column, prefix-matched so that
  results follow typing (``fed`` finds "federated"; in a phrase the last word is a prefix);
* ``name:value`` with a field of :data:`db.fields.SEARCH_PREFIXES`, or ``has:X``/``in:X``.
  For full-text fields an unquoted value is prefix-matched and a quoted one matches whole
  words; ``year:>=2022``, ``year:2019..2021``, ``added:<30d``, ``added:2024-01..2024-03``.

Decisions:

* No user text reaches SQL: values are ``?`` parameters, and an FTS5 query is built by
  quoting every user token as an FTS5 string (``"`` doubled), then bound as a parameter.
* A word with no letter or digit (``-``, ``!!``) is dropped, as is a group left empty by
  dropping: it neither matches everything nor breaks the query, so ``fed OR -`` is ``fed``.
* ``word:rest`` is a qualifier only when ``word`` is made of letters. A known name is a
  field (case-insensitive); an unknown one is an error naming the known fields, except
  before ``//`` (``http://x``), where the whole is a bare word, as is ``3:1`` or ``:x``.
* Parentheses inside a word that balance before the next space belong to the word
  (``SO(3)``, ``f(x)``); any other ``(`` opens a group.
* ``-`` negates only when glued to what follows; a keyword right after it is a word.
* ``in:trash`` anywhere sets ``include_trash``; the condition is then the user's own.
* Nesting and length are capped (:data:`MAX_DEPTH`, :data:`MAX_TERMS`) because SQLite's
  parser stack and expression depth are finite; past them the query is a QueryError.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn, TypeAlias

from db import fields
from db.errors import QueryError
from db.fields import Field, Match
from db.records import STATUSES

# The costliest nesting overflows SQLite 3.40's parser stack at 11 parentheses deep.
MAX_DEPTH = 6
# Each term of an AND or OR is one level of SQLite's expression tree (1000 at most), and
# carries up to 3 parameters (999 at most in old builds).
MAX_TERMS = 250
_KNOWN = (*fields.SEARCH_PREFIXES, "has", "in")
_KEYWORDS = ("OR", "AND", "NOT")


@dataclass(frozen=True)
class Term:
    """One search term: ``field`` is None for a bare word or phrase.

    ``op`` is the comparison (``>=``, ``<`` …) split off a number or age value; ``position``
    is where the term starts in the query, ``value_position`` where its value starts.
    """

    field: str | None
    value: str
    op: str = ""
    quoted: bool = False
    position: int = 0
    value_position: int = 0


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Empty:
    """The empty query: every paper."""


Node: TypeAlias = Term | Not | And | Or | Empty


# A tag as compile_query() is told of it: (id, name).
TagName: TypeAlias = tuple[int, str]

# Words this short are a prefix being typed ("f", "fe"): listed newest first, unranked.
SHORT_PREFIX = 2


@dataclass(frozen=True)
class CompiledQuery:
    """``where`` is over ``p``; without ``include_trash`` the caller hides the trash.

    ``rank_match`` is an FTS5 query of the positive top-level words, for ranking;
    ``list_name`` the one reading list every result is in, for showing its order;
    ``words_only`` says the whole query is those words, so that ``rank_match`` alone
    selects the results (the common case while typing, served without a join);
    ``short_prefix`` that they are one or two letters each, the start of a word being
    typed, which matches most of a library and is not worth ranking.
    """

    where: str
    params: tuple[object, ...]
    rank_match: str | None
    include_trash: bool
    list_name: str | None = None
    words_only: bool = False
    short_prefix: bool = False


# ---------------------------------------------------------------------------- lexing


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "-", "OR", "AND", "NOT", "term" or "end"
    position: int
    term: Term | None = None


def _balanced_end(query: str, start: int) -> int:
    """The index after the ``)`` closing ``query[start]`` within one word, or -1."""
    depth = 0
    for i in range(start, len(query)):
        ch = query[i]
        if ch.isspace() or ch == '"':
            return -1
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i + 1
    return -1


def _scan(query: str, start: int, find_colon: bool) -> tuple[int, bool]:
    """Where the word at ``start`` ends, and whether it ended at a qualifier's colon."""
    i = start
    while i < len(query):
        ch = query[i]
        if ch.isspace() or ch in '")':
            break
        if ch == "(":
            close = _balanced_end(query, i)
            if close < 0:
                break
            i = close
            continue
        if find_colon and ch == ":" and query[start:i].isalpha():
            return i, True
        i += 1
    return i, False


def _quoted(query: str, start: int) -> tuple[str, int]:
    """The value of the quoted string at ``start``: ``""`` inside it is one ``"``."""
    parts: list[str] = []
    at = start + 1
    while True:
        end = query.find('"', at)
        if end < 0:
            raise QueryError("unclosed quote", start)
        parts.append(query[at:end])
        if query.startswith('"', end + 1):
            parts.append('"')
            at = end + 2
            continue
        return "".join(parts), end + 1


def quote(value: str) -> str:
    """``value`` as a quoted search value that reads back as itself (tag and list names)."""
    return '"' + value.replace('"', '""') + '"'


_OP = re.compile(r"(<=|>=|<|>|=)?(.*)", re.DOTALL)


def _qualifier(query: str, start: int, colon: int) -> tuple[Term, int]:
    name = query[start:colon]
    key = name.lower()
    at = colon + 1
    quoted = query.startswith('"', at)
    if quoted:
        value, end = _quoted(query, at)
    else:
        end = _scan(query, at, find_colon=False)[0]
        value = query[at:end]
    if key not in _KNOWN:
        if not quoted and value.startswith("//"):
            return Term(None, query[start:end], position=start, value_position=start), end
        raise QueryError(f'unknown field "{name}" (known: {", ".join(_KNOWN)})', start)
    if not value.strip():
        if query.startswith("(", at):
            raise QueryError(f"{key}: takes one value, not a group ({key}:a OR {key}:b)", at)
        raise QueryError(f"{key}: needs a value", start)
    op = ""
    if not quoted and key in fields.BY_NAME and fields.BY_NAME[key].match in (
        Match.NUMBER, Match.AGE
    ):
        match = _OP.fullmatch(value)
        assert match is not None  # the pattern accepts every string
        op, value = match.group(1) or "", match.group(2)
    return Term(key, value, op, quoted, start, at), end


def _lex(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    terms = 0
    i = 0
    while i < len(query):
        ch = query[i]
        after_minus = bool(tokens) and tokens[-1].kind == "-" and tokens[-1].position == i - 1
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            tokens.append(_Token(ch, i))
            i += 1
            continue
        if ch == "-" and i + 1 < len(query) and not query[i + 1].isspace() and query[i + 1] != ")":
            tokens.append(_Token("-", i))
            i += 1
            continue
        if ch == '"':
            value, end = _quoted(query, i)
            term = Term(None, value, quoted=True, position=i, value_position=i)
        else:
            end, colon = _scan(query, i, find_colon=True)
            word = query[i:end]
            if colon:
                term, end = _qualifier(query, i, end)
            elif word in _KEYWORDS and not after_minus:
                tokens.append(_Token(word, i))
                i = end
                continue
            else:
                term = Term(None, word, position=i, value_position=i)
        terms += 1
        if terms > MAX_TERMS:
            raise QueryError(f"too many search terms (at most {MAX_TERMS})", i)
        tokens.append(_Token("term", i, term))
        i = end
    tokens.append(_Token("end", len(query)))
    return tokens


# --------------------------------------------------------------------------- parsing

_OPERAND_STARTS = ("term", "(", "-", "NOT")


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._at = 0
        self._depth = 0

    def _peek(self) -> _Token:
        return self._tokens[self._at]

    def _take(self) -> _Token:
        token = self._tokens[self._at]
        self._at += 1
        return token

    def query(self) -> Node:
        node = self._or()
        token = self._peek()
        if token.kind == ")":
            raise QueryError('unexpected ")"', token.position)
        return node

    def _expect_operand(self, after: _Token | None) -> None:
        token = self._peek()
        if token.kind in _OPERAND_STARTS:
            return
        if after is not None and after.kind == "NOT":
            raise QueryError("NOT needs something after it", after.position)
        if after is not None:
            raise QueryError(f"{after.kind} needs something on both sides", after.position)
        if token.kind in ("OR", "AND"):
            raise QueryError(f"{token.kind} needs something on both sides", token.position)
        raise QueryError('unexpected ")"', token.position)

    def _or(self) -> Node:
        self._expect_operand(None)
        items = [self._and()]
        while self._peek().kind == "OR":
            self._expect_operand(self._take())
            items.append(self._and())
        return _flat(Or, items)

    def _and(self) -> Node:
        items = [self._unary()]
        while True:
            kind = self._peek().kind
            if kind == "AND":
                self._expect_operand(self._take())
            elif kind not in _OPERAND_STARTS:
                return _flat(And, items)
            items.append(self._unary())

    def _unary(self) -> Node:
        negations = 0
        while self._peek().kind in ("-", "NOT"):
            self._expect_operand(self._take())
            negations += 1
        node = self._primary()
        # Collapsed by parity so that a run of dashes cannot nest the SQL without bound.
        return Not(node) if negations % 2 else node

    def _primary(self) -> Node:
        token = self._take()
        if token.term is not None:
            return token.term
        # _expect_operand let only a term or "(" through to here.
        if self._peek().kind == "end":
            raise QueryError("unclosed parenthesis", token.position)
        if self._peek().kind == ")":
            raise QueryError("empty parentheses", token.position)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise QueryError(f"too many nested parentheses (at most {MAX_DEPTH})", token.position)
        node = self._or()
        if self._take().kind != ")":
            raise QueryError("unclosed parenthesis", token.position)
        self._depth -= 1
        return node


def _flat(kind: type[And] | type[Or], items: list[Node]) -> Node:
    if len(items) == 1:
        return items[0]
    children: list[Node] = []
    for item in items:
        children.extend(item.children if isinstance(item, kind) else (item,))
    return kind(tuple(children))


def parse(query: str) -> Node:
    """The syntax tree of ``query``; raises QueryError for malformed syntax."""
    if not query.strip():
        return Empty()
    return _Parser(_lex(query)).query()


# ------------------------------------------------------------------------- compiling


@dataclass(frozen=True)
class _Part:
    sql: str
    params: tuple[object, ...]
    fts: str | None = None  # a lone full-text match, which may share one MATCH with others


_IN_FTS = "p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)"


def _fts_part(match: str) -> _Part:
    return _Part(_IN_FTS, (match,), match)


def _has_token(text: str) -> bool:
    # The unicode61 tokenizer's own token characters: letters, numbers, private use.
    return any(unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "Co"
               for ch in text)


def _fts_string(text: str, prefix: bool) -> str:
    # FTS5 reads its query as a C string: a NUL would end it inside the quotes.
    quoted = text.replace('"', '""').replace("\x00", " ")
    return f'"{quoted}"' + ("*" if prefix else "")


def _bare_match(term: Term, tags: Sequence[TagName]) -> str | None:
    """The FTS5 query for a bare word or phrase; None when it has nothing to search.

    The index holds a paper's tags as ids (``t12``), so that renaming a tag carried by
    10k papers re-indexes none of them: a word finds a tag by its name here instead.
    """
    if not _has_token(term.value):
        return None
    words = f"- {{tags}} : {_fts_string(term.value, prefix=True)}"
    named = tags_named(term.value, tags)
    if not named:
        return words
    return f"({words} OR {{tags}} : ({' OR '.join(tag_token(i) for i in named)}))"


def tag_token(tag_id: int) -> str:
    """How the full-text index holds a tag: its id, as one token no word can reach."""
    return f"t{tag_id}"


def _tokens(text: str) -> list[str]:
    # As FTS5's unicode61 tokenizer with remove_diacritics 2 sees a text: runs of
    # letters, numbers and private-use characters, folded and without accents.
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold())
                     if not unicodedata.combining(ch))
    tokens: list[str] = []
    current: list[str] = []
    for ch in folded:
        category = unicodedata.category(ch)
        if category[0] in "LN" or category == "Co":
            current.append(ch)
        elif current:
            tokens.append("".join(current))
            current = []
    if current:
        tokens.append("".join(current))
    return tokens


def tags_named(text: str, tags: Sequence[TagName]) -> list[int]:
    """The ids of the tags whose name holds ``text``'s words in order, the last one as
    a prefix: what the index would have matched when it held tag names."""
    wanted = _tokens(text)
    if not wanted:
        return []
    *whole, last = wanted
    found = []
    for tag_id, name in tags:
        have = _tokens(name)
        for start in range(len(have) - len(wanted) + 1):
            if (have[start:start + len(whole)] == whole
                    and have[start + len(whole)].startswith(last)):
                found.append(tag_id)
                break
    return found


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(r"^\s*(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$", re.IGNORECASE)
_INTEGER = re.compile(r"\d{1,9}")
_DECIMAL = re.compile(r"-?(?:\d{1,12}(?:\.\d{0,12})?|\.\d{1,12})")
_DECIMAL_FIELDS = frozenset({"score"})
_RANGE_EXAMPLE = {"year": "2019..2021", "rating": "3..5", "score": "0.5..2"}
_AGE = re.compile(r"(\d{1,6})([dwmy])", re.IGNORECASE)
_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_EARLIEST = "0000-01-01T00:00:00Z"
# Comparing an age with a cutoff: ``<30d`` (younger) means a timestamp after the cutoff.
_AGE_SQL = {"": ">", "=": ">", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class _Compiler:
    def __init__(self, now: datetime, tags: Sequence[TagName]) -> None:
        self._now = now
        self._tags = tags
        self.trash = False

    def node(self, node: Node) -> _Part | None:
        """The SQL for ``node``; None when it was dropped (nothing to search for)."""
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Not):
            inner = self.node(node.child)
            # Every part is atomic or parenthesised already; more parentheses here would
            # spend SQLite's small parser stack once per level of nesting.
            return None if inner is None else _Part(f"NOT {inner.sql}", inner.params)
        if isinstance(node, Empty):
            return None
        joiner = " AND " if isinstance(node, And) else " OR "
        parts = [part for child in node.children if (part := self.node(child)) is not None]
        matches = [part.fts for part in parts if part.fts is not None]
        if len(matches) > 1:
            # One FTS5 query instead of one per word. Merged parts are not merged again
            # higher up: FTS5's parser stack overflows at a few dozen nested parentheses.
            first = next(i for i, part in enumerate(parts) if part.fts is not None)
            merged = _Part(_IN_FTS, (joiner.join(matches),))
            rest = [part for part in parts if part.fts is None]
            parts = [*rest[:first], merged, *rest[first:]]
        if len(parts) <= 1:
            return parts[0] if parts else None
        params = tuple(param for part in parts for param in part.params)
        return _Part("(" + joiner.join(part.sql for part in parts) + ")", params)

    def _term(self, term: Term) -> _Part | None:
        if term.field is None:
            match = _bare_match(term, self._tags)
            return None if match is None else _fts_part(match)
        if term.field == "has":
            sql = fields.HAS.get(term.value.lower())
            if sql is None:
                raise QueryError(f"has: must be one of {', '.join(fields.HAS)}",
                                 term.value_position)
            return _Part(f"({sql})", ())
        if term.field == "in":
            place = term.value.lower()
            if place not in fields.IN_PLACES:
                raise QueryError(f"in: must be one of {', '.join(fields.IN_PLACES)}",
                                 term.value_position)
            self.trash = self.trash or place == "trash"
            return _Part("p.deleted IS NOT NULL" if place == "trash" else "p.deleted IS NULL", ())
        return self._field(fields.BY_NAME[term.field], term)

    def _field(self, field: Field, term: Term) -> _Part | None:
        column = f"p.{field.column}"
        value = term.value.strip()
        match field.match:
            case Match.FULLTEXT:
                if not _has_token(value):
                    return None
                return _fts_part(f"{{{field.fts_column}}} : "
                                 + _fts_string(value, prefix=not term.quoted))
            case Match.TEXT:
                stem = value.rstrip("*")
                if not stem:
                    raise QueryError(f"{field.name}: needs a value", term.position)
                if stem != value and not term.quoted:
                    return _Part(f"{column} LIKE ? ESCAPE '\\'", (_like_escape(stem) + "%",))
                return _Part(f"{column} = ? COLLATE NOCASE", (value,))
            case Match.STATUS:
                if value.lower() not in STATUSES:
                    raise QueryError(f"status must be one of {', '.join(STATUSES)}",
                                     term.value_position)
                return _Part(f"{column} = ?", (value.lower(),))
            case Match.TAG:
                name = value.rstrip("/")
                if not name:
                    raise QueryError("tag: needs a value", term.position)
                # tags.name is COLLATE NOCASE; "ml" also finds "ml/federated", not "mlops".
                # IN (…) is computed once; a correlated EXISTS would run once per paper.
                return _Part(
                    "p.id IN (SELECT pt.paper_id FROM paper_tags pt WHERE pt.tag_id IN "
                    "(SELECT t.id FROM tags t WHERE t.name = ? OR t.name LIKE ? ESCAPE '\\'))",
                    (name, _like_escape(name) + "/%"),
                )
            case Match.LIST:
                return _Part(
                    "p.id IN (SELECT li.paper_id FROM list_items li JOIN lists l "
                    "ON l.id = li.list_id WHERE l.name = ?)",
                    (value,),
                )
            case Match.IMPORT:
                if not (value.isascii() and value.isdigit()) or len(value) > 18:
                    raise QueryError("import needs the number of an import",
                                     term.value_position)
                return _Part("p.id IN (SELECT paper_id FROM import_items WHERE import_id = ?)",
                             (int(value),))
            case Match.CATEGORY:
                escaped = _like_escape(value)
                return _Part(
                    f"({column} = ? COLLATE NOCASE OR {column} LIKE ? ESCAPE '\\' "
                    f"OR {column} LIKE ? ESCAPE '\\')",
                    (value, escaped + ".%", "%." + escaped),
                )
            case Match.DOI:
                return self._identifier(field, term, _DOI_PREFIX.sub("", value).strip(),
                                        f"{column} = ? COLLATE NOCASE")
            case Match.ARXIV:
                bare = _ARXIV_VERSION.sub("", _ARXIV_PREFIX.sub("", value).strip())
                return self._identifier(field, term, bare, f"{column} = ?")
            case Match.NUMBER:
                return self._number(field, term)
            case Match.AGE:
                return self._age(field, term)
        raise AssertionError(f"{field.name} is not searchable")  # SEARCH_PREFIXES excludes it

    @staticmethod
    def _identifier(field: Field, term: Term, value: str, sql: str) -> _Part:
        if not value:
            raise QueryError(f"{field.name}: needs a value", term.position)
        return _Part(sql, (value,))

    def _number(self, field: Field, term: Term) -> _Part:
        low, dots, high = term.value.partition("..")
        if dots and (term.op or not (low or high)):
            self._bad_number(field, term)
        bounds = [(">=", low), ("<=", high)] if dots else [(term.op or "=", term.value)]
        conditions: list[str] = []
        params: list[object] = []
        for op, text in bounds:
            if dots and not text:
                continue  # an open end of a range
            pattern = _DECIMAL if field.name in _DECIMAL_FIELDS else _INTEGER
            if not pattern.fullmatch(text):
                self._bad_number(field, term)
            number = float(text) if field.name in _DECIMAL_FIELDS else int(text)
            if field.name == "rating" and not 0 <= number <= 5:
                raise QueryError("rating must be between 0 and 5", term.value_position)
            conditions.append(f"p.{field.column} {op} ?")
            params.append(number)
        # Without the IS NOT NULL, a paper with no year would match neither year:2020
        # nor -year:2020 (NOT NULL is NULL).
        sql = f"(p.{field.column} IS NOT NULL AND {' AND '.join(conditions)})"
        return _Part(sql, tuple(params))

    @staticmethod
    def _bad_number(field: Field, term: Term) -> NoReturn:
        example = _RANGE_EXAMPLE.get(field.name, "1..10")
        raise QueryError(f"{field.name} needs a number or a range like {example}",
                         term.value_position)

    def _age(self, field: Field, term: Term) -> _Part:
        column = f"p.{field.column}"
        if age := _AGE.fullmatch(term.value):
            days = int(age.group(1)) * _DAYS[age.group(2).lower()]
            return _Part(f"{column} {_AGE_SQL[term.op]} ?", (self._cutoff(days),))
        low, dots, high = term.value.partition("..")
        if dots:
            if term.op or not (low or high):
                _bad_age(field, term)
            after = _period(field, term, low)[0] if low else None
            before = _period(field, term, high)[1] if high else None
        else:
            start, end = _period(field, term, term.value)
            # "2024" is within the year, ">2024" after its end, "<2024" before its start.
            after = {"": start, "=": start, ">=": start, ">": end}.get(term.op)
            before = {"": end, "=": end, "<=": end, "<": start}.get(term.op)
        bounds = [(f"{column} >= ?", after), (f"{column} < ?", before)]
        kept = [(sql, param) for sql, param in bounds if param is not None]
        return _Part("(" + " AND ".join(sql for sql, _ in kept) + ")",
                     tuple(param for _, param in kept))

    def _cutoff(self, days: int) -> str:
        try:
            cutoff = self._now - timedelta(days=days)
        except OverflowError:  # before year 1: every timestamp is younger than that
            return _EARLIEST
        return cutoff.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _period(field: Field, term: Term, text: str) -> tuple[str, str]:
    """The text bounds [start, end) of a year, month or day as stored timestamps."""
    match = _DATE.fullmatch(text)
    if match is None:
        _bad_age(field, term)
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        datetime(year or 0, month or 1, day or 1)
    except ValueError:
        _bad_age(field, term)
    start = "-".join(f"{part:02d}" for part in (year, month, day) if part is not None)
    # "~" sorts after every character of an ISO timestamp, so "2024-05~" is above all
    # of May 2024 and below June, with no calendar arithmetic (and 9999 still works).
    return start, start + "~"


def _bad_age(field: Field, term: Term) -> NoReturn:
    raise QueryError(f"{field.name} needs an age like 30d or a date like 2024-05-01",
                     term.value_position)


def _top_terms(tree: Node) -> list[Term]:
    """The terms every result must satisfy as they stand (not negated, not in an OR)."""
    top = tree.children if isinstance(tree, And) else (tree,)
    return [node for node in top if isinstance(node, Term)]


def _rank_match(tree: Node, tags: Sequence[TagName]) -> str | None:
    matches = [m for term in _top_terms(tree)
               if term.field is None and (m := _bare_match(term, tags)) is not None]
    return " AND ".join(matches) or None


def _list_name(tree: Node) -> str | None:
    names = [term.value.strip() for term in _top_terms(tree) if term.field == "list"]
    return names[0] if len(names) == 1 else None


def compile_query(query: str, *, now: datetime | None = None,
                  tags: Sequence[TagName] = ()) -> CompiledQuery:
    """The SQL condition for ``query``; raises QueryError when it is malformed.

    ``tags`` are the library's (id, name) pairs, for words that name a tag.
    """
    tree = parse(query)
    moment = (now or datetime.now(UTC))
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    compiler = _Compiler(moment, tags)
    part = compiler.node(tree)
    if part is None:
        return CompiledQuery("1", (), None, compiler.trash)
    rank = _rank_match(tree, tags)
    top = tree.children if isinstance(tree, And) else (tree,)
    words_only = rank is not None and all(
        isinstance(node, Term) and node.field is None for node in top)
    short = words_only and all(isinstance(node, Term) and not node.quoted
                               and len(node.value.strip()) <= SHORT_PREFIX for node in top)
    return CompiledQuery(part.sql, part.params, rank, compiler.trash, _list_name(tree),
                         words_only, short)


def complete_prefixes() -> tuple[str, ...]:
    """What the search box offers to complete: every field prefix, then whole terms."""
    return (
        *(f"{name}:" for name in fields.SEARCH_PREFIXES),
        *(f"has:{what}" for what in fields.HAS),
        *(f"in:{place}" for place in fields.IN_PLACES),
        *(f"status:{status}" for status in STATUSES),
    )
