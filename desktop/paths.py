"""Where things are: the default library, the bundled resources, the log."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "Papershelf"
# The freedesktop id: the desktop entry's and the AppStream file's names, the icon's name,
# QGuiApplication.desktopFileName (Wayland's app_id). packaging/ names its files after it.
APP_ID = "org.papershelf.Papershelf"
LIBRARY_ENV = "PAPERSHELF_LIBRARY"


def default_library_path() -> Path:
    """The library a user gets without asking: in the platform's user data folder."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "library.sqlite"


def chosen_library_path(argument: str | None) -> tuple[Path, bool]:
    """The library to open, and whether it is the default one.

    ``--library`` wins over ``$PAPERSHELF_LIBRARY``, which wins over the default.
    """
    if argument:
        return Path(argument).expanduser(), False
    from_env = os.environ.get(LIBRARY_ENV)
    if from_env:
        return Path(from_env).expanduser(), False
    return default_library_path(), True


def resource_dir() -> Path:
    """``resources/`` in a checkout, or inside a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def app_icon() -> Path:
    """The application icon's SVG, the source every PNG of it is rendered from."""
    return resource_dir() / "icons" / f"{APP_ID}.svg"


def sample_listing() -> Path:
    return resource_dir() / "sample" / "kai-yi-profile.txt"


def log_path() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False) / "papershelf.log"
