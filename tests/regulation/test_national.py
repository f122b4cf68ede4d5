"""The national regulation of 2025 as a rule set: its IDs, figures and places, pinned to its
Chinese text, and the jurisdiction profile that says which text applied on which day."""

from __future__ import annotations

import re
from datetime import date

import pytest

from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation import check_location
from vigil.regulation.articles import ARTICLES, NATIONAL_ARTICLE_COUNT, article, children
from vigil.regulation.deadlines import DeadlineState, deadline_status
from vigil.regulation.penalties import NATIONAL_PENALTIES, fine_in_range, national_penalty
from vigil.regulation.privacy import FORBIDDEN_LOCATIONS, forbidding_articles
from vigil.regulation.rulesets import (
    NATIONAL_CATEGORIES,
    NATIONAL_EFFECTIVE_DATE,
    NATIONAL_ONLY,
    OTHER_PUBLIC_PLACE,
    PROVINCE,
    Applies,
    JurisdictionProfile,
    Retirement,
    jurisdiction,
    law_in_force,
)

from ._national_source import (
    EMBEDDED,
    SOURCES,
    Source,
    items,
    national_articles,
    paragraphs,
    text,
)

BEFORE = date(2025, 3, 31)
AFTER = date(2025, 4, 1)


@pytest.mark.skipif(national_articles() is None, reason="national-2025.zh.txt absent")
def test_embedded_copy_matches_the_regulation_file() -> None:
    parsed = national_articles()
    assert parsed is not None
    assert sorted(parsed) == list(range(1, NATIONAL_ARTICLE_COUNT + 1))
    for number, lines in EMBEDDED.items():
        assert parsed[number] == lines, f"embedded article {number} differs from the file"


def test_every_national_article_is_registered() -> None:
    numbers = {a.number for a in ARTICLES.values() if a.law == "N"}
    assert numbers == set(range(1, 35))
    assert "N35" not in ARTICLES
    for needed in ("N8(1)", "N8(4)", "N8.2", "N9.2", "N14", "N16.2(3)", "N17", "N27.1", "N27.2"):
        assert article(needed).id == needed
    assert article("n16.2.3").id == "N16.2(3)"
    assert article("N16.2(3)").parent_id == "N16.2"
    assert [a.id for a in children("N8")] == ["N8(1)", "N8(2)", "N8(3)", "N8(4)", "N8.2"]
    with pytest.raises(ValidationError):
        article("N8(5)")


@pytest.mark.parametrize("source", SOURCES)
def test_n8_places_are_the_texts(source: Source) -> None:
    listed = items(source, 8)
    assert sorted(listed) == [1, 2, 3, 4]
    assert "民宿" in listed[1] and "包间" in listed[1]
    assert "休息" in listed[2] and "学生宿舍" in listed[2]
    assert "哺乳室" in listed[3] and "试衣间" in listed[3]
    assert "立即报告所在地公安机关" in paragraphs(source, 8)[1]
    assert FORBIDDEN_LOCATIONS["homestay_room"].articles == ("N8(1)",)
    assert FORBIDDEN_LOCATIONS["staff_rest_room"].articles == ("N8(2)",)
    assert "N8(3)" in FORBIDDEN_LOCATIONS["nursing_room"].articles


@pytest.mark.parametrize("source", SOURCES)
def test_n9_makes_five_duties_optional(source: Source) -> None:
    second = paragraphs(source, 9)[1]
    for number in ("第十一条", "第十四条", "第十五条", "第十六条第二款", "第十七条"):
        assert number in second
    law = law_in_force(PROVINCE, AFTER)
    for duty in ("N11", "N14", "N15", "N15.2", "N16.2", "N16.2(3)", "N17"):
        assert law.optional(duty, OTHER_PUBLIC_PLACE), duty
        assert not law.optional(duty, "crowded_place"), duty
    for duty in ("N8", "N13", "N16", "A17.2(3)", "A13.2"):
        assert not law.optional(duty, OTHER_PUBLIC_PLACE), duty
    assert not law_in_force(PROVINCE, BEFORE).optional("N14", OTHER_PUBLIC_PLACE)


@pytest.mark.parametrize("source", SOURCES)
def test_n7_categories_are_the_texts(source: Source) -> None:
    listed = items(source, 7)
    assert "商贸中心" in listed[1] and "交通枢纽" in listed[2]
    assert "客运列车" in listed[3] and "服务区" in listed[4]
    assert {c.article for c in NATIONAL_CATEGORIES.values()} >= {
        "N7.2(1)",
        "N7.2(2)",
        "N7.2(3)",
        "N7.2(4)",
    }


# --- N14: filing --------------------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_n14_figures_are_the_texts(source: Source) -> None:
    first = paragraphs(source, 14)[0]
    assert "系统投入使用之日起30日内" in first
    assert "本条例施行之日起90日内" in first
    assert "县级人民政府公安机关备案" in first
    for what in ("单位基本情况", "建设位置", "图像采集设备数量及类型", "存储期限"):
        assert what in first
    assert "2025年4月1日" in text(source, 34)


