"""Build the desktop bundle with PyInstaller and say how big it is and how long it took.

    python packaging/build.py [--onefile] [--windowed]

``make package`` runs it in the project's .venv (with the ``package`` extra installed);
without make, run it from any environment with ``pip install -e '.[package]'``. It
writes dist/Papershelf/ (or dist/papershelf with --onefile); PyInstaller's work files go
to build/pyinstaller/, kept between builds so that the next one is quicker.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
sys.path.insert(0, str(ROOT))

from bundle import size  # noqa: E402

from desktop.paths import APP_NAME  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onefile", action="store_true", help="one executable file")
    parser.add_argument("--windowed", action="store_true",
                        help="Windows and macOS: no console window")
    args = parser.parse_args(argv)
    dist = ROOT / "dist"
    target = dist / ("papershelf" + (".exe" if sys.platform == "win32" else "")
                     if args.onefile else APP_NAME)
    # A folder left from an earlier build would keep files this one no longer makes.
    if target.is_dir():
        shutil.rmtree(target)
    spec_options = [o for o, on in (("--onefile", args.onefile),
                                    ("--windowed", args.windowed)) if on]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(ROOT / "build" / "pyinstaller"),
         str(ROOT / "packaging" / "papershelf.spec"),
         *(["--", *spec_options] if spec_options else [])],
        cwd=ROOT, check=False)
    if done.returncode != 0:
        sys.stderr.write(f"build.py: PyInstaller failed (exit status {done.returncode})\n")
        return done.returncode
    seconds = time.monotonic() - started
    files = sum(1 for _ in target.rglob("*")) if target.is_dir() else 1
    print(f"{target.relative_to(ROOT)}: {size(target) / 2**20:.0f} MiB in {files} files, "
          f"built in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
