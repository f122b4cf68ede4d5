"""Where systems must be installed (A7) and who builds them (A9, A13.1).

A7 lists 14 categories of public-safety sites. Each category here has a stable snake_case
code, its item of A7 (`A7(1)`..`A7(14)`), the measures' exact wording (zh), an English name,
and a default checklist of key positions. The checklist is only a starting point: the unit
decides its key positions, guided by the bureau (A7.2).

A9 decides who builds: the city or county government for the sites of A9.1, the site's own
unit for every other A7 site (A9.2), and nobody else (A9.3). Two categories are split by A9.1
and need a *site kind* to decide: transport hubs (urban rail and bus hub stations are
government-built; airports, ports, stations and car parks are not) and crowded public places
(city squares, underpasses and the main passages and entrances of open parks are
government-built; the rest is the unit's).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation.positions import KEY_POSITIONS, KeyPosition


@dataclass(frozen=True, slots=True)
class SiteCategory:
    """One item of A7: a kind of public-safety site where a system must be installed."""

    code: str
    number: int
    zh: str
    en: str
    default_positions: tuple[str, ...]

    @property
    def article(self) -> str:
        return f"A7({self.number})"


_CATEGORIES: tuple[SiteCategory, ...] = (
    SiteCategory(
        "roads", 1,
        "公路和城市道路的重要路段、路口、隧道",
        "important sections, junctions and tunnels of highways and urban roads",
        ("road_section", "junction", "tunnel"),
    ),
    SiteCategory(
        "hospitality_entertainment", 2,
        "旅馆、影剧院、体育场馆、公共娱乐场所、互联网上网服务营业场所的大厅、通道、出入口",
        "lobbies, passages and entrances of hotels, cinemas and theatres, stadiums, "
        "public entertainment venues and internet cafés",
        ("lobby", "passage", "entrance"),
    ),
    SiteCategory(
        "commerce", 3,
        "商业中心、农贸市场、会展中心、商业街的公共通道和出入口",
        "public passages and entrances of shopping centres, farmers' markets, exhibition "
        "centres and shopping streets",
        ("passage", "entrance", "cash_desk", "car_park_entrance"),
    ),
    SiteCategory(
        "broadcast_telecom_postal", 4,
        "广播、电视、通信、邮政、大型电子信息处理等系统的重要部位",
        "key positions of radio, television, telecommunications, postal and large "
        "data-processing systems",
        ("gate", "perimeter", "server_room", "control_room", "core_equipment_area"),
    ),
    SiteCategory(
        "public_transport_vehicles", 5,
        "城市公共交通车辆、长途客运车辆等大中型公共交通工具",
        "urban public-transport vehicles, long-distance coaches and other large and "
        "medium public vehicles",
        ("vehicle_interior", "vehicle_door", "driver_area"),
    ),
    SiteCategory(
        "transport_hubs", 6,
        "机场、港口、车站、城市轨道交通站、城市公共汽车枢纽站、停车场的重要部位",
        "key positions of airports, ports, stations, urban rail stations, bus hub "
        "stations and car parks",
        ("entrance", "ticket_hall", "waiting_hall", "security_check", "platform", "passage",
         "car_park_entrance"),
    ),
    SiteCategory(
        "energy_water_utilities", 7,
        "大型能源动力设施、水利设施和水、电、燃油、燃气、热力供应设施的重要部位",
        "key positions of large energy facilities, water-conservancy facilities and "
        "water, power, fuel, gas and heat supply facilities",
        ("gate", "perimeter", "control_room", "core_equipment_area"),
    ),
    SiteCategory(
        "dangerous_goods_reserves", 8,
        "研制、生产、储存、销售危险物品场所和大型物资储备场所的重要部位",
        "key positions of sites developing, producing, storing or selling dangerous goods "
        "and of large material reserves",
        ("gate", "perimeter", "storage_area", "loading_area", "control_room"),
    ),
    SiteCategory(
        "heritage_culture", 9,
        "重点文物保护单位、博物馆、档案馆、图书馆和存放重要文物、资料、物品的纪念馆、展览馆的重要部位",
        "key positions of protected heritage sites, museums, archives, libraries and "
        "memorial or exhibition halls holding important relics, records or objects",
        ("entrance", "exhibition_hall", "collection_store", "reading_room", "perimeter"),
    ),
    SiteCategory(
        "research_finance", 10,
        "科研机构、金融机构的重要部位",
        "key positions of research institutions and financial institutions",
        ("entrance", "business_hall", "vault", "cash_handover_area", "self_service_area",
         "laboratory", "server_room"),
    ),
    SiteCategory(
        "education_health_welfare", 11,
        "学校、幼儿园、医疗机构、养老机构、救助管理机构、儿童福利机构的重要部位",
        "key positions of schools, kindergartens, medical institutions, elderly-care, "
        "relief and child-welfare institutions",
        ("gate", "perimeter", "lobby", "passage", "playground", "emergency_department",
         "pharmacy"),
    ),
    SiteCategory(
        "crowded_public_places", 12,
        "公园、旅游景区、城市广场、地下人行通道等人员密集场所的重要部位",
        "key positions of parks, scenic areas, city squares, pedestrian underpasses and "
        "other crowded places",
        ("main_passage", "entrance", "crowd_area"),
    ),
    SiteCategory(
        "residential", 13,
        "居民住宅区的重要部位",
        "key positions of residential compounds",
        ("gate", "perimeter", "car_park_entrance", "building_entrance", "elevator_car"),
    ),
    SiteCategory(
        "other_by_law", 14,
        "法律、法规、规章规定的其他应当安装公共安全视频图像信息系统的场所和部位",
        "other sites and positions where laws, regulations or rules require a system",
        (),
    ),
)  # fmt: skip

SITE_CATEGORIES: MappingProxyType[str, SiteCategory] = MappingProxyType(
    {category.code: category for category in _CATEGORIES}
)
"""The 14 categories of A7, code → `SiteCategory`, in the order of the measures."""


def site_category(code: str, *, field: str = "category") -> SiteCategory:
    """The category for `code`; `ValidationError` naming the known codes if unknown."""
    try:
        return SITE_CATEGORIES[code]
    except KeyError:
        known = ", ".join(SITE_CATEGORIES)
        raise ValidationError(
            f"{code!r} is not a site category of A7; use one of: {known}",
            field=field,
            article="A7",
        ) from None


def default_checklist(category: str) -> tuple[KeyPosition, ...]:
    """The usual key positions of a category; the unit confirms or edits them (A7.2)."""
    return tuple(KEY_POSITIONS[code] for code in site_category(category).default_positions)


class Builder(StrEnum):
    """Who builds and maintains a system (A9)."""

    GOVERNMENT = "government"  # 市、县人民政府组织建设 (A9.1)
    UNIT = "unit"  # 该场所、部位的建设、管理或者使用单位 (A9.2)
    OTHER = "other"  # 其他单位和个人: may not install (A9.3)


_BUILDER_ZH = {
    Builder.GOVERNMENT: "市、县人民政府",
    Builder.UNIT: "该场所的建设、管理或者使用单位",
    Builder.OTHER: "其他单位和个人",
}


@dataclass(frozen=True, slots=True)
class SiteKind:
    """A kind of site within a category that A9.1 names apart from the rest."""

    code: str
    category: str
    zh: str
    en: str
    government_positions: tuple[str, ...] | None
    """Positions the government builds; None: the whole site; (): none of it (A9.2)."""


_PARK_GATES = ("main_passage", "entrance")  # 开放式公园的主要通道和出入口 (A9.1)

_SITE_KINDS: tuple[SiteKind, ...] = (
    SiteKind("airport", "transport_hubs", "机场", "airport", ()),
    SiteKind("port", "transport_hubs", "港口", "port", ()),
    SiteKind("station", "transport_hubs", "车站", "railway or coach station", ()),
    SiteKind("urban_rail_station", "transport_hubs", "城市轨道交通站", "urban rail station", None),
    SiteKind("bus_hub_station", "transport_hubs", "城市公共汽车枢纽站", "bus hub station", None),
    SiteKind("car_park", "transport_hubs", "停车场", "car park", ()),
    SiteKind("park", "crowded_public_places", "公园(非开放式)", "park (enclosed)", ()),
    SiteKind("open_park", "crowded_public_places", "开放式公园", "open park", _PARK_GATES),
    SiteKind("scenic_area", "crowded_public_places", "旅游景区", "scenic area", ()),
    SiteKind("city_square", "crowded_public_places", "城市广场", "city square", None),
    SiteKind("underpass", "crowded_public_places", "地下人行通道", "pedestrian underpass", None),
)

SITE_KINDS: MappingProxyType[str, SiteKind] = MappingProxyType(
    {kind.code: kind for kind in _SITE_KINDS}
)
"""Site kinds of the categories that A9.1 splits, code → `SiteKind`."""

GOVERNMENT_CATEGORIES: frozenset[str] = frozenset({"roads"})
"""Categories built entirely by the government (A9.1)."""


@dataclass(frozen=True, slots=True)
class BuilderRule:
    """Who must build a system at a site, and the paragraph of A9 that says so."""

    builder: Builder
    article: str


def required_builder(
    category: str, *, site_kind: str | None = None, position: str | None = None
) -> BuilderRule:
    """Who builds at a site of `category` (A9.1 government, A9.2 the site's unit).

    `site_kind` is needed for transport hubs and crowded public places; `position` for an
    open park, where only the main passages and entrances are government-built.
    """
    cat = site_category(category)
    if cat.code in GOVERNMENT_CATEGORIES:
        return BuilderRule(Builder.GOVERNMENT, "A9.1")
    kinds = [kind for kind in SITE_KINDS.values() if kind.category == cat.code]
    if not kinds:
        return BuilderRule(Builder.UNIT, "A9.2")
    kind_codes = ", ".join(kind.code for kind in kinds)
    if site_kind is None or site_kind not in {kind.code for kind in kinds}:
        raise ValidationError(
            f"A9.1 splits {cat.en!r} by the kind of site; give one of: {kind_codes}",
            field="site_kind",
            article="A9.1",
        )
    kind = SITE_KINDS[site_kind]
    if kind.government_positions is None:
        return BuilderRule(Builder.GOVERNMENT, "A9.1")
    if kind.government_positions and position is None:
        raise ValidationError(
            f"at an {kind.en} only some positions are government-built; give the position",
            field="position",
            article="A9.1",
        )
    if position in kind.government_positions:
        return BuilderRule(Builder.GOVERNMENT, "A9.1")
    return BuilderRule(Builder.UNIT, "A9.2")


def _builder(value: Builder | str) -> Builder:
    try:
        return Builder(value)
    except ValueError:
        known = ", ".join(b.value for b in Builder)
        raise ValidationError(
            f"{value!r} is not a builder; use one of: {known}", field="builder"
        ) from None


def check_builder(
    category: str,
    builder: Builder | str,
    *,
    site_kind: str | None = None,
    position: str | None = None,
) -> BuilderRule:
    """Return the rule if `builder` may install here; `RefusedByLawError` (A9.3) if not."""
    rule = required_builder(category, site_kind=site_kind, position=position)
    who = _builder(builder)
    if who is not rule.builder:
        raise RefusedByLawError(
            f"this public-safety site is built by the {rule.builder.value} "
            f"({_BUILDER_ZH[rule.builder]}, {rule.article}); "
            f"no other unit or individual may install cameras here (其他单位和个人不得安装)",
            field="builder",
            article="A9.3",
        )
    return rule


def check_may_enter_service(builder: Builder | str, *, accepted: bool) -> None:
    """A government-built system may not be put into use before it passes acceptance (A13.1)."""
    if _builder(builder) is Builder.GOVERNMENT and not accepted:
        raise RefusedByLawError(
            "a government-built system may not be put into use before it passes acceptance "
            "(未经验收或者验收不合格的,不得投入使用)",
            field="accepted",
            article="A13.1",
        )
