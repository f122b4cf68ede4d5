"""The article registry: every ID the software cites resolves, aliases normalise, unknowns fail."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from vigil.errors import ValidationError
from vigil.regulation import (
    ARTICLE_COUNT,
    ARTICLE_ID_PATTERN,
    ARTICLES,
    FORBIDDEN_LOCATIONS,
    MISCONDUCT,
    SITE_CATEGORIES,
    VIOLATIONS,
    article,
    children,
    is_valid_article_id,
    normalise_article_id,
)

from ._source import SOURCES, Source, article_items, article_text, chinese_number

ROOT = Path(__file__).resolve().parents[2]
VIGIL = ROOT / "vigil"
REGULATION = VIGIL / "regulation"
STATIC = VIGIL / "site" / "static"
CITATION = re.compile(r"(?<![A-Za-z0-9_])[AN]\d{1,2}(?:\.\d{1,2})*(?:\(\d{1,2}\))?")

# The IDs the brief (ARTICLES.md) names; each must be registered in canonical form.
BRIEF_IDS = (
    [f"A{n}" for n in range(1, 29)]
    + [f"A8({i})" for i in range(1, 6)]
    + ["A9.1", "A9.2", "A9.3", "A13.1", "A13.2", "A13.3"]
    + [f"A16({i})" for i in range(1, 5)]
    + ["A17.1", "A17.2", "A17.2(1)", "A17.2(2)", "A17.2(3)"]
    + [f"A18({i})" for i in range(1, 4)]
    + [f"A22({i})" for i in range(1, 6)]
    + [f"A24({i})" for i in range(1, 7)]
    + ["A26(1)", "A26(2)"]
    + [f"A27({i})" for i in range(1, 6)]
    + [f"A7({i})" for i in range(1, 15)]
    + [f"N{n}" for n in range(1, 35)]
)


@pytest.mark.parametrize("article_id", BRIEF_IDS)
def test_every_cited_id_is_registered(article_id: str) -> None:
    assert is_valid_article_id(article_id)
    found = article(article_id)
    assert found.id == article_id
    assert found.zh and found.en


def test_registry_covers_exactly_the_28_articles() -> None:
    assert ARTICLE_COUNT == 28
    assert {a.number for a in ARTICLES.values() if a.law == "A"} == set(range(1, 29))
    assert {a.law for a in ARTICLES.values()} == {"A", "N"}
    assert "A29" not in ARTICLES


def test_every_registered_id_is_canonical_and_has_its_parent() -> None:
    for article_id, entry in ARTICLES.items():
        assert ARTICLE_ID_PATTERN.match(article_id), article_id
        assert normalise_article_id(article_id) == article_id
        if entry.parent_id is not None:
            assert entry.parent_id in ARTICLES, article_id


def test_items_and_paragraphs_are_parsed() -> None:
    item = article("A17.2(3)")
    assert (item.number, item.paragraph, item.item) == (17, 2, 3)
    assert item.parent_id == "A17.2"
    assert article("A17.2").parent_id == "A17"
    assert article("A8(1)").parent_id == "A8"
    assert article("A8").parent_id is None
    assert [a.id for a in children("A8")] == [f"A8({i})" for i in range(1, 6)]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("A16.4", "A16(4)"),  # single-paragraph article: the dot names an item
        ("A16.3", "A16(3)"),
        ("A16.1(4)", "A16(4)"),
        ("a16(4)", "A16(4)"),
        ("A17.2.2", "A17.2(2)"),
        (" A17.2 (2) ", "A17.2(2)"),
        ("A22.1(3)", "A22(3)"),  # items of the first paragraph carry no paragraph
        ("A22.2", "A22.2"),  # ... but A22 has a second paragraph, which stays one
        ("A7.2", "A7.2"),
        ("A13.2", "A13.2"),
        ("A28", "A28"),
    ],
)
def test_aliases_normalise_to_canonical_ids(written: str, canonical: str) -> None:
    assert normalise_article_id(written) == canonical
    assert article(written).id == canonical


@pytest.mark.parametrize(
    "written", ["A29", "A0", "A13.4", "A13.2(1)", "A8(6)", "A17.3", "13.2", "B13", "", "A8.6"]
)
def test_unknown_ids_are_refused_with_a_clear_error(written: str) -> None:
    assert not is_valid_article_id(written)
    with pytest.raises(ValidationError) as caught:
        article(written)
    assert caught.value.field == "article"
    assert "not an article" in caught.value.message


def test_aliases_are_not_valid_stored_ids() -> None:
    assert not is_valid_article_id("A16.4")
    assert not is_valid_article_id("a13.2")
    assert is_valid_article_id("A16(4)")


def _string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_every_id_in_regulation_data_is_canonical_and_registered() -> None:
    cited: set[str] = set()
    for category in SITE_CATEGORIES.values():
        cited.add(category.article)
    cited.update(place.article for place in FORBIDDEN_LOCATIONS.values())
    for violation in VIOLATIONS.values():
        cited.add(violation.article)
        cited.update(violation.breaches)
    for misconduct in MISCONDUCT.values():
        cited.add(misconduct.article)
        cited.update(misconduct.breaches)
    assert len(cited) > 20
    unknown = sorted(c for c in cited if not is_valid_article_id(c))
    assert unknown == []


def test_every_string_that_is_an_id_in_regulation_code_is_canonical() -> None:
    """A string literal consisting of an article ID (as in `article="A9.3"`) is stored
    as is, so it must be in canonical form."""
    bad = []
    for path in sorted(REGULATION.glob("*.py")):
        for value in _string_constants(path):
            if CITATION.fullmatch(value) and not is_valid_article_id(value):
                bad.append(f"{path.name}: {value!r}")
    assert bad == []


def test_every_citation_anywhere_in_vigil_resolves() -> None:
    """Prose may use aliases (A16.4), but every citation must name a registered article."""
    seen = 0
    bad = []
    for path in sorted(VIGIL.rglob("*.py")):
        for match in CITATION.finditer(path.read_text(encoding="utf-8")):
            seen += 1
            try:
                normalise_article_id(match.group())
            except ValidationError:
                bad.append(f"{path.relative_to(VIGIL)}: {match.group()}")
    assert seen > 50
    assert bad == []


def test_article_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        article("A8").zh = "x"  # type: ignore[misc]


# --- citations people read: the console's JavaScript, the docs, the code's prose ----------------

ZH_CITATION = re.compile(
    r"(《条例》)?第([一二三四五六七八九十]+)条(?:第([一二三四五六七八九十]+)款)?"
    r"(?:第[（(]([一二三四五六七八九十]+)[）)]项)?"
)
"""A Chinese citation: 第十七条第二款第（二）项 = A17.2(2); 第十六条第（四）项 = A16(4);
《条例》第十四条 = N14 (the national regulation is named before its article)."""

ALIAS_DOC = REGULATION / "articles.py"
"""The one file that writes aliases on purpose: it documents how they normalise."""


def _cited_files() -> list[Path]:
    return sorted(
        [
            *VIGIL.rglob("*.py"),
            *STATIC.rglob("*.js"),
            *STATIC.rglob("*.html"),
            *(ROOT / "docs").rglob("*.md"),
            ROOT / "README.md",
        ]
    )


def zh_citation_id(match: re.Match[str]) -> str:
    """The canonical ID a Chinese citation names (items of a first paragraph carry none)."""
    law = "N" if match.group(1) else "A"
    number = chinese_number(match.group(2))
    paragraph = chinese_number(match.group(3)) if match.group(3) else None
    item = chinese_number(match.group(4)) if match.group(4) else None
    out = f"{law}{number}"
    if paragraph is not None and not (paragraph == 1 and item is not None):
        out += f".{paragraph}"
    if item is not None:
        out += f"({item})"
    return out


def test_zh_citations_are_read_as_canonical_ids() -> None:
    def read(text: str) -> str:
        match = ZH_CITATION.search(text)
        assert match is not None
        return zh_citation_id(match)

    assert read("第十七条第二款第（二）项") == "A17.2(2)"
    assert read("第十六条第（四）项") == "A16(4)"
    assert read("第十六条第四款") == "A16.4"  # the wrong reading: A16 has one paragraph
    assert read("第二十二条第一款第（三）项") == "A22(3)"
    assert not is_valid_article_id(read("第十六条第一款"))
    assert read("《条例》第十六条第二款第（三）项") == "N16.2(3)"
    assert read("《条例》第三十四条") == "N34"


def test_every_citation_people_read_is_canonical() -> None:
    """The console, the docs and the code cite `A16(4)` (第十六条第（四）项), never an alias
    such as `A16.4`, which the console would print as 第十六条第四款, a paragraph A16 lacks."""
    seen = {"js": 0, "md": 0, "py": 0, "zh": 0}
    bad = []
    for path in _cited_files():
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        kind = path.suffix.lstrip(".") if path.suffix in (".js", ".md") else "py"
        for match in CITATION.finditer(text):
            seen[kind] += 1
            if path != ALIAS_DOC and not is_valid_article_id(match.group()):
                bad.append(f"{where}: {match.group()}")
        for match in ZH_CITATION.finditer(text):
            seen["zh"] += 1
            if not is_valid_article_id(zh_citation_id(match)):
                bad.append(f"{where}: {match.group()} (= {zh_citation_id(match)})")
    assert seen["js"] > 20 and seen["md"] > 50 and seen["py"] > 50 and seen["zh"] > 20, seen
    assert bad == []


@pytest.mark.parametrize("source", SOURCES)
def test_a16_is_one_paragraph_of_four_items(source: Source) -> None:
    """A16 has no second paragraph: its four measures are items 第（一）项 … 第（四）项."""
    items = article_items(source, 16)
    assert sorted(items) == [1, 2, 3, 4]
    assert len(source[16]) == 5  # the lead-in and the four items
    assert [a.id for a in children("A16")] == [f"A16({i})" for i in range(1, 5)]
    assert not any(a.startswith("A16.") for a in ARTICLES)
    assert "安全运行责任" in items[2] and "安全运行责任" in article("A16(2)").zh
    assert "保密" not in article("A16(2)").zh


@pytest.mark.parametrize("source", SOURCES)
def test_a11_covers_new_rebuilt_and_expanded_works(source: Source) -> None:
    assert "新建、改建、扩建" in article_text(source, 11)
    assert "新建、改建、扩建" in article("A11").zh
    assert "expanded" in article("A11").en
