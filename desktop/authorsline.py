"""The authors line of the detail pane: ``Wang, Yuelin; Yi, Kai; {WHO}; et al.``

Semicolons separate authors; the first comma separates family from given names; a
whole entry in braces is an organisation; braces or a backslash protect a comma or
semicolon inside a name; ``et al.`` at the end marks a list cut short. Every list of
authors formats to a line that parses back to exactly that list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from db.records import Author

ET_AL = "et al."
_ET_AL_MARKERS = frozenset({"et al.", "et al"})

# -- the authors line --------------------------------------------------------------------


class _Char(NamedTuple):
    char: str
    kind: int  # one of the constants below
    depth: int  # brace depth before an opening brace / after a closing one


_PLAIN, _PROTECTED, _OPEN, _CLOSE = range(4)


def _scan(text: str) -> list[_Char]:
    """Characters classified: a backslash protects the next one, braces protect within."""
    out: list[_Char] = []
    depth = 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(_Char(text[i + 1], _PROTECTED, depth))
            i += 2
            continue
        if c == "{":
            out.append(_Char(c, _OPEN, depth))
            depth += 1
        elif c == "}" and depth:
            depth -= 1
            out.append(_Char(c, _CLOSE, depth))
        else:
            # A stray "}" or a trailing backslash is taken literally: typing never fails.
            out.append(_Char(c, _PLAIN if depth == 0 and c not in "\\}" else _PROTECTED, depth))
        i += 1
    return out


def _split(chars: list[_Char], separator: str, first_only: bool = False) -> list[list[_Char]]:
    parts: list[list[_Char]] = [[]]
    for ch in chars:
        if ch.kind == _PLAIN and ch.char == separator and not (first_only and len(parts) > 1):
            parts.append([])
        else:
            parts[-1].append(ch)
    return parts


def _strip(chars: list[_Char]) -> list[_Char]:
    start, end = 0, len(chars)
    while start < end and chars[start].kind == _PLAIN and chars[start].char.isspace():
        start += 1
    while end > start and chars[end - 1].kind == _PLAIN and chars[end - 1].char.isspace():
        end -= 1
    return chars[start:end]


def _text(chars: list[_Char]) -> str:
    return "".join(ch.char for ch in chars if ch.kind in (_PLAIN, _PROTECTED))


def _braced(chars: list[_Char]) -> bool:
    """The whole entry is one {…} group: an organisation's name, never split."""
    return (len(chars) >= 2 and chars[0].kind == _OPEN and chars[0].depth == 0
            and chars[-1].kind == _CLOSE and chars[-1].depth == 0
            and not any(ch.kind == _CLOSE and ch.depth == 0 for ch in chars[1:-1]))


def _escape(text: str, specials: str) -> str:
    out = ["\\" + c if c in specials else c for c in text]
    # White space at either end would be trimmed away by the parser unless protected.
    if out and text[0].isspace():
        out[0] = "\\" + text[0]
    if out and text[-1].isspace():
        out[-1] = "\\" + text[-1]
    return "".join(out)


def _format_author(author: Author) -> str:
    if author.literal:
        return "{" + "".join("\\" + c if c in "\\{}" else c for c in author.literal) + "}"
    family = _escape(author.family, "\\{},;")
    if author.given:
        # Only the first comma separates family from given: later ones need no escape.
        return family + ", " + _escape(author.given, "\\{};")
    if family.casefold() in _ET_AL_MARKERS:
        family = "\\" + family  # a person called "Et al." is not the marker
    return family


def format_authors(authors: Sequence[Author], et_al: bool) -> str:
    """``Wang, Yuelin; Yi, Kai; {World Health Organization}; et al.``

    A person is "Family, Given" (or "Family", or ", Given"); an organisation is its name
    in braces; a trailing "et al." marks an incomplete list. A backslash protects a
    character that would otherwise separate. :func:`parse_authors` reads it back exactly.
    """
    parts = [_format_author(a) for a in authors]
    if et_al:
        parts.append(ET_AL)
    return "; ".join(parts)


def parse_authors(line: str) -> tuple[tuple[Author, ...], bool]:
    """The authors and the et-al marker of a line in :func:`format_authors`' form.

    Never fails: an unclosed brace runs to the end, empty entries are dropped, and "et al."
    anywhere in the line sets the marker.
    """
    authors: list[Author] = []
    et_al = False
    for entry in _split(_scan(line), ";"):
        chars = _strip(entry)
        if not chars:
            continue
        if (all(ch.kind == _PLAIN for ch in chars)
                and _text(chars).casefold() in _ET_AL_MARKERS):
            et_al = True
        elif _braced(chars):
            authors.append(Author(literal=_text(chars[1:-1])))
        else:
            family, *given = _split(chars, ",", first_only=True)
            author = Author(family=_text(_strip(family)),
                            given=_text(_strip(given[0])) if given else "")
            if author != Author():
                authors.append(author)
    return tuple(authors), et_al


# -- the pane ------------------------------------------------------------------------------
