"""Architecture checks: ``db`` never loads Qt, and no SQL lives outside ``db``."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


def test_db_loads_without_qt() -> None:
    modules = sorted(p.relative_to(REPO).with_suffix("").as_posix().replace("/", ".")
                     for p in (REPO / "db").rglob("*.py") if p.name != "__init__.py")
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert len(modules) > 10
    assert done.stdout.strip() == "[]"


def test_no_sql_outside_db() -> None:
    sql = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b")
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "desktop").rglob("*.py")
                 if sql.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
