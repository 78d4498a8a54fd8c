"""Tags: names unique regardless of case, ``/`` for a hierarchy, and a colour each."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from db.errors import LibraryError, NotFoundError
from db.papers import PaperOps, clean_tag_name
from db.records import Changes, Tag
from db.store import IN_IDS, id_list

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class TagOps(PaperOps):
    """The tag use cases of :class:`db.library.Library`."""

    def _tag(self, name: str) -> tuple[int, str]:
        row = self.conn.execute(
            "SELECT id, name FROM tags WHERE name = ?", (clean_tag_name(name),)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"There is no tag named {name.strip()!r}.")
        return int(row[0]), str(row[1])

    def _papers_with_tags(self, tag_ids: Sequence[int]) -> list[int]:
        return [int(r[0]) for r in self.conn.execute(
            f"SELECT DISTINCT paper_id FROM paper_tags WHERE tag_id IN {IN_IDS}",
            (id_list(tag_ids),))]

    def add_tags(self, paper_ids: Iterable[int], names: Iterable[str]) -> Changes:
        """Tag the papers, creating tags that do not exist yet."""
        with self.write():
            wanted = self._live_ids(paper_ids)
            self._link_tags(wanted, self._tag_ids(names))
            self.reindex(wanted)
        return Changes(papers=frozenset(wanted), tags=True)

    def remove_tags(self, paper_ids: Iterable[int], names: Iterable[str]) -> Changes:
        """Untag the papers; the tags themselves stay (empty tags are deleted by hand)."""
        with self.write():
            wanted = self._live_ids(paper_ids)
            tag_ids = [self._tag(n)[0] for n in names]
            self.conn.execute(
                f"DELETE FROM paper_tags WHERE paper_id IN {IN_IDS} "
                f"AND tag_id IN {IN_IDS}",
                (id_list(wanted), id_list(tag_ids)),
            )
            self.reindex(wanted)
        return Changes(papers=frozenset(wanted), tags=True)

    def rename_tag(self, name: str, new_name: str) -> Changes:
        """Rename a tag and every tag below it (``ml`` → ``ML`` renames ``ml/fl`` too)."""
        new_name = clean_tag_name(new_name)
        if not new_name:
            raise LibraryError("A tag needs a name.")
        with self.write():
            old = clean_tag_name(name)
            row = self.conn.execute("SELECT id, name FROM tags WHERE name = ?",
                                    (old,)).fetchone()
            # A parent shown in the tag tree need not be a tag itself ("ml" over
            # "ml/federated"): renaming it renames what is below it.
            family = [] if row is None else [(int(row[0]), str(row[1]))]
            old = old if row is None else str(row[1])
            family += [
                (int(i), str(n)) for i, n in self.conn.execute(
                    "SELECT id, name FROM tags WHERE name LIKE ? ESCAPE '\\'",
                    (_like_prefix(old + "/"),))
            ]
            if not family:
                raise NotFoundError(f"There is no tag named {name.strip()!r}.")
            renames = [(i, new_name + n[len(old):]) for i, n in family]
            for _, target in renames:
                clash = self.scalar("SELECT id FROM tags WHERE name = ?", (target,))
                if clash is not None and clash not in {i for i, _ in family}:
                    raise LibraryError(
                        f"A tag named {target!r} already exists: merge into it instead."
                    )
            # Park the names first so that a case-only or shuffled rename never trips the
            # unique constraint half-way.
            self.conn.executemany("UPDATE tags SET name = ? WHERE id = ?",
                                  [(f"\x01{i}", i) for i, _ in renames])
            self.conn.executemany("UPDATE tags SET name = ? WHERE id = ?",
                                  [(target, i) for i, target in renames])
            # The index holds tag ids, not names: nothing to re-index (db/fts.py).
            touched = self._papers_with_tags([i for i, _ in renames])
        return Changes(papers=frozenset(touched), tags=True)

    def merge_tags(self, names: Iterable[str], into: str) -> Changes:
        """Move every paper of the tags ``names`` to ``into`` (created if needed)."""
        with self.write():
            target = self._tag_ids([into])
            if not target:
                raise LibraryError("A tag needs a name.")
            sources = [self._tag(n)[0] for n in names]
            sources = [s for s in sources if s != target[0]]
            touched = self._papers_with_tags(sources)
            self._link_tags(touched, target)
            self.conn.execute(f"DELETE FROM tags WHERE id IN {IN_IDS}", (id_list(sources),))
            self.reindex(touched)
        return Changes(papers=frozenset(touched), tags=True)

    def recolour_tag(self, name: str, colour: str) -> Changes:
        """Set a tag's colour: ``#rrggbb``, or empty for none."""
        if colour and not _COLOUR.match(colour):
            raise LibraryError(f"Colour {colour!r} must look like #1f77b4.")
        with self.write():
            tag_id, _ = self._tag(name)
            self.conn.execute("UPDATE tags SET color = ? WHERE id = ?", (colour.lower(), tag_id))
        return Changes(tags=True)

    def delete_tag(self, name: str) -> Changes:
        """Delete a tag and take it off every paper; the papers stay."""
        with self.write():
            tag_id, _ = self._tag(name)
            touched = self._papers_with_tags([tag_id])
            self.conn.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
            self.reindex(touched)
        return Changes(papers=frozenset(touched), tags=True)

    def tagged(self, name: str) -> frozenset[int] | None:
        """The papers (trashed ones too) carrying exactly the tag ``name``; None if no such tag."""
        row = self.conn.execute("SELECT id FROM tags WHERE name = ?",
                                (clean_tag_name(name),)).fetchone()
        if row is None:
            return None
        return frozenset(int(r[0]) for r in self.conn.execute(
            "SELECT paper_id FROM paper_tags WHERE tag_id = ?", (row[0],)))

    def tag(self, name: str) -> Tag:
        """One tag by name (any case), with the count of papers not in the trash."""
        tag_id, stored, colour = self._tag_row(name)
        count = self.scalar(
            "SELECT count(*) FROM paper_tags pt JOIN papers p ON p.id = pt.paper_id "
            "WHERE pt.tag_id = ? AND p.deleted IS NULL", (tag_id,))
        return Tag(tag_id, stored, colour, int(str(count)))

    def tag_colour(self, name: str) -> str:
        return self._tag_row(name)[2]

    def _tag_row(self, name: str) -> tuple[int, str, str]:
        row = self.conn.execute("SELECT id, name, color FROM tags WHERE name = ?",
                                (clean_tag_name(name),)).fetchone()
        if row is None:
            raise NotFoundError(f"There is no tag named {name.strip()!r}.")
        return int(row[0]), str(row[1]), str(row[2])

    def create_tag(self, name: str, colour: str = "") -> Changes:
        """Create a tag on no paper (a tag to fill later, or one an undo brings back)."""
        if colour and not _COLOUR.match(colour):
            raise LibraryError(f"Colour {colour!r} must look like #1f77b4.")
        with self.write():
            if not self._tag_ids([name]):
                raise LibraryError("A tag needs a name.")
            self.conn.execute("UPDATE tags SET color = ? WHERE name = ?",
                              (colour.lower(), clean_tag_name(name)))
        return Changes(tags=True)

    def tags(self) -> list[Tag]:
        """Every tag by name, counting the papers (not in the trash) that carry it."""
        # One grouped pass over the (tag, paper) index: a count per tag would read the
        # links of every tag again (20× slower at 100k papers).
        counts = dict(self.conn.execute(
            "SELECT tag_id, count(*) FROM paper_tags WHERE paper_id NOT IN "
            "(SELECT id FROM papers WHERE deleted IS NOT NULL) GROUP BY tag_id"))
        return [
            Tag(int(i), str(n), str(c), int(counts.get(i, 0)))
            for i, n, c in self.conn.execute(
                "SELECT id, name, color FROM tags ORDER BY name COLLATE NOCASE")
        ]


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
