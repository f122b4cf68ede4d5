"""A7's 14 site categories, their key-position checklists, and who builds (A9, A13.1)."""

from __future__ import annotations

import re

import pytest

from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation import (
    KEY_POSITIONS,
    SITE_CATEGORIES,
    SITE_KINDS,
    Builder,
    check_builder,
    check_may_enter_service,
    default_checklist,
    required_builder,
    site_category,
)

from ._source import SOURCES, Source, article_items, article_text

EXPECTED_CODES = [
    "roads",
    "hospitality_entertainment",
    "commerce",
    "broadcast_telecom_postal",
    "public_transport_vehicles",
    "transport_hubs",
    "energy_water_utilities",
    "dangerous_goods_reserves",
    "heritage_culture",
    "research_finance",
    "education_health_welfare",
    "crowded_public_places",
    "residential",
    "other_by_law",
]


def test_there_are_14_categories_with_stable_codes_in_order() -> None:
    assert list(SITE_CATEGORIES) == EXPECTED_CODES
    assert [c.number for c in SITE_CATEGORIES.values()] == list(range(1, 15))
    assert [c.article for c in SITE_CATEGORIES.values()] == [f"A7({n})" for n in range(1, 15)]
    for code in SITE_CATEGORIES:
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", code)


@pytest.mark.parametrize("source", SOURCES)
def test_category_names_are_the_measures_exact_words(source: Source) -> None:
    items = article_items(source, 7)
    assert sorted(items) == list(range(1, 15))
    for category in SITE_CATEGORIES.values():
        assert category.zh == items[category.number], category.code


def test_every_category_has_an_english_name() -> None:
    names = [c.en for c in SITE_CATEGORIES.values()]
    assert all(len(name) > 10 for name in names)
    assert len(set(names)) == 14


def test_default_checklists_use_catalogued_positions() -> None:
    for category in SITE_CATEGORIES.values():
        checklist = default_checklist(category.code)
        assert [p.code for p in checklist] == list(category.default_positions)
        assert len(set(category.default_positions)) == len(category.default_positions)
        for position in checklist:
            assert KEY_POSITIONS[position.code] is position
    # every category the law enumerates has a checklist; "others by law" depends on that law
    assert all(default_checklist(code) for code in EXPECTED_CODES[:-1])
    assert default_checklist("other_by_law") == ()


@pytest.mark.parametrize("source", SOURCES)
def test_checklists_include_the_positions_a7_names(source: Source) -> None:
    """Where A7 names the positions (items 1–3, 12), the checklist carries them."""
    items = article_items(source, 7)
    named = {"路段": "road_section", "路口": "junction", "隧道": "tunnel", "大厅": "lobby",
             "通道": "passage", "出入口": "entrance"}  # fmt: skip
    for number in (1, 2, 3):
        category = next(c for c in SITE_CATEGORIES.values() if c.number == number)
        for word, code in named.items():
            if word in items[number]:
                assert code in category.default_positions, (category.code, code)


def test_key_positions_have_distinct_codes_and_names() -> None:
    assert len({p.zh for p in KEY_POSITIONS.values()}) == len(KEY_POSITIONS)
    for code, position in KEY_POSITIONS.items():
        assert position.code == code
        assert re.fullmatch(r"[a-z]+(?:_[a-z]+)*", code)


def test_unknown_category_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        site_category("casino")
    assert caught.value.field == "category"
    assert not isinstance(caught.value, RefusedByLawError)
    with pytest.raises(ValidationError):
        default_checklist("casino")


# --- A9: who builds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "site_kind", "position"),
    [
        ("roads", None, None),
        ("roads", None, "tunnel"),
        ("transport_hubs", "urban_rail_station", "platform"),
        ("transport_hubs", "bus_hub_station", None),
        ("crowded_public_places", "open_park", "main_passage"),
        ("crowded_public_places", "open_park", "entrance"),
        ("crowded_public_places", "city_square", None),
        ("crowded_public_places", "underpass", None),
    ],
)
def test_a9_1_sites_are_government_built(
    category: str, site_kind: str | None, position: str | None
) -> None:
    rule = required_builder(category, site_kind=site_kind, position=position)
    assert (rule.builder, rule.article) == (Builder.GOVERNMENT, "A9.1")


