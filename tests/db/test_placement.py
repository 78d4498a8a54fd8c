"""Synced folders: a library inside Dropbox, OneDrive, Google Drive, iCloud, Nextcloud,
Syncthing and their kin is warned of."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from db.placement import marked_by, synced_by, warning


@pytest.mark.parametrize(
    ("path", "service", "folder"),
    [
        (PurePosixPath("/home/ana/Dropbox/papers/library.sqlite"), "Dropbox",
         "/home/ana/Dropbox"),
        (PurePosixPath("/home/ana/Dropbox (Acme)/library.sqlite"), "Dropbox",
         "/home/ana/Dropbox (Acme)"),
        (PureWindowsPath(r"C:\Users\ana\OneDrive\Documents\library.sqlite"), "OneDrive",
         r"C:\Users\ana\OneDrive"),
        (PureWindowsPath(r"C:\Users\ana\OneDrive - Acme Corp\library.sqlite"), "OneDrive",
         r"C:\Users\ana\OneDrive - Acme Corp"),
        (PurePosixPath("/Users/ana/Library/CloudStorage/OneDrive-Personal/l.sqlite"),
         "OneDrive", "/Users/ana/Library/CloudStorage/OneDrive-Personal"),
        (PureWindowsPath(r"G:\My Drive\library.sqlite"), "Google Drive", r"G:\My Drive"),
        (PurePosixPath("/Users/ana/Google Drive/library.sqlite"), "Google Drive",
         "/Users/ana/Google Drive"),
        (PurePosixPath("/Users/ana/Library/CloudStorage/GoogleDrive-ana@example.org/My Drive/"
                       "library.sqlite"), "Google Drive",
         "/Users/ana/Library/CloudStorage/GoogleDrive-ana@example.org"),
        (PurePosixPath("/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/l.sqlite"),
         "iCloud Drive", "/Users/ana/Library/Mobile Documents/com~apple~CloudDocs"),
        (PureWindowsPath(r"C:\Users\ana\iCloudDrive\library.sqlite"), "iCloud Drive",
         r"C:\Users\ana\iCloudDrive"),
        (PurePosixPath("/home/ana/dropbox/library.sqlite"), "Dropbox", "/home/ana/dropbox"),
        (PurePosixPath("/home/ana/Nextcloud/Papers/library.sqlite"), "Nextcloud",
         "/home/ana/Nextcloud"),
        (PurePosixPath("/home/ana/ownCloud/library.sqlite"), "ownCloud", "/home/ana/ownCloud"),
        (PureWindowsPath(r"C:\Users\ana\Box\library.sqlite"), "Box", r"C:\Users\ana\Box"),
        (PurePosixPath("/Users/ana/Library/CloudStorage/Box-Box/library.sqlite"), "Box",
         "/Users/ana/Library/CloudStorage/Box-Box"),
        (PurePosixPath("/home/ana/pCloudDrive/library.sqlite"), "pCloud",
         "/home/ana/pCloudDrive"),
        (PurePosixPath("/home/ana/MEGA/library.sqlite"), "MEGA", "/home/ana/MEGA"),
        (PurePosixPath("/home/ana/Seafile/My Library/library.sqlite"), "Seafile",
         "/home/ana/Seafile"),
    ],
)
def test_synced_folders_are_recognised(path: PurePosixPath | PureWindowsPath, service: str,
                                       folder: str) -> None:
    found = synced_by(path)
    assert found is not None
    assert found[0] == service and str(found[1]) == folder


@pytest.mark.parametrize(
    "path",
    [
        PurePosixPath("/home/ana/.local/share/Papershelf/library.sqlite"),
        PurePosixPath("/home/ana/papers/dropbox-notes/library.sqlite".replace("-notes", "x")),
        PurePosixPath("/home/ana/Documents/Dropbox.sqlite"),  # the file itself, not a folder
        PureWindowsPath(r"D:\Drive\library.sqlite"),
        PurePosixPath("/Users/ana/Library/Mobile Documents/library.sqlite"),
        PurePosixPath("/home/ana/boxes/library.sqlite"),
        PurePosixPath("/home/ana/megaproject/library.sqlite"),
    ],
)
def test_other_folders_are_not(path: PurePosixPath | PureWindowsPath) -> None:
    assert synced_by(path) is None


def test_the_warning_says_which_service_and_why(tmp_path: Path) -> None:
    assert warning(tmp_path / "library.sqlite") == ""
    text = warning(tmp_path / "Dropbox" / "library.sqlite")
    assert "Dropbox syncs" in text and str(tmp_path / "Dropbox") in text
    assert "move the library to a folder that is not synced" in text


def test_a_link_into_a_synced_folder_is_followed(tmp_path: Path) -> None:
    synced = tmp_path / "OneDrive" / "Documents"
    synced.mkdir(parents=True)
    (tmp_path / "Documents").symlink_to(synced)
    assert "OneDrive syncs" in warning(tmp_path / "Documents" / "library.sqlite")


@pytest.mark.parametrize(("marker", "is_folder", "service"), [
    (".stfolder", True, "Syncthing"),
    (".sync_3f2a9c41d0b7.db", False, "Nextcloud or ownCloud"),
    ("._sync_3f2a9c41d0b7.db", False, "Nextcloud or ownCloud"),
    (".dropbox", False, "Dropbox"),
])
def test_a_folder_marked_by_a_sync_program_is_recognised_whatever_its_name(
        tmp_path: Path, marker: str, is_folder: bool, service: str) -> None:
    synced = tmp_path / "research"
    (synced / "papers").mkdir(parents=True)
    if is_folder:
        (synced / marker).mkdir()
    else:
        (synced / marker).write_bytes(b"")
    assert marked_by(synced / "papers" / "library.sqlite") == (service, synced)
    text = warning(synced / "papers" / "library.sqlite")
    assert f"{service} syncs ({synced})" in text
    # Beside the marked folder, not in it: nothing to say.
    assert marked_by(tmp_path / "library.sqlite") is None
    assert warning(tmp_path / "elsewhere" / "library.sqlite") == ""
