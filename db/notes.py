"""Notes: Markdown text attached to a paper, several per paper."""

from __future__ import annotations

from db.errors import NotFoundError
from db.records import Changes, Note
from db.store import Store


class NoteOps(Store):
    """The note use cases of :class:`db.library.Library`."""

    def add_note(self, paper_id: int, body: str) -> Changes:
        with self.write():
            if self.scalar("SELECT 1 FROM papers WHERE id = ?", (paper_id,)) is None:
                raise NotFoundError(f"No paper with id {paper_id} in this library.")
            now = self.now()
            cursor = self.conn.execute(
                "INSERT INTO notes(paper_id, body, created, modified) VALUES (?, ?, ?, ?)",
                (paper_id, body, now, now),
            )
            self.reindex([paper_id])
        return Changes(notes=frozenset({paper_id}), created_id=int(cursor.lastrowid or 0))

    def update_note(self, note_id: int, body: str) -> Changes:
        with self.write():
            paper_id = self._note_paper(note_id)
            self.conn.execute("UPDATE notes SET body = ?, modified = ? WHERE id = ?",
                              (body, self.now(), note_id))
            self.reindex([paper_id])
        return Changes(notes=frozenset({paper_id}))

    def delete_note(self, note_id: int) -> Changes:
        with self.write():
            paper_id = self._note_paper(note_id)
            self.conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            self.reindex([paper_id])
        return Changes(notes=frozenset({paper_id}))

    def notes(self, paper_id: int) -> list[Note]:
        """The paper's notes, oldest first."""
        return [
            Note(int(i), int(p), str(b), str(c), str(m))
            for i, p, b, c, m in self.conn.execute(
                "SELECT id, paper_id, body, created, modified FROM notes "
                "WHERE paper_id = ? ORDER BY created, id", (paper_id,))
        ]

    def _note_paper(self, note_id: int) -> int:
        paper_id = self.scalar("SELECT paper_id FROM notes WHERE id = ?", (note_id,))
        if paper_id is None:
            raise NotFoundError(f"There is no note with id {note_id}.")
        return int(str(paper_id))
