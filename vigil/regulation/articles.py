"""The registry of article IDs: what the code, tests and docs may cite, and how to read one.

Canonical form (the only form stored anywhere):

- `A13`       article 13
- `A13.2`     article 13, paragraph 2
- `A8(1)`     article 8, item 1 — items of an article's *first* paragraph carry no paragraph
- `A17.2(3)`  article 17, paragraph 2, item 3
- `N14`, `N8(1)`, `N16.2(3)`  the same scheme for the national regulation of 2025 (`N`)

`normalise_article_id` also accepts the spellings people write: lower case and spaces
(`a 13.2`), an explicit first paragraph (`A22.1(3)` → `A22(3)`), dots for items
(`A17.2.2` → `A17.2(2)`), and, for an article whose only paragraph is a list of items,
a dot for the item (`A16.4` → `A16(4)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from vigil.errors import ValidationError
from vigil.regulation.article_texts import ARTICLE_TEXTS
from vigil.regulation.national_texts import NATIONAL_TEXTS

ARTICLE_COUNT = 28
"""The measures have 28 articles (A28 is the last: entry into force)."""

NATIONAL_ARTICLE_COUNT = 34
"""The national regulation has 34 articles (N34 is the last: entry into force)."""

ARTICLE_ID_PATTERN = re.compile(r"^([AN])([1-9][0-9]?)(?:\.([1-9]))?(?:\(([1-9][0-9]?)\))?$")
"""The canonical syntax: groups are the text (`A` the measures, `N` the national
regulation), article, paragraph (optional), item (optional)."""

_LOOSE_PATTERN = re.compile(
    r"^([AN])([0-9]+)(?:\.([0-9]+))?(?:(?:\(([0-9]+)\))|(?:\.([0-9]+)))?$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Article:
    """One citable unit of a legal text: an article, a paragraph or an item."""

    id: str
    number: int
    paragraph: int | None
    item: int | None
    zh: str
    en: str

    @property
    def law(self) -> str:
        """`A` for the provincial measures, `N` for the national regulation."""
        return self.id[0]

    @property
    def parent_id(self) -> str | None:
        """The enclosing unit's ID (`A17.2(3)` → `A17.2`, `A8(1)` → `A8`), or None."""
        if self.item is not None:
            return f"{self.law}{self.number}" + (f".{self.paragraph}" if self.paragraph else "")
        if self.paragraph is not None:
            return f"{self.law}{self.number}"
        return None

    def __str__(self) -> str:
        return f"{self.id} {self.zh} — {self.en}"


def _parse(article_id: str) -> tuple[int, int | None, int | None]:
    match = ARTICLE_ID_PATTERN.match(article_id)
    if match is None:
        raise ValueError(f"not a canonical article id: {article_id!r}")
    _law, number, paragraph, item = match.groups()
    return (
        int(number),
        int(paragraph) if paragraph else None,
        int(item) if item else None,
    )


def _build() -> MappingProxyType[str, Article]:
    registry: dict[str, Article] = {}
    for article_id, zh, en in (*ARTICLE_TEXTS, *NATIONAL_TEXTS):
        if article_id in registry:
            raise ValueError(f"duplicate article id {article_id}")
        number, paragraph, item = _parse(article_id)
        registry[article_id] = Article(article_id, number, paragraph, item, zh, en)
    return MappingProxyType(registry)


ARTICLES: MappingProxyType[str, Article] = _build()
"""Every citable ID, canonical form → `Article`: the measures in their order, then the
national regulation in its order."""


def is_valid_article_id(article_id: str) -> bool:
    """True if `article_id` is in canonical form *and* in the registry (aliases are not)."""
    return article_id in ARTICLES


def _has_paragraphs(law: str, number: int) -> bool:
    prefix = f"{law}{number}."
    return any(key.startswith(prefix) for key in ARTICLES)


def _unknown(text: str, field: str) -> ValidationError:
    return ValidationError(
        f"{text!r} is not an article of the measures or the national regulation that "
        "Vigil cites; write it like A13.2, A8(1), A17.2(3) or N17",
        field=field,
    )


def normalise_article_id(text: str, *, field: str = "article") -> str:
    """The canonical ID for `text`, accepting common spellings (see the module doc).

    Raises `ValidationError` (with `field`) if `text` names no registered article.
    """
    match = _LOOSE_PATTERN.match(text.replace(" ", "").strip())
    if match is None:
        raise _unknown(text, field)
    law_s, number_s, paragraph_s, item_paren, item_dot = match.groups()
    law = law_s.upper()
    number = int(number_s)
    paragraph = int(paragraph_s) if paragraph_s is not None else None
    item_s = item_paren if item_paren is not None else item_dot
    item = int(item_s) if item_s is not None else None

    candidates: list[str] = []
    if item is None and paragraph is None:
        candidates.append(f"{law}{number}")
    elif item is None:
        candidates.append(f"{law}{number}.{paragraph}")
        if not _has_paragraphs(law, number):
            # A16.4: the article has a single paragraph, so the number is an item.
            candidates.append(f"{law}{number}({paragraph})")
    elif paragraph is None or paragraph == 1:
        candidates.append(f"{law}{number}({item})")
    else:
        candidates.append(f"{law}{number}.{paragraph}({item})")

    for candidate in candidates:
        if candidate in ARTICLES:
            return candidate
    raise _unknown(text, field)


def article(article_id: str) -> Article:
    """The registered `Article` for an ID (aliases accepted); `ValidationError` if unknown."""
    return ARTICLES[normalise_article_id(article_id)]


def children(article_id: str) -> tuple[Article, ...]:
    """The paragraphs and items directly under `article_id` (e.g. `A8` → `A8(1)`..`A8(5)`)."""
    parent = normalise_article_id(article_id)
    return tuple(a for a in ARTICLES.values() if a.parent_id == parent)
