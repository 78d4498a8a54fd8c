"""Researcher-profile listings: a paper-discovery site's profile page, copied as plain text.

The shape (``resources/sample/kai-yi-profile.txt``): an optional header (name, subject code,
``h-index80``, ``33papers``, ``741citations``, ``Novelty53%``, ``AI Score60``, ``33 Papers``),
then per paper a meta line (``LGJun 11, 2022Code``, ``58.9LGMay 25``), the title, the
authors and the abstract. Blank lines separate the parts as well as the papers, so a paper
is found by its meta line, not by blank lines.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlsplit

from db.errors import FormatError
from db.formats import FormatIssue
from db.records import Author, PaperData

# Only codes that name one archive unambiguously: CO, AP, GT, GR, LO, PR, SC and TH exist in
# several archives, so they are kept as written rather than mapped to a guess.
SUBJECTS: dict[str, str] = {
    **{code: f"cs.{code}" for code in (
        "AI", "AR", "CC", "CE", "CG", "CL", "CR", "CV", "CY", "DB", "DC", "DL", "DM", "DS",
        "ET", "FL", "GL", "HC", "IR", "IT", "LG", "MA", "MM", "MS", "NE", "NI", "OS", "PF",
        "PL", "RO", "SD", "SE", "SI")},
    **{code: f"q-bio.{code}" for code in ("BM", "CB", "GN", "MN", "NC", "PE", "QM", "TO")},
    **{code: f"eess.{code}" for code in ("AS", "IV", "SP", "SY")},
    "ML": "stat.ML", "ME": "stat.ME",
    # Statistics Theory is math.ST (stat.TH is its alias); there is no stat.ST.
    "OC": "math.OC", "NA": "math.NA", "ST": "math.ST",
    "EM": "econ.EM",
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_META = re.compile(
    r"(?P<score>\d+(?:\.\d+)?)?\s*(?P<code>[A-Z]{2})\s*(?P<month>" + "|".join(_MONTHS) + r")"
    r"\s+(?P<day>\d{1,2})(?:,?\s+(?P<year>\d{4}))?\s*(?P<marker>Code)?"
)
# A damaged meta line still carries a month and a day; this keeps one from being taken for
# the abstract of the paper above it when that paper has none.
_METAISH = re.compile(r"(?i)(?:" + "|".join(_MONTHS) + r")[a-z]*\.?\s*\d")
_FIGURES: dict[str, re.Pattern[str]] = {
    "h_index": re.compile(r"(?i)h-index\s*:?\s*(\d[\d,]*)"),
    "papers": re.compile(r"(?i)(\d[\d,]*)\s*papers?"),
    "citations": re.compile(r"(?i)(\d[\d,]*)\s*citations?"),
    "novelty": re.compile(r"(?i)novelty\s*:?\s*(\d+(?:\.\d+)?\s*%)"),
    "score": re.compile(r"(?i)ai\s*score\s*:?\s*(\d+(?:\.\d+)?)"),
    "subject": re.compile(r"([A-Z]{2})"),
}
_ET_AL = re.compile(r"(?:,\s*|\s+)et\s+al\b\.?$", re.IGNORECASE)
# Characters that occur in titles and abstracts but not in a list of person names.
_NOT_A_NAME = re.compile(r"[\d$\\:;?!()\[\]{}=<>%]")
_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "del", "della", "da", "di", "du", "des", "dos", "le", "la"}
)
_URL = re.compile(r"\\(?:url|href)\{([^}]*)\}|(https?://[^\s{}]+)")
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net")
_CODE_WORDS = re.compile(r"(?i)\b(?:codes?|codebase|implementation|software|repository)\b")
_SKIPPED = "not understood (a paper starts with a line such as 'LGJun 11, 2022'); skipped"

_Line = tuple[int, str]  # (1-based line number, stripped non-blank text)


@dataclass(frozen=True)
class ProfileHeader:
    name: str
    subject: str
    h_index: int | None
    papers: int | None
    citations: int | None
    novelty: str
    score: float | None

    def description(self) -> str:
        """One plain line for a reading list made from the listing; absent parts left out."""
        parts: list[str] = []
        if self.subject:
            parts.append(f"Subject {category_for(self.subject)}")
        if self.h_index is not None:
            parts.append(f"h-index {self.h_index}")
        if self.papers is not None:
            parts.append(f"{self.papers} paper{'' if self.papers == 1 else 's'}")
        if self.citations is not None:
            parts.append(f"{self.citations} citation{'' if self.citations == 1 else 's'}")
        if self.novelty:
            parts.append(f"novelty {self.novelty}")
        if self.score is not None:
            parts.append(f"AI score {self.score:g}")
        return " · ".join(parts)


@dataclass(frozen=True)
class ProfileListing:
    header: ProfileHeader | None
    papers: tuple[PaperData, ...]
    lines: tuple[int, ...]
    issues: tuple[FormatIssue, ...]


def category_for(code: str) -> str:
    """The arXiv category of a listing's subject code; an unknown code is kept as it is."""
    return SUBJECTS.get(code, code)