@pytest.mark.parametrize(
    ("category", "site_kind", "position"),
    [
        ("hospitality_entertainment", None, "lobby"),
        ("commerce", None, None),
        ("public_transport_vehicles", None, None),
        ("transport_hubs", "airport", None),
        ("transport_hubs", "port", None),
        ("transport_hubs", "station", None),
        ("transport_hubs", "car_park", None),
        ("crowded_public_places", "open_park", "crowd_area"),
        ("crowded_public_places", "park", None),
        ("crowded_public_places", "scenic_area", None),
        ("research_finance", None, "vault"),
        ("residential", None, None),
        ("other_by_law", None, None),
    ],
)
def test_other_a7_sites_are_unit_built(
    category: str, site_kind: str | None, position: str | None
) -> None:
    rule = required_builder(category, site_kind=site_kind, position=position)
    assert (rule.builder, rule.article) == (Builder.UNIT, "A9.2")


@pytest.mark.parametrize("source", SOURCES)
def test_government_site_kinds_are_named_in_a9_1(source: Source) -> None:
    first_paragraph = article_text(source, 9).split("\n")[0]
    government = [k for k in SITE_KINDS.values() if k.government_positions is None]
    assert {k.code for k in government} == {
        "urban_rail_station", "bus_hub_station", "city_square", "underpass"
    }  # fmt: skip
    for kind in government:
        assert kind.zh in first_paragraph
    assert "开放式公园的主要通道和出入口" in first_paragraph
    assert SITE_KINDS["open_park"].government_positions == ("main_passage", "entrance")


def test_split_categories_need_a_site_kind() -> None:
    with pytest.raises(ValidationError) as caught:
        required_builder("transport_hubs")
    assert caught.value.field == "site_kind"
    with pytest.raises(ValidationError):
        required_builder("crowded_public_places", site_kind="airport")
    with pytest.raises(ValidationError) as caught:
        required_builder("crowded_public_places", site_kind="open_park")
    assert caught.value.field == "position"


@pytest.mark.parametrize(
    ("category", "builder", "site_kind"),
    [
        ("roads", "unit", None),
        ("roads", "other", None),
        ("transport_hubs", Builder.UNIT, "urban_rail_station"),
        ("commerce", "other", None),
        ("commerce", "government", None),
        ("transport_hubs", "other", "airport"),
    ],
)
def test_anyone_but_the_required_builder_is_refused_under_a9_3(
    category: str, builder: str, site_kind: str | None
) -> None:
    with pytest.raises(RefusedByLawError) as caught:
        check_builder(category, builder, site_kind=site_kind)
    assert caught.value.article == "A9.3"
    assert caught.value.field == "builder"
    assert "其他单位和个人" in caught.value.message


def test_the_required_builder_passes() -> None:
    assert check_builder("roads", "government").article == "A9.1"
    assert check_builder("commerce", Builder.UNIT).article == "A9.2"
    assert check_builder("transport_hubs", "unit", site_kind="airport").builder is Builder.UNIT


def test_an_unknown_builder_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        check_builder("commerce", "landlord")
    assert caught.value.field == "builder"
    assert not isinstance(caught.value, RefusedByLawError)


# --- A13.1: acceptance before use -----------------------------------------------------------


def test_government_system_needs_acceptance_before_use() -> None:
    with pytest.raises(RefusedByLawError) as caught:
        check_may_enter_service("government", accepted=False)
    assert caught.value.article == "A13.1"
    check_may_enter_service("government", accepted=True)
    check_may_enter_service(Builder.UNIT, accepted=False)  # unit systems file instead (A13.2)