def _filing(on: date, delivered: date | None, used: date | None, profile=PROVINCE):  # type: ignore[no-untyped-def]
    duty = law_in_force(profile, on).filing(delivered_on=delivered, commissioned_on=used)
    assert duty is not None
    return duty


def test_n14_is_30_days_after_use_not_delivery() -> None:
    duty = _filing(date(2025, 7, 20), date(2025, 6, 2), date(2025, 7, 1))
    assert duty.governing == "N14" and duty.articles == ("N14", "A13.2")
    assert duty.period is not None and duty.period.last_day == date(2025, 7, 31)
    on_time = deadline_status(
        duty.period, today=date(2025, 8, 1), done_on=date(2025, 7, 31), article="N14"
    )
    late = deadline_status(
        duty.period, today=date(2025, 8, 1), done_on=date(2025, 8, 1), article="N14"
    )
    assert on_time.state is DeadlineState.MET
    assert late.state is DeadlineState.LATE and late.days_overdue == 1


def test_n14_deadline_on_a_holiday_moves_to_the_next_working_day() -> None:
    duty = _filing(date(2025, 9, 2), date(2025, 8, 1), date(2025, 9, 1))
    assert duty.period is not None
    assert duty.period.counted == date(2025, 10, 1)
    assert duty.period.last_day == date(2025, 10, 9)


def test_systems_in_use_before_the_regulation_file_by_2025_06_30() -> None:
    duty = _filing(date(2025, 5, 1), date(2018, 3, 1), date(2018, 3, 5))
    assert duty.governing == "N14" and duty.start == NATIONAL_EFFECTIVE_DATE
    assert duty.period is not None and duty.period.last_day == date(2025, 6, 30)
    assert duty.period.counted == date(2025, 6, 30)
    met = deadline_status(
        duty.period, today=date(2025, 7, 1), done_on=date(2025, 6, 30), article="N14"
    )
    late = deadline_status(
        duty.period, today=date(2025, 7, 1), done_on=date(2025, 7, 1), article="N14"
    )
    assert met.state is DeadlineState.MET and late.days_overdue == 1
    # a day before the regulation, in use on 2025-03-31: the transitional 90 days
    assert _filing(date(2025, 5, 1), None, BEFORE).period.last_day == date(2025, 6, 30)  # type: ignore[union-attr]
    # in use on its first day: 30 days from use
    assert _filing(date(2025, 5, 1), None, AFTER).period.last_day == date(2025, 5, 6)  # type: ignore[union-attr]


def test_the_same_system_is_judged_by_a13_before_and_n14_after_2025_04_01() -> None:
    delivered, used = date(2024, 12, 2), date(2024, 12, 9)
    before = _filing(date(2025, 1, 15), delivered, used)
    assert before.governing == "A13.2" and before.articles == ("A13.2",)
    assert before.period is not None and before.period.last_day == date(2025, 1, 2)
    assert before.attachments == ("design_plan", "test_report", "acceptance_report")
    after = _filing(date(2026, 1, 15), delivered, used)
    assert after.governing == "N14" and after.articles == ("N14", "A13.2")
    assert after.period is not None and after.period.last_day == date(2025, 6, 30)
    assert "retention_days" in after.fields and "camera_types" in after.fields
    # the 2024 deadline follows A13, the 2026 one N14: a system delivered in 2024
    assert _filing(date(2024, 6, 1), date(2024, 5, 6), None).governing == "A13.2"
    assert _filing(date(2026, 6, 1), date(2026, 5, 6), None).period is None  # use not recorded


def test_a_national_only_profile_asks_no_provincial_attachments() -> None:
    duty = _filing(date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 10), NATIONAL_ONLY)
    assert duty.articles == ("N14",) and duty.attachments == ()
    assert (
        law_in_force(NATIONAL_ONLY, BEFORE).filing(delivered_on=None, commissioned_on=None) is None
    )


def test_a_profile_can_retire_a_provincial_duty() -> None:
    repealed = JurisdictionProfile(
        name="province-2026",
        title="test",
        applies=PROVINCE.applies,
        retired=(Retirement("A13", date(2026, 1, 1), "filing under N14 only"),),
    )
    assert _filing(date(2025, 12, 31), None, date(2025, 12, 1), repealed).articles == (
        "N14",
        "A13.2",
    )
    duty = _filing(date(2026, 1, 1), None, date(2025, 12, 1), repealed)
    assert duty.articles == ("N14",) and duty.attachments == ()
    law = law_in_force(repealed, date(2026, 1, 1))
    assert not law.applies("A13.2") and law.applies("A17.2(3)")


