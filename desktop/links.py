"""Opening a paper's links: only http, https and DOI links are ever handed to the system.

The rules for which links a paper has live in :mod:`db.links`; the window lists the
paper's own page first.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from db import links
from db.records import Paper

safe_url = links.web_address


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, address) for each link the paper has, the one to open first first."""
    return links.paper_links(paper, links.PAGE_FIRST, encoded=False)


def open_link(address: str) -> bool:
    """Open an address we made or checked; refuses anything but http(s)."""
    if safe_url(address) is None:
        return False
    return QDesktopServices.openUrl(QUrl(address))
