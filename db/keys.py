"""Citation keys over the whole library: the pattern, aliases, and re-keying on request.

A key never changes by itself: editing a title leaves it alone. Changing the pattern
shows which keys would change and applies only when asked; a key that changes is kept as
an alias, so a manuscript citing the old key still finds the paper (BibLaTeX ``ids``).
"""

from __future__ import annotations

from db.citekeys import base_key, check_pattern, suffixes
from db.errors import LibraryError
from db.papers import PATTERN_SETTING, PaperOps
from db.records import Author, Changes, PaperData


class KeyOps(PaperOps):
    """The citation-key use cases of :class:`db.library.Library`."""

    def aliases(self, paper_id: int) -> tuple[str, ...]:
        return tuple(str(r[0]) for r in self.conn.execute(
            "SELECT alias FROM key_aliases WHERE paper_id = ? ORDER BY alias", (paper_id,)))

    def rekey_preview(self, pattern: str) -> list[tuple[int, str, str]]:
        """(id, current key, new key) for every paper whose key ``pattern`` would change."""
        problem = check_pattern(pattern)
        if problem:
            raise LibraryError(problem[:1].upper() + problem[1:] + ".")
        rows = self.conn.execute(
            "SELECT id, key, title, date, et_al FROM papers ORDER BY id").fetchall()
        # Read in two passes rather than paper by paper: a preview runs as the user types.
        authors: dict[int, list[Author]] = {}
        for paper_id, family, given, literal in self.conn.execute(
                "SELECT paper_id, family, given, literal FROM authors WHERE position < 4 "
                "ORDER BY paper_id, position"):
            authors.setdefault(int(paper_id), []).append(Author(family, given, literal))
        taken = {str(row[1]).lower() for row in rows}
        changes: list[tuple[int, str, str]] = []
        for paper_id, key, title, date, et_al in rows:
            paper = PaperData(title=title, date=date, et_al=bool(et_al),
                              authors=tuple(authors.get(int(paper_id), ())))
            base = base_key(paper, pattern)
            if str(key).lower().startswith(base.lower()) and _is_suffixed(str(key), base):
                continue  # already what the pattern gives
            next_suffix = suffixes()
            while True:
                candidate = base + next_suffix()
                if candidate.lower() not in taken:
                    break
            taken.add(candidate.lower())
            taken.discard(str(key).lower())
            changes.append((int(paper_id), str(key), candidate))
        return changes

    def apply_key_pattern(self, pattern: str) -> Changes:
        """Make ``pattern`` the library's and re-key the papers it changes (old keys kept
        as aliases)."""
        planned = self.rekey_preview(pattern)
        with self.write():
            # Park the keys first: a new key may be another paper's old one.
            self.conn.executemany("UPDATE papers SET key = ? WHERE id = ?",
                                  [(f"\x01{pid}", pid) for pid, _, _ in planned])
            for paper_id, old, new in planned:
                self.conn.execute("UPDATE papers SET key = ? WHERE id = ?", (new, paper_id))
                self._add_alias(paper_id, old)
            self.conn.execute(
                "INSERT INTO settings(name, value) VALUES (?, ?) ON CONFLICT(name) "
                "DO UPDATE SET value = excluded.value", (PATTERN_SETTING, pattern))
        return Changes(papers=frozenset(pid for pid, _, _ in planned))


def _is_suffixed(key: str, base: str) -> bool:
    rest = key[len(base):]
    return rest == "" or (rest.isalpha() and rest.islower())
