"""Synthetic libraries and files for the benchmarks, built once and cached.

    python benchmarks/datasets.py [--sizes 1000 10000 100000 1000000]

A library of N papers is the first N papers of :mod:`benchmarks.synthetic` (near-duplicates
kept as the separate papers they are), with notes on about one in twenty and three
reading lists. Beside each library lie the same papers as BibTeX (written the way other
reference managers write it), RIS and CSL-JSON (written by Papershelf), for the import
figures. Everything lives in ``benchmarks/.cache/`` (git-ignored), named for the
generator's version, so a changed generator rebuilds and an unchanged one is reused: a
1M-paper library takes minutes to build.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import synthetic
from db import migrations
from db.exporting import export, write_atomic
from db.library import Library

CACHE = Path(__file__).resolve().parent / ".cache"
BATCH = 20_000
FILE_FORMATS = {"bib": None, "ris": "ris", "json": "csljson"}


def label(count: int) -> str:
    """1000 → "1k", 1000000 → "1M"."""
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 1000 and count % 1000 == 0:
        return f"{count // 1000}k"
    return str(count)


def _stem(count: int) -> Path:
    return CACHE / f"synthetic-v{synthetic.VERSION}-{label(count)}"


def library(count: int) -> Path:
    """The cached library of ``count`` papers, built if missing. Open it read-only, or
    work on a :func:`copy` of it."""
    path = _stem(count).with_suffix(".sqlite")
    if not path.exists():
        _build(path, count)
    else:
        _upgrade(path)
    return path


def _upgrade(path: Path) -> None:
    """A library cached under an older schema, brought up to this one in place: the same
    papers, so no rebuild (minutes for 1M), and no backup (the cache can be rebuilt)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        applied = migrations.migrate(conn, None)
    finally:
        conn.close()
    if applied:
        print(f"upgraded {path.name} to schema {applied[-1]}", flush=True)


def copy(count: int, folder: Path) -> Path:
    """A private copy of the cached library, for figures that change it."""
    target = folder / f"{label(count)}.sqlite"
    shutil.copyfile(library(count), target)
    return target


def file(count: int, extension: str) -> Path:
    """The ``count`` papers as a ``.bib``, ``.ris`` or ``.json`` file."""
    path = _stem(count).with_suffix(f".{extension}")
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        fmt = FILE_FORMATS[extension]
        if fmt is None:
            text = synthetic.to_bibtex(list(synthetic.papers(count)))
        else:
            with Library.open(library(count), read_only=True) as source:
                text = export(source, source.search("", sort="added"), fmt)
        write_atomic(path, text)
    return path


def _build(path: Path, count: int) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    start = time.perf_counter()
    ids: list[int] = []
    with Library.open(partial, backups=False) as built:
        batch = []
        for record in synthetic.papers(count):
            batch.append(record)
            if len(batch) == BATCH:
                ids += built.import_papers(batch, on_duplicate="keep").added
                batch.clear()
                print(f"  {label(count)}: {len(ids):,} papers", end="\r", flush=True)
        if batch:
            ids += built.import_papers(batch, on_duplicate="keep").added
        synthetic.furnish(built, ids)
    for leftover in (partial.with_name(partial.name + suffix) for suffix in ("-wal", "-shm",
                                                                             ".lock")):
        leftover.unlink(missing_ok=True)
    partial.rename(path)
    print(f"built the {label(count)} library in {time.perf_counter() - start:.1f} s "
          f"({path.stat().st_size / 1e6:,.0f} MB)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*",
                        default=[1000, 10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    for count in args.sizes:
        library(count)
        if count <= 100_000:
            for extension in FILE_FORMATS:
                file(count, extension)
    for path in sorted(CACHE.glob(f"synthetic-v{synthetic.VERSION}-*[!lm]")):
        print(f"{path.name:<36} {path.stat().st_size / 1e6:>10,.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
