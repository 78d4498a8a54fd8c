"""pandoc reads our BibTeX and BibLaTeX exports as a bibliography, with no warning."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from db.exporting import export
from db.importing import ReadOptions, import_file
from db.latex import readable
from db.library import Library
from desktop.paths import sample_listing


@pytest.mark.parametrize(("fmt", "suffix"), [("bibtex", ".bib"), ("biblatex", ".bib")])
def test_pandoc_citeproc_renders_every_entry_of_the_bib(tmp_path: Path, fmt: str,
                                                        suffix: str) -> None:
    if shutil.which("pandoc") is None:
        pytest.skip("pandoc not installed: apt-get install pandoc")
    with Library.memory() as library:
        import_file(library, sample_listing(), options=ReadOptions(capture_year=2025))
        ids = library.search("")
        titles = [readable(library.paper(i).title) for i in ids]
        (tmp_path / f"refs{suffix}").write_text(export(library, ids, fmt), encoding="utf-8")
    (tmp_path / "doc.md").write_text('---\nnocite: "@*"\n---\n\n# References\n',
                                     encoding="utf-8")
    done = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", f"refs{suffix}", "-t", "plain",
         "--columns", "10000", "doc.md"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr.upper(), done.stderr
    # pandoc's default style (Chicago) title-cases titles: compare without case.
    flat = re.sub(r"\s+", " ", done.stdout).casefold()
    missing = [t for t in titles if re.sub(r"\s+", " ", t)[:40].casefold() not in flat]
    assert missing == []
