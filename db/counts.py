"""Counts in the library's own messages: "1 note", "2,000 papers". (The window groups
digits as the user's locale does: desktop.counts.)"""

from __future__ import annotations


def amount(count: int, word: str) -> str:
    """``count`` and ``word``, with an *s* unless there is one."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"
