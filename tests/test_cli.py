"""The ``papershelf`` command as a user runs it: output, JSON shapes, exit statuses."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import cli
from desktop.paths import sample_listing
from tests.conftest import REPO


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exc:  # argparse's own exits (usage, --version)
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def lib(tmp_path: Path) -> str:
    return str(tmp_path / "cli.sqlite")


@pytest.fixture
def sample_lib(lib: str, capsys: pytest.CaptureFixture[str]) -> str:
    status, out, _ = run(capsys, "--library", lib, "import", str(sample_listing()),
                         "--year", "2025")
    assert status == 0, out
    return lib


def test_import_prints_a_summary_and_reimport_adds_nothing(
    capsys: pytest.CaptureFixture[str], sample_lib: str
) -> None:
    status, out, _ = run(capsys, "--library", sample_lib, "import", str(sample_listing()),
                         "--year", "2025")
    assert status == 0
    assert "0 added, 33 already in the library, 0 skipped, reading list 'Kai Yi'" in out


def test_search_json_has_the_promised_fields(
    capsys: pytest.CaptureFixture[str], sample_lib: str
) -> None:
    status, out, _ = run(capsys, "--library", sample_lib, "search", "author:richtarik",
                         "--sort", "year", "--json")
    assert status == 0
    papers = json.loads(out)
    assert len(papers) >= 2
    assert {"key", "title", "authors", "year", "tags"} <= set(papers[0])
    assert [p["year"] for p in papers] == sorted(p["year"] for p in papers)
    assert all(any("Richtárik" in a for a in p["authors"]) for p in papers)


def test_show_json_has_every_field(capsys: pytest.CaptureFixture[str], sample_lib: str) -> None:
    _, out, _ = run(capsys, "--library", sample_lib, "search", "title:ACMP", "--json")
    key = json.loads(out)[0]["key"]
    run(capsys, "--library", sample_lib, "tag", "add", "gnn", key)
    run(capsys, "--library", sample_lib, "note", "add", key, "Read section 3 again")
    status, out, _ = run(capsys, "--library", sample_lib, "show", key, "--json")
    paper = json.loads(out)
    assert status == 0
    assert paper["authors"] == ["Yuelin Wang", "Kai Yi", "Xinliang Liu"] and paper["et_al"]
    assert paper["date"] == "2022-06-11" and paper["category"] == "cs.LG"
    assert paper["code_url"] == "https://github.com/ykiiiiii/ACMP"
    assert paper["abstract"].startswith("Neural message passing")
    assert paper["tags"] == ["gnn"] and paper["lists"] == ["Kai Yi"]
    assert [n["body"] for n in paper["notes"]] == ["Read section 3 again"]
    assert "score" in paper and "extra" in paper


def test_tags_and_lists_from_the_command_line(
    capsys: pytest.CaptureFixture[str], sample_lib: str
) -> None:
    _, out, _ = run(capsys, "--library", sample_lib, "search", "federated", "--json")
    keys = [p["key"] for p in json.loads(out)][:2]
    assert len(keys) == 2
    assert run(capsys, "--library", sample_lib, "tag", "add", "fl", *keys)[0] == 0
    assert run(capsys, "--library", sample_lib, "tag", "rename", "fl", "ml/federated")[0] == 0
    _, out, _ = run(capsys, "--library", sample_lib, "tag", "list")
    assert out.split() == ["2", "ml/federated"]
    assert run(capsys, "--library", sample_lib, "list", "create", "Retreat")[0] == 0
    assert run(capsys, "--library", sample_lib, "list", "add", "Retreat", *keys[::-1])[0] == 0
    _, out, _ = run(capsys, "--library", sample_lib, "list", "show", "Retreat", "--json")
    assert [p["key"] for p in json.loads(out)] == keys[::-1]
    run(capsys, "--library", sample_lib, "list", "remove", "Retreat", keys[0])
    _, out, _ = run(capsys, "--library", sample_lib, "list", "ls")
    assert "1  Retreat" in out and "33  Kai Yi" in out
    assert run(capsys, "--library", sample_lib, "tag", "remove", "ml/federated", keys[0])[0] == 0
    assert run(capsys, "--library", sample_lib, "tag", "delete", "ml/federated")[0] == 0
    assert run(capsys, "--library", sample_lib, "list", "delete", "Retreat")[0] == 0


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (("show", "noSuchKey"), 1, "No paper with citation key 'noSuchKey'"),
        (("search", 'title:"unclosed'), 1, "unclosed quote"),
        (("tag", "rename", "nope", "x"), 1, "There is no tag named 'nope'"),
        (("search", "--sort", "colour"), 2, "invalid choice"),
        (("frobnicate",), 2, "invalid choice"),
    ],
)
def test_errors_are_plain_words_with_the_right_status(
    capsys: pytest.CaptureFixture[str], sample_lib: str, argv: tuple[str, ...], status: int,
    message: str,
) -> None:
    got, out, err = run(capsys, "--library", sample_lib, *argv)
    assert got == status
    assert message in err and "Traceback" not in err + out


def test_a_broken_file_is_rejected_and_the_rest_imported(
    capsys: pytest.CaptureFixture[str], lib: str, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.7\n\x00\x01binary")
    status, out, err = run(capsys, "--library", lib, "import", str(bad), str(sample_listing()))
    assert status == 1
    assert f"{bad}:2: this is a binary file, not a bibliography" in err
    assert "33 added" in out


def test_a_file_that_is_not_a_library_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("hello" * 100)
    status, _, err = run(capsys, "--library", str(junk), "search")
    assert status == 1 and "is not a Papershelf library" in err


def test_first_run_creates_the_default_library_with_the_sample(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("PAPERSHELF_LIBRARY", raising=False)
    status, _, err = run(capsys, "search")
    assert status == 0 and "33 of 33 papers" in err
    assert (tmp_path / "data" / "Papershelf" / "library.sqlite").exists()
    monkeypatch.setenv("PAPERSHELF_LIBRARY", str(tmp_path / "env.sqlite"))
    status, _, err = run(capsys, "search")
    assert status == 0 and "0 of 0 papers" in err


def test_search_works_read_only_beside_a_writer(
    capsys: pytest.CaptureFixture[str], sample_lib: str
) -> None:
    from db.library import Library

    with Library.open(sample_lib):
        status, _, err = run(capsys, "--library", sample_lib, "search", "protein")
        assert status == 0 and "papers" in err
        status, _, err = run(capsys, "--library", sample_lib, "tag", "add", "x", "y")
        assert status == 2 and "open for writing in another Papershelf" in err


def test_version_and_console_script(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert status == 0 and out.startswith("Papershelf ")
    done = subprocess.run([sys.executable, "-m", "desktop.cli", "--version"], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == out.strip()


def test_output_cut_short_by_a_pipe_is_not_an_error(
    capsys: pytest.CaptureFixture[str], sample_lib: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    status = cli.main(["--library", sample_lib, "search"])
    assert status == 0
    assert capsys.readouterr().err == ""


def test_imports_are_listed_and_duplicates_found_and_merged(
    capsys: pytest.CaptureFixture[str], sample_lib: str, tmp_path: Path
) -> None:
    status, out, _ = run(capsys, "--library", sample_lib, "imports", "--json")
    (record,) = json.loads(out)
    assert status == 0 and record["added"] == 33 and record["format"] == "profile"
    status, out, _ = run(capsys, "--library", sample_lib, "search", f"import:{record['id']}")
    assert status == 0 and len(out.splitlines()) == 33
    again = tmp_path / "again.txt"
    again.write_text(sample_listing().read_text(encoding="utf-8").replace(
        "Allen-Cahn Message Passing", "Allen-Cahn Mesage Passing"), encoding="utf-8")
    status, out, _ = run(capsys, "--library", sample_lib, "import", str(again), "--year",
                         "2025", "--on-duplicate", "keep")
    assert status == 0 and "33 added" in out
    status, out, err = run(capsys, "--library", sample_lib, "duplicates")
    assert status == 0 and "33 group(s) of duplicates" in err
    assert out.count("certain:") == 32 and out.count("possible:") == 1
    status, out, err = run(capsys, "--library", sample_lib, "duplicates", "--merge")
    assert "32 merged" in err
    status, out, err = run(capsys, "--library", sample_lib, "search", "in:trash")
    assert "32 of 34 papers" in err
    latest = json.loads(run(capsys, "--library", sample_lib, "imports", "--json")[1])[0]
    status, out, _ = run(capsys, "--library", sample_lib, "imports", "--undo", str(latest["id"]))
    assert status == 0 and "33 papers removed" in out
    assert "33 of 33 papers" in run(capsys, "--library", sample_lib, "search")[2]
    assert run(capsys, "--library", sample_lib, "imports", "--undo", "999")[0] == 1


_LOADED = """
import sys
from desktop import cli
try:
    status = cli.main(sys.argv[1:])
