"""A24–A27: every violation, every case, every fine range, pinned to the text."""

from __future__ import annotations

import pytest

from vigil.errors import ValidationError
from vigil.regulation import (
    MISCONDUCT,
    VIOLATIONS,
    FineRange,
    Order,
    Penalty,
    penalty_for,
    violation,
)

from ._source import SOURCES, Source, article_items, article_text, fines

A24_CODES = {
    "not_installed": "A24(1)",
    "not_commissioned_with_works": "A24(2)",
    "removed_without_notice": "A24(3)",
    "operation_compromised": "A24(4)",
    "access_unregistered_or_short_retention": "A24(5)",
    "access_refused": "A24(6)",
}
A25_CODES = {"installed_in_private_place": "A8", "installed_without_authority": "A9.3"}
A26_CODES = {"system_misused": "A26(1)", "equipment_damaged_or_material_traded": "A26(2)"}


def _yuan(fine: FineRange | None) -> tuple[int, int] | None:
    return None if fine is None else (fine.min_yuan, fine.max_yuan)


def _fines(penalty: Penalty) -> tuple[tuple[int, int] | None, ...]:
    return (_yuan(penalty.unit_fine), _yuan(penalty.person_fine), _yuan(penalty.individual_fine))


def test_one_violation_per_item_and_case() -> None:
    by_article = {v.code: v.article for v in VIOLATIONS.values()}
    assert by_article == {**A24_CODES, **dict.fromkeys(A25_CODES, "A25"), **A26_CODES}


@pytest.mark.parametrize("code", sorted(A24_CODES))
def test_a24_unit_2000_to_10000_persons_200_to_1000_after_rectification(code: str) -> None:
    penalty = penalty_for(code)
    assert penalty.article == A24_CODES[code]
    assert _fines(penalty) == ((2_000, 10_000), (200, 1_000), None)
    assert penalty.order is Order.RECTIFY
    assert penalty.fine_only_if_not_rectified
    assert penalty.further_liability is None


@pytest.mark.parametrize("code", sorted(A26_CODES))
def test_a26_unit_2000_to_10000_persons_200_to_1000_and_further_liability(code: str) -> None:
    penalty = penalty_for(code)
    assert penalty.article == A26_CODES[code]
    assert _fines(penalty) == ((2_000, 10_000), (200, 1_000), None)
    assert penalty.order is Order.RECTIFY
    assert penalty.fine_only_if_not_rectified
    assert penalty.further_liability is not None
    assert "治安管理处罚法" in penalty.further_liability[0]


@pytest.mark.parametrize("code", sorted(A25_CODES))
def test_a25_three_cases(code: str) -> None:
    with_gains = penalty_for(code, for_profit=True, illegal_gains=True)
    assert _fines(with_gains) == ((5_000, 30_000), (500, 1_000), None)
    without_gains = penalty_for(code, for_profit=True, illegal_gains=False)
    assert _fines(without_gains) == ((2_000, 10_000), (200, 1_000), None)
    non_profit = penalty_for(code, for_profit=False)
    assert _fines(non_profit) == ((500, 1_000), None, None)
    individual = penalty_for(code, individual=True)
    assert _fines(individual) == (None, None, (500, 1_000))
    for penalty in (with_gains, without_gains, non_profit, individual):
        assert penalty.article == "A25"
        assert penalty.order is Order.REMOVE
        assert not penalty.fine_only_if_not_rectified
    assert VIOLATIONS[code].breaches == (A25_CODES[code],)


