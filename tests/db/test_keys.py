"""Citation keys stay put: titles edited, files re-imported, patterns previewed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from db.citekeys import check_pattern
from db.errors import LibraryError
from db.importing import ReadOptions, import_file
from db.library import Library
from desktop.paths import sample_listing


def keys(library: Library) -> list[str]:
    return [library.paper(i).key for i in sorted(library.search(""))]


def test_keys_survive_edits_reimports_and_a_pattern_not_applied(library: Library) -> None:
    import_file(library, sample_listing(), options=ReadOptions(capture_year=2025))
    before = keys(library)
    assert before[0] == "wangAcmpAllenCahn2022"
    import_file(library, sample_listing(), options=ReadOptions(capture_year=2025))
    assert keys(library) == before
    first = sorted(library.search(""))[0]
    library.update_paper(first, title="A different title altogether")
    assert keys(library) == before
    preview = library.rekey_preview("[auth][year]")
    assert len(preview) == 33 and preview[0][1:] == ("wangAcmpAllenCahn2022", "Wang2022")
    assert keys(library) == before
    assert library.key_pattern() == "[auth:lower][shorttitle3_3][year]"


def test_applying_a_pattern_keeps_old_keys_as_aliases(library: Library) -> None:
    import_file(library, sample_listing(), options=ReadOptions(capture_year=2025))
    library.apply_key_pattern("[auth][year]")
    new = keys(library)
    assert new[0] == "Wang2022" and len(set(k.lower() for k in new)) == 33
    acmp = library.paper_id("wangAcmpAllenCahn2022")
    assert library.paper(acmp).key == "Wang2022"
    assert library.aliases(acmp) == ("wangAcmpAllenCahn2022",)
    assert library.rekey_preview("[auth][year]") == []
    assert library.key_pattern() == "[auth][year]"
    added = library.add_paper(replace(library.paper(acmp), key="")).created_id
    assert added is not None and library.paper(added).key.startswith("Wang2022")


def test_a_key_edited_by_hand_keeps_the_old_one(library: Library) -> None:
    import_file(library, sample_listing(), options=ReadOptions(capture_year=2025))
    acmp = library.paper_id("wangAcmpAllenCahn2022")
    library.update_paper(acmp, key="acmp")
    assert library.aliases(acmp) == ("wangAcmpAllenCahn2022",)
    library.update_paper(acmp, key="wangAcmpAllenCahn2022")
    assert library.aliases(acmp) == ("acmp",)


@pytest.mark.parametrize(("pattern", "problem"), [
    ("[auth][year]", None), ("[auth:lower]_[shorttitle2_2]", None),
    ("nofields", "needs at least one field"), ("[colour]", "unknown key field"),
    ("[auth] [year]", "may hold only"),
])
def test_patterns_are_checked(library: Library, pattern: str, problem: str | None) -> None:
    found = check_pattern(pattern)
    assert (found is None) if problem is None else (found is not None and problem in found)
    if problem:
        with pytest.raises(LibraryError):
            library.rekey_preview(pattern)
