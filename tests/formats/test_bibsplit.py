"""The fast BibTeX splitter and reading shortcuts give exactly what bibtexparser gives.

db.formats.bibsplit cuts well-formed text itself and hands anything else to bibtexparser;
the name, value and RIS shortcuts each stand for a slower general rule. Each is compared
here with what it replaces, on every file of the corpus and on generated text.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import split_multiple_persons_names
from hypothesis import given, settings
from hypothesis import strategies as st

from db.formats import Parsed, bibnames, bibsplit, bibtex, ris
from db.importing import decode

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _corpus(folder: str) -> list[Path]:
    if not (CORPUS / folder).is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    return sorted(p for p in (CORPUS / folder).iterdir() if p.is_file())


def _prepared(path: Path) -> str:
    text, _ = decode(path.read_bytes(), str(path))
    return bibtex._prepare(text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))


def _slow(text: str) -> list[bibsplit.RawBlock]:
    return bibsplit.from_bibtexparser(parse_string(text, parse_stack=[]).blocks)


def _summary(parsed: Parsed) -> object:
    records = [{f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
               | {"extra": sorted(r.extra.items())} for r in parsed.records]
    return records, parsed.lines, parsed.issues, parsed.blocks


def test_every_corpus_file_splits_into_bibtexparsers_blocks() -> None:
    fast = 0
    for path in _corpus("bib"):
        text = _prepared(path)
        found = bibsplit.split(text)
        if found is not None:
            fast += 1
            assert found == _slow(text), path.name
    assert fast >= 140  # all but the files with (…) blocks or damage bibtexparser recovers


def test_every_corpus_file_reads_the_same_with_either_splitter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = _corpus("bib")
    texts = {path: decode(path.read_bytes(), str(path))[0] for path in paths}
    fast = {path: _summary(bibtex.read(text, file=path.name)) for path, text in texts.items()}
    monkeypatch.setattr(bibsplit, "split", lambda text: None)
    for path, text in texts.items():
        assert _summary(bibtex.read(text, file=path.name)) == fast[path], path.name


# Pieces of BibTeX, good and bad, for generated files: nested and escaped braces, quotes
# and {"} in them, @ inside values and opening lines, line breaks after a backslash.
_PIECES = ("a", "b c", ",", "=", '"', "{", "}", "\\", "\\{", "\\}", '\\"', '{"}', "\n",
           "\\\n", " @ {x}", "@", "x@y", " and ", "\t", "#", "jan", "%", "(", ")", "\n  @",
           "\u00a0", "é", "{\\\"u}", "{{GPU}}")


def _value(rng: random.Random, depth: int = 0) -> str:
    inner = "".join(rng.choice(_PIECES) if rng.random() < 0.3 else
                    rng.choice(("word", " ", "x y")) for _ in range(rng.randint(0, 6)))
    kind = rng.randrange(4)
    if kind == 0:
        nested = _value(rng, depth + 1) if depth < 3 and rng.random() < 0.4 else ""
        return "{" + inner + nested + "}"
    if kind == 1:
        return '"' + inner + '"'
    if kind == 2:
        return str(rng.randint(0, 3000))
    return rng.choice(("jan", "foo", "a # {b}", '"x" # y'))


def _block(rng: random.Random) -> str:
    space = rng.choice(("", " ", "\n", "\n\n", " \t"))
    kind = rng.randrange(10)
    if kind == 0:
        return f"@string{{{space}name{space}={space}{_value(rng)}{space}}}"
    if kind == 1:
        return "@comment{" + _value(rng)[1:] + "}" if rng.random() < 0.5 else "@Comment{x {y} }"
    if kind == 2:
        return "@preamble{" + _value(rng) + "}"
    fields = [space + rng.choice(("title", "author", "Title", "year", "note", "")) +
              rng.choice(("", " ", "\n")) + "=" + rng.choice(("", " ", "\n ")) + _value(rng)
              for _ in range(rng.randint(0, 5))]
    body = rng.choice(("key", "k1", "", "a b")) + "," + ",".join(fields) + \
        rng.choice(("", ",", ",\n", "\n"))
    return rng.choice(("@article", "@Article ", "@misc", "@", "@book\t", "@inproceedings(")) \
        + "{" + body + "}"


def _text(seed: int) -> str:
    rng = random.Random(seed)
    parts = []
    for _ in range(rng.randint(1, 5)):
        parts.append(rng.choice(("", "\n", "junk text\n", "% comment\n", " ", "\\\n")))
        parts.append(_block(rng))
    return "".join(parts) + rng.choice(("", "\n", "tail", "@book{x,"))


@settings(max_examples=1500, deadline=None)
@given(st.integers(0, 2**32))
def test_generated_text_splits_into_bibtexparsers_blocks(seed: int) -> None:
    text = _text(seed)
    found = bibsplit.split(text)
    if found is not None:
        assert found == _slow(text), text


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32))
def test_generated_text_reads_the_same_with_either_splitter(seed: int) -> None:
    text = _text(seed)
    try:
        fast = _summary(bibtex.read(text))
    except Exception as error:  # a FormatError must be the same too
        fast = repr(error)
    original = bibsplit.split
    bibsplit.split = lambda text: None
    try:
        try:
            slow = _summary(bibtex.read(text))
        except Exception as error:
            slow = repr(error)
    finally:
        bibsplit.split = original
    assert fast == slow, text


def test_lines_count_as_bibtexparser_counts_them() -> None:
    # A line break after a backslash is no mark to bibtexparser: it does not count it.
    text = "@misc{a, note = {x\\\ny}}\n\n@misc{b,\n  title = {T}}\n@string{s = {v}}\n"
    found = bibsplit.split(text)
    assert found is not None and found == _slow(text)
    assert [block.line for block in found] == [1, 3, 5]


def test_what_the_fast_splitter_leaves_to_bibtexparser() -> None:
    for text in ("@misc(a, title = {T})",  # a (…) block
                 "@misc{a, title = {T}\n@misc{b, title = {U}}",  # unclosed before an @ line
                 "@misc{a title = {T}}",  # no comma after the key
                 "@misc{a, title = {T}"):  # the end of the text inside a block
        assert bibsplit.split(text) is None, text
    # Two fields with no comma between are one value to bibtexparser (the reader then
    # reports it): nothing to give up on.
    text = "@misc{a, title = {T} note = {U}}"
    assert bibsplit.split(text) == _slow(text)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["a", "and", "AND", " ", "  ", "{", "}", "\\", '\\"', "x",
                                 '{\\"u}', "an", "d", "~", "\\~n", "Smith", ", ", "\t",
                                 "é", "{and}", "\\{", "others"]), max_size=14))
def test_names_split_as_bibtexparser_splits_them(pieces: list[str]) -> None:
    raw = "".join(pieces)
    bibnames._names.cache_clear()
    text = bibnames._TILDE_ACCENT.sub(r"{\\~\1}", bibnames.squash(raw))
    expected = tuple(n.strip() for n in split_multiple_persons_names(text) if n.strip())
    assert bibnames._names(raw) == expected


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["{", "}", "\\", '"', "a", " ", "#", "jan", "\\{", "\\}",
                                 "\\\\", '{\\"u}', ","]), max_size=10))
def test_a_braced_value_evaluates_as_the_general_rule_does(pieces: list[str]) -> None:
    raw = "{" + "".join(pieces) + "}"
    if raw.count("{") == 1 and raw.count("}") == 1:
        return  # the older shortcut, unchanged
    # The general rule: the value is the group when the first brace closes at the end.
    closing = bibnames._closing(raw, 0)
    try:
        value = bibnames.evaluate(raw, {}, [])
    except ValueError:
        value = None
    if closing == len(raw) - 1:
        assert value == raw[1:-1]
    elif bibnames._ONE_GROUP.fullmatch(raw):
        pytest.fail(f"{raw!r} taken for one group")


def _rispy_group(records: list[ris._Record]) -> list[dict[str, list[str]]]:
    """What ris._group did through rispy: the records rewritten as text and read back."""
    tags = {tag for record in records for tag, _ in record.fields}
    mapping = {tag: tag for tag in tags} | rispy.TAG_KEY_MAPPING
    lines: list[str] = []
    for record in records:
        lines.append(f"TY  - {record.type}")
        lines.extend(f"{tag}  - {value}" for tag, value in record.fields)
        lines.append("ER  - ")
    grouped = []
    for entry in rispy.loads("\n".join(lines), mapping=mapping, enforce_list_tags=False):
        values = {}
        for name, value in entry.items():
            items = [item.strip() for item in (value if isinstance(value, list) else [value])]
            if name != "type_of_reference" and any(items):
                values[name] = [item for item in items if item]
        grouped.append(values)
    return grouped


def test_ris_records_group_as_rispy_groups_them() -> None:
    for path in _corpus("ris"):
        text, _ = decode(path.read_bytes(), str(path))
        records = ris._split(text, str(path), [])
        assert ris._group(records) == _rispy_group(records), path.name


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.tuples(
    st.sampled_from(["AU", "A1", "TI", "T1", "UR", "KW", "N1", "AB", "PY", "UK", "XY", "ID",
                     "SP", "DO", "T2"]),
    st.sampled_from(["", "a", "b; c", ";x;", "Smith, J", "http://a;http://b", ";", "v"])),
    max_size=8), min_size=1, max_size=4))
def test_generated_ris_records_group_as_rispy_groups_them(
    fields: list[list[tuple[str, str]]],
) -> None:
    records = [ris._Record(1, "JOUR", [(tag, value.strip()) for tag, value in record])
               for record in fields]
    assert ris._group(records) == _rispy_group(records)
