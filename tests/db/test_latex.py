"""LaTeX in titles and abstracts made readable: the cases, the shipped sample, random input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.latex import readable

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample" / "kai-yi-profile.txt"
# Inline math as it appears in the sample; a span never contains a "$".
INLINE_MATH = re.compile(r"\$[^$]*\$")


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        # accents and letters
        (r"\'{a}", "á"),
        (r"\"o", "ö"),
        (r"{\"u}", "ü"),
        (r"\c{c}", "ç"),
        (r"\v{s}", "š"),
        (r"\ss", "ß"),
        (r"{\o}", "ø"),
        (r"Richt\'{a}rik and G\"odel", "Richtárik and Gödel"),
        # emphasis and fonts
        (r"a \emph{H}ierarchical model", "a Hierarchical model"),
        (r"{\em local training (LT)} paradigm", "local training (LT) paradigm"),
        (r"\textbf{x}", "x"),
        (r"\textit{x}", "x"),
        (r"planck \texttt{Commander} 2018", "planck Commander 2018"),
        (r"\textcolor{blue}{important}", "important"),
        # links
        (r"\url{https://github.com/wx-zhang/IGCZSL}", "https://github.com/wx-zhang/IGCZSL"),
        (r"\url{https://x.org/~me/a_b%20c}", "https://x.org/~me/a_b%20c"),
        (r"\url{https://x.org/a\_b}", "https://x.org/a_b"),
        (r"\href{https://kaiyi.me}{our page}", "our page (https://kaiyi.me)"),
        # escaped and bare specials
        (r"3-7\%", "3-7%"),
        (r"\&", "&"),
        (r"\_", "_"),
        (r"\#", "#"),
        (r"up to 74% less, \emph{really}", "up to 74% less, really"),
        (r"Wanda & RIA, {\em pruned}", "Wanda & RIA, pruned"),
        # quotes, dashes, ties
        ("``quotes''", "“quotes”"),
        ('``batch"', "“batch”"),
        ('to ``squeeze more juice" out', "to “squeeze more juice” out"),
        ("pages 3--5, {GNN}s", "pages 3–5, GNNs"),
        ("autoencoder --- {CosmoVAE}", "autoencoder — CosmoVAE"),
        ("Fig.~3", "Fig. 3"),
        # math is kept as written
        (r"$\mathbb{S}^2$", r"$\mathbb{S}^2$"),
        (r"The 5${}^{\rm th}$ generation", r"The 5${}^{\rm th}$ generation"),
        (r"at $\leq 2$ bits", r"at $\leq 2$ bits"),
        (r"\emph{so} \(x^2\)", r"so \(x^2\)"),
        (r"$\textit{de novo}$ and \textit{de novo}", r"$\textit{de novo}$ and de novo"),
        # capitalisation braces and unknown macros
        ("{GNN}s", "GNNs"),
        (r"\foo{bar}", "bar"),
        (r"a \unknownmacro b", "a b"),
        # malformed input degrades instead of raising
        ("a { b", "a  b"),
        ("a } b", "a  b"),
        ("a \\", "a"),
        (r"\href", ""),
        (r"\url", ""),
        (r"\title", ""),
        (r"\verb", ""),
        (r"\input{/etc/passwd}", ""),
    ],
)
def test_converts(latex: str, expected: str) -> None:
    assert readable(latex) == expected


@pytest.mark.parametrize(
    "plain",
    [
        "Richtárik (2022) and Malinovsky",
        "3-7% better, 74% less",
        "https://github.com/wx_zhang/some_repo_name",
        'a human\'s lifetime; "quoted" text',
        "ImageNet-21K-P, 2-hops -- and 3-hops",  # "--" alone is not taken for LaTeX
        "",
        "  spaced   out \n lines ",
    ],
)
def test_plain_text_passes_through_identical(plain: str) -> None:
    assert readable(plain) is plain


def _sample_abstracts() -> list[str]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if len(line) > 200]


def test_sample_has_the_expected_abstracts() -> None:
    assert len(_sample_abstracts()) == 33


@pytest.mark.parametrize("abstract", _sample_abstracts())
def test_sample_abstract_keeps_math_and_leaves_no_backslash(abstract: str) -> None:
    text = readable(abstract)
    for span in INLINE_MATH.findall(abstract):
        assert span in text
    assert "\\" not in INLINE_MATH.sub("", text)
    assert "{" not in INLINE_MATH.sub("", text)


def test_sample_abstracts_read_naturally() -> None:
    text = " ".join(readable(abstract) for abstract in _sample_abstracts())
    assert (
        "by 3-7%. The code has been made available here https://github.com/wx-zhang/IGCZSL" in text
    )
    assert "We propose a Hierarchical Graphical knowledge Representation framework" in text
    assert "based on the local training (LT) paradigm" in text
    assert "ability. However, its large model size" in text
    assert "to “squeeze more juice” out of each cohort" in text
    assert "autoencoder — CosmoVAE" in text
    assert "Planck Commander 2018" in text


LATEXISH = st.text(
    alphabet=st.sampled_from("\\{}$~`'\"%&#_^-[]() \nabé"),
    max_size=60,
)
FRAGMENTS = st.lists(
    st.sampled_from(
        [
            *("\\", "{", "}", "$", "$$", "\\(", "\\)", "\\[", "\\]", "%", "&", "~", "``", "''"),
            *("\\emph", "\\url", "\\href", "\\textcolor", "\\verb", "\\title", "\\footnote"),
            *("\\begin", "\\end", "{array}", "{equation}", "\\item", "\\input", "\\c", "\\'"),
            *("\\frac", "\\today", "\\maketitle", "\\newcommand", "text", " "),
        ]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), LATEXISH, FRAGMENTS))
def test_never_raises(text: str) -> None:
    assert isinstance(readable(text), str)
