"""Reading lists (ordered, hand-made) and smart lists (a name for a saved query)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from db.errors import LibraryError, NotFoundError
from db.records import Changes, ListItem, ReadingList, SmartList
from db.store import IN_IDS, Store, id_list


def clean_list_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise LibraryError("A list needs a name.")
    return cleaned


def find_list(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute("SELECT id FROM lists WHERE name = ?", (name.strip(),)).fetchone()
    return None if row is None else int(row[0])


def ensure_list(
    conn: sqlite3.Connection, name: str, description: str | None, now: str
) -> int:
    """The id of the list named ``name``, created (last in the user's order) if needed."""
    name = clean_list_name(name)
    list_id = find_list(conn, name)
    if list_id is None:
        position = conn.execute("SELECT coalesce(max(position) + 1, 0) FROM lists").fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO lists(name, description, position, created) VALUES (?, ?, ?, ?)",
            (name, description or "", position, now),
        )
        return int(cursor.lastrowid or 0)
    if description is not None:
        conn.execute("UPDATE lists SET description = ? WHERE id = ?", (description, list_id))
    return list_id


def append_to_list(
    conn: sqlite3.Connection, list_id: int, paper_ids: Sequence[int], now: str
) -> list[int]:
    """Append the papers not yet in the list, in the order given; return those added."""
    present = {
        int(r[0]) for r in conn.execute(
            "SELECT paper_id FROM list_items WHERE list_id = ?", (list_id,))
    }
    start = conn.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM list_items WHERE list_id = ?", (list_id,)
    ).fetchone()[0]
    new: list[int] = []
    for paper_id in paper_ids:
        if paper_id not in present:
            present.add(paper_id)
            new.append(paper_id)
    conn.executemany(
        "INSERT INTO list_items(list_id, paper_id, position, added) VALUES (?, ?, ?, ?)",
        [(list_id, paper_id, start + i, now) for i, paper_id in enumerate(new)],
    )
    return new


