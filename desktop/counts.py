"""Counts as a user reads them: digits grouped as their locale groups them ("1,000,000"
in English), and "1 paper" but "2 papers"."""

from __future__ import annotations

from PySide6.QtCore import QLocale


def number(count: int) -> str:
    """``count`` with the user's digit grouping."""
    return QLocale().toString(int(count))


def plural(count: int, word: str = "paper") -> str:
    """``count`` and ``word``, with an *s* unless there is one."""
    return f"{number(count)} {word}{'' if count == 1 else 's'}"
