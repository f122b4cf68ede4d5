"""Where cameras are forbidden (A8), and the catalogue of location types a camera may have.

A8 forbids systems at five kinds of private place. Each forbidden location type here is one
place the item names, with the item's ID, so a refusal cites exactly `A8(1)`..`A8(5)`.
`LOCATION_TYPES` joins them with the allowed key positions (`positions.KEY_POSITIONS`) so a
UI can offer one list; `check_location` is the single gate a camera's location passes.

A8(5) ("other private places") is open-ended: the unit (or the bureau) files such a place
under `other_private_place`, and no key position of the catalogue is ever one.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation.positions import KEY_POSITIONS


@dataclass(frozen=True, slots=True)
class ForbiddenLocation:
    """A place where A8 forbids a camera; `en` reads after "may not be installed"."""

    code: str
    article: str
    zh: str
    en: str


_FORBIDDEN: tuple[ForbiddenLocation, ...] = (
    ForbiddenLocation("hotel_guest_room", "A8(1)", "旅馆客房", "in a hotel guest room"),
    ForbiddenLocation("dormitory_room", "A8(1)", "集体宿舍的房间内", "inside a dormitory room"),
    ForbiddenLocation("public_bath", "A8(2)", "公共浴室", "in a public bath"),
    ForbiddenLocation("changing_room", "A8(2)", "更衣室", "in a changing room"),
    ForbiddenLocation("fitting_room", "A8(2)", "试衣间", "in a fitting room"),
    ForbiddenLocation("nursing_room", "A8(2)", "哺乳室", "in a nursing room"),
    ForbiddenLocation("toilet", "A8(2)", "卫生间", "in a toilet"),
    ForbiddenLocation(
        "financial_customer_data_position",
        "A8(3)",
        "金融机构内可能泄露客户个人信息的操作部位",
        "at a position in a financial institution where it may reveal customers' "
        "personal information (e.g. a PIN pad or counter screen)",
    ),
    ForbiddenLocation(
        "near_ballot_box",
        "A8(4)",
        "选举箱附近可能观察到个人意愿表达的部位",
        "near a ballot box where a person's choice could be seen",
    ),
    ForbiddenLocation(
        "near_polling_point",
        "A8(4)",
        "投票点附近可能观察到个人意愿表达的部位",
        "near a polling point where a person's choice could be seen",
    ),
    ForbiddenLocation(
        "near_report_box",
        "A8(4)",
        "举报箱附近可能观察到个人意愿表达的部位",
        "near a report box where a person's choice could be seen",
    ),
    ForbiddenLocation(
        "other_private_place",
        "A8(5)",
        "其他涉及个人隐私的场所和部位",
        "at any other place or position that involves personal privacy",
    ),
)

FORBIDDEN_LOCATIONS: MappingProxyType[str, ForbiddenLocation] = MappingProxyType(
    {place.code: place for place in _FORBIDDEN}
)
"""Every location type A8 forbids, code → `ForbiddenLocation`."""


@dataclass(frozen=True, slots=True)
class LocationType:
    """An entry of the catalogue a UI lists: allowed (a key position) or forbidden (A8)."""

    code: str
    zh: str
    en: str
    allowed: bool
    article: str
    """`A7.2` for a key position (the unit decides), `A8(n)` for a forbidden place."""


def _catalogue() -> MappingProxyType[str, LocationType]:
    entries: dict[str, LocationType] = {}
    for position in KEY_POSITIONS.values():
        entries[position.code] = LocationType(position.code, position.zh, position.en, True, "A7.2")
    for place in FORBIDDEN_LOCATIONS.values():
        if place.code in entries:
            raise ValueError(f"{place.code} is both a key position and forbidden by A8")
        entries[place.code] = LocationType(place.code, place.zh, place.en, False, place.article)
    return MappingProxyType(entries)


LOCATION_TYPES: MappingProxyType[str, LocationType] = _catalogue()
"""Allowed key positions followed by the forbidden places of A8, code → `LocationType`."""


def check_location(location_type: str, field: str = "location_type") -> LocationType:
    """Return the catalogue entry if a camera may be installed at `location_type`.

    Raises `RefusedByLawError` citing the item of A8 for a forbidden place, and
    `ValidationError` for a code that is not in `LOCATION_TYPES`.
    """
    place = FORBIDDEN_LOCATIONS.get(location_type)
    if place is not None:
        raise RefusedByLawError(
            f"a camera may not be installed {place.en} ({place.zh})",
            field=field,
            article=place.article,
        )
    entry = LOCATION_TYPES.get(location_type)
    if entry is None:
        raise ValidationError(
            f"{location_type!r} is not a known location type; "
            "choose one of the catalogue, e.g. 'entrance', 'lobby' or 'passage'",
            field=field,
        )
    return entry


def is_forbidden(location_type: str) -> bool:
    """True if A8 forbids a camera at `location_type`."""
    return location_type in FORBIDDEN_LOCATIONS