except SystemExit as exc:
    status = exc.code
heavy = ("sqlite_utils", "db.library", "db.importing", "citeproc", "rapidfuzz",
         "bibtexparser", "pylatexenc", "rispy", "PySide6")
print(status, *sorted(name for name in heavy if name in sys.modules))
"""


def _loaded(*argv: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _LOADED, *argv], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()[-1].split()  # the status, then what was loaded


def test_a_command_loads_only_what_it_uses(sample_lib: str, tmp_path: Path) -> None:
    """`--version` answers without opening anything; an export loads its own writer, not
    the CSL engine or another format's, nor the window."""
    assert _loaded("--version") == ["0"]
    assert _loaded("search", "--help") == ["0"]
    csv_export = _loaded("--library", sample_lib, "export", "--format", "csv",
                         "-o", str(tmp_path / "out.csv"))
    assert csv_export[0] == "0" and "db.library" in csv_export
    assert not {"citeproc", "PySide6"} & set(csv_export)
    bibliography = _loaded("--library", sample_lib, "export", "--format", "bibliography",
                           "-o", str(tmp_path / "out.txt"))
    assert bibliography[0] == "0" and "citeproc" in bibliography


def test_choices_are_checked_and_listed_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "export", "--format", "docx")
    assert status == 2
    assert ("argument --format: invalid choice: 'docx' (choose from 'biblatex', "
            "'bibliography', 'bibtex', 'csljson', 'csv', 'html', 'markdown', 'ris')") in err
    status, out, _ = run(capsys, "import", "--help")
    assert status == 0 and "--format {bibtex,csljson,ids,profile,ris}" in out
    assert "--on-duplicate {skip,merge,keep}" in out
    status, _, err = run(capsys, "import", "x.bib", "--on-duplicate", "twice")
    assert status == 2 and "choose from 'skip', 'merge', 'keep'" in err