def sniff(text: str) -> bool:
    """Whether the text starts like a listing: header figures, or a paper's meta line."""
    figures: set[str] = set()
    for index, (_, line) in enumerate(_lines(text)[:40]):
        if _META.fullmatch(line):
            return True
        key = _figure(line)
        if key is not None:
            figures.add(key)
        elif index > 0:  # the first line may be the researcher's name
            break
    # A bare two-letter line alone is too weak a sign to claim the text.
    return len(figures - {"subject"}) >= 2


def read(text: str, *, file: str = "", capture_year: int | None = None) -> ProfileListing:
    """The header and papers of a listing; bad blocks become issues, never exceptions.

    A date without a year is in ``capture_year`` (default: this year), since the site
    leaves the year out for papers of the year the page was captured.
    """
    year = capture_year if capture_year is not None else datetime.date.today().year
    lines = _lines(text)
    starts = [index for index, (_, line) in enumerate(lines) if _META.fullmatch(line)]
    issues: list[FormatIssue] = []
    preamble = lines[: starts[0] if starts else len(lines)]
    header, leftover = _header(preamble, file, issues)
    if leftover:
        issues.append(FormatIssue(file, leftover[0][0], _SKIPPED))
    papers: list[PaperData] = []
    numbers: list[int] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        paper = _paper(lines[start:end], year, file, issues)
        if paper is not None:
            papers.append(paper)
            numbers.append(lines[start][0])
    if not papers and header is None:
        raise FormatError("not a researcher profile listing", file=file)
    if header is not None and header.papers is not None and header.papers != len(papers):
        verb = "was" if len(papers) == 1 else "were"
        issues.append(FormatIssue(file, _figure_line(preamble, "papers"),
                                  f"the header says {header.papers} papers "
                                  f"but {len(papers)} {verb} read", warning=True))
    issues.sort(key=lambda issue: issue.line)
    return ProfileListing(header, tuple(papers), tuple(numbers), tuple(issues))


def _lines(text: str) -> list[_Line]:
    # Split on line breaks only: str.splitlines() would also break at U+2028 and form
    # feeds inside an abstract, and the line numbers would no longer match an editor's.
    raw = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
    return [(number, line.strip()) for number, line in enumerate(raw, 1) if line.strip()]


def _figure(line: str) -> str | None:
    return next((key for key, pattern in _FIGURES.items() if pattern.fullmatch(line)), None)


def _figure_line(lines: list[_Line], key: str) -> int:
    return next((number for number, line in lines if _FIGURES[key].fullmatch(line)), 0)


def _header(
    lines: list[_Line], file: str, issues: list[FormatIssue]
) -> tuple[ProfileHeader | None, list[_Line]]:
    """The header read from the lines before the first paper, and the lines after it."""
    found: dict[str, str] = {}
    last = -1
    for index, (_, line) in enumerate(lines):
        key = _figure(line)
        if key is not None:
            match = _FIGURES[key].fullmatch(line)
            assert match is not None
            found.setdefault(key, match[1])  # "33papers" wins over the later "33 Papers"
            last = index
    if not found:
        return None, lines
    name = ""
    for index, (number, line) in enumerate(lines[:last]):
        if _figure(line) is None:
            if index == 0:
                name = line
            else:
                issues.append(FormatIssue(file, number, f"ignored in the header: {line[:60]}",
                                          warning=True))

    def count(key: str) -> int | None:
        return int(found[key].replace(",", "")) if key in found else None

    header = ProfileHeader(
        name=name,
        subject=found.get("subject", ""),
        h_index=count("h_index"),
        papers=count("papers"),
        citations=count("citations"),
        novelty=found.get("novelty", "").replace(" ", ""),
        score=float(found["score"]) if "score" in found else None,
    )
    return header, lines[last + 1 :]


