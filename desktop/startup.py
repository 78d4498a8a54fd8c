"""Opening the library a user asked for, and seeding a brand-new default library."""

from __future__ import annotations

from pathlib import Path

from db.library import Library
from desktop.paths import chosen_library_path, sample_listing


def open_library(argument: str | None, *, read_only: bool = False) -> Library:
    """Open the library named by ``--library``, the environment, or the default.

    The very first time the default library is created, the bundled sample listing is
    imported into it, so that a new user sees real papers instead of an empty table.
    """
    path, is_default = chosen_library_path(argument)
    first_run = is_default and not path.exists()
    library = Library.open(path, read_only=read_only)
    if first_run and not read_only:
        try:
            seed_sample(library)
        except BaseException:
            library.close()
            raise
    return library


def seed_sample(library: Library) -> None:
    # The readers are imported only here: a first run is the only one that needs them.
    from db.importing import import_file

    sample: Path = sample_listing()
    if sample.exists():
        import_file(library, sample, format="profile")