def test_law_in_force_by_date() -> None:
    assert law_in_force(PROVINCE, date(2016, 12, 31)).ids == ()
    assert law_in_force(PROVINCE, date(2017, 1, 1)).ids == ("measures-2017",)
    assert law_in_force(PROVINCE, BEFORE).ids == ("measures-2017",)
    assert law_in_force(PROVINCE, AFTER).ids == ("measures-2017", "national-2025")
    assert law_in_force("national", AFTER).ids == ("national-2025",)
    ended = JurisdictionProfile("t", "t", (Applies("measures-2017", date(2017, 1, 1), AFTER),))
    assert law_in_force(ended, AFTER).ids == ()
    with pytest.raises(ValidationError) as caught:
        jurisdiction("mars")
    assert caught.value.field == "jurisdiction"


# --- N17: retention -------------------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_n17_is_30_days_then_deletion(source: Source) -> None:
    assert "保存不少于30日" in text(source, 17)
    assert "30日后，对已经实现处理目的的视频图像信息，应当予以删除" in text(source, 17)
    assert law_in_force(PROVINCE, AFTER).retention_articles() == ("A17.2(3)", "N17")
    assert law_in_force(PROVINCE, BEFORE).retention_articles() == ("A17.2(3)",)
    assert law_in_force(PROVINCE, AFTER).min_retention_days() == 30


# --- N8 siting ------------------------------------------------------------------------------


def _refusal(place: str, on: date) -> str | None:
    law = law_in_force(PROVINCE, on)
    try:
        check_location(place, in_force=law.applies)
    except RefusedByLawError as exc:
        return exc.article
    return None


def test_siting_refusals_cite_every_text_in_force() -> None:
    assert _refusal("homestay_room", AFTER) == "N8(1)"
    assert _refusal("financial_customer_data_position", AFTER) == "A8(3)"
    assert _refusal("hotel_guest_room", AFTER) == "A8(1), N8(1)"
    assert _refusal("staff_rest_room", AFTER) == "N8(2)"
    assert _refusal("toilet", AFTER) == "A8(2), N8(3)"
    assert _refusal("hotel_guest_room", BEFORE) == "A8(1)"
    # before 2025-04-01 no item names a homestay's room or a staff rest room
    assert _refusal("homestay_room", BEFORE) is None
    assert forbidding_articles("private_dining_room") == ("N8(1)",)


# --- N26–N30: fines, each end and one yuan beyond -------------------------------------------

_YUAN = re.compile(r"(\d+)(万?)元")


def _yuan(match: re.Match[str]) -> int:
    return int(match.group(1)) * (10_000 if match.group(2) else 1)


def _ranges(sentence: str) -> list[tuple[int, int]]:
    """Each "X元以上Y元以下" or "Y元以下" of a sentence, as (min, max) with min 1 for "以下"."""
    out = []
    for m in re.finditer(r"(?:(\d+万?元)以上)?(\d+万?元)以下", sentence):
        low = _yuan(_YUAN.match(m.group(1))) if m.group(1) else 1  # type: ignore[arg-type]
        high = _yuan(_YUAN.match(m.group(2)))  # type: ignore[arg-type]
        out.append((low, high))
    return out


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    ("code", "number", "paragraph", "who"),
    [
        ("installed_without_right", 26, 0, ("individual", "unit", "person")),
        ("installed_in_forbidden_place", 27, 0, ("individual", "unit", "person")),
        ("forbidden_places_not_checked", 27, 1, ("individual", "unit", "person")),
        ("secret_unit_not_consulted", 28, 0, ("individual", "unit", "person")),
        ("not_filed_or_false_filing", 29, 0, ("unit",)),
        ("cameras_moved_or_removed", 30, 0, ("individual", "unit", "person")),
    ],
)
def test_national_fines_are_the_texts(
    source: Source, code: str, number: int, paragraph: int, who: tuple[str, ...]
) -> None:
    ranges = _ranges(paragraphs(source, number)[paragraph])
    assert len(ranges) == len(who)
    penalty = national_penalty(code)
    for (low, high), person in zip(ranges, who, strict=True):
        assert not fine_in_range(code, person, low - 1)
        assert fine_in_range(code, person, low)
        assert fine_in_range(code, person, high)
        assert not fine_in_range(code, person, high + 1)
    assert penalty.article.startswith(f"N{number}")


def test_national_penalties_cite_registered_articles_and_read_in_both_languages() -> None:
    for penalty in NATIONAL_PENALTIES.values():
        assert penalty.article in ARTICLES
        assert all(b in ARTICLES for b in penalty.breaches)
        assert penalty.text().startswith(penalty.article)
        assert "《条例》第" in penalty.text_zh()
    assert national_penalty("not_filed_or_false_filing").text() == (
        "N29: order to correct within a time limit; if not corrected, fines: unit up to 10000 yuan"
    )
    assert not fine_in_range("not_filed_or_false_filing", "person", 100)
    with pytest.raises(ValidationError):
        national_penalty("nope")