def _paper(block: list[_Line], year: int, file: str, issues: list[FormatIssue]) -> PaperData | None:
    """One paper from its meta line and the lines up to the next one, or None if unusable."""
    number, line = block[0]
    meta = _META.fullmatch(line)
    assert meta is not None
    body = [text for _, text in block[1:]]
    if len(body) < 2 or not _is_author_list(body[1]):
        issues.append(FormatIssue(file, number, "a paper line without a title and authors "
                                                "after it; skipped"))
        return None
    date = _date(meta, year)
    if not date:
        issues.append(FormatIssue(file, number, f"'{meta['month']} {meta['day']}"
                                                f"{', ' + meta['year'] if meta['year'] else ''}'"
                                                " is not a date; paper skipped"))
        return None
    # Title, authors and abstract take one line each; anything after them is a block whose
    # own meta line is missing or damaged, and guessing where it splits would invent data.
    taken = 3 if len(body) > 2 and not (len(body[2]) <= 40 and _METAISH.search(body[2])) else 2
    if len(body) > taken:
        issues.append(FormatIssue(file, block[1 + taken][0], _SKIPPED))
    authors, et_al = _authors(body[1])
    abstract = body[2] if taken == 3 else ""
    code = meta["code"]
    extra = {"subject": code} | ({"has_code": "yes"} if meta["marker"] else {})
    return PaperData(
        title=body[0],
        entry_type="article",
        abstract=abstract,
        date=date,
        code_url=_code_url(abstract),
        category=category_for(code),
        score=float(meta["score"]) if meta["score"] else None,
        authors=authors,
        et_al=et_al,
        extra=MappingProxyType(extra),
    )


def _date(meta: re.Match[str], capture_year: int) -> str:
    year = int(meta["year"]) if meta["year"] else capture_year
    try:
        return datetime.date(year, _MONTHS.index(meta["month"]) + 1, int(meta["day"])).isoformat()
    except ValueError:
        return ""


def _names(line: str) -> list[str]:
    return [name.strip() for name in _ET_AL.sub("", line).split(",")]


def _is_author_list(line: str) -> bool:
    # Names are short and plain; an abstract or a title taken for them fails on length or
    # on punctuation, which turns a missing author line into a reported block, not garbage.
    return all(0 < len(name.split()) <= 8 and not _NOT_A_NAME.search(name)
               for name in _names(line))


def _authors(line: str) -> tuple[tuple[Author, ...], bool]:
    return tuple(_person(name) for name in _names(line)), _ET_AL.search(line) is not None


def _person(name: str) -> Author:
    """'Yu Guang Wang' -> given 'Yu Guang', family 'Wang'; a lowercase particle starts the
    family name ('Ludwig van Beethoven'), while a capitalised one is a given name ('Di Zhang')."""
    words = name.split()
    cut = next((index for index, word in enumerate(words[:-1]) if word in _PARTICLES),
               len(words) - 1)
    return Author(family=" ".join(words[cut:]), given=" ".join(words[:cut]))


def _code_url(abstract: str) -> str:
    """The first address in the abstract that is on a code host or named as the code's."""
    for match in _URL.finditer(abstract):
        url = match[1].strip() if match[1] is not None else _trim(match[2])
        url = url.replace("\\_", "_").replace("\\%", "%").replace("\\#", "#")
        try:
            host = (urlsplit(url).hostname or "").removeprefix("www.")
        except ValueError:  # "https://[example.org/…": a bracket opens an IPv6 host
            continue
        sentence = re.split(r"[.!?]\s", abstract[: match.start()])[-1]
        on_host = any(host == known or host.endswith("." + known) for known in _CODE_HOSTS)
        if on_host or _CODE_WORDS.search(sentence):
            return url
    return ""


def _trim(url: str) -> str:
    # Prose punctuation after an address is not part of it; a closing bracket is only when
    # the address opened one (Wikipedia-style paths).
    while url and (url[-1] in ".,;:!?'\""
                   or (url[-1] == ")" and url.count("(") < url.count(")"))
                   or (url[-1] == "]" and url.count("[") < url.count("]"))):
        url = url[:-1]
    return url
