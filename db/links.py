"""A paper's links, one rule for every place that shows or opens them.

Only http and https addresses are ever offered (never ``javascript:``, ``data:`` or
``file:``); DOIs and arXiv ids become their https pages. Addresses are percent-encoded,
so that one can be put in an HTML attribute or handed to the system as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from db.records import Paper

# Characters an address keeps as they are: RFC 3986's reserved and unreserved ones and
# "%". The rest (space, quotes, <>, backslash, backtick, braces, non-ASCII) is encoded.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
_HTTP = re.compile(r"(?i)https?://[^/?#]")

# Which link comes first: the most lasting for a document (an export), and the paper's
# own page for a click in the window, as reference managers open it.
LASTING_FIRST = ("DOI", "arXiv", "URL", "Code")
PAGE_FIRST = ("URL", "DOI", "arXiv", "Code")


def safe_url(url: str) -> str | None:
    """``url`` percent-encoded when it is an http(s) address with a host, else None
    (``javascript:``, ``data:``, ``file:``, relative addresses…)."""
    encoded = quote(url.strip(), safe=_URL_SAFE)
    return encoded if _HTTP.match(encoded) else None


def web_address(url: str) -> str | None:
    """``url`` as written (only trimmed) when it is an http(s) address, else None: for the
    window, which shows and opens the address the user typed."""
    return url.strip() if safe_url(url) is not None else None


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi.strip(), safe="/:;()._-")


def arxiv_url(arxiv: str) -> str:
    return "https://arxiv.org/abs/" + quote(arxiv.strip(), safe="/._-")


def paper_links(paper: Paper, order: Sequence[str] = LASTING_FIRST, *,
                encoded: bool = True) -> list[tuple[str, str]]:
    """(label, address) for each link the paper has, in ``order`` of labels; the paper's
    own addresses percent-encoded, or (``encoded=False``) as written."""
    check = safe_url if encoded else web_address
    found: dict[str, str | None] = {
        "DOI": doi_url(paper.doi) if paper.doi.strip() else None,
        "arXiv": arxiv_url(paper.arxiv) if paper.arxiv.strip() else None,
        # (an empty address is none, and most papers have no code: no need to ask)
        "URL": check(paper.url) if paper.url.strip() else None,
        "Code": check(paper.code_url) if paper.code_url.strip() else None,
    }
    return [(label, address) for label in order if (address := found[label])]
