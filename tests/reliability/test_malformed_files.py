"""A corpus of broken files, made here (nothing binary is committed), imported two ways.

Every case goes through ``db.importing.read_file`` and through ``papershelf import`` in a
child process. Either it reads (records, with issues for what was skipped) or it is
refused with a FormatError naming the file; the command exits 0/1 (records) or 1/2
(refused) with no traceback, within a time bound; a refused import leaves the library
exactly as it was. The long mode prints the table of outcomes.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks import synthetic
from db import exporting
from db.errors import FormatError
from db.importing import MAX_FILE_BYTES, ReadResult, read_file
from db.library import Library
from db.records import PaperData
from desktop.paths import sample_listing
from tests.conftest import REPO
from tests.reliability.common import REPORT, CorpusRow, Fingerprint, fingerprint

SECONDS = 10.0  # what any one file may take to be read, or refused
# The address space a child may use: a reader that does not stop at MAX_FILE_BYTES fails
# with a MemoryError in a second instead of taking the machine's memory.
CHILD_MEMORY = 2 * 1024**3


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]
    expect: str  # "records", "refused" or "either"
    refusal: str = ""  # a pattern the refusal's reason must match
    isolate: bool = False  # read in a child with a memory limit: in-process could hang
    skip: str = ""  # why the case cannot run here


# -- valid files, the raw material of the broken ones -------------------------------------

def _valid_texts() -> dict[str, str]:
    with Library.memory() as library:
        ids = list(library.import_papers(list(synthetic.papers(20, seed=31))).added)
        library.add_note(ids[0], "Zürich — Ångström")
        texts = {fmt: exporting.export(library, ids, fmt)
                 for fmt in ("biblatex", "ris", "csljson")}
    texts["profile"] = sample_listing().read_text(encoding="utf-8")
    # Every line an id: the sniffer takes a list with any other line for prose.
    texts["ids"] = "\n".join(["# to look up"] + [
        paper.doi or f"arXiv:{paper.arxiv}" for paper in synthetic.papers(40, seed=31)
        if paper.doi or paper.arxiv]) + "\n"
    return texts


VALID = _valid_texts()
EXTENSIONS = {"biblatex": ".bib", "ris": ".ris", "csljson": ".json", "profile": ".txt",
              "ids": ".txt"}


def _bytes(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return make


def _truncated(fmt: str, share: float) -> Callable[[Path], Path]:
    data = VALID[fmt].encode("utf-8")
    return _bytes(f"truncated-{int(share * 100)}{EXTENSIONS[fmt]}", data[: int(len(data) * share)])


def _inside_a_character() -> bytes:
    """A UTF-8 BibTeX file cut in the middle of its last multi-byte character."""
    data = VALID["biblatex"].encode("utf-8")
    last = max(i for i, byte in enumerate(data) if byte >= 0xC0)
    return data[: last + 1]


def _huge(folder: Path) -> Path:
    path = folder / "huge.bib"
    with path.open("wb") as handle:
        handle.write(b"@article{big, title={A very large file}}\n")
        handle.truncate(100 * 1024 * 1024)  # sparse: no disk, no time
    assert path.stat().st_size > MAX_FILE_BYTES
    return path


def _directory(folder: Path) -> Path:
    path = folder / "a-folder.bib"
    path.mkdir()
    return path


def _unreadable(folder: Path) -> Path:
    path = folder / "unreadable.bib"
    path.write_text(VALID["biblatex"], encoding="utf-8")
    path.chmod(0)
    return path


def _loop(folder: Path) -> Path:
    path = folder / "loop.bib"
    path.symlink_to(path.name)
    return path


def _line_ends(fmt: str, end: str) -> Callable[[Path], Path]:
    label = {"\r\n": "crlf", "\r": "cr"}[end]
    return _bytes(f"{label}{EXTENSIONS[fmt]}", VALID[fmt].replace("\n", end).encode("utf-8"))


def _junk() -> bytes:
    return random.Random(7).randbytes(64 * 1024)


_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
BIB = VALID["biblatex"]
CASES = [
    *(Case(f"truncated {fmt} at {int(share * 100)}%", _truncated(fmt, share), "either")
      for fmt in ("biblatex", "ris", "csljson", "profile", "ids")
      for share in (0.25, 0.5, 0.99)),
    Case("truncated inside a UTF-8 character", _bytes("cut-char.bib", _inside_a_character),
         "records"),
    Case("binary junk", _bytes("junk.bib", _junk), "refused", "binary"),
    Case("a PDF renamed .bib", _bytes("paper.bib", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
                                      + _junk()), "either"),
    Case("invalid UTF-8 (read as Latin-1)",
         _bytes("latin.bib", BIB.encode("utf-8").replace(b"title", b"ti\xfftle", 1)
                + b"\n% caf\xe9 \xc3\x28 \x80\x80\n"), "records"),
    Case("100 MB file", _huge, "refused", "too large"),
    Case("/dev/zero (no size, no end)", lambda folder: Path("/dev/zero"), "refused",
         "too large", isolate=True,
         skip="" if Path("/dev/zero").exists() else "no /dev/zero here"),
    Case("10,000 nested braces", _bytes("nested.bib", (
        "@article{deep, title={" + "{" * 10_000 + "deep" + "}" * 10_000 + "}, year={2020}}\n"
        ).encode()), "either"),
    Case("10,000 unclosed braces", _bytes("unclosed.bib", (
        "@article{deep, title={" + "{" * 10_000 + "\n").encode()), "either"),
    Case("10,000 nested JSON arrays", _bytes("nested.json", (
        '[{"id": "x", "title": ' + "[" * 10_000 + "]" * 10_000 + "}]").encode()), "either"),
    Case("NUL bytes in BibTeX", _bytes("nul.bib", BIB.encode("utf-8").replace(
        b"title", b"ti\x00tle", 1)), "refused", "binary"),
    Case("only NUL bytes", _bytes("zeros.bib", bytes(4096)), "refused", "binary"),
    Case("UTF-8 BOM", _bytes("bom8.bib", codecs.BOM_UTF8 + BIB.encode("utf-8")), "records"),
    Case("UTF-16 LE BOM", _bytes("bom16le.bib", BIB.encode("utf-16")), "records"),
    Case("UTF-16 BE BOM RIS", _bytes("bom16be.ris", codecs.BOM_UTF16_BE
                                     + VALID["ris"].encode("utf-16-be")), "records"),
    Case("UTF-16 odd length", _bytes("odd16.bib", BIB.encode("utf-16")[:-1]), "refused"),
    Case("only a BOM", _bytes("bom-only.bib", codecs.BOM_UTF8), "refused"),
    *(Case(f"{'CRLF' if end == chr(13) + chr(10) else 'CR'} line ends ({fmt})",
           _line_ends(fmt, end), "records")
      for fmt in ("biblatex", "ris", "profile") for end in ("\r\n", "\r")),
    Case("profile with an unclosed [ in an address", _bytes(
        "ipv6.txt", b"LGJun 11, 2022\nA title\n\nKai Yi\n\nData are at https://[example.org/data.\n"),
        "records"),
    Case("empty file", _bytes("empty.bib", b""), "refused"),
    Case("white space only", _bytes("blank.ris", b" \n\t\r\n   \n"), "refused"),
    Case("a directory", _directory, "refused", "cannot read"),
    Case("no read permission", _unreadable, "refused", "cannot read",
         skip="root reads every file, permission or not" if _ROOT else ""),
    Case("a missing file", lambda folder: folder / "missing.bib", "refused", "cannot read"),
    Case("a symlink to itself", _loop, "refused", "cannot read"),
]
BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    folder = tmp_path_factory.mktemp("corpus")
    paths = {}
    for case in CASES:
        if not case.skip:
            made = folder / re.sub(r"\W+", "-", case.name)
            made.mkdir()
            paths[case.name] = case.make(made)
    yield paths
    # Unreadable files go too: deleting needs only the folder's permission.
    shutil.rmtree(folder)  # the 100 MB file is sparse, but leave nothing behind


@dataclass(frozen=True)
class Outcome:
    refused: str | None  # the FormatError's text, or None when records were read
    records: int
    issues: int
    error: str  # any other exception: the bug this test looks for
    seconds: float


def _read_in_process(path: Path) -> Outcome:
    start = time.perf_counter()
    try:
        read: ReadResult = read_file(path)
    except FormatError as exc:
        return Outcome(str(exc), 0, 0, "", time.perf_counter() - start)
    except Exception as exc:  # reported, not raised: the assertion says which case
        return Outcome(None, 0, 0, repr(exc), time.perf_counter() - start)
    return Outcome(None, len(read.records), len(read.issues), "", time.perf_counter() - start)


_ISOLATED_READ = """
import json, sys, time
from pathlib import Path
from db.errors import FormatError
from db.importing import read_file
start = time.perf_counter()
try:
    read = read_file(Path(sys.argv[1]))
    out = {"refused": None, "records": len(read.records), "issues": len(read.issues), "error": ""}
