"""Recognising the same paper twice, finding such pairs, and merging them (undoably)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from db.errors import LibraryError, NotFoundError
from db.fields import PAPER_COLUMNS
from db.matching import name_key, normalize_arxiv, normalize_doi, title_key
from db.records import Changes, PaperData, year_of
from db.store import IN_IDS, Store, id_list

# Two folded titles at least this similar (rapidfuzz's ratio, 0–100), with the same year
# and first author, may be the same paper: 93 allows one or two edits in a 60-character
# title (a typo, a dropped article, a British spelling).
TITLE_SIMILARITY = 93.0
# …and every word that differs must be a near-spelling of a word on the other side
# ("difusion"/"diffusion" 94, "optimisation"/"optimization" 92, "colour"/"color" 91),
# or a short word ("a", "the"). A word that matters ("RNA" for "protein", "hypergraphs"
# for "graphs", 71) makes two papers, however alike the rest of the title is.
WORD_SIMILARITY = 80.0


def similar_titles(a: str, b: str) -> bool:
    """Whether two folded titles (``matching.title_key``) name the same paper."""
    if a == b:
        return True
    if fuzz.ratio(a, b) < TITLE_SIMILARITY:
        return False
    words_a, words_b = a.split(), b.split()
    only_a = [w for w in words_a if w not in words_b]
    only_b = [w for w in words_b if w not in words_a]
    return all(
        len(word) <= 3 or any(fuzz.ratio(word, other) >= WORD_SIMILARITY for other in others)
        for side, others in ((only_a, only_b), (only_b, only_a)) for word in side)

# rapidfuzz scores many titles against one in a single call; pairs within a point of
# TITLE_SIMILARITY (a margin for rounding) are then judged by similar_titles itself.
_NEAR = TITLE_SIMILARITY - 1.0
# Below this many titles, calling similar_titles on each is as quick.
_FEW = 5


def similar_among(title: str, others: Sequence[str]) -> list[int]:
    """The indexes, in order, of the ``others`` that ``similar_titles(title, other)``
    accepts; the same as asking each, in a fraction of the time for many."""
    if len(others) < _FEW:
        return [i for i, other in enumerate(others)
                if (title == other or fuzz.ratio(title, other, score_cutoff=_NEAR))
                and similar_titles(title, other)]
    near = process.extract(title, others, scorer=fuzz.ratio, processor=None,
                           score_cutoff=_NEAR, limit=None)
    return sorted(i for other, _, i in near if similar_titles(title, other))


HIGH = ("same DOI", "same arXiv id", "same title, year and first author")
FUZZY = "similar title, same year and first author"

# The papers columns that are words of the full-text index (with authors, tags, notes).
_INDEXED = frozenset({"title", "abstract", "venue"})
# Columns a merge may fill on the paper kept (never its key, status, rating or type).
_FILLABLE = tuple(c for c in PAPER_COLUMNS if c not in ("key", "status", "rating",
                                                        "entry_type"))


# find_match's lookups (find_duplicate asks them per record; an import follows the same
# rules in memory, db.match_index): each must use an index (a test checks), or looking
# up 10k records slows from seconds to minutes. "!= ''" lets SQLite use the partial
# indexes, which leave empty values out.
BY_DOI = "SELECT min(id) FROM papers WHERE doi = ? COLLATE NOCASE AND doi != ''"
BY_ARXIV = "SELECT min(id) FROM papers WHERE arxiv = ? AND arxiv != ''"
BY_TITLE = ("SELECT p.id, p.year, a.family, a.literal FROM papers p "
            "LEFT JOIN authors a ON a.paper_id = p.id AND a.position = 0 "
            "WHERE p.title_key = ? AND p.title_key != '' ORDER BY p.id")
BY_AUTHOR_YEAR = ("SELECT p.id, p.title_key FROM authors a JOIN papers p ON p.id = a.paper_id "
                  "WHERE a.position = 0 AND a.family = ? COLLATE NOCASE AND p.year IS ? "
                  "ORDER BY p.id")


def find_match(conn: sqlite3.Connection, data: PaperData) -> int | None:
    """The id of a paper already in the library that is ``data`` again, or None."""
    if data.doi:
        row = conn.execute(BY_DOI, (normalize_doi(data.doi),)).fetchone()
        if row[0] is not None:
            return int(row[0])
    if data.arxiv:
        row = conn.execute(BY_ARXIV, (normalize_arxiv(data.arxiv),)).fetchone()
        if row[0] is not None:
            return int(row[0])
    folded = title_key(data.title)
    if not folded:
        return None
    first = data.authors[0] if data.authors else None
    family = (first.family or first.literal) if first else ""
    wanted = name_key(family)
    year = year_of(data.date)
    for paper_id, paper_year, fam, literal in conn.execute(BY_TITLE, (folded,)):
        if paper_year == year and name_key(fam or literal or "") == wanted:
            return int(paper_id)
    if not family:
        return None
    same_author = conn.execute(BY_AUTHOR_YEAR, (family, year)).fetchall()
    similar = similar_among(folded, [str(other_title) for _, other_title in same_author])
    return int(same_author[similar[0]][0]) if similar else None


@dataclass(frozen=True)
class DuplicateGroup:
    """Papers that look like one: the reason, whether it is certain, what differs."""

    ids: tuple[int, ...]
    reason: str
    high: bool
    differing: tuple[str, ...]


@dataclass(frozen=True)
class MergeRecord:
    """Everything a merge changed, so that undoing it restores the library exactly."""

    keep: int
    others: tuple[int, ...]
    keeper_before: dict[str, object]
    keeper_authors: tuple[tuple[str, str, str], ...] | None
    tags_added: tuple[int, ...]
    notes_moved: dict[int, int] = field(default_factory=dict)
    list_items_added: tuple[int, ...] = ()
    changes: Changes = field(default_factory=Changes)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.reason: dict[int, str] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int, reason: str) -> None:
        ra, rb = self.find(a), self.find(b)
        weakest = max((self.reason.get(ra, HIGH[0]), self.reason.get(rb, HIGH[0]), reason),
                      key=_weakness)
        if ra != rb:
            self.parent[rb] = ra
        self.reason[ra] = weakest


def _weakness(reason: str) -> int:
    return HIGH.index(reason) if reason in HIGH else len(HIGH)


class DuplicateOps(Store):
    """The duplicate use cases of :class:`db.library.Library`."""

    def find_duplicates(self) -> list[DuplicateGroup]:
        """Groups of papers (outside the trash) that look like the same paper."""
        conn = self.conn
        groups = _UnionFind()
        refused = {(int(a), int(b)) for a, b in conn.execute("SELECT a, b FROM not_duplicates")}

        def link(ids: Sequence[int], reason: str) -> None:
            for a in ids:
                for b in ids:
                    if a < b and (a, b) not in refused:
                        groups.union(a, b, reason)

        for column, reason in (("doi", HIGH[0]), ("arxiv", HIGH[1])):
            for (joined,) in conn.execute(
                f"SELECT group_concat(id) FROM papers WHERE deleted IS NULL AND {column} != '' "
                f"GROUP BY {column} COLLATE NOCASE HAVING count(*) > 1"):
                link(sorted(int(i) for i in str(joined).split(",")), reason)
        blocks: dict[tuple[object, str], list[tuple[int, str]]] = defaultdict(list)
        for paper_id, year, folded, family, literal in conn.execute(
            "SELECT p.id, p.year, p.title_key, a.family, a.literal FROM papers p "
            "LEFT JOIN authors a ON a.paper_id = p.id AND a.position = 0 "
            "WHERE p.deleted IS NULL AND p.title_key != ''"):
            blocks[(year, name_key(family or literal or ""))].append((int(paper_id), folded))
        for members in blocks.values():
            if len(members) < 2:
                continue
            titles = [title for _, title in members]
            for i, (a, title_a) in enumerate(members):
                for j in similar_among(title_a, titles[i + 1:]):
                    b, title_b = members[i + 1 + j]
                    link(sorted((a, b)), HIGH[2] if title_a == title_b else FUZZY)
        members_of: dict[int, list[int]] = defaultdict(list)
        for paper_id in list(groups.parent):
            members_of[groups.find(paper_id)].append(paper_id)
        found = []
        for root, ids in members_of.items():
            reason = groups.reason.get(root, HIGH[0])
            found.append(DuplicateGroup(tuple(sorted(ids)), reason, reason in HIGH,
                                        self._differing(sorted(ids))))
        return sorted(found, key=lambda g: g.ids)

    def _differing(self, ids: Sequence[int]) -> tuple[str, ...]:
        rows = list(self.conn.execute(
            f"SELECT {', '.join(PAPER_COLUMNS)} FROM papers WHERE id IN {IN_IDS}",
            (id_list(ids),)))
        return tuple(c for i, c in enumerate(PAPER_COLUMNS) if c != "key"
                     and len({str(r[i] or "") for r in rows}) > 1)

    def mark_not_duplicates(self, ids: Iterable[int]) -> Changes:
        """Remember that these papers are different papers, whatever they look like."""
        wanted = sorted(set(ids))
        with self.write():
            self.conn.executemany(
                "INSERT OR IGNORE INTO not_duplicates(a, b) VALUES (?, ?)",
                [(a, b) for i, a in enumerate(wanted) for b in wanted[i + 1:]])
        return Changes(papers=frozenset(wanted))

    def forget_not_duplicates(self, ids: Iterable[int]) -> Changes:
        """Undo :meth:`mark_not_duplicates` for these papers."""
        wanted = sorted(set(ids))
        with self.write():
            self.conn.executemany("DELETE FROM not_duplicates WHERE a = ? AND b = ?",
                                  [(a, b) for i, a in enumerate(wanted) for b in wanted[i + 1:]])
        return Changes(papers=frozenset(wanted))

    def merge_papers(self, keep: int, others: Sequence[int]) -> MergeRecord:
        """Merge ``others`` into ``keep`` in one transaction.

        The paper kept gets the others' values for its empty fields, their tags, their
        notes and their places in reading lists; the others go to the trash. The record
        returned undoes it all (:meth:`unmerge`).
        """
        others = tuple(o for o in dict.fromkeys(others) if o != keep)
        if not others:
            raise LibraryError("A merge needs at least two papers.")
        conn = self.conn
        with self.write():
            rows = self._merge_rows((keep, *others))
            kept = rows[keep]
            fills: dict[str, object] = {}
            for other in others:
                row = rows[other]
                for column in _FILLABLE:
                    if kept[column] in ("", None) and column not in fills \
                            and row[column] not in ("", None):
                        fills[column] = row[column]
            before = {c: kept[c] for c in fills}
            if "date" in fills:
                before["year"], fills["year"] = kept["year"], year_of(str(fills["date"]))
            if "title" in fills:
                before["title_key"], fills["title_key"] = kept["title_key"], title_key(
                    str(fills["title"]))
            extra = json.loads(str(kept["extra"]))
            for other in others:
                for name, value in json.loads(str(rows[other]["extra"])).items():
                    extra.setdefault(name, value)
            new_extra = json.dumps(extra, ensure_ascii=False, sort_keys=True)
            if new_extra != kept["extra"]:
                before["extra"], fills["extra"] = kept["extra"], new_extra
            if fills:
                assignments = ", ".join(f"{c} = ?" for c in fills)
                conn.execute(f"UPDATE papers SET {assignments}, modified = ? WHERE id = ?",
                             (*fills.values(), self.now(), keep))
            authors = None
            if conn.execute("SELECT 1 FROM authors WHERE paper_id = ?", (keep,)).fetchone() \
                    is None:
                donor = next((o for o in others if conn.execute(
                    "SELECT 1 FROM authors WHERE paper_id = ?", (o,)).fetchone()), None)
                if donor is not None:
                    authors = ()
                    conn.execute(
                        "INSERT INTO authors(paper_id, position, family, given, literal) "
                        "SELECT ?, position, family, given, literal FROM authors "
                        "WHERE paper_id = ?", (keep, donor))
            others_json = id_list(others)
            tags_added = tuple(int(r[0]) for r in conn.execute(
                f"SELECT DISTINCT tag_id FROM paper_tags WHERE paper_id IN {IN_IDS} AND "
                "tag_id NOT IN (SELECT tag_id FROM paper_tags WHERE paper_id = ?)",
                (others_json, keep)))
            conn.executemany("INSERT INTO paper_tags(paper_id, tag_id) VALUES (?, ?)",
                             [(keep, t) for t in tags_added])
            notes = {int(n): int(p) for n, p in conn.execute(
                f"SELECT id, paper_id FROM notes WHERE paper_id IN {IN_IDS}", (others_json,))}
            conn.execute(f"UPDATE notes SET paper_id = ? WHERE paper_id IN {IN_IDS}",
                         (keep, others_json))
            lists_added: list[int] = []
            for list_id, position, added in conn.execute(
                f"SELECT list_id, min(position), min(added) FROM list_items WHERE paper_id IN "
                f"{IN_IDS} AND list_id NOT IN (SELECT list_id FROM list_items WHERE "
                "paper_id = ?) GROUP BY list_id", (others_json, keep)).fetchall():
                # The paper kept takes the place the other one had in the list.
                conn.execute("INSERT INTO list_items(list_id, paper_id, position, added) "
                             "VALUES (?, ?, ?, ?)", (list_id, keep, position, added))
                lists_added.append(int(list_id))
            # From the rows read above: asked of the table, "deleted IS NULL AND id IN …"
            # is planned as a walk over every paper outside the trash.
            trashed = tuple(sorted(o for o in set(others) if rows[o]["deleted"] is None))
            conn.execute(f"UPDATE papers SET deleted = ? WHERE id IN {IN_IDS}",
                         (self.now(), id_list(trashed)))
            # Only what changed is indexed again: the kept paper when its words did, and
            # the others whose notes left them (being trashed is not in the index).
            keep_changed = bool(_INDEXED & fills.keys()) or authors is not None \
                or bool(tags_added) or bool(notes)
            self.reindex(([keep] if keep_changed else []) + list(set(notes.values())))
        changes = Changes(papers=frozenset((keep, *others)), tags=bool(tags_added),
                          lists=frozenset(lists_added), notes=frozenset((keep, *others)))
        return MergeRecord(keep, trashed, before, authors, tags_added, notes,
                           tuple(lists_added), changes)

    def unmerge(self, record: MergeRecord) -> Changes:
        """Undo :meth:`merge_papers` exactly."""
        conn = self.conn
        with self.write():
            if record.keeper_before:
                assignments = ", ".join(f"{c} = ?" for c in record.keeper_before)
                conn.execute(f"UPDATE papers SET {assignments} WHERE id = ?",
                             (*record.keeper_before.values(), record.keep))
            if record.keeper_authors is not None:
                conn.execute("DELETE FROM authors WHERE paper_id = ?", (record.keep,))
            conn.execute(f"DELETE FROM paper_tags WHERE paper_id = ? AND tag_id IN {IN_IDS}",
                         (record.keep, id_list(record.tags_added)))
            conn.executemany("UPDATE notes SET paper_id = ? WHERE id = ?",
                             [(paper, note) for note, paper in record.notes_moved.items()])
            conn.execute(f"DELETE FROM list_items WHERE paper_id = ? AND list_id IN {IN_IDS}",
                         (record.keep, id_list(record.list_items_added)))
            conn.execute(f"UPDATE papers SET deleted = NULL WHERE id IN {IN_IDS}",
                         (id_list(record.others),))
            keep_changed = bool(_INDEXED & record.keeper_before.keys()) \
                or record.keeper_authors is not None or bool(record.tags_added) \
                or bool(record.notes_moved)
            self.reindex(([record.keep] if keep_changed else [])
                         + list(record.notes_moved.values()))
        return record.changes

    def _merge_rows(self, ids: Sequence[int]) -> dict[int, dict[str, object]]:
        """The papers columns (and extra, deleted) of ``ids``; raises for a missing one."""
        columns = (*PAPER_COLUMNS, "year", "title_key", "extra", "deleted")
        rows = {int(row[0]): dict(zip(columns, row[1:], strict=True))
                for row in self.conn.execute(
                    f"SELECT id, {', '.join(columns)} FROM papers WHERE id IN {IN_IDS}",
                    (id_list(ids),))}
        missing = [i for i in ids if i not in rows]
        if missing:
            raise NotFoundError(f"No paper with id {missing[0]} in this library.")
        return rows
