"""Where cameras are forbidden (A8, N8), and the catalogue of location types a camera may have.

A8 forbids systems at five kinds of private place; from 2025-04-01 the national N8 forbids
four (and names places A8 does not: private rooms of restaurants, homestays, rooms where a
unit's staff rest). Each forbidden location type here is one place an item names, with every
item that names it, so a refusal cites exactly the items in force on the day
(`forbidding_articles`): a hotel guest room `A8(1)` and `N8(1)`, a homestay room `N8(1)`
only, a bank counter `A8(3)` only.
`LOCATION_TYPES` joins them with the allowed key positions (`positions.KEY_POSITIONS`) so a
UI can offer one list; `check_location` is the single gate a camera's location passes.

A8(5) ("other private places") is open-ended: the unit (or the bureau) files such a place
under `other_private_place`, and no key position of the catalogue is ever one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation.positions import KEY_POSITIONS


@dataclass(frozen=True, slots=True)
class ForbiddenLocation:
    """A place where A8 or N8 forbids a camera; `en` reads after "may not be installed"."""

    code: str
    articles: tuple[str, ...]
    """Every item that forbids it, the measures' first (`A8(1)`, `N8(1)`)."""
    zh: str
    en: str

    @property
    def article(self) -> str:
        """The first item that forbids it."""
        return self.articles[0]


def _place(code: str, articles: str | tuple[str, ...], zh: str, en: str) -> ForbiddenLocation:
    return ForbiddenLocation(code, (articles,) if isinstance(articles, str) else articles, zh, en)


_FORBIDDEN: tuple[ForbiddenLocation, ...] = (
    _place("hotel_guest_room", ("A8(1)", "N8(1)"), "旅馆客房", "in a hotel guest room"),
    _place("dormitory_room", ("A8(1)", "N8(2)"), "集体宿舍的房间内", "inside a dormitory room"),
    _place("homestay_room", "N8(1)", "民宿的客房或者包间内部", "inside a homestay's room"),
    _place(
        "private_dining_room",
        "N8(1)",
        "饭店等经营接待食宿场所的包间内部",
        "inside a private room of a restaurant or other dining business",
    ),
    _place(
        "staff_rest_room",
        "N8(2)",
        "单位为内部人员提供住宿、休息服务的房间内部",
        "inside a room where a unit lets its staff sleep or rest",
    ),
    _place("public_bath", ("A8(2)", "N8(3)"), "公共浴室", "in a public bath"),
    _place("changing_room", ("A8(2)", "N8(3)"), "更衣室", "in a changing room"),
    _place("fitting_room", ("A8(2)", "N8(3)"), "试衣间", "in a fitting room"),
    _place("nursing_room", ("A8(2)", "N8(3)"), "哺乳室", "in a nursing room"),
    _place("toilet", ("A8(2)", "N8(3)"), "卫生间", "in a toilet"),
    _place(
        "financial_customer_data_position",
        "A8(3)",
        "金融机构内可能泄露客户个人信息的操作部位",
        "at a position in a financial institution where it may reveal customers' "
        "personal information (e.g. a PIN pad or counter screen)",
    ),
    _place(
        "near_ballot_box",
        "A8(4)",
        "选举箱附近可能观察到个人意愿表达的部位",
        "near a ballot box where a person's choice could be seen",
    ),
    _place(
        "near_polling_point",
        "A8(4)",
        "投票点附近可能观察到个人意愿表达的部位",
        "near a polling point where a person's choice could be seen",
    ),
    _place(
        "near_report_box",
        "A8(4)",
        "举报箱附近可能观察到个人意愿表达的部位",
        "near a report box where a person's choice could be seen",
    ),
    _place(
        "other_private_place",
        ("A8(5)", "N8(4)"),
        "其他涉及个人隐私的场所和部位",
        "at any other place or position that involves personal privacy",
    ),
)

FORBIDDEN_LOCATIONS: MappingProxyType[str, ForbiddenLocation] = MappingProxyType(
    {place.code: place for place in _FORBIDDEN}
)
"""Every location type A8 or N8 forbids, code → `ForbiddenLocation`."""


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


def forbidding_articles(
    location_type: str, in_force: Callable[[str], bool] | None = None
) -> tuple[str, ...]:
    """The items that forbid a camera at `location_type`, among those `in_force` accepts
    (all, without it); empty if none does."""
    place = FORBIDDEN_LOCATIONS.get(location_type)
    if place is None:
        return ()
    return tuple(a for a in place.articles if in_force is None or in_force(a))


def check_location(
    location_type: str,
    field: str = "location_type",
    *,
    in_force: Callable[[str], bool] | None = None,
) -> LocationType:
    """Return the catalogue entry if a camera may be installed at `location_type`.

    Raises `RefusedByLawError` citing every item in force (`in_force`, e.g.
    `LawInForce.applies`; without it, every item of both texts) that forbids the place,
    and `ValidationError` for a code that is not in `LOCATION_TYPES`.
    """
    place = FORBIDDEN_LOCATIONS.get(location_type)
    if place is not None:
        cited = forbidding_articles(location_type, in_force)
        if cited:
            raise RefusedByLawError(
                f"a camera may not be installed {place.en} ({place.zh})",
                field=field,
                article=", ".join(cited),
            )
        # No text in force that day names the place: it is an ordinary location.
        return LocationType(place.code, place.zh, place.en, True, place.article)
    entry = LOCATION_TYPES.get(location_type)
    if entry is None:
        raise ValidationError(
            f"{location_type!r} is not a known location type; "
            "choose one of the catalogue, e.g. 'entrance', 'lobby' or 'passage'",
            field=field,
        )
    return entry


def is_forbidden(location_type: str, in_force: Callable[[str], bool] | None = None) -> bool:
    """True if A8 or N8 (those of their items `in_force` accepts) forbids `location_type`."""
    return bool(forbidding_articles(location_type, in_force))