except FormatError as exc:
    out = {"refused": str(exc), "records": 0, "issues": 0, "error": ""}
except BaseException as exc:
    out = {"refused": None, "records": 0, "issues": 0, "error": repr(exc)[:300]}
out["seconds"] = time.perf_counter() - start
print(json.dumps(out))
"""


def _limit_memory() -> None:
    import resource  # POSIX only, as are the cases that need it

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def _read_isolated(path: Path) -> Outcome:
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", _ISOLATED_READ, str(path)], cwd=REPO,
                              capture_output=True, text=True, timeout=SECONDS * 3,
                              preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        return Outcome(None, 0, 0, "still reading when stopped", time.perf_counter() - start)
    if done.returncode != 0 or not done.stdout.strip():
        return Outcome(None, 0, 0, f"the reader died: {done.stderr[-300:]}",
                       time.perf_counter() - start)
    return Outcome(**json.loads(done.stdout))


@pytest.mark.parametrize("name", list(BY_NAME))
def test_read_file_gives_records_or_a_clear_error(name: str, corpus: dict[str, Path]) -> None:
    case = BY_NAME[name]
    if case.skip:
        pytest.skip(case.skip)
    path = corpus[name]
    outcome = _read_isolated(path) if case.isolate else _read_in_process(path)
    REPORT.corpus.append(CorpusRow(name, "read_file", _describe(outcome), outcome.seconds))
    assert not outcome.error, f"{name}: {outcome.error}"
    assert outcome.seconds < SECONDS, f"{name} took {outcome.seconds:.1f}s"
    if outcome.refused is not None:
        assert case.expect in ("refused", "either"), f"{name} was refused: {outcome.refused}"
        assert str(path) in outcome.refused and "\n" not in outcome.refused.strip()
        assert re.search(case.refusal, outcome.refused), outcome.refused
    else:
        assert case.expect in ("records", "either"), f"{name} was read: {outcome}"


def _describe(outcome: Outcome) -> str:
    if outcome.error:
        return f"BUG {outcome.error}"
    if outcome.refused is not None:
        return f"refused: {outcome.refused.split(': ', 1)[-1]}"
    return f"{outcome.records} records, {outcome.issues} issues"


# -- the same files through `papershelf import` -------------------------------------------

@dataclass(frozen=True)
class CliRun:
    status: int | None  # None: stopped at the time bound
    stdout: str
    stderr: str
    seconds: float
    before: Fingerprint
    after: Fingerprint
    bytes_equal: bool


@pytest.fixture(scope="module")
def start_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-start") / "library.sqlite"
    with Library.open(path) as library:
        library.import_papers(list(synthetic.papers(50, seed=3)))
    return path


def _environment(home: Path) -> dict[str, str]:
    """The child's own home and data folders: a bug report it logs stays in the test."""
    env = dict(os.environ)
    for name in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME",
                 "XDG_CACHE_HOME"):
        env[name] = str(home / name.lower())
    env.pop("PAPERSHELF_LIBRARY", None)
    return env


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli_import(case: Case, path: Path, start: Path, folder: Path) -> CliRun:
    library = folder / "library.sqlite"
    shutil.copyfile(start, library)
    with Library.open(library) as opened:
        before = fingerprint(opened.conn)
    digest = _sha(library)
    begun = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "desktop.cli", "--library", str(library), "import",
             str(path)], cwd=REPO, capture_output=True, text=True, timeout=SECONDS * 3,
            env=_environment(folder), preexec_fn=_limit_memory if case.isolate else None)
        status, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        status, out, err = None, str(exc.stdout or ""), str(exc.stderr or "")
    seconds = time.perf_counter() - begun
    with Library.open(library) as opened:
        after = fingerprint(opened.conn)
    return CliRun(status, out, err, seconds, before, after, _sha(library) == digest)


