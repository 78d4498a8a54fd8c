"""The ``papershelf`` command: the window with no subcommand, headless work with one.

Exit status: 0 on success, 1 when some input was rejected (the rest done) or the library
is damaged (a backup can be restored), 2 for usage errors or a library that cannot be
opened. Messages go to stderr in plain words.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db import __version__
from db.errors import FormatError, LibraryError, LibraryLockedError, NotALibraryError
from db.fields import SORTABLE
from desktop.console import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from desktop.console import err as _err
from desktop.console import out as _out

# The rest is imported by the commands that use it: `--version` or an export starts in a
# fraction of the time when the readers, the CSL engine and the fuzzy matcher are not
# loaded for nothing.
if TYPE_CHECKING:
    from db.library import Library
    from db.records import Paper


class _Choices:
    """A registry's names as argparse choices, read only when argparse asks: when it
    checks a value of that option or prints help, never when the parser is built."""

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load
        self._names: list[str] | None = None

    def _all(self) -> list[str]:
        if self._names is None:
            self._names = list(self._load())
        return self._names

    def __contains__(self, value: object) -> bool:
        return value in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _lazy(action: argparse.Action) -> None:
    """Show an option's choices as argparse does (``{a,b,c}``), from a :class:`_Choices`.
    It is added with an empty metavar because ``add_argument`` formats the metavar once to
    check it, which would read the choices; help and errors format it again later."""
    action.metavar = None


def _import_formats() -> list[str]:
    from db.importing import FORMATS

    return sorted(FORMATS)


def _export_formats() -> list[str]:
    from db.exporting import FORMATS

    return sorted(FORMATS)


def _on_duplicate() -> Iterable[str]:
    from db.papers import ON_DUPLICATE

    return ON_DUPLICATE


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"papershelf: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="papershelf", description="An offline reference manager.")
    parser.add_argument("--version", action="version", version=f"Papershelf {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check that this installation works: a temporary library, the "
                             "sample, a search, every export, the window (which "
                             "QT_QPA_PLATFORM=offscreen keeps off the screen); exit 0 if so")
    parser.add_argument("--library", metavar="PATH",
                        help="the library file (default: $PAPERSHELF_LIBRARY, or the one "
                             "in your user data folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     parser_class=_Parser)

    p = commands.add_parser("open", help="open the window and import FILEs into its library "
                                         "(the window that has it open already, if any)")
    p.add_argument("files", nargs="*", metavar="FILE")

    p = commands.add_parser("import", help="import papers from files")
    p.add_argument("files", nargs="+", metavar="FILE")
    _lazy(p.add_argument("--format", choices=_Choices(_import_formats), metavar="",
                         help="the files' format (default: recognised from the content)"))
    _lazy(p.add_argument("--on-duplicate", choices=_Choices(_on_duplicate), default="skip",
                         metavar="", help="what to do with a paper already in the library "
                                          "(default: skip)"))
    p.add_argument("--year", type=int, metavar="YEAR",
                   help="the year a profile listing was captured, for dates without one "
                        "(default: this year)")

    p = commands.add_parser("export", help="write papers as BibTeX, RIS, CSL-JSON, …")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--list", metavar="NAME", help="a reading list, in its order")
    scope.add_argument("--smart", metavar="NAME", help="a smart list")
    scope.add_argument("--query", metavar="Q", help="the papers a search finds")
    scope.add_argument("--keys", nargs="+", metavar="KEY", help="these papers")
    _lazy(p.add_argument("--format", required=True, choices=_Choices(_export_formats),
                         metavar=""))
    p.add_argument("--style", default="apa",
                   help="the CSL style of --format bibliography (apa, ieee, "
                        "chicago-author-date, harvard, nature, vancouver)")
    p.add_argument("--as", dest="output", choices=("text", "html", "markdown"),
                   default="text", help="what a formatted bibliography is written as")
    p.add_argument("--no-abstracts", action="store_true", help="leave abstracts out")
    p.add_argument("--notes", action="store_true", help="include notes (Markdown, HTML)")
    p.add_argument("--latex-escapes", action="store_true",
                   help="BibTeX: write accented letters as LaTeX escapes, not UTF-8")
    p.add_argument("-o", "--output-file", metavar="FILE", help="write here (default: stdout)")

    p = commands.add_parser("imports", help="list past imports (search import:N for one)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--undo", type=int, metavar="N",
                   help="remove the papers import N added (and anything done to them since)")

    p = commands.add_parser("duplicates", help="find papers that are in the library twice")
    p.add_argument("--merge", action="store_true",
                   help="merge the groups that are certain (same DOI, arXiv id, or title, "
                        "year and first author) into their oldest paper")

    p = commands.add_parser("search", help="search the library")
    p.add_argument("query", nargs="?", default="")
    p.add_argument("--sort", choices=SORTABLE, help="sort by this field")
    p.add_argument("--desc", action="store_true", help="sort in descending order")
    p.add_argument("--limit", type=int, default=None, metavar="N")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = commands.add_parser("show", help="show one paper")
    p.add_argument("key")
    p.add_argument("--json", action="store_true", help="print every field as JSON")

    tag = commands.add_parser("tag", help="add, remove, rename, delete or list tags")
    tags = tag.add_subparsers(dest="action", metavar="ACTION", required=True,
                              parser_class=_Parser)
    p = tags.add_parser("add", help="tag papers: tag add TAG KEY…")
    p.add_argument("tag")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p = tags.add_parser("remove", help="untag papers: tag remove TAG KEY…")
    p.add_argument("tag")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p = tags.add_parser("rename", help="rename a tag: tag rename OLD NEW")
    p.add_argument("old")
    p.add_argument("new")
    p = tags.add_parser("delete", help="delete a tag (the papers stay)")
    p.add_argument("tag")
    p = tags.add_parser("list", help="list tags with their counts")
    p.add_argument("--json", action="store_true")

    lst = commands.add_parser("list", help="create and fill reading lists")
    lists = lst.add_subparsers(dest="action", metavar="ACTION", required=True,
                               parser_class=_Parser)
    p = lists.add_parser("create", help="create a reading list: list create NAME")
    p.add_argument("name")
    p.add_argument("--description", default="")
    p = lists.add_parser("add", help="append papers: list add NAME KEY…")
    p.add_argument("name")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p = lists.add_parser("remove", help="take papers out: list remove NAME KEY…")
    p.add_argument("name")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p = lists.add_parser("show", help="the papers of a list, in order")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p = lists.add_parser("delete", help="delete a list (the papers stay)")
    p.add_argument("name")
    p = lists.add_parser("export-to", help="keep FILE up to date with the list: "
                                           "list export-to NAME FILE")
    p.add_argument("name")
    p.add_argument("file")
    _lazy(p.add_argument("--format", choices=_Choices(_export_formats), metavar="",
                         help="default: from the file's ending (.bib: biblatex, .json: "
                              "csljson, …)"))
    p = lists.add_parser("stop-export", help="stop keeping a file up to date with the list")
    p.add_argument("name")
    p = lists.add_parser("ls", help="every reading list with its count")
    p.add_argument("--json", action="store_true")

    note = commands.add_parser("note", help="add notes to papers")
    notes = note.add_subparsers(dest="action", metavar="ACTION", required=True,
                                parser_class=_Parser)
    p = notes.add_parser("add", help="note add KEY TEXT")
    p.add_argument("key")
    p.add_argument("text")

    commands.add_parser("backup", help="back the library up now; print where, and what "
                                       "the backup holds")
    commands.add_parser("backups", help="list the library's backups, newest first")
    p = commands.add_parser("restore", help="put a backup in the library's place (the "
                                            "file it replaces is kept beside it); without "
                                            "BACKUP, list the backups")
    p.add_argument("backup", nargs="?", metavar="BACKUP",
                   help="the number `papershelf backups` shows, or a backup's file")
    commands.add_parser("check", help="check the library for damage; rebuild its search "
                                      "index if it is stale (exit 1 if problems remain)")
    return parser


def _paper_json(library: Library, paper: Paper) -> dict[str, object]:
    return {
        "id": paper.id, "key": paper.key, "type": paper.entry_type, "title": paper.title,
        "authors": [a.display for a in paper.authors],
        "author_parts": [{"family": a.family, "given": a.given, "literal": a.literal}
                         for a in paper.authors],
        "et_al": paper.et_al, "date": paper.date, "year": paper.year, "venue": paper.venue,
        "volume": paper.volume, "number": paper.number, "pages": paper.pages,
        "publisher": paper.publisher, "doi": paper.doi, "arxiv": paper.arxiv,
        "url": paper.url, "code_url": paper.code_url, "category": paper.category,
        "score": paper.score, "status": paper.status, "rating": paper.rating,
        "abstract": paper.abstract, "extra": dict(paper.extra), "tags": list(paper.tags),
        "lists": list(paper.lists),
        "notes": [{"body": n.body, "created": n.created, "modified": n.modified}
                  for n in library.notes(paper.id)],
        "added": paper.added, "modified": paper.modified, "trashed": paper.deleted or None,
    }


def _ids(library: Library, keys: Sequence[str]) -> list[int]:
    return [library.paper_id(k) for k in keys]


class _Progress:
    """A one-line progress bar on stderr, only when a person is watching it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._shown = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self._shown and total:
            width = 30
            filled = width * done // total
            sys.stderr.write(f"\r{self._name} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{done}/{total}")
            sys.stderr.flush()

    def close(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")


def cmd_import(library: Library, args: argparse.Namespace) -> int:
    from db.importing import ReadOptions, import_read, read_file

    status = EXIT_OK
    options = ReadOptions(capture_year=args.year)
    for name in args.files:
        progress = _Progress(Path(name).name)
        try:
            read = read_file(Path(name), format=args.format, options=options)
            # Each file is its own transaction: Library.import_papers backs up before a
            # large one itself.
            summary = import_read(library, read, name, on_duplicate=args.on_duplicate,
                                  progress=progress)
        except FormatError as exc:
            _err(str(exc))
            status = EXIT_REJECTED
            continue
        finally:
            progress.close()
        for issue in summary.read.issues:
            _err(f"{issue} ({'warning' if issue.warning else 'skipped'})")
        _out(summary.describe())
        if summary.rejected:
            status = EXIT_REJECTED
    return status


def cmd_export(library: Library, args: argparse.Namespace) -> int:
    from db.exporting import export, resolve, write_atomic
    from db.formats import ExportOptions

    ids = resolve(library, list_name=args.list, query=args.query, keys=args.keys or (),
                  smart_list=args.smart)
    title = args.list or args.smart or ""
    description = library.reading_list(args.list).description if args.list else ""
    options = ExportOptions(unicode=not args.latex_escapes, abstracts=not args.no_abstracts,
                            notes=args.notes, title=title, description=description,
                            style=args.style, output=args.output)
    text = export(library, ids, args.format, options)
    if args.output_file:
        write_atomic(Path(args.output_file), text)
        _err(f"{len(ids)} papers written to {args.output_file}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_imports(library: Library, args: argparse.Namespace) -> int:
    if args.undo is not None:
        changes = library.undo_import(args.undo)
        _out(f"import:{args.undo} undone: {len(changes.removed)} papers removed")
        return EXIT_OK
    records = library.imports()
    if args.json:
        _out(json.dumps([vars(r) for r in records], ensure_ascii=False, indent=2))
        return EXIT_OK
    for r in records:
        _out(f"import:{r.id:<4} {r.at}  {r.format:<8} {r.added:>6} added {r.merged:>5} merged "
             f"{r.skipped:>5} skipped  {r.file}")
    return EXIT_OK


def cmd_duplicates(library: Library, args: argparse.Namespace) -> int:
    groups = library.find_duplicates()
    merged = 0
    if args.merge and any(group.high for group in groups):
        from db.backup import BEFORE_MERGE

        library.safeguard(BEFORE_MERGE)
    for group in groups:
        rows = library.rows(group.ids)
        certainty = "certain" if group.high else "possible"
        _out(f"{certainty}: {group.reason}; differs in {', '.join(group.differing) or 'nothing'}")
        for row in rows:
            _out(f"    {row.key}  {row.year or ''}  {row.title}")
        if args.merge and group.high:
            library.merge_papers(group.ids[0], group.ids[1:])
            merged += 1
    _err(f"{len(groups)} group(s) of duplicates" + (f"; {merged} merged" if args.merge else ""))
    return EXIT_OK


def cmd_search(library: Library, args: argparse.Namespace) -> int:
    ids = library.search(args.query, sort=args.sort, descending=args.desc, limit=args.limit)
    if args.json:
        papers = [library.paper(i) for i in ids]
        _out(json.dumps([
            {"key": p.key, "title": p.title, "authors": [a.display for a in p.authors],
             "et_al": p.et_al, "year": p.year, "venue": p.venue, "category": p.category,
             "tags": list(p.tags), "status": p.status, "rating": p.rating}
            for p in papers], ensure_ascii=False, indent=2))
        return EXIT_OK
    rows = library.rows(ids)
    width = max((len(row.key) for row in rows), default=0)
    for row in rows:
        year = str(row.year) if row.year else "    "
        _out(f"{row.key:<{width}}  {year}  {row.authors[:28]:<28}  {row.title}")
    _err(f"{len(ids)} of {library.count()} papers")
    return EXIT_OK


def cmd_show(library: Library, args: argparse.Namespace) -> int:
    paper = library.paper_by_key(args.key)
    if args.json:
        _out(json.dumps(_paper_json(library, paper), ensure_ascii=False, indent=2))
        return EXIT_OK
    data = _paper_json(library, paper)
    for name in ("key", "title", "authors", "date", "venue", "category", "doi", "arxiv",
                 "url", "code_url", "score", "status", "rating", "tags", "lists"):
        value = data[name]
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value) + (" et al." if name == "authors"
                                                        and paper.et_al else "")
        if value not in ("", None):
            _out(f"{name:>9}: {value}")
    if paper.abstract:
        _out("\n" + paper.abstract)
    for note in library.notes(paper.id):
        _out(f"\n— note, {note.modified} —\n{note.body}")
    return EXIT_OK


def cmd_tag(library: Library, args: argparse.Namespace) -> int:
    if args.action == "add":
        library.add_tags(_ids(library, args.keys), [args.tag])
    elif args.action == "remove":
        library.remove_tags(_ids(library, args.keys), [args.tag])
    elif args.action == "rename":
        library.rename_tag(args.old, args.new)
    elif args.action == "delete":
        library.delete_tag(args.tag)
    elif args.json:
        _out(json.dumps([{"name": t.name, "color": t.color, "count": t.count}
                         for t in library.tags()], ensure_ascii=False, indent=2))
    else:
        for tag in library.tags():
            _out(f"{tag.count:>6}  {tag.name}")
    return EXIT_OK


def cmd_list(library: Library, args: argparse.Namespace) -> int:
    if args.action == "create":
        library.create_list(args.name, args.description)
    elif args.action == "add":
        library.add_to_list(args.name, _ids(library, args.keys))
    elif args.action == "remove":
        library.remove_from_list(args.name, _ids(library, args.keys))
    elif args.action == "delete":
        library.delete_list(args.name)
    elif args.action == "export-to":
        from db import live
        from db.exporting import BY_EXTENSION

        target = Path(args.file)
        fmt = args.format or BY_EXTENSION.get(target.suffix.lower(), "biblatex")
        live.bind(library, target, fmt, list_name=args.name)
        _out(f"{args.name} is exported to {target} ({fmt}) after every change")
    elif args.action == "stop-export":
        from db import live

        for binding in live.live_exports(library):
            if binding.list_name.lower() == args.name.lower():
                live.unbind(library, binding.id)
    elif args.action == "show":
        ids = [item.paper_id for item in library.list_items(args.name)]
        rows = library.rows(ids)
        if args.json:
            _out(json.dumps([{"key": r.key, "title": r.title, "authors": r.authors,
                              "year": r.year} for r in rows], ensure_ascii=False, indent=2))
        else:
            width = max((len(row.key) for row in rows), default=0)
            for position, row in enumerate(rows, 1):
                _out(f"{position:>4}. {row.key:<{width}}  {row.title}")
    elif args.json:
        _out(json.dumps([{"name": r.name, "description": r.description, "count": r.count}
                         for r in library.lists()], ensure_ascii=False, indent=2))
    else:
        for reading_list in library.lists():
            _out(f"{reading_list.count:>6}  {reading_list.name}")
    return EXIT_OK


def cmd_note(library: Library, args: argparse.Namespace) -> int:
    library.add_note(library.paper_id(args.key), args.text)
    return EXIT_OK


def _cmd_backup(library: Library, args: argparse.Namespace) -> int:
    from desktop.cli_backups import cmd_backup

    return cmd_backup(library, args)


def _cmd_check(library: Library, args: argparse.Namespace) -> int:
    from desktop.cli_backups import cmd_check

    return cmd_check(library, args)


COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "import": cmd_import, "imports": cmd_imports, "duplicates": cmd_duplicates,
    "export": cmd_export,
    "search": cmd_search, "show": cmd_show, "tag": cmd_tag, "list": cmd_list,
    "note": cmd_note, "backup": _cmd_backup, "check": _cmd_check,
}

