"""Which format a text is: each sniffer claims its own format and nothing else, and an
import without a format given recognises each sample as the user would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from db import importing
from db.errors import FormatError
from db.formats import csljson, idlist, ris

REPO = Path(__file__).resolve().parents[2]
PROFILE = REPO / "resources" / "sample" / "kai-yi-profile.txt"

# The sniffers whose edge cases these are (BibTeX's and the profile's have their own).
SNIFFERS: dict[str, Callable[[str], bool]] = {
    "csljson": csljson.sniff, "ris": ris.sniff, "ids": idlist.sniff,
}

# name → (text, the format it is; None for none)
SAMPLES: dict[str, tuple[str, str | None]] = {
    "ris": ("TY  - JOUR\r\nTI  - T\r\nER  - \r\n", "ris"),
    "ris with unix line ends": ("TY  - JOUR\nTI  - T\nER  - \n", "ris"),
    "ris after a header": ("Record #1 of 2\nProvider: X\n\nTY  - JOUR\nER  -\n", "ris"),
    "ris with a doi": ("TY  - JOUR\nDO  - 10.1000/xyz\nER  - \n", "ris"),
    "csl-json array": ('\ufeff[\n  {"id": "a", "type": "book"}\n]', "csljson"),
    "csl-json object": ('{"title": "T", "author": []}', "csljson"),
    "csl-json with ris in a title": ('[{"id": "a", "type": "book", "title": "TY  - JOUR"}]',
                                     "csljson"),
    "csl-json with a doi": ('[{"id": "a", "DOI": "10.1000/xyz"}]', "csljson"),
    "other json": ('{"name": "x", "version": 2}', None),
    "dois": ("10.1000/xyz\n10.1000/abc\n", "ids"),
    "ids with comments": ("# mine\n10.1000/xyz\n\narXiv:2206.05437  # later\n", "ids"),
    "one old arxiv id": ("hep-th/9901001", "ids"),
    "a doi and an arxiv id": ("10.1000/xyz\narXiv:2206.05437\n", "ids"),
    "ids commented out": ("# 10.1000/xyz\n", None),
    "bibtex with ris in a title": ("@article{x,\n  title = {TY  - JOUR},\n}\n", "bibtex"),
    "bibtex with json in a title": ('@article{x,\n  title = {"title": "T"},\n}\n', "bibtex"),
    "bibtex with a doi": ("@article{x,\n  doi = {10.1000/xyz},\n}\n", "bibtex"),
    "prose about ris": ("We read RIS files.\nThey start with TY.\n", None),
    "prose about json": ('We read JSON such as {"title": "T"}.\n', None),
    "prose with a doi": ("See the paper at\n10.1000/xyz\nfor details.\n", None),
    "empty": ("", None),
}


@pytest.mark.parametrize("sniffer", sorted(SNIFFERS))
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sniffer_claims_its_own_format_and_nothing_else(name: str, sniffer: str) -> None:
    text, format = SAMPLES[name]
    assert SNIFFERS[sniffer](text) is (format == sniffer)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_an_import_recognises_each_sample(name: str) -> None:
    text, format = SAMPLES[name]
    if format is None:
        with pytest.raises(FormatError, match="cannot tell what format"):
            importing.sniff(text, "sample")
    else:
        assert importing.sniff(text, "sample") == format


def test_a_profile_listing_is_none_of_them() -> None:
    text = PROFILE.read_text(encoding="utf-8")
    assert [name for name, sniff in SNIFFERS.items() if sniff(text)] == []
    assert importing.sniff(text, PROFILE.name) == "profile"
