"""Papers: adding, editing, trashing, restoring and purging them, and importing many."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Literal

from db import backup
from db.citekeys import DEFAULT_PATTERN, base_key, unique_key
from db.duplicates import find_match
from db.errors import LibraryError, NotFoundError
from db.fields import PAPER_COLUMNS
from db.lists import append_to_list, ensure_list
from db.match_index import MatchIndex
from db.paper_rows import PaperRows, column_values, validate
from db.paper_rows import check_date as check_date  # moved there; still importable here
from db.paper_rows import clean_tag_name as clean_tag_name
from db.records import Author, Changes, PaperData
from db.store import IN_IDS, Store, id_list

OnDuplicate = Literal["skip", "merge", "keep"]
ON_DUPLICATE: tuple[str, ...] = ("skip", "merge", "keep")
# How often an import reports progress (and so how soon a Cancel takes effect).
PROGRESS_EVERY = 100
# Records an import looks up (one query for their possible duplicates) and writes
# (one executemany per table) at a time.
IMPORT_BATCH = 500

# The library setting holding its citation-key pattern (citekeys.DEFAULT_PATTERN if unset).
PATTERN_SETTING = "key_pattern"

# What update_paper accepts besides the plain columns.
_COMPOSITE = ("authors", "et_al", "extra")


# An import of more papers than this is backed up before (a smaller one is easy to undo by
# hand, and backing up a large library takes seconds).
BACKUP_BEFORE_IMPORT = 100


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the papers added, the duplicates met, the list it filled."""

    changes: Changes
    added: tuple[int, ...]
    duplicates: tuple[tuple[int, int], ...]  # (index in the input, id already in the library)
    merged: tuple[int, ...]
    list_id: int | None = None
    import_id: int | None = None


@dataclass(frozen=True)
class ImportRecord:
    id: int
    file: str
    format: str
    at: str
    added: int
    merged: int
    duplicates: int
    skipped: int


@dataclass(frozen=True)
class ImportSource:
    """Where an import came from, recorded with it."""

    file: str
    format: str
    skipped: int = 0
    blocks: tuple[tuple[str, str], ...] = ()


