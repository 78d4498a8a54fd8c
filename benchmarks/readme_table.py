"""The README's figures: the targets beside their measured values, then every figure.

    python benchmarks/readme_table.py [--latest benchmarks/results/latest.json] [--write]

Prints the Markdown; ``--write`` puts it into README.md between its
``<!-- figures -->`` and ``<!-- /figures -->`` lines.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.figures import RESULTS, ROOT, TARGETS

START, END = "<!-- figures -->", "<!-- /figures -->"


def amount(value: float, unit: str) -> str:
    """``value`` as a reader takes it in: whole milliseconds, seconds to the hundredth."""
    if unit == "ms":
        return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.0f} {unit}"


def markdown(latest: dict[str, Any]) -> str:
    """The measuring machine, the targets table and the figures table of ``latest``."""
    versions = latest["versions"]
    lines = [
        f"Measured {latest['date'][:10]} on {latest['cores']} cores ({latest['cpu']}, "
        f"{latest['memory_gb']} GB), Python {versions['python']}, SQLite "
        f"{versions['sqlite']}, Qt/PySide6 {versions.get('qt', 'not installed')}, "
        f"commit {latest['commit']}.",
        "",
        "| target | measured | |",
        "|---|---:|---|",
    ]
    figures = latest["figures"]
    for f in figures:
        target = TARGETS.get(f["name"])
        if target is not None:
            value = f[target.stat]
            verdict = "met" if value <= target.limit else "**missed**"
            lines.append(f"| {f['name']}: {target.stat} ≤ {amount(target.limit, f['unit'])} "
                         f"| {amount(value, f['unit'])} | {verdict} |")
    lines += ["", "| figure | median | p95 | n | what |", "|---|---:|---:|---:|---|"]
    lines += [f"| {f['name']} | {amount(f['median'], f['unit'])} | "
              f"{amount(f['p95'], f['unit'])} | {f['samples']} | {f['detail']} |"
              for f in figures]
    return "\n".join(lines) + "\n"


def replaced(readme: str, tables: str) -> str:
    """``readme`` with ``tables`` between its figure markers."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md has no {START} … {END} lines to put the figures between")
    return readme[:start + len(START)] + "\n" + tables + readme[end:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latest", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not args.latest.exists():
        print(f"No figures at {args.latest}: run `make bench` first.", file=sys.stderr)
        return 1
    tables = markdown(json.loads(args.latest.read_text(encoding="utf-8")))
    if not args.write:
        print(tables, end="")
        return 0
    readme = ROOT / "README.md"
    try:
        text = replaced(readme.read_text(encoding="utf-8"), tables)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    readme.write_text(text, encoding="utf-8")
    print(f"figures of {args.latest.name} written to README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