@pytest.fixture(scope="module")
def cli_runs(corpus: dict[str, Path], start_library: Path,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, CliRun]:
    """Every case through the command, two at a time (each is a fresh process)."""
    base = tmp_path_factory.mktemp("cli")
    cases = [c for c in CASES if not c.skip]

    def run(case: Case) -> CliRun:
        folder = base / re.sub(r"\W+", "-", case.name)
        folder.mkdir()
        return _cli_import(case, corpus[case.name], start_library, folder)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([c.name for c in cases], pool.map(run, cases), strict=True))


@pytest.mark.parametrize("name", list(BY_NAME))
def test_papershelf_import_exits_cleanly_and_a_refusal_changes_nothing(
    name: str, cli_runs: dict[str, CliRun], corpus: dict[str, Path]
) -> None:
    case = BY_NAME[name]
    if case.skip:
        pytest.skip(case.skip)
    run, path = cli_runs[name], corpus[name]
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    refused = run.status in (1, 2) and not run.stdout.strip()
    outcome = (f"exit {run.status}, " + ("refused" if refused else run.stdout.strip()[:72])
               + ("" if run.bytes_equal else ", library file rewritten"))
    REPORT.corpus.append(CorpusRow(name, "cli", outcome, run.seconds))
    assert run.status is not None, f"{name}: still running after {run.seconds:.0f}s"
    assert "Traceback" not in run.stderr, run.stderr
    assert "unexpected problem" not in run.stderr, f"{name}: {run.stderr.strip()}"
    assert run.seconds < SECONDS, f"{name} took {run.seconds:.1f}s"
    if refused:
        assert case.expect in ("refused", "either"), f"{name}: {run.stderr}"
        assert len(lines) == 1 and str(path) in lines[0], run.stderr
        assert run.after == run.before, f"{name}: a refused import changed the library"
        assert run.bytes_equal, f"{name}: a refused import rewrote the library file"
    else:
        assert case.expect in ("records", "either"), f"{name}: {run.stdout}"
        assert run.status in (0, 1), run.stderr
        # Read files are recorded as an import, whatever they added.
        assert run.after != run.before, f"{name}: the import left no trace"


