"""The full-text index's rows, as built from the tables: one statement for any papers.

A paper's tags are indexed by id (``t12``, see :func:`db.search.tag_token`), not by name:
renaming a tag carried by 10,000 papers then changes no row of the index, and a search
word finds tags by their names in ``db.search`` instead.
"""

from __future__ import annotations

# ``{where}`` is replaced by the caller's selection (``WHERE p.id IN …``), or '' for all.
ROWS = """
    INSERT INTO papers_fts(rowid, title, authors, abstract, venue, tags, notes)
    SELECT p.id, p.title,
        (SELECT group_concat(name, '; ') FROM (
            SELECT CASE WHEN a.literal != '' THEN a.literal
                        ELSE trim(a.given || ' ' || a.family) END AS name
            FROM authors a WHERE a.paper_id = p.id ORDER BY a.position)),
        p.abstract, p.venue,
        (SELECT group_concat('t' || pt.tag_id, ' ') FROM paper_tags pt
            WHERE pt.paper_id = p.id),
        (SELECT group_concat(n.body, ' ') FROM notes n WHERE n.paper_id = p.id)
    FROM papers p {where}
"""
