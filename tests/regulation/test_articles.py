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

VIGIL = Path(__file__).resolve().parents[2] / "vigil"
REGULATION = VIGIL / "regulation"
CITATION = re.compile(r"(?<![A-Za-z0-9_])A\d{1,2}(?:\.\d{1,2})*(?:\(\d{1,2}\))?")

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
)


@pytest.mark.parametrize("article_id", BRIEF_IDS)
def test_every_cited_id_is_registered(article_id: str) -> None:
    assert is_valid_article_id(article_id)
    found = article(article_id)
    assert found.id == article_id
    assert found.zh and found.en


def test_registry_covers_exactly_the_28_articles() -> None:
    assert ARTICLE_COUNT == 28
    assert {a.number for a in ARTICLES.values()} == set(range(1, 29))
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
