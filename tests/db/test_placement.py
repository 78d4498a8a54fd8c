"""Synced folders: a library inside Dropbox, OneDrive, Google Drive or iCloud is warned of."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from db.placement import synced_by, warning


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