class ListOps(Store):
    """The reading-list and smart-list use cases of :class:`db.library.Library`."""

    def _list_id(self, name: str) -> int:
        list_id = find_list(self.conn, name)
        if list_id is None:
            raise NotFoundError(f"There is no reading list named {name.strip()!r}.")
        return list_id

    def create_list(self, name: str, description: str = "") -> Changes:
        with self.write():
            if find_list(self.conn, name) is not None:
                raise LibraryError(f"A reading list named {name.strip()!r} already exists.")
            list_id = ensure_list(self.conn, name, description, self.now())
        return Changes(lists=frozenset({list_id}), created_id=list_id)

    def rename_list(self, name: str, new_name: str) -> Changes:
        new_name = clean_list_name(new_name)
        with self.write():
            list_id = self._list_id(name)
            other = find_list(self.conn, new_name)
            if other is not None and other != list_id:
                raise LibraryError(f"A reading list named {new_name!r} already exists.")
            self.conn.execute("UPDATE lists SET name = ? WHERE id = ?", (new_name, list_id))
        return Changes(lists=frozenset({list_id}))

    def describe_list(self, name: str, description: str) -> Changes:
        with self.write():
            list_id = self._list_id(name)
            self.conn.execute(
                "UPDATE lists SET description = ? WHERE id = ?", (description, list_id)
            )
        return Changes(lists=frozenset({list_id}))

    def delete_list(self, name: str) -> Changes:
        """Delete the list; its papers stay in the library."""
        with self.write():
            list_id = self._list_id(name)
            self.conn.execute("DELETE FROM lists WHERE id = ?", (list_id,))
        return Changes(lists=frozenset({list_id}))

    def move_list(self, name: str, position: int) -> Changes:
        """Put the list at ``position`` (0 = first) in the user's order of lists."""
        with self.write():
            list_id = self._list_id(name)
            order = [int(r[0]) for r in
                     self.conn.execute("SELECT id FROM lists ORDER BY position, id")]
            order.remove(list_id)
            order.insert(max(0, min(position, len(order))), list_id)
            self.conn.executemany("UPDATE lists SET position = ? WHERE id = ?",
                                  [(i, lid) for i, lid in enumerate(order)])
        return Changes(lists=frozenset(order))

    def add_to_list(self, name: str, paper_ids: Sequence[int]) -> Changes:
        """Append papers to the list in the order given; those already in it stay put."""
        with self.write():
            list_id = self._list_id(name)
            self._check_papers(paper_ids)
            append_to_list(self.conn, list_id, paper_ids, self.now())
        return Changes(lists=frozenset({list_id}))

    def remove_from_list(self, name: str, paper_ids: Iterable[int]) -> Changes:
        with self.write():
            list_id = self._list_id(name)
            self.conn.execute(
                f"DELETE FROM list_items WHERE list_id = ? AND paper_id IN {IN_IDS}",
                (list_id, id_list(paper_ids)),
            )
            self._renumber(list_id, self._item_ids(list_id))
        return Changes(lists=frozenset({list_id}))

    def reorder_list(self, name: str, paper_ids: Sequence[int]) -> Changes:
        """Set the list's order: ``paper_ids`` must be exactly the papers in it."""
        with self.write():
            list_id = self._list_id(name)
            current = self._item_ids(list_id)
            if sorted(current) != sorted(paper_ids) or len(set(paper_ids)) != len(paper_ids):
                raise LibraryError("A new order must name every paper of the list once.")
            self._renumber(list_id, paper_ids)
        return Changes(lists=frozenset({list_id}))

    def move_in_list(self, name: str, paper_ids: Sequence[int], position: int) -> Changes:
        """Move papers (keeping their relative order) to ``position`` in the list."""
        with self.write():
            list_id = self._list_id(name)
            moving = [i for i in self._item_ids(list_id) if i in set(paper_ids)]
            rest = [i for i in self._item_ids(list_id) if i not in set(paper_ids)]
            position = max(0, min(position, len(rest)))
            self._renumber(list_id, rest[:position] + moving + rest[position:])
        return Changes(lists=frozenset({list_id}))

    def _item_ids(self, list_id: int) -> list[int]:
        return [int(r[0]) for r in self.conn.execute(
            "SELECT paper_id FROM list_items WHERE list_id = ? ORDER BY position", (list_id,))]

    def _renumber(self, list_id: int, ordered: Sequence[int]) -> None:
        # Two passes: positions are not unique-constrained, but a clean 0..n-1 keeps
        # appends and moves simple.
        self.conn.executemany(
            "UPDATE list_items SET position = ? WHERE list_id = ? AND paper_id = ?",
            [(i, list_id, paper_id) for i, paper_id in enumerate(ordered)],
        )

    def _check_papers(self, paper_ids: Iterable[int]) -> None:
        wanted = {int(i) for i in paper_ids}
        found = self.scalar(
            f"SELECT count(*) FROM papers WHERE id IN {IN_IDS}", (id_list(wanted),)
        )
        if found != len(wanted):
            raise NotFoundError("Some of those papers are not in this library.")

    def lists(self) -> list[ReadingList]:
        """Every reading list in the user's order, counting papers not in the trash."""
        return [
            ReadingList(int(i), str(n), str(d), int(c), int(pos))
            for i, n, d, pos, c in self.conn.execute(
                "SELECT l.id, l.name, l.description, l.position, "
                "(SELECT count(*) FROM list_items li JOIN papers p ON p.id = li.paper_id "
                " WHERE li.list_id = l.id AND p.deleted IS NULL) "
                "FROM lists l ORDER BY l.position, l.id")
        ]

    def list_order(self, name: str) -> list[int]:
        """Every paper of the list in order, trashed ones included (for exact undo)."""
        return self._item_ids(self._list_id(name))

    def reading_list(self, name: str) -> ReadingList:
        list_id = self._list_id(name)
        return next(rl for rl in self.lists() if rl.id == list_id)

    def list_items(self, name: str) -> list[ListItem]:
        """The list's papers in order (trashed ones left out), with when each was added."""
        list_id = self._list_id(name)
        return [
            ListItem(int(pid), int(pos), str(added))
            for pid, pos, added in self.conn.execute(
                "SELECT li.paper_id, li.position, li.added FROM list_items li "
                "JOIN papers p ON p.id = li.paper_id "
                "WHERE li.list_id = ? AND p.deleted IS NULL ORDER BY li.position", (list_id,))
        ]

    # -- smart lists ---------------------------------------------------------------------

    def save_smart_list(self, name: str, query: str) -> Changes:
        """Create or replace the smart list ``name``; the query must parse."""
        from db.search import compile_query

        name = clean_list_name(name)
        compile_query(query)
        with self.write():
            cursor = self.conn.execute(
                "INSERT INTO smart_lists(name, query) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query RETURNING id",
                (name, query),
            )
            smart_id = int(cursor.fetchone()[0])
        return Changes(smart_lists=True, created_id=smart_id)

    def rename_smart_list(self, name: str, new_name: str) -> Changes:
        new_name = clean_list_name(new_name)
        with self.write():
            smart = self._smart_list(name)
            clash = self.scalar("SELECT id FROM smart_lists WHERE name = ?", (new_name,))
            if clash is not None and clash != smart.id:
                raise LibraryError(f"A smart list named {new_name!r} already exists.")
            self.conn.execute("UPDATE smart_lists SET name = ? WHERE id = ?",
                              (new_name, smart.id))
        return Changes(smart_lists=True)

    def delete_smart_list(self, name: str) -> Changes:
        with self.write():
            smart = self._smart_list(name)
            self.conn.execute("DELETE FROM smart_lists WHERE id = ?", (smart.id,))
        return Changes(smart_lists=True)

    def _smart_list(self, name: str) -> SmartList:
        row = self.conn.execute(
            "SELECT id, name, query FROM smart_lists WHERE name = ?", (name.strip(),)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"There is no smart list named {name.strip()!r}.")
        return SmartList(int(row[0]), str(row[1]), str(row[2]))

    def smart_lists(self) -> list[SmartList]:
        return [SmartList(int(i), str(n), str(q)) for i, n, q in self.conn.execute(
            "SELECT id, name, query FROM smart_lists ORDER BY name COLLATE NOCASE")]
