"""README is the user's manual: every search prefix and every command must be in it."""

from __future__ import annotations

import argparse

import pytest

from db.fields import HAS, IN_PLACES, SEARCH_PREFIXES, SORTABLE
from desktop.cli import build_parser
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


@pytest.mark.parametrize("prefix", SEARCH_PREFIXES)
def test_every_search_prefix_is_documented(prefix: str) -> None:
    assert f"`{prefix}:" in README


@pytest.mark.parametrize("word", [f"has:{h}" for h in HAS] + [f"in:{p}" for p in IN_PLACES
                                                              if p != "library"])
def test_every_has_and_in_word_is_documented(word: str) -> None:
    assert f"`{word}`" in README


def test_every_sort_field_is_documented() -> None:
    text = " ".join(README.split())  # however the paragraph is wrapped
    listed = text.split("sorts by any of:")[1].split(".")[0]
    missing = [name for name in SORTABLE if name not in listed.replace(",", " ").split()]
    assert missing == []


def _commands(parser: argparse.ArgumentParser, prefix: str = "papershelf") -> list[str]:
    found: list[str] = []
    for action in parser._actions:  # argparse keeps no public list of subcommands
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"{prefix} {name}")
                found += _commands(sub, f"{prefix} {name}")
    return found


def test_every_command_is_documented() -> None:
    commands = _commands(build_parser())
    assert "papershelf tag rename" in commands
    # A table row may name sibling commands without repeating "papershelf".
    missing = [c for c in commands
               if f"`{c}" not in README and f"`{c.removeprefix('papershelf ')} " not in README]
    assert missing == []


@pytest.mark.parametrize("prefix", SEARCH_PREFIXES)
def test_the_in_app_search_help_names_every_prefix(prefix: str) -> None:
    from desktop.dialogs.help import search_help_text

    assert f"{prefix}:" in search_help_text()


def test_every_screenshot_the_readme_shows_exists() -> None:
    import re

    shown = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert len(shown) >= 4
    assert [s for s in shown if not (REPO / s).is_file()] == []
