"""Writing a reading list as one self-contained HTML page, with a filter box.

Decisions:

* Every piece of text from a paper or a note goes through :func:`html.escape` (quotes
  too), whether it lands in an element or an attribute: titles and abstracts are other
  people's text, and the page may be shared. Notes are shown as escaped text that keeps its
  line breaks, not rendered Markdown, so nothing in a note can become markup.
* Links are only ``http``/``https``: DOIs and arXiv ids become doi.org and arxiv.org
  addresses, and a paper's own URL is used only when it is an http(s) address with a host.
  Addresses are percent-encoded, so no quote, angle bracket or space reaches the page.
* Nothing is loaded from anywhere: the style and the filter script are inline, and a
  Content-Security-Policy forbids every other load. The script is allowed by its SHA-256
  hash as well as by ``'unsafe-inline'``: browsers that know hashes then ignore
  ``'unsafe-inline'``, so even markup that escaped escaping could run no script or event
  handler; older ones fall back to ``'unsafe-inline'``.
* :func:`paper_links` is also what the Markdown writer links to, so both follow one rule
  (``desktop.links`` holds the same rule for the window; ``db`` must not import it).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence

from db.formats import ExportItem, ExportOptions
from db.latex import readable
from db.links import arxiv_url, doi_url, paper_links, safe_url

__all__ = ["CSP", "SCRIPT", "arxiv_url", "doi_url", "paper_links", "safe_url", "write"]

_BREAKS = re.compile(r"\r\n?")

SCRIPT = """
(function () {
  "use strict";
  var box = document.getElementById("filter");
  var count = document.getElementById("count");
  var items = Array.prototype.slice.call(document.querySelectorAll("#papers > li"));
  var texts = items.map(function (li) { return li.textContent.toLowerCase(); });
  function update() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li, i) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      li.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = shown === items.length ? items.length + " papers"
      : shown + " of " + items.length + " papers";
  }
  box.hidden = false;
  box.addEventListener("input", update);
})();
"""
_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
CSP = ("default-src 'none'; style-src 'unsafe-inline'; "
       f"script-src 'unsafe-inline' 'sha256-{_HASH}'; base-uri 'none'; form-action 'none'")

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; background: #fff; }
@media (prefers-color-scheme: dark) { body { color: #ddd; background: #1b1b1b; }
  a { color: #8ab4f8; } }
#filter { width: 100%; font: inherit; padding: .4rem; box-sizing: border-box; }
#papers > li { margin: 1.2rem 0; }
h2 { font-size: 1.1rem; margin: 0; }
p { margin: .2rem 0; }
.links a { margin-right: .8rem; }
.tag { display: inline-block; font-size: .85rem; padding: 0 .4rem; margin-right: .3rem;
       border: 1px solid #888; border-radius: .6rem; }
.note { white-space: pre-wrap; overflow-wrap: anywhere; font-family: ui-monospace,
        monospace; font-size: .9rem; padding: .4rem; border-left: 3px solid #888; }
"""


def write(items: Sequence[ExportItem], options: ExportOptions = ExportOptions()) -> str:
    title = options.title or "Papers"
    parts = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',  # ours: no quote
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
    ]
    if options.description:
        parts.append(f'<p class="description">{_e(options.description)}</p>')
    # Hidden until the script runs: without it the box would do nothing.
    parts.append('<input type="search" id="filter" placeholder="Filter" '
                 'aria-label="Filter the papers" autocomplete="off" hidden>')
    parts.append(f'<p id="count">{len(items)} papers</p>')
    parts.append('<ol id="papers">')
    parts.extend(_item(item, options) for item in items)
    parts.extend(["</ol>", f"<script>{SCRIPT}</script>", "</body>", "</html>", ""])
    return "\n".join(parts)


def _e(text: str) -> str:
    # Line breaks as "\n" whatever the text held, so the page has one kind of line end.
    return html.escape(_BREAKS.sub("\n", text) if "\r" in text else text, quote=True)


def _item(item: ExportItem, options: ExportOptions) -> str:
    paper = item.paper
    lines = ["<li>", f"<h2>{_e(readable(paper.title).strip() or 'Untitled')}</h2>"]
    authors = ", ".join(author.display for author in paper.authors)
    if paper.et_al:
        authors = f"{authors} et al." if authors else "et al."
    if authors:
        lines.append(f'<p class="authors">{_e(authors)}</p>')
    source = [f"<i>{_e(paper.venue.strip())}</i>" if paper.venue.strip() else "",
              str(paper.year) if paper.year is not None else ""]
    if any(source):
        lines.append(f'<p class="source">{", ".join(filter(None, source))}</p>')
    links = [f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(label)}</a>'
             for label, url in paper_links(paper)]
    if paper.key:
        links.append(f"<code>{_e(paper.key)}</code>")
    if links:
        lines.append(f'<p class="links">{" ".join(links)}</p>')
    if paper.tags:
        tags = "".join(f'<span class="tag">{_e(tag)}</span>' for tag in paper.tags)
        lines.append(f'<p class="tags">{tags}</p>')
    if options.abstracts and paper.abstract.strip():
        abstract = readable(paper.abstract)
        if "\r" in abstract:
            abstract = _BREAKS.sub("\n", abstract)
        paragraphs = [p for p in (re.split(r"\n\s*\n", abstract) if "\n" in abstract
                                  else [abstract]) if p.strip()]
        body = "".join(f"<p>{_e(p.strip())}</p>" for p in paragraphs)
        lines.append(f"<details><summary>Abstract</summary>{body}</details>")
    notes = [note for note in item.notes if note.strip()] if options.notes else []
    if notes:
        body = "".join(f'<div class="note">{_e(note.strip())}</div>' for note in notes)
        label = "Note" if len(notes) == 1 else f"Notes ({len(notes)})"
        lines.append(f"<details><summary>{label}</summary>{body}</details>")
    lines.append("</li>")
    return "\n".join(lines)
