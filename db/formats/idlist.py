"""Lists of identifiers: one DOI or arXiv id per line, each to be completed later.

Blank lines and ``#`` comments are ignored. A DOI may carry ``doi:`` or a doi.org address;
an arXiv id may be new-style (``2206.05437v2``) or old-style (``hep-th/9901001``), bare,
after ``arXiv:`` or in an arxiv.org address. Each id becomes a record holding that id only,
marked ``needs_details`` so that its title and authors are looked up later.

``doi_of`` and ``arxiv_of`` are also what the RIS and CSL-JSON readers use to recognise
identifiers, so all formats agree on what counts as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType
from urllib.parse import unquote

from db.errors import FormatError
from db.formats import FormatIssue, Parsed
from db.matching import normalize_arxiv, normalize_doi
from db.records import PaperData

__all__ = ["arxiv_of", "doi_of", "read", "sniff"]

# The registrant code is 4 to 9 digits; the suffix may hold almost any character, so it
# runs to the end of the text (DOIs contain no white space). "10/fqd6hj" is a shortDOI,
# an alias that doi.org resolves like any DOI.
_DOI = re.compile(
    r"(?i:doi\s*:\s*|doi\s+|(?:https?://)?(?:dx\.|www\.)?doi\.org/)?"
    r"(?P<doi>10\.\d{4,9}/\S+|10/[A-Za-z0-9]+)"
)
_NEW_ARXIV = r"(?P<yymm>\d{2}(?:0[1-9]|1[0-2]))\.(?P<seq>\d{4,5})(?:v\d+)?"
# Old-style ids: an archive (hep-th, cond-mat, math), an optional subject class (math.GT),
# then YYMMNNN.
_OLD_ARXIV = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{2}(?:0[1-9]|1[0-2])\d{3}(?:v\d+)?"
_ARXIV = re.compile(
    r"(?i:arxiv\s*:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/"
    r"|(?:https?://(?:dx\.)?doi\.org/|doi\s*:\s*)?10\.48550/arxiv\.)?"
    rf"(?P<id>{_NEW_ARXIV}|{_OLD_ARXIV})(?i:\.pdf)?/?(?:[?#]\S*)?"
)
_DATACITE_ARXIV = "10.48550/arxiv."
_TRAILING_COMMENT = re.compile(r"\s+#.*")
_NEEDS_DETAILS = MappingProxyType({"needs_details": "yes"})


def doi_of(text: str) -> str:
    """The normalised DOI that ``text`` is (bare, ``doi:`` or a doi.org address), or ''."""
    stripped = text.strip()
    match = _DOI.fullmatch(stripped)
    if match is None:
        return ""
    # An address carries the DOI percent-encoded; the DOI itself is the decoded text.
    doi = unquote(match["doi"]) if "/" in stripped[: match.start("doi")] else match["doi"]
    return normalize_doi(doi)


def arxiv_of(text: str) -> str:
    """The arXiv id (version dropped) that ``text`` is, or ''.

    Accepts bare ids, ``arXiv:`` ids, arxiv.org abs/pdf addresses and arXiv's own DOIs
    (10.48550/arXiv.2206.05437).
    """
    match = _ARXIV.fullmatch(text.strip())
    if match is None:
        return ""
    # Since January 2015 the number after the dot has five digits, before then four.
    if match["yymm"] is not None and (len(match["seq"]) == 5) != (match["yymm"] >= "1501"):
        return ""
    return normalize_arxiv(match["id"])


def _identify(line: str) -> tuple[str, str] | None:
    """(doi, arxiv) for one line, or None when the line is neither."""
    doi = doi_of(line)
    if doi:
        # arXiv's DataCite DOIs name the preprint: keep both so either finds a duplicate.
        arxiv = arxiv_of(doi) if doi.startswith(_DATACITE_ARXIV) else ""
        return doi, arxiv
    arxiv = arxiv_of(line)
    return ("", arxiv) if arxiv else None


def _entries(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) for every line that is neither blank nor a comment."""
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            # " # note" ends a line; a "#" inside a DOI (no space before it) does not.
            yield number, _TRAILING_COMMENT.sub("", line)


def sniff(text: str) -> bool:
    """Whether every line that is not blank or a comment is an id, and there is one.

    Prose that happens to hold a DOI is not a list: one line of anything else says no.
    """
    seen = False
    for _, line in _entries(text):
        if _identify(line) is None:
            return False
        seen = True
    return seen


def read(text: str, *, file: str = "") -> Parsed:
    """One record per id line; other lines become issues and are skipped."""
    records: list[PaperData] = []
    numbers: list[int] = []
    issues: list[FormatIssue] = []
    entries = list(_entries(text))
    for number, line in entries:
        found = _identify(line)
        if found is None:
            issues.append(FormatIssue(file, number, f"not a DOI or an arXiv id: {line[:60]!r}; "
                                                    "skipped"))
            continue
        doi, arxiv = found
        # Only the id is known; an arXiv id is a preprint, which the library files as an
        # article (as the profile listings do), while a DOI may name anything.
        records.append(PaperData(doi=doi, arxiv=arxiv, entry_type="misc" if doi else "article",
                                 extra=_NEEDS_DETAILS))
        numbers.append(number)
    if not records:
        raise FormatError("no DOI or arXiv id found (expected one per line, such as "
                          "10.1000/xyz or arXiv:2206.05437)", file=file,
                          line=entries[0][0] if entries else 0)
    return Parsed(tuple(records), tuple(numbers), tuple(issues))
