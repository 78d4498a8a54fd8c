"""Opening a paper's links: only http, https and DOI links are ever handed to the system."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from db.records import Paper

SAFE_SCHEMES = frozenset({"http", "https"})


def safe_url(url: str) -> str | None:
    """``url`` if it is an http(s) address, else None (no file:, javascript:, …)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc:
        return url.strip()
    return None


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi.strip(), safe="/:;()._-")


def arxiv_url(arxiv: str) -> str:
    return "https://arxiv.org/abs/" + quote(arxiv.strip(), safe="/._-")


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, address) for each link the paper has, the best one to open first."""
    links: list[tuple[str, str]] = []
    if paper.url and (url := safe_url(paper.url)):
        links.append(("URL", url))
    if paper.doi:
        links.append(("DOI", doi_url(paper.doi)))
    if paper.arxiv:
        links.append(("arXiv", arxiv_url(paper.arxiv)))
    if paper.code_url and (code := safe_url(paper.code_url)):
        links.append(("Code", code))
    return links


def open_link(address: str) -> bool:
    """Open an address we made or checked; refuses anything but http(s)."""
    if safe_url(address) is None:
        return False
    return QDesktopServices.openUrl(QUrl(address))
