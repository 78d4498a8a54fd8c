"""The reliability tests' report: written to the pytest temporary folder after every run,
printed at the end of a long one (``make reliability``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.reliability.common import LONG, MODE_ENV, REPORT


@pytest.fixture(scope="session", autouse=True)
def reliability_summary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    yield
    path = tmp_path_factory.getbasetemp() / "reliability-summary.json"
    path.write_text(json.dumps(REPORT.as_json(), indent=2, ensure_ascii=False),
                    encoding="utf-8")
    REPORT.summary_path = path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # The short mode is part of `make test`: its figures would only be noise there.
    if not LONG:
        return
    write = terminalreporter.write_line
    terminalreporter.section(f"reliability ({MODE_ENV}=long)")
    summary = REPORT.kill_summary()
    if summary:
        write("kill runs (SIGKILL at a random moment of the operation; the library left "
              "=before it, =between two of its transactions, or =after it):")
        write(f"  {'operation':<10}{'seconds':>8}{'runs':>6}{'killed':>8}{'finished':>10}"
              f"{'=before':>9}{'=between':>10}{'=after':>8}{'corrupt':>9}{'half':>6}")
        for op, figures in summary.items():
            write(f"  {op:<10}{figures['operation_seconds']:>8}{figures['runs']:>6}"
                  f"{figures['killed']:>8}{figures['finished_before_the_kill']:>10}"
                  f"{figures['killed_left_before']:>9}{figures['killed_left_between_steps']:>10}"
                  f"{figures['killed_left_after']:>8}{figures['corrupt']:>9}"
                  f"{figures['half_applied']:>6}")
        write(f"  total runs: {sum(int(str(f['runs'])) for f in summary.values())}")
    if REPORT.fuzz_cases:
        write("fuzz cases run (hypothesis, shrinking included):")
        for target, count in sorted(REPORT.fuzz_cases.items()):
            write(f"  {target:<40}{count:>8}")
    if REPORT.corpus:
        write("malformed-file corpus:")
        write(f"  {'case':<38}{'via':<10}{'seconds':>8}  outcome")
        for row in REPORT.corpus:
            write(f"  {row.case:<38}{row.via:<10}{row.seconds:>8.3f}  {row.outcome}")
    if REPORT.summary_path is not None:
        write(f"summary: {REPORT.summary_path}")
