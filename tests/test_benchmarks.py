"""The benchmark suite's own logic: the generator, the statistics and the regression
check. (The timings themselves are not tested: `make bench` measures them.)"""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest

from benchmarks import check, datasets, readme_table, synthetic
from benchmarks.figures import TARGETS, Figure, figure, percentile
from db.formats.bibtex import read
from db.matching import title_key


def test_the_generator_is_deterministic_and_looks_like_a_library() -> None:
    first = list(synthetic.papers(2000))
    assert first == list(synthetic.papers(2000))
    assert first != list(synthetic.papers(2000, seed=1))
    assert all((1 <= len(p.authors) <= 12 and 2 <= len(p.tags) <= 6) or not p.category
               for p in first)
    words = [len(p.abstract.split()) for p in first if p.category]
    assert min(words) >= 120 and max(words) <= 180
    assert 0.6 < sum(bool(p.doi) for p in first) / len(first) < 0.8
    assert any("ü" in a.family or "ø" in a.given.lower() for p in first for a in p.authors)


def test_about_two_percent_are_near_duplicates_of_an_earlier_paper() -> None:
    made = list(synthetic.papers(10_000))
    copies = [p for p in made if not p.category]  # near-duplicates carry no category
    assert 150 <= len(copies) <= 250
    keys = {title_key(p.title) for p in made if p.category}
    # Most copies differ from their original (case, punctuation, a dropped letter) yet
    # fold to the same key, or to one a letter away: what duplicate detection must see.
    assert sum(title_key(p.title) in keys for p in copies) > len(copies) // 2
    assert any(p.title not in {q.title for q in made if q.category} for p in copies)


def test_the_bibtex_file_escapes_accents_as_latex_and_reads_back() -> None:
    records = list(islice(synthetic.papers(400), 400))
    text = synthetic.to_bibtex(records)
    assert '{\\"u}' in text or "{\\o}" in text
    parsed = read(text)
    assert len(parsed.records) == 400
    assert [a.family for a in parsed.records[0].authors] == \
        [a.family for a in records[0].authors]
    assert {a.family for r in parsed.records for a in r.authors} <= set(synthetic.FAMILIES)


def test_percentiles_are_measured_values() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.5) == 50.0
    assert percentile([7.0], 0.95) == 7.0
    made = figure("x", "ms", [5.0, 1.0, 3.0])
    assert (made.median, made.p95, made.samples) == (3.0, 5.0, 3)


def test_targets_judge_their_named_statistic() -> None:
    name = "keystroke → repaint 100k: all"
    assert TARGETS[name].stat == "p95"
    assert Figure(name, "ms", 10, 49, 30).meets() is True
    assert Figure(name, "ms", 10, 51, 30).meets() is False
    assert Figure("not a target", "ms", 10, 51, 30).meets() is None


def test_the_check_fails_on_a_regression_beyond_a_quarter(tmp_path: Path) -> None:
    base = [Figure("search 1M: all", "ms", 100, 150, 30), Figure("tiny", "ms", 0.5, 0.6, 30)]
    slower = [Figure("search 1M: all", "ms", 120, 190, 30), Figure("tiny", "ms", 1.5, 1.6, 30)]
    assert check.regressions(slower, base, 0.25) == \
        ["search 1M: all: p95 150 → 190 ms (+27 %)"]
    same = [Figure("search 1M: all", "ms", 124, 187, 30)]
    assert check.regressions(same, base, 0.25) == []
    # Through the command, with files as `make bench-check` reads them.
    for name, figures in (("latest", slower), ("baseline", base)):
        (tmp_path / f"{name}.json").write_text(json.dumps({"figures": [
            f.__dict__ for f in figures]}), encoding="utf-8")
    argv = ["--latest", str(tmp_path / "latest.json"), "--baseline",
            str(tmp_path / "baseline.json")]
    import sys
    old = sys.argv
    try:
        sys.argv = ["check", *argv]
        assert check.main() == 1
        sys.argv = ["check", "--latest", str(tmp_path / "baseline.json"), "--baseline",
                    str(tmp_path / "baseline.json")]
        assert check.main() == 0
    finally:
        sys.argv = old


def test_the_committed_baseline_names_every_target() -> None:
    baseline = Path(__file__).resolve().parent.parent / "benchmarks" / "baseline.json"
    names = {f["name"] for f in json.loads(baseline.read_text(encoding="utf-8"))["figures"]}
    assert set(TARGETS) <= names


def test_sizes_are_labelled_as_people_say_them() -> None:
    assert [datasets.label(n) for n in (1000, 10_000, 100_000, 1_000_000, 1234)] == \
        ["1k", "10k", "100k", "1M", "1234"]


def test_the_readme_tables_show_each_target_with_its_verdict() -> None:
    latest = {
        "date": "2026-11-25 18:00", "cores": 2, "cpu": "Some CPU", "memory_gb": 8.0,
        "commit": "abc1234", "versions": {"python": "3.11.7", "sqlite": "3.40.1"},
        "figures": [
            {"name": "search 1M: all", "unit": "ms", "median": 40.0, "p95": 132.4,
             "samples": 240, "detail": "every query above"},
            {"name": "tag rename 10k", "unit": "s", "median": 0.62, "p95": 0.7,
             "samples": 5, "detail": ""},
            {"name": "search 1M: phrase", "unit": "ms", "median": 8.04, "p95": 8.1,
             "samples": 30, "detail": "q"},
        ],
    }
    tables = readme_table.markdown(latest)
    assert tables.startswith("Measured 2026-11-25 on 2 cores (Some CPU, 8.0 GB), Python "
                             "3.11.7, SQLite 3.40.1, Qt/PySide6 not installed, commit abc1234.")
    assert "| search 1M: all: p95 ≤ 200 ms | 132 ms | met |" in tables
    assert "| tag rename 10k: median ≤ 0.50 s | 0.62 s | **missed** |" in tables
    assert "| search 1M: phrase | 8.0 ms | 8.1 ms | 30 | q |" in tables
    readme = "intro\n<!-- figures -->\nold\n<!-- /figures -->\nafter\n"
    assert readme_table.replaced(readme, tables) == \
        f"intro\n<!-- figures -->\n{tables}<!-- /figures -->\nafter\n"
    with pytest.raises(ValueError, match="no <!-- figures -->"):
        readme_table.replaced("no markers", tables)


def test_the_readme_states_every_target_with_a_measured_value() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(readme_table.START), readme.index(readme_table.END)
    rows = [line for line in readme[start:end].splitlines() if line.startswith("| ")]
    for name, target in TARGETS.items():
        assert any(row.startswith(f"| {name}: {target.stat} ≤ ") for row in rows), name