# Commands that only read fall back to read-only access while a window holds the library
# (or its file cannot be written). A backup reads; a check repairs only when it can.
READ_ONLY = {"search", "show", "export", "backup", "check"}
# Commands on the library's file, not on an open library: it may be the damaged one.
WITHOUT_LIBRARY = {"backups", "restore"}


def _report_bug(exc: BaseException) -> None:
    """Keep the details for a bug report; tell the user in one line where they are."""
    import logging
    import traceback

    from desktop.paths import log_path

    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(filename=path, level=logging.ERROR)
        logging.getLogger("papershelf").error(
            "".join(traceback.format_exception(exc)))
        where = f" Details were written to {path}."
    except OSError:
        where = ""
    _err(f"papershelf: an unexpected problem stopped this command "
         f"({type(exc).__name__}: {exc}).{where}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from desktop.selftest import run_self_test

        return run_self_test()
    if args.command in (None, "open"):
        from desktop.app import run_app

        return run_app(args.library, [Path(f) for f in getattr(args, "files", [])])
    from db.failures import DamagedLibraryError, NotWritableError
    from desktop import cli_backups
    from desktop.paths import chosen_library_path

    path = chosen_library_path(args.library)[0]
    if args.command not in READ_ONLY:
        cli_backups.warn_if_synced(path)
    if args.command in WITHOUT_LIBRARY:
        return cli_backups.without_library(path, args, _report_bug)
    from desktop.startup import open_library

    try:
        try:
            library = open_library(args.library)
        except (LibraryLockedError, NotWritableError):
            if args.command not in READ_ONLY:
                raise
            library = open_library(args.library, read_only=True)
    except NotALibraryError as exc:
        # Damaged, emptied, or not a library: what a restore can mend is said, not done.
        _err(f"papershelf: {exc}")
        hint = cli_backups.restore_hint(path, args, isinstance(exc, DamagedLibraryError))
        if hint:
            _err(hint)
        return EXIT_REJECTED
    except LibraryError as exc:
        _err(f"papershelf: {exc}")
        return EXIT_USAGE
    except Exception as exc:
        _report_bug(exc)
        return EXIT_USAGE
    status = _run(library, args)
    return max(status, cli_backups.close(library, _report_bug))


def _run(library: Library, args: argparse.Namespace) -> int:
    """Run the command on the open library: its status, and every failure in words."""
    from db.failures import plain_write_error

    try:
        status = COMMANDS[args.command](library, args)
        if args.command not in READ_ONLY:
            # Files bound to lists follow changes made here as they do in the window.
            from db import live

            live.refresh(library, None)
        return status
    except LibraryError as exc:
        _err(f"papershelf: {exc}")
        return EXIT_REJECTED
    except KeyboardInterrupt:
        _err("papershelf: interrupted; nothing was changed by the unfinished command.")
        return 130
    except BrokenPipeError:
        # The reader (`| head`) has seen enough: stop quietly, as other tools do.
        # Point stdout at nothing so that the interpreter's final flush cannot fail again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        plain = plain_write_error(exc)
        if plain is not None:
            _err(f"papershelf: {plain}")
            return EXIT_REJECTED
        _report_bug(exc)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
