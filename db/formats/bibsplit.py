"""BibTeX text cut into blocks exactly as bibtexparser 2.1's splitter cuts it, faster.

bibtexparser's ``Splitter`` visits every "mark" of the text (each brace, quote, comma,
equals sign and line break) in Python: a million of them in a 15 MB file, most of the
second a 10,000-entry import spends reading. :func:`split` finds the same blocks, with
the same values, raw text and lines, by searching only for the marks that matter at each
point: inside braces, a brace; inside quotes, a quote. A field with no nested braces,
backslash or ``@`` is matched by one regular expression.

It reads well-formed ``{…}`` blocks only. For anything else — a ``(…)`` block, or any
place where bibtexparser would give up on a block and recover (a missing comma, an
unclosed brace, ``@`` opening a line inside a value, the end of the text inside a block)
— it returns None, and :func:`from_bibtexparser` gives the same kind of blocks from
bibtexparser's own splitter, whose recovery and messages the reader reports. A test
checks that the two agree on every file of the corpus and on generated text.

The blocks are small tuples holding what the reader uses of bibtexparser's: implicit
comments (text between blocks) and the line of each field are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ExplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)


class RawEntry(NamedTuple):
    line: int  # 1-based, of the "@"
    type: str  # lower-cased, as bibtexparser gives it
    key: str
    fields: list[tuple[str, str]]  # (name, value) as written, in order, repeats included
    repeated: frozenset[str]  # names written more than once
    raw: str


class RawString(NamedTuple):
    line: int
    key: str
    value: str
    raw: str


class RawPreamble(NamedTuple):
    line: int
    value: str
    raw: str


class RawComment(NamedTuple):
    line: int
    comment: str
    raw: str


class RawFailure(NamedTuple):
    """A block bibtexparser gave up on, and its reason."""

    line: int
    raw: str
    reason: str


RawBlock = RawEntry | RawString | RawPreamble | RawComment | RawFailure
_NONE: frozenset[str] = frozenset()

# bibtexparser's marks: a brace, quote, comma or equals sign not preceded by a backslash
# (line breaks are marks too; lines are counted apart), and a block start, which needs
# no line start. Each pattern below finds the subset of them that matters in one state.
_AT = r"@\w*[ \t]*(?=[{(])"
_BLOCK_START = re.compile(_AT)
_ANY = re.compile(r'(?<!\\)[{}",=]|' + _AT)
_OUTSIDE = re.compile(r'(?<!\\)[{}",]|' + _AT)  # in a value, outside braces and quotes
_IN_BRACES = re.compile(r"(?<!\\)[{}]|" + _AT)
_IN_QUOTES = re.compile(r'(?<!\\)"|' + _AT)
# A whole field, up to the comma or brace that ends it, whose value holds no @, no
# backslash outside braces and braces nested at most twice: what nearly all fields are.
# Inside braces a brace after a backslash is no mark; a run of backslashes and the
# character after it are taken together. (Possessive: on a mismatch, give up at once.)
_IN_GROUP = r"(?:[^{}\\@]++|\\++[^@\\])"
_GROUP = r"\{(?:" + _IN_GROUP + r"|\{" + _IN_GROUP + r"*+\})*+\}"
_SIMPLE_FIELD = re.compile(
    r'([^{}",=@\\]*+)=((?:[^{}",@\\]++|' + _GROUP + r'|"[^"{}\\@]*+")*+)(?=[,}])')


class _GiveUp(Exception):
    """Where bibtexparser would abort a block (or read a ``(…)`` one): let it do so."""


class _Splitter:
    def __init__(self, text: str) -> None:
        # As bibtexparser does: a line break first, so that indexes and lines agree.
        self.s = "\n" + text
        self._line = -1
        self._line_at = 0
        self._escaped_breaks = "\\\n" in text

    def line(self, at: int) -> int:
        """bibtexparser's line number of the mark at ``at``: the line breaks before it,
        less those preceded by a backslash (which its mark pattern skips), less one.
        Positions asked for only grow, so each part of the text is counted once."""
        s, start = self.s, self._line_at
        breaks = s.count("\n", start, at)
        if breaks and self._escaped_breaks:
            breaks -= s.count("\\\n", max(start - 1, 0), at)
        self._line += breaks
        self._line_at = at
        return self._line

    def at_line_start(self, at: int) -> bool:
        head = self.s[self.s.rfind("\n", 0, at) + 1 : at]
        return not head or head.isspace()

    def mark(self, pattern: re.Pattern[str], pos: int) -> re.Match[str]:
        """The next mark of ``pattern`` from ``pos``; a block start opening a line ends
        the block being read (bibtexparser's recovery), as does the end of the text."""
        while True:
            found = pattern.search(self.s, pos)
            if found is None:
                raise _GiveUp
            if found.group()[0] != "@":
                return found
            if self.at_line_start(found.start()):
                raise _GiveUp
            pos = found.end()

    def split(self) -> list[RawBlock]:
        s = self.s
        blocks: list[RawBlock] = []
        pos = 0
        while (start := _BLOCK_START.search(s, pos)) is not None:
            opened = start.end()
            if s[opened] != "{":
                raise _GiveUp
            kind = start.group().lower()
            line = self.line(start.start()) + 1
            if kind.startswith("@comment"):
                end = self.closing(opened + 1)
                blocks.append(RawComment(line, s[opened + 1 : end].strip(),
                                         s[start.start() : end + 1]))
                pos = end + 1
            elif kind.startswith("@preamble"):
                end = self.closing(opened + 1)
                blocks.append(RawPreamble(line, s[opened + 1 : end], s[start.start() : end + 1]))
                pos = end + 1
            elif kind.startswith("@string"):
                equals = _ANY.search(s, opened + 1)
                if equals is None or equals.group() != "=":
                    raise _GiveUp
                end = self.closing(equals.end())
                blocks.append(RawString(line, s[opened + 1 : equals.start()].strip(),
                                        s[equals.end() : end].strip(), s[start.start() : end + 1]))
                pos = end + 1
            else:
                block, pos = self.entry(start, kind[1:].strip(), line)
                blocks.append(block)
        return blocks

    def closing(self, pos: int) -> int:
        """The brace closing a comment, preamble or string block, nested ones skipped."""
        depth = 0
        while True:
            found = self.mark(_IN_BRACES, pos)
            if found.group() == "{":
                depth += 1
            elif depth:
                depth -= 1
            else:
                return found.start()
            pos = found.end()

    def entry(self, start: re.Match[str], entry_type: str,
              line: int) -> tuple[RawEntry, int]:
        s = self.s
        opened = start.end()
        after_key = _ANY.search(s, opened + 1)
        if after_key is None or after_key.group() not in ",}":
            raise _GiveUp
        key = s[opened + 1 : after_key.start()].strip()
        fields: list[tuple[str, str]] = []
        # After the key (or a field), "," starts a field and "}" ends the entry.
        closed = after_key.end() if after_key.group() == "}" else -1
        pos = after_key.end()
        while closed < 0:
            simple = _SIMPLE_FIELD.match(s, pos)
            if simple is not None:
                name, value = simple.group(1, 2)
                end = simple.end()
            else:
                found = _ANY.search(s, pos)
                if found is None:
                    raise _GiveUp
                if found.group() == "}":  # nothing after the last comma: the entry ends
                    if s[pos : found.start()].strip():
                        raise _GiveUp  # a field name with no "=": bibtexparser aborts
                    closed = found.end()
                    break
                if found.group() != "=":
                    raise _GiveUp
                name = s[pos : found.start()]
                end = self.value_end(found.end())
                value = s[found.end() : end]
            fields.append((name.strip(), value.strip()))
            pos = end + 1
            if s[end] == "}":
                closed = end + 1
        return RawEntry(line, entry_type, key, fields, _repeated(fields),
                        s[start.start() : closed]), closed

    def value_end(self, pos: int) -> int:
        """Where a field's value ends: the comma or brace after it, outside braces and
        quotes (bibtexparser's rules, including its ``{"}`` in a quoted value)."""
        s = self.s
        depth = 0
        quoted = False
        while True:
            found = self.mark(_IN_QUOTES if quoted else _IN_BRACES if depth else _OUTSIDE,
                              pos)
            char, at = found.group(), found.start()
            pos = found.end()
            if quoted:
                if not (s[at - 1] == "{" and at + 2 < len(s) and s[at + 1] == "}"):
                    quoted = False
            elif char == "{":
                depth += 1
            elif depth:  # "}"
                depth -= 1
            elif char == '"':
                quoted = True
            else:  # "," or the "}" closing the entry
                return at


def _repeated(fields: list[tuple[str, str]]) -> frozenset[str]:
    names = [name for name, _ in fields]
    if len(set(names)) == len(names):
        return _NONE
    return frozenset(name for i, name in enumerate(names) if name in names[:i])


def split(text: str) -> list[RawBlock] | None:
    """The blocks bibtexparser's splitter makes of ``text`` (implicit comments left out),
    or None when the text needs its error recovery or holds a ``(…)`` block."""
    try:
        return _Splitter(text).split()
    except _GiveUp:
        return None


def from_bibtexparser(blocks: Iterable[Block]) -> list[RawBlock]:
    """bibtexparser's blocks (of its splitter, with no middleware) as :func:`split` gives
    them. Its library's wrapping of a repeated key is undone: the reader judges those."""
    found: list[RawBlock] = []
    for block in blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
            block = block.ignore_error_block
        line = (block.start_line or 0) + 1
        raw = block.raw or ""
        if isinstance(block, DuplicateFieldKeyBlock) and isinstance(block.ignore_error_block,
                                                                     Entry):
            entry = block.ignore_error_block
            found.append(RawEntry(line, entry.entry_type, entry.key,
                                  [(f.key, f.value) for f in entry.fields],
                                  frozenset(block.duplicate_keys), raw))
        elif isinstance(block, Entry):
            fields = [(f.key, f.value) for f in block.fields]
            found.append(RawEntry(line, block.entry_type, block.key, fields,
                                  _repeated(fields), raw))
        elif isinstance(block, String):
            found.append(RawString(line, block.key, block.value, raw))
        elif isinstance(block, Preamble):
            found.append(RawPreamble(line, block.value, raw))
        elif isinstance(block, ExplicitComment):
            found.append(RawComment(line, block.comment, raw))
        elif isinstance(block, ParsingFailedBlock):
            found.append(RawFailure(line, raw, str(getattr(block.error, "abort_reason",
                                                           block.error))))
    return found
