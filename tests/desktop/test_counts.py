"""Counts read as the user's locale writes numbers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale

from desktop.counts import number, plural


@pytest.fixture
def locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


@pytest.mark.parametrize(("language", "country", "million"), [
    (QLocale.Language.English, QLocale.Country.UnitedStates, "1,000,000"),
    (QLocale.Language.German, QLocale.Country.Germany, "1.000.000"),
    (QLocale.Language.C, QLocale.Country.AnyCountry, "1000000"),
])
def test_large_counts_group_their_digits_as_the_locale_does(
        locale: None, language: QLocale.Language, country: QLocale.Country,
        million: str) -> None:
    QLocale.setDefault(QLocale(language, country))
    assert number(1_000_000) == million
    assert plural(1_000_000) == f"{million} papers"
    assert number(999) == "999"


def test_one_paper_many_papers(locale: None) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert plural(1) == "1 paper"
    assert plural(0) == "0 papers"
    assert plural(2, "tag") == "2 tags"
    assert plural(12_345, "note") == "12,345 notes"