@pytest.mark.parametrize("source", SOURCES)
def test_fine_ranges_are_the_measures_ranges(source: Source) -> None:
    a24 = fines(source, 24)
    assert a24 == [(2_000, 10_000), (200, 1_000)]
    assert _fines(penalty_for("not_installed"))[:2] == tuple(a24)
    a25 = fines(source, 25)
    code = "installed_in_private_place"
    assert a25 == [
        _yuan(penalty_for(code, for_profit=True, illegal_gains=True).unit_fine),
        _yuan(penalty_for(code, for_profit=True, illegal_gains=True).person_fine),
        _yuan(penalty_for(code, for_profit=True, illegal_gains=False).unit_fine),
        _yuan(penalty_for(code, for_profit=True, illegal_gains=False).person_fine),
        _yuan(penalty_for(code, individual=True).individual_fine),
    ]
    assert _yuan(penalty_for(code, for_profit=False).unit_fine) == a25[4]
    a26 = fines(source, 26)
    assert _fines(penalty_for("system_misused"))[:2] == tuple(a26)


@pytest.mark.parametrize("source", SOURCES)
def test_breached_articles_are_the_ones_each_item_names(source: Source) -> None:
    """A24(3) says 违反本办法第十五条, so its breaches are ("A15",); and so on."""
    numerals = {7: "七", 8: "八", 9: "九", 11: "十一", 15: "十五", 16: "十六", 17: "十七",
                18: "十八", 19: "十九", 20: "二十", 21: "二十一"}  # fmt: skip
    items = {24: article_items(source, 24), 26: article_items(source, 26)}
    for entry in VIOLATIONS.values():
        if entry.article == "A25":
            text = article_text(source, 25)
        else:
            number, item = entry.article[1:3], int(entry.article.split("(")[1][:-1])
            text = items[int(number)][item]
        for breached in entry.breaches:
            article_number = int(breached[1:].split(".")[0].split("(")[0])
            assert f"第{numerals[article_number]}条" in text, (entry.code, breached)


def test_fine_range_bounds_are_inclusive() -> None:
    fine = penalty_for("not_installed").unit_fine
    assert fine is not None
    assert 2_000 in fine and 10_000 in fine
    assert 1_999 not in fine and 10_001 not in fine
    assert True not in fine
    assert str(fine) == "2000–10000 yuan"


def test_a25_needs_the_facts_that_choose_the_case() -> None:
    with pytest.raises(ValidationError) as caught:
        penalty_for("installed_in_private_place")
    assert (caught.value.field, caught.value.article) == ("for_profit", "A25")
    with pytest.raises(ValidationError) as caught:
        penalty_for("installed_in_private_place", for_profit=True)
    assert caught.value.field == "illegal_gains"


def test_a25_facts_are_refused_for_other_violations() -> None:
    with pytest.raises(ValidationError) as caught:
        penalty_for("not_installed", for_profit=True)
    assert caught.value.field == "for_profit"
    with pytest.raises(ValidationError) as caught:
        penalty_for("system_misused", illegal_gains=False)
    assert caught.value.field == "illegal_gains"


def test_individuals() -> None:
    with pytest.raises(ValidationError) as caught:
        penalty_for("not_installed", individual=True)
    assert caught.value.field == "individual"
    theft = penalty_for("equipment_damaged_or_material_traded", individual=True)
    assert _fines(theft) == (None, None, None)
    assert theft.further_liability is not None


def test_unknown_violation_code() -> None:
    with pytest.raises(ValidationError) as caught:
        violation("speeding")
    assert caught.value.field == "violation"
    with pytest.raises(ValidationError):
        penalty_for("speeding")


@pytest.mark.parametrize("source", SOURCES)
def test_a27_misconduct_items(source: Source) -> None:
    expected = {
        "vendor_pushed": ("A27(1)", ("A12",)),
        "direct_access_unlawful": ("A27(2)", ("A20",)),
        "material_accessed_unlawfully": ("A27(3)", ("A21", "A22")),
        "supervision_failed": ("A27(4)", ("A23",)),
        "report_not_handled": ("A27(5)", ("A17.2(1)",)),
    }
    assert {m.code: (m.article, m.breaches) for m in MISCONDUCT.values()} == expected
    items = article_items(source, 27)
    assert sorted(items) == [1, 2, 3, 4, 5]
    assert "造成严重后果" in items[4] and "造成严重后果" in MISCONDUCT["supervision_failed"].zh
    assert "元" not in article_text(source, 27)  # discipline only, no fines