@pytest.mark.parametrize("name", list(BY_NAME))
def test_papershelf_import_says_only_its_own_words_on_stderr(
    name: str, cli_runs: dict[str, CliRun], corpus: dict[str, Path]
) -> None:
    """Every line on stderr is one of Papershelf's: an issue or a refusal naming the file
    (``FILE:LINE: reason``), or ``papershelf: …``; never a library's internal log."""
    case = BY_NAME[name]
    if case.skip:
        pytest.skip(case.skip)
    run, path = cli_runs[name], corpus[name]
    foreign = [line for line in run.stderr.splitlines() if line.strip()
               and not line.startswith((str(path), "papershelf:"))]
    assert not foreign, f"{name}: stderr has lines that are not Papershelf's:\n" + "\n".join(
        foreign[:6])


def test_line_ends_do_not_change_what_is_read(corpus: dict[str, Path], tmp_path: Path) -> None:
    """CRLF and CR-only files give the same records as the LF original."""
    for fmt in ("biblatex", "ris", "profile"):
        original = tmp_path / f"original-{fmt}{EXTENSIONS[fmt]}"
        original.write_text(VALID[fmt], encoding="utf-8")
        expected = read_file(original).records
        assert expected
        for label in ("CRLF", "CR"):
            assert read_file(corpus[f"{label} line ends ({fmt})"]).records == expected, label


def test_a_utf8_file_cut_inside_a_character_keeps_its_accents(tmp_path: Path) -> None:
    """A download cut short ends in half a character; the entries before it are UTF-8 and
    must read as such, not all be turned into Latin-1 mojibake ("MÃ¼ller")."""
    whole, cut = tmp_path / "whole.bib", tmp_path / "cut.bib"
    whole.write_text(VALID["biblatex"], encoding="utf-8")
    cut.write_bytes(_inside_a_character())
    expected, got = read_file(whole).records, read_file(cut).records
    assert any("ü" in a.family for paper in expected for a in paper.authors)
    # The last entry is the one cut short; every one before it is whole.
    def names(records: tuple[PaperData, ...]) -> list[str]:
        return [a.family for paper in records for a in paper.authors]

    assert names(got[: len(expected) - 1]) == names(expected[:-1])
    assert got[: len(expected) - 1] == expected[:-1]
