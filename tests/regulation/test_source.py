"""The embedded copy of the measures agrees with the source file, and the parser reads it."""

from __future__ import annotations

import pytest

from ._source import EMBEDDED, article_items, chinese_number, parse_measures, source_articles


@pytest.mark.skipif(source_articles() is None, reason="measures.zh.txt absent")
def test_embedded_copy_matches_the_measures_file() -> None:
    parsed = source_articles()
    assert parsed is not None
    assert sorted(parsed) == list(range(1, 29))
    for number, lines in EMBEDDED.items():
        assert parsed[number] == lines, f"embedded article {number} differs from the file"


@pytest.mark.parametrize(
    ("text", "number"),
    [("一", 1), ("九", 9), ("十", 10), ("十四", 14), ("二十", 20), ("二十八", 28)],
)
def test_chinese_numbers(text: str, number: int) -> None:
    assert chinese_number(text) == number


def test_parser_splits_articles_and_items() -> None:
    parsed = parse_measures("第一条 甲。\n第二条 乙:\n(一)丙;\n(二)丁。\n")
    assert parsed == {1: ("甲。",), 2: ("乙:", "(一)丙;", "(二)丁。")}
    assert article_items(parsed, 2) == {1: "丙", 2: "丁"}
