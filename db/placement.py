"""Where a library lies: inside a folder a sync program copies, which SQLite cannot share.

A library runs in WAL mode: a change lives for a while in ``<name>-wal`` beside the file,
and the two only make a library together. Dropbox, OneDrive, Google Drive, iCloud,
Nextcloud, Syncthing and their kin sync each file on its own, whenever they like, and
may replace one under a running program, so a library open in a synced folder can come
back from another machine torn in two.
Papershelf warns instead of refusing: a user who only opens it on one machine, with the
sync paused, loses nothing.
"""

from __future__ import annotations

from pathlib import Path, PurePath

# A folder whose name (compared case-insensitively) is exactly one of these, or starts
# with one of the prefixes, belongs to the service: "Dropbox (Acme)" and
# "OneDrive - Acme" are business accounts; "GoogleDrive-me@example.org" and
# "OneDrive-Personal" are how macOS's File Provider names them under CloudStorage.
_NAMES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Dropbox", ("dropbox",), ("dropbox (", "dropbox-")),
    ("OneDrive", ("onedrive",), ("onedrive - ", "onedrive-")),
    ("Google Drive", ("google drive", "googledrive", "my drive"), ("googledrive-",)),
    ("iCloud Drive", ("icloud drive", "iclouddrive"), ()),
    ("Nextcloud", ("nextcloud",), ("nextcloud-", "nextcloud (")),
    ("ownCloud", ("owncloud",), ("owncloud-", "owncloud (")),
    ("Box", ("box", "box sync"), ("box-",)),
    ("pCloud", ("pclouddrive", "pcloud drive"), ()),
    ("MEGA", ("mega", "megasync"), ()),
    ("Seafile", ("seafile",), ()),
)
# Folders a sync program marks, whatever their name: Syncthing's folder marker,
# Nextcloud's and ownCloud's journal of the folder's state, Dropbox's own marker.
_MARKERS: tuple[tuple[str, str], ...] = (
    ("Syncthing", ".stfolder"),
    ("Nextcloud or ownCloud", ".sync_*.db"),
    ("Nextcloud or ownCloud", "._sync_*.db"),
    ("Dropbox", ".dropbox"),
)
# iCloud's folder on macOS is not named after it.
_ICLOUD_PATH = ("library", "mobile documents", "com~apple~clouddocs")


def synced_by(path: PurePath) -> tuple[str, PurePath] | None:
    """The sync service whose folder holds ``path``, and that folder; None when none does.

    Reads the path's components only: the caller resolves symbolic links if it wants
    them followed (see :func:`warning`).
    """
    parts = path.parts
    folded = [part.casefold() for part in parts]
    for index, name in enumerate(folded[:-1]):  # the last part is the library itself
        for service, exact, prefixes in _NAMES:
            if name in exact or name.startswith(prefixes):
                return service, type(path)(*parts[: index + 1])
        if tuple(folded[index: index + len(_ICLOUD_PATH)]) == _ICLOUD_PATH \
                and index + len(_ICLOUD_PATH) < len(parts):
            return "iCloud Drive", type(path)(*parts[: index + len(_ICLOUD_PATH)])
    return None


def marked_by(path: Path) -> tuple[str, Path] | None:
    """The sync program that marks a folder holding ``path`` (see ``_MARKERS``), and that
    folder; None when none does. Reads the folders; one that cannot be read is passed."""
    for folder in path.parents:
        for service, pattern in _MARKERS:
            try:
                if any(True for _ in folder.glob(pattern)):
                    return service, folder
            except OSError:
                continue
    return None


def warning(path: Path) -> str:
    """What to tell a user whose library lies in a synced folder, in plain words; "" when
    it does not. The path is checked as given and with its links resolved: a Documents
    folder may be a link into Dropbox."""
    resolved = path.expanduser().resolve()
    found = synced_by(path) or synced_by(resolved) or marked_by(resolved)
    if found is None:
        return ""
    service, folder = found
    return (f"This library is in a folder that {service} syncs ({folder}). Syncing can "
            "damage a library while it is open, because SQLite keeps recent changes in a "
            "journal file beside it that is synced separately: move the library to a "
            "folder that is not synced.")
