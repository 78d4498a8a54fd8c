"""The process the kill harness kills: one library operation, run as a user would run it.

``python -m tests.reliability.kill_child OPERATION LIBRARY [FILE]`` opens the library,
does what the operation needs before it writes (reading the file, finding duplicates),
prints ``READY``, runs the operation's writes and closes the library, then prints
``DONE <seconds>``. The parent kills it with SIGKILL somewhere after ``READY``.

The same operations run in the parent, unkilled, to compute the states a killed run may
leave: each write of an operation is one transaction, so the library must be found as it
was before one of them or after it, never in between.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from db.library import Library

Step = Callable[[Library], object]
Prepare = Callable[[Library, Path | None], list[Step]]

# Every write in the kill harness happens at this moment, in the child and in the
# reference run alike: with no clock in the data, two libraries that went through the
# same operations are equal row for row, so "the state before or the state after" is
# checked on every column of every table. (Imports stay few here: the child starts fast.)
FIXED_MOMENT = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_MOMENT


# The tags the bulk edit adds and renames: "ml" has children in the synthetic library
# (ml/federated, ml/graphs, ml/optimisation), so the rename moves a whole family.
ADDED_TAGS = ("reliability/checked", "reliability/kill")
RENAMED = ("ml", "machine-learning")
REMOVED = "to-read"


def prepare_import(library: Library, file: Path | None) -> list[Step]:
    """Read the file (no write yet); then import it as the CLI does: one transaction."""
    from db.importing import import_read, read_file

    assert file is not None, "the import operation needs a file"
    read = read_file(file)

    def run(lib: Library) -> object:
        return import_read(lib, read, str(file), on_duplicate="keep")

    return [run]


def prepare_merge(library: Library, file: Path | None) -> list[Step]:
    """Merge every certain duplicate group, all of them in one transaction."""
    groups = [g for g in library.find_duplicates() if g.high]

    def run(lib: Library) -> object:
        with lib.batch():
            for group in groups:
                lib.merge_papers(group.ids[0], group.ids[1:])
        return len(groups)

    return [run]


def prepare_tags(library: Library, file: Path | None) -> list[Step]:
    """Three bulk tag edits over every paper, each its own transaction (its own undo step
    in the window): tag all, rename a tag family, untag all."""
    ids = library.search("")
    return [
        lambda lib: lib.add_tags(ids, ADDED_TAGS),
        lambda lib: lib.rename_tag(*RENAMED),
        lambda lib: lib.remove_tags(ids, [REMOVED]),
    ]


OPERATIONS: dict[str, Prepare] = {
    "import": prepare_import,
    "merge": prepare_merge,
    "tags": prepare_tags,
}


def main(argv: list[str]) -> int:
    operation, library_path = argv[0], Path(argv[1])
    file = Path(argv[2]) if len(argv) > 2 else None
    library = Library.open(library_path, clock=fixed_clock)
    steps = OPERATIONS[operation](library, file)
    print("READY", flush=True)
    start = time.perf_counter()
    for step in steps:
        step(library)
    # Closing checkpoints the WAL into the library file: a kill there must be safe too.
    library.close()
    print(f"DONE {time.perf_counter() - start:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