class PaperOps(Store):
    """The paper use cases of :class:`db.library.Library`."""

    # -- helpers used inside an open write ------------------------------------------

    def _key_taken(self, key: str) -> bool:
        return self.scalar("SELECT 1 FROM papers WHERE key = ?", (key,)) is not None

    def _set_authors(self, paper_id: int, authors: Sequence[Author]) -> None:
        self.conn.execute("DELETE FROM authors WHERE paper_id = ?", (paper_id,))
        self.conn.executemany(
            "INSERT INTO authors(paper_id, position, family, given, literal) "
            "VALUES (?, ?, ?, ?, ?)",
            [(paper_id, i, a.family, a.given, a.literal) for i, a in enumerate(authors)],
        )

    def _tag_ids(self, names: Iterable[str]) -> list[int]:
        """Ids of the tags named, creating those that do not exist yet."""
        ids: list[int] = []
        for raw in names:
            name = clean_tag_name(raw)
            if not name:
                continue
            row = self.conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
            if row is None:
                cursor = self.conn.execute("INSERT INTO tags(name) VALUES (?)", (name,))
                ids.append(int(cursor.lastrowid or 0))
            else:
                ids.append(int(row[0]))
        return ids

    def _link_tags(self, paper_ids: Iterable[int], tag_ids: Sequence[int]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO paper_tags(paper_id, tag_id) VALUES (?, ?)",
            [(p, t) for p in paper_ids for t in tag_ids],
        )

    def key_pattern(self) -> str:
        """The pattern that makes the keys of papers entering the library."""
        value = self.scalar("SELECT value FROM settings WHERE name = ?", (PATTERN_SETTING,))
        return DEFAULT_PATTERN if value is None else str(value)

    def _add_alias(self, paper_id: int, alias: str) -> None:
        self.conn.execute("DELETE FROM key_aliases WHERE alias = ?", (alias,))
        self.conn.execute("INSERT INTO key_aliases(alias, paper_id) VALUES (?, ?)",
                          (alias, paper_id))

    def _insert(self, data: PaperData, now: str) -> int:
        """Insert one paper; a key another paper has is refused. (Imports go through
        PaperRows, which gives a taken key a suffix instead.)"""
        validate(data)
        key = data.key
        if key and self._key_taken(key):
            raise LibraryError(f"Citation key {key!r} is already used by another paper.")
        if not key:
            key = unique_key(base_key(data, self.key_pattern()), self._key_taken)
        values = column_values(replace(data, key=key))
        values.update(added=now, modified=now)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO papers({columns}) VALUES ({marks})", tuple(values.values())
        )
        paper_id = int(cursor.lastrowid or 0)
        self._set_authors(paper_id, data.authors)
        self._link_tags([paper_id], self._tag_ids(data.tags))
        return paper_id

    def _live_ids(self, ids: Iterable[int]) -> list[int]:
        """The ids that name papers (trashed or not); raises for any that does not."""
        wanted = sorted({int(i) for i in ids})
        found = {
            int(r[0])
            for r in self.conn.execute(f"SELECT id FROM papers WHERE id IN {IN_IDS}",
                                       (id_list(wanted),))
        }
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(f"No paper with id {missing[0]} in this library.")
        return wanted

    # -- use cases ---------------------------------------------------------------------

    def add_paper(self, data: PaperData) -> Changes:
        """Add one paper; ``Changes.created_id`` is its id."""
        with self.write():
            paper_id = self._insert(data, self.now())
            self.reindex([paper_id])
        return Changes(papers=frozenset({paper_id}), added=frozenset({paper_id}),
                       tags=bool(data.tags), created_id=paper_id)

    def add_papers(self, records: Sequence[PaperData]) -> Changes:
        """Add many papers in one transaction, duplicates included."""
        return self.import_papers(records, on_duplicate="keep").changes

    def find_duplicate(self, data: PaperData) -> int | None:
        """The id of a paper in the library that is ``data`` again, or None.

        Same DOI, same arXiv id (any version), or the same (or nearly the same) title with
        the same year and the same first author's family name.
        """
        return find_match(self.conn, data)

    def duplicate_ids(self, records: Sequence[PaperData]) -> list[int | None]:
        """:meth:`find_duplicate` of each record (against the library only, not each
        other), in one query per batch: what an import asks before it starts."""
        index = MatchIndex(self.conn)
        return [index.find(q) for start in range(0, len(records), IMPORT_BATCH)
                for q in index.prepare(records[start:start + IMPORT_BATCH])]

    def import_papers(
        self,
        records: Sequence[PaperData],
        *,
        on_duplicate: OnDuplicate = "skip",
        list_name: str | None = None,
        list_description: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        source: ImportSource | None = None,
    ) -> ImportResult:
        """Add ``records`` in one transaction: all of them, or (on any error) none.

        A record that is already in the library is skipped, merged into the paper there
        (empty fields filled, tags joined; the library's own edits and notes kept), or
        added again, as ``on_duplicate`` says. With ``list_name``, the papers (added or
        found) are appended to that reading list in input order, creating it if needed.
        ``progress(done, total)`` is called as records go in; whatever it raises (a
        cancellation) rolls the whole import back. With ``source``, the import is
        recorded (file, time, counts) and its papers can be found and undone later.
        """
        if on_duplicate not in ON_DUPLICATE:
            raise LibraryError(f"on_duplicate must be one of {', '.join(ON_DUPLICATE)}.")
        if len(records) > BACKUP_BEFORE_IMPORT:
            self.safeguard(backup.BEFORE_IMPORT)
        added: list[int] = []
        merged: list[int] = []
        duplicates: list[tuple[int, int]] = []
        in_order: list[int] = []
        list_id: int | None = None
        total = len(records)
        with self.large_cache(), self.write():
            now = self.now()
            rows = PaperRows(self.conn, now, self.key_pattern(), expected=total)
            # Duplicates are looked up in memory, batch by batch, with find_match's rules;
            # papers added (or filled by a merge) join the index, so a record also
            # matches one earlier in the same file.
            index = None if on_duplicate == "keep" else MatchIndex(self.conn)
            for start in range(0, total, IMPORT_BATCH):
                batch = records[start:start + IMPORT_BATCH]
                values = [column_values(data) for data in batch]
                queries = index.prepare(batch, values) if index is not None else []
                for offset, data in enumerate(batch):
                    position = start + offset
                    if progress is not None and position % PROGRESS_EVERY == 0:
                        progress(position, total)
                    existing = index.find(queries[offset]) if index is not None else None
                    if existing is None:
                        paper_id = rows.add(data, values[offset])
                        if index is not None:
                            index.add(paper_id, queries[offset], data)
                        added.append(paper_id)
                    else:
                        duplicates.append((position, existing))
                        paper_id = existing
                        if on_duplicate == "merge":
                            rows.flush()  # the paper merged into may be one still queued
                            if self._merge_into(existing, data, now, rows.tag_ids):
                                merged.append(existing)
                                if index is not None:
                                    index.refresh(existing)
                    in_order.append(paper_id)
                rows.flush()
            # The full-text rows of the whole import in one statement, in this write.
            self.reindex(added + merged)
            if list_name is not None:
                list_id = ensure_list(self.conn, list_name, list_description, now)
                append_to_list(self.conn, list_id, in_order, now)
            import_id = None
            if source is not None:
                import_id = self._record_import(source, now, added, merged, len(duplicates))
        changes = Changes(
            papers=frozenset(added + merged), added=frozenset(added),
            tags=any(r.tags for r in records),
            lists=frozenset({list_id}) if list_id is not None else frozenset(),
        )
        return ImportResult(changes, tuple(added), tuple(duplicates), tuple(merged), list_id,
                            import_id)

    def _record_import(self, source: ImportSource, now: str, added: Sequence[int],
                       merged: Sequence[int], duplicates: int) -> int:
        cursor = self.conn.execute(
            "INSERT INTO imports(file, format, at, added, merged, duplicates, skipped, blocks) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (source.file, source.format, now, len(added), len(merged), duplicates,
             source.skipped, json.dumps([list(b) for b in source.blocks], ensure_ascii=False)))
        import_id = int(cursor.lastrowid or 0)
        self.conn.executemany(
            "INSERT OR IGNORE INTO import_items(import_id, paper_id, merged) VALUES (?, ?, ?)",
            [(import_id, p, 0) for p in added] + [(import_id, p, 1) for p in merged])
        return import_id

    def imports(self) -> list[ImportRecord]:
        """Every import, newest first."""
        return [ImportRecord(*row) for row in self.conn.execute(
            "SELECT id, file, format, at, added, merged, duplicates, skipped FROM imports "
            "ORDER BY id DESC")]

    def undo_import(self, import_id: int) -> Changes:
        """Remove the papers an import added (with anything done to them since)."""
        ids = [int(r[0]) for r in self.conn.execute(
            "SELECT paper_id FROM import_items WHERE import_id = ? AND merged = 0",
            (import_id,))]
        if self.scalar("SELECT 1 FROM imports WHERE id = ?", (import_id,)) is None:
            raise NotFoundError(f"There is no import number {import_id}.")
        with self.write():
            changes = self.purge_papers(ids) if ids else Changes()
            self.conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
        return changes

    def _merge_into(self, paper_id: int, data: PaperData, now: str,
                    tag_ids: Callable[[Iterable[str]], list[int]]) -> bool:
        """Fill the paper's empty fields from ``data`` and join its tags; True if changed."""
        columns = (*PAPER_COLUMNS, "extra")
        row = dict(zip(columns, self.conn.execute(
            f"SELECT {', '.join(columns)} FROM papers WHERE id = ?", (paper_id,)).fetchone(),
            strict=True))
        incoming = column_values(data)
        updates = {
            column: incoming[column]
            for column in PAPER_COLUMNS
            if column not in ("key", "status", "rating", "entry_type")
            and row[column] in ("", None) and incoming[column] not in ("", None)
        }
        if "date" in updates:
            updates["year"] = incoming["year"]
        if "title" in updates:
            updates["title_key"] = incoming["title_key"]
        extra = json.loads(row["extra"])
        new_extra = {k: v for k, v in data.extra.items() if k not in extra}
        if new_extra:
            updates["extra"] = json.dumps({**extra, **new_extra}, ensure_ascii=False,
                                          sort_keys=True)
        has_authors = self.scalar("SELECT 1 FROM authors WHERE paper_id = ?", (paper_id,))
        tags = tag_ids(data.tags)
        before = self.conn.total_changes
        if updates:
            self._update_columns(paper_id, updates, now)
        if data.authors and not has_authors:
            self._set_authors(paper_id, data.authors)
        self._link_tags([paper_id], tags)
        return self.conn.total_changes != before

    def _update_columns(self, paper_id: int, values: Mapping[str, object], now: str) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute(
            f"UPDATE papers SET {assignments}, modified = ? WHERE id = ?",
            (*values.values(), now, paper_id),
        )

    def update_paper(self, paper_id: int, **changes: object) -> Changes:
        """Edit a paper's fields: any of the columns of ``PaperData`` except tags.

        The citation key changes only when ``key`` is given: editing the title never
        renames a key that a manuscript may already cite.
        """
        return self.update_papers({paper_id: changes})

    def update_papers(self, changes: Mapping[int, Mapping[str, object]]) -> Changes:
        """Edit several papers in one transaction, each with its own field values."""
        allowed = set(PAPER_COLUMNS) | set(_COMPOSITE)
        for values in changes.values():
            unknown = sorted(set(values) - allowed)
            if unknown:
                raise LibraryError(f"Papers have no field {unknown[0]!r}.")
        with self.write():
            self._live_ids(changes)
            now = self.now()
            for paper_id, values in changes.items():
                self._update_one(paper_id, values, now)
            self.reindex(changes)
        return Changes(papers=frozenset(changes))

    def _update_one(self, paper_id: int, changes: Mapping[str, object], now: str) -> None:
        current = self._paper_data(paper_id)
        typed = {f.name: changes[f.name] for f in fields(PaperData) if f.name in changes}
        updated = replace(current, **typed)  # type: ignore[arg-type]
        validate(updated)
        if "key" in changes and updated.key != current.key:
            if not updated.key:
                raise LibraryError("A citation key cannot be empty.")
            if self._key_taken(updated.key) and updated.key.lower() != current.key.lower():
                raise LibraryError(
                    f"Citation key {updated.key!r} is already used by another paper."
                )
            # The old key stays findable: a manuscript may cite it.
            self._add_alias(paper_id, current.key)
            self.conn.execute("DELETE FROM key_aliases WHERE alias = ? AND paper_id = ?",
                              (updated.key, paper_id))
        values = column_values(updated)
        self._update_columns(paper_id, {c: values[c] for c in (
            *PAPER_COLUMNS, "year", "title_key", "et_al", "extra")}, now)
        if "authors" in changes:
            self._set_authors(paper_id, updated.authors)

    def _paper_data(self, paper_id: int) -> PaperData:
        row = self.conn.execute(
            f"SELECT {', '.join(PAPER_COLUMNS)}, et_al, extra FROM papers WHERE id = ?",
            (paper_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"No paper with id {paper_id} in this library.")
        values = dict(zip((*PAPER_COLUMNS, "et_al", "extra"), row, strict=True))
        authors = tuple(
            Author(family=f, given=g, literal=lit)
            for f, g, lit in self.conn.execute(
                "SELECT family, given, literal FROM authors WHERE paper_id = ? "
                "ORDER BY position", (paper_id,))
        )
        return PaperData(
            **{k: v for k, v in values.items() if k not in ("et_al", "extra")},
            authors=authors, et_al=bool(values["et_al"]),
            extra=json.loads(str(values["extra"])),
        )

    def trashed(self, ids: Iterable[int]) -> frozenset[int]:
        """Which of ``ids`` are in the trash."""
        return frozenset(int(r[0]) for r in self.conn.execute(
            f"SELECT id FROM papers WHERE deleted IS NOT NULL AND id IN {IN_IDS}",
            (id_list(ids),)))

    def delete_papers(self, ids: Iterable[int]) -> Changes:
        """Move papers to the trash; :meth:`restore_papers` brings them back."""
        with self.write():
            wanted = self._live_ids(ids)
            self.conn.execute(
                f"UPDATE papers SET deleted = ? WHERE deleted IS NULL AND id IN {IN_IDS}",
                (self.now(), id_list(wanted)),
            )
        return Changes(papers=frozenset(wanted), tags=True, lists=self._lists_of(wanted))

    def restore_papers(self, ids: Iterable[int]) -> Changes:
        with self.write():
            wanted = self._live_ids(ids)
            self.conn.execute(
                f"UPDATE papers SET deleted = NULL WHERE id IN {IN_IDS}", (id_list(wanted),)
            )
        return Changes(papers=frozenset(wanted), tags=True, lists=self._lists_of(wanted))

    def purge_papers(self, ids: Iterable[int]) -> Changes:
        """Remove papers for good, with their notes, tags links and list entries.

        Backs the library up first (unless inside a larger write, whose caller does).
        """
        return self._purge(list(ids), backup.BEFORE_PURGE)

    def _purge(self, ids: list[int], reason: str) -> Changes:
        if ids:
            self.safeguard(reason)
        with self.cascading_by_hand("papers") as children, self.write():
            wanted = self._live_ids(ids)
            lists = self._lists_of(wanted)
            wanted_json = id_list(wanted)
            for child, column in children:
                # Names from the schema, not from a caller.
                self.conn.execute(f'DELETE FROM "{child}" WHERE "{column}" IN {IN_IDS}',
                                  (wanted_json,))
            self.conn.execute(f"DELETE FROM papers_fts WHERE rowid IN {IN_IDS}",
                              (wanted_json,))
            self.conn.execute(f"DELETE FROM papers WHERE id IN {IN_IDS}", (wanted_json,))
        return Changes(removed=frozenset(wanted), tags=True, lists=lists,
                       notes=frozenset(wanted))

    def empty_trash(self) -> Changes:
        trashed = [int(r[0]) for r in
                   self.conn.execute("SELECT id FROM papers WHERE deleted IS NOT NULL")]
        if not trashed:
            return Changes()
        return self._purge(trashed, backup.BEFORE_EMPTY_TRASH)

    def _lists_of(self, ids: Sequence[int]) -> frozenset[int]:
        return frozenset(
            int(r[0]) for r in self.conn.execute(
                f"SELECT DISTINCT list_id FROM list_items WHERE paper_id IN {IN_IDS}",
                (id_list(ids),))
        )

