"""A8 and N8: every forbidden place is refused with its items; key positions pass."""

from __future__ import annotations

import pytest

from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation import (
    FORBIDDEN_LOCATIONS,
    KEY_POSITIONS,
    LOCATION_TYPES,
    check_location,
    is_forbidden,
)

from ._source import SOURCES, Source, article_items

# code → item of A8 (the first the place cites), written out from the text so a wrong
# mapping fails; the places only N8 names are in NATIONAL_ONLY (test_national.py pins N8).
NATIONAL_ONLY = {
    "homestay_room": "N8(1)",
    "private_dining_room": "N8(1)",
    "staff_rest_room": "N8(2)",
}
ALSO_N8 = {
    "hotel_guest_room": "N8(1)",
    "dormitory_room": "N8(2)",
    "public_bath": "N8(3)",
    "changing_room": "N8(3)",
    "fitting_room": "N8(3)",
    "nursing_room": "N8(3)",
    "toilet": "N8(3)",
    "other_private_place": "N8(4)",
}
EXPECTED = {
    "hotel_guest_room": "A8(1)",
    "dormitory_room": "A8(1)",
    "public_bath": "A8(2)",
    "changing_room": "A8(2)",
    "fitting_room": "A8(2)",
    "nursing_room": "A8(2)",
    "toilet": "A8(2)",
    "financial_customer_data_position": "A8(3)",
    "near_ballot_box": "A8(4)",
    "near_polling_point": "A8(4)",
    "near_report_box": "A8(4)",
    "other_private_place": "A8(5)",
}


def test_the_forbidden_catalogue_is_exactly_the_places_of_a8_and_n8() -> None:
    assert {code: p.article for code, p in FORBIDDEN_LOCATIONS.items()} == {
        **EXPECTED,
        **NATIONAL_ONLY,
    }
    measures = {p.article for p in FORBIDDEN_LOCATIONS.values() if p.article.startswith("A")}
    assert measures == {f"A8({i})" for i in range(1, 6)}
    for code, place in FORBIDDEN_LOCATIONS.items():
        national = ALSO_N8.get(code) or NATIONAL_ONLY.get(code)
        assert place.articles == tuple(a for a in (EXPECTED.get(code), national) if a)


@pytest.mark.parametrize(("code", "item"), sorted({**EXPECTED, **NATIONAL_ONLY}.items()))
def test_each_forbidden_place_is_refused_citing_its_item(code: str, item: str) -> None:
    with pytest.raises(RefusedByLawError) as caught:
        check_location(code)
    error = caught.value
    assert error.article == ", ".join(FORBIDDEN_LOCATIONS[code].articles)
    assert error.article.startswith(item)
    assert error.field == "location_type"
    assert error.message.startswith("a camera may not be installed ")
    assert FORBIDDEN_LOCATIONS[code].zh in error.message
    assert is_forbidden(code)


def test_the_message_names_the_place_in_both_languages() -> None:
    with pytest.raises(RefusedByLawError) as caught:
        check_location("hotel_guest_room", field="cameras[3].location_type")
    assert caught.value.message == "a camera may not be installed in a hotel guest room (旅馆客房)"
    assert caught.value.field == "cameras[3].location_type"
    assert str(caught.value).endswith("(A8(1), N8(1))")


@pytest.mark.parametrize("source", SOURCES)
def test_forbidden_names_are_the_words_of_their_item(source: Source) -> None:
    items = article_items(source, 8)
    assert sorted(items) == [1, 2, 3, 4, 5]
    for place in FORBIDDEN_LOCATIONS.values():
        if not place.article.startswith("A8"):
            continue
        item_text = items[int(place.article[3])]
        name = place.zh.removesuffix("附近可能观察到个人意愿表达的部位")
        assert name in item_text, (place.code, item_text)


@pytest.mark.parametrize("source", SOURCES)
def test_every_place_a8_lists_has_a_code(source: Source) -> None:
    """Each place named in items (1), (2) and (4), split at 、, is one forbidden code."""
    items = article_items(source, 8)
    names = {p.zh for p in FORBIDDEN_LOCATIONS.values()}
    for number, strip in ((1, ""), (2, ""), (4, "附近可能观察到个人意愿表达的部位")):
        text = items[number].removesuffix(strip)
        for place in text.split("、"):
            assert any(place in name for name in names), place


@pytest.mark.parametrize("code", sorted(KEY_POSITIONS))
def test_key_positions_are_allowed(code: str) -> None:
    entry = check_location(code)
    assert entry.allowed
    assert entry.article == "A7.2"
    assert not is_forbidden(code)


def test_unknown_location_type_is_a_validation_error_not_a_refusal() -> None:
    with pytest.raises(ValidationError) as caught:
        check_location("rooftop")
    assert not isinstance(caught.value, RefusedByLawError)
    assert caught.value.field == "location_type"


def test_location_types_list_allowed_and_forbidden_without_overlap() -> None:
    assert set(LOCATION_TYPES) == set(KEY_POSITIONS) | set(FORBIDDEN_LOCATIONS)
    assert not set(KEY_POSITIONS) & set(FORBIDDEN_LOCATIONS)
    for code, entry in LOCATION_TYPES.items():
        assert entry.code == code
        assert entry.allowed is (code in KEY_POSITIONS)
        assert entry.zh and entry.en
