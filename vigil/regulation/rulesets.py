"""Rule sets (one per legal text) and jurisdiction profiles: which law applied on which day.

A `RuleSet` is one text: the provincial measures of 2017 (`measures-2017`, IDs `A…`) or the
State Council's regulation of 2025 (`national-2025`, IDs `N…`), with the figures each sets:
its filing rule, its retention floor, its forbidden places (`privacy`), its site categories
and its penalties (`penalties`). A `JurisdictionProfile` says which sets apply from which
day, which provincial duties the province has retired, and which set governs where both set
a figure. `law_in_force(profile, on)` is what every date-dependent check asks.

How the two relate (NATIONAL-2025.md): the national regulation outranks the measures. From
2025-04-01 a unit owes the national duties; a provincial duty still applies where it adds
to the national one, unless the province repealed it (a `Retirement`). Where both set a
figure (the filing deadline, fines) the national one governs conduct from 2025-04-01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

from vigil.errors import ValidationError
from vigil.regulation.articles import ARTICLES
from vigil.regulation.deadlines import (
    EFFECTIVE_DATE,
    FILING_DAYS,
    LEGACY_FILING_DAYS,
    PeriodEnd,
    filing_article,
    filing_period,
    filing_rule,
    filing_rule_zh,
    period_end,
)

NATIONAL_EFFECTIVE_DATE = date(2025, 4, 1)
"""The national regulation is in force from this day (N34)."""

NATIONAL_FILING_DAYS = 30
"""A system is filed within 30 days of being put into use (投入使用, N14)."""

NATIONAL_LEGACY_FILING_DAYS = 90
"""A system in use before 2025-04-01 is filed within 90 days of that day (N14): by
2025-06-30 (2025-04-01 not counted; 2025-06-30 is a Monday, so nothing moves it)."""

NATIONAL_RETENTION_DAYS = 30
"""Material is kept at least 30 days (N17); after that, what has served its purpose goes."""

OTHER_PUBLIC_PLACE = "other_public_place"
"""The national class of a site outside the N7 places (N9)."""

N9_OPTIONAL = ("N11", "N14", "N15", "N16.2", "N17")
"""The duties N9.2 makes not mandatory for an other public place (their sub-units too)."""


@dataclass(frozen=True, slots=True)
class NationalCategory:
    """A place of N7.2 whose managing unit builds the system (the national list is not A7)."""

    code: str
    article: str
    zh: str
    en: str


NATIONAL_CATEGORIES: MappingProxyType[str, NationalCategory] = MappingProxyType(
    {
        c.code: c
        for c in (
            NationalCategory("crowded_place", "N7.2(1)", "人员聚集场所",
                             "crowded place: commercial or exhibition centre, tourist site, "
                             "culture/sports/entertainment venue, education or medical "
                             "institution, government service hall, park, public car park"),
            NationalCategory("transport_hub", "N7.2(2)", "交通枢纽",
                             "transport hub: border port, airport, passenger port or station, "
                             "rail or coach station, metro station"),
            NationalCategory("public_vehicle", "N7.2(3)", "大中型公共交通工具",
                             "large or medium public vehicle: passenger train, coach, metro "
                             "car, passenger ship"),
            NationalCategory("service_area", "N7.2(4)", "高速公路、普通国省干线的服务区",
                             "motorway or trunk-road service area"),
            NationalCategory("government_place", "N7.1", "政府组织建设的公共场所",
                             "road, boundary, bridge, tunnel, underpass, square, surroundings "
                             "of a key security unit (built by the government)"),
            NationalCategory(OTHER_PUBLIC_PLACE, "N9", "其他公共场所",
                             "other public place (outside N7): N11, N14, N15, N16.2 and N17 "
                             "are not mandatory"),
        )
    }
)  # fmt: skip
"""The national site classes, code → `NationalCategory`."""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One legal text and the figures it sets."""

    id: str
    prefix: str
    """The letter of its article IDs (`A`, `N`)."""
    title_zh: str
    title_en: str
    rank: str
    in_force_from: date
    filing_article: str
    filing_days: int
    filing_counted_from: str
    """`delivered_on` (A13.2: 交付使用) or `commissioned_on` (N14: 投入使用)."""
    legacy_filing_article: str
    legacy_filing_days: int
    filing_fields: tuple[str, ...]
    """What the filing carries, as the filing form names it."""
    filing_attachments: tuple[str, ...]
    retention_article: str
    retention_days: int

    def articles(self) -> tuple[str, ...]:
        return tuple(a for a in ARTICLES if a.startswith(self.prefix))


MEASURES_2017 = RuleSet(
    id="measures-2017",
    prefix="A",
    title_zh="公共安全视频图像信息系统管理办法",
    title_en="Provincial measures on public security video image information systems",
    rank="local government rules (地方政府规章)",
    in_force_from=EFFECTIVE_DATE,
    filing_article="A13.2",
    filing_days=FILING_DAYS,
    filing_counted_from="delivered_on",
    legacy_filing_article="A13.3",
    legacy_filing_days=LEGACY_FILING_DAYS,
    filing_fields=("unit", "address", "contact", "categories", "builder", "delivered_on"),
    filing_attachments=("design_plan", "test_report", "acceptance_report"),
    retention_article="A17.2(3)",
    retention_days=30,
)

NATIONAL_2025 = RuleSet(
    id="national-2025",
    prefix="N",
    title_zh="公共安全视频图像信息系统管理条例",
    title_en="Regulation on public security video image information systems "
    "(State Council Decree No. 799)",
    rank="administrative regulation (行政法规)",
    in_force_from=NATIONAL_EFFECTIVE_DATE,
    filing_article="N14",
    filing_days=NATIONAL_FILING_DAYS,
    filing_counted_from="commissioned_on",
    legacy_filing_article="N14",
    legacy_filing_days=NATIONAL_LEGACY_FILING_DAYS,
    filing_fields=("unit", "address", "cameras", "camera_types", "retention_days"),
    filing_attachments=(),
    retention_article="N17",
    retention_days=NATIONAL_RETENTION_DAYS,
)

RULE_SETS: MappingProxyType[str, RuleSet] = MappingProxyType(
    {r.id: r for r in (MEASURES_2017, NATIONAL_2025)}
)


@dataclass(frozen=True, slots=True)
class Applies:
    """A rule set applies from `since` (and, if set, until the day before `until`)."""

    rule_set: str
    since: date
    until: date | None = None


@dataclass(frozen=True, slots=True)
class Retirement:
    """A provincial article the province repealed or revised away, from `since`."""

    article: str
    since: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class JurisdictionProfile:
    name: str
    title: str
    applies: tuple[Applies, ...]
    retired: tuple[Retirement, ...] = ()
    governing: str = NATIONAL_2025.id
    """The set whose figure governs where two in force both set one."""


PROVINCE = JurisdictionProfile(
    name="province",
    title="this province: the measures from 2017-01-01, the national regulation added "
    "from 2025-04-01 (national figures govern where both set one)",
    applies=(
        Applies(MEASURES_2017.id, MEASURES_2017.in_force_from),
        Applies(NATIONAL_2025.id, NATIONAL_2025.in_force_from),
    ),
)

NATIONAL_ONLY = JurisdictionProfile(
    name="national",
    title="a jurisdiction without provincial measures: the national regulation from 2025-04-01",
    applies=(Applies(NATIONAL_2025.id, NATIONAL_2025.in_force_from),),
)

PROFILES: MappingProxyType[str, JurisdictionProfile] = MappingProxyType(
    {p.name: p for p in (PROVINCE, NATIONAL_ONLY)}
)
DEFAULT_JURISDICTION = PROVINCE.name


def jurisdiction(name: object, *, field: str = "jurisdiction") -> JurisdictionProfile:
    """The profile called `name`; `ValidationError` naming the known ones."""
    if isinstance(name, str) and name.strip() in PROFILES:
        return PROFILES[name.strip()]
    raise ValidationError(
        f"{name!r} is not a jurisdiction profile; use one of: {', '.join(PROFILES)}",
        field=field,
    )


@dataclass(frozen=True, slots=True)
class FilingDuty:
    """The filing a system owed by a day's law: its deadline and what it carries."""

    articles: tuple[str, ...]
    """Every article that imposes it (the governing one first)."""
    governing: str
    """The article whose deadline applies (`A13.2`, `A13.3`, `N14`)."""
    period: PeriodEnd | None
    """None when the date it counts from is not recorded (`counted_from`)."""
    counted_from: str
    start: date | None
    fields: tuple[str, ...]
    attachments: tuple[str, ...]
    rule_en: str
    rule_zh: str


def _day(value: date, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(
            f"must be a calendar date such as 2025-04-01, got {value!r}", field=name
        )
    return value


@dataclass(frozen=True)
class LawInForce:
    """The rule sets a profile applies on one day, and the questions checks ask of them."""

    profile: JurisdictionProfile
    on: date
    rule_sets: tuple[RuleSet, ...]
    retired: frozenset[str] = field(default_factory=frozenset)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rule_sets)

    def has(self, rule_set_id: str) -> bool:
        return rule_set_id in self.ids

    def applies(self, article_id: str) -> bool:
        """True if `article_id`'s text is in force and neither it nor an enclosing unit is
        retired."""
        if not any(article_id.startswith(r.prefix) for r in self.rule_sets):
            return False
        return not any(
            article_id == r or article_id.startswith(r + ".") or article_id.startswith(r + "(")
            for r in self.retired
        )

    def cite(self, articles: tuple[str, ...], site_class: str | None = None) -> tuple[str, ...]:
        """Those of `articles` in force, for a site of national class `site_class`: N7's
        duties bind an N7 place, N9's an other public place."""
        out = []
        for a in articles:
            if not self.applies(a):
                continue
            if site_class == OTHER_PUBLIC_PLACE and a.startswith("N7"):
                continue
            if site_class not in (None, OTHER_PUBLIC_PLACE) and a.startswith("N9"):
                continue
            out.append(a)
        return tuple(out)

    def optional(self, article_id: str, site_class: str | None) -> bool:
        """True if N9.2 makes `article_id` not mandatory for a site of `site_class`."""
        if site_class != OTHER_PUBLIC_PLACE or not self.has(NATIONAL_2025.id):
            return False
        return any(
            article_id == o or article_id.startswith(o + ".") or article_id.startswith(o + "(")
            for o in N9_OPTIONAL
        )

    def min_retention_days(self) -> int:
        """The longest floor of the sets in force (all say 30 days today)."""
        return max((r.retention_days for r in self.rule_sets), default=30)

    def retention_articles(self) -> tuple[str, ...]:
        return self.cite(tuple(r.retention_article for r in self.rule_sets))

    def filing(
        self,
        *,
        delivered_on: date | None,
        commissioned_on: date | None,
        site_class: str | None = None,
    ) -> FilingDuty | None:
        """The filing duty of a unit-built system on this day, or None if no set in force
        asks for one. National governs (N14, from the day of use) where it applies; the
        provincial A13.2 is cited beside it while in force, and its attachments asked."""
        measures = self.has(MEASURES_2017.id) and self.applies("A13")
        national = self.has(NATIONAL_2025.id) and self.applies("N14")
        if national:
            arts = ["N14"]
            attachments: tuple[str, ...] = ()
            if measures:
                arts.append(
                    "A13.3"
                    if delivered_on is not None and delivered_on < EFFECTIVE_DATE
                    else "A13.2"
                )
                attachments = MEASURES_2017.filing_attachments
            fields_ = NATIONAL_2025.filing_fields
            if commissioned_on is None:
                return FilingDuty(
                    tuple(arts), "N14", None, "commissioned_on", None, fields_, attachments,
                    "a system is filed within 30 days of being put into use (N14); "
                    "record the day it was put into use",
                    "自系统投入使用之日起 30 日内备案（《条例》第十四条）；请登记投入使用日期",
                )  # fmt: skip
            start = _day(commissioned_on, "commissioned_on")
            if start < NATIONAL_EFFECTIVE_DATE:
                period = period_end(NATIONAL_EFFECTIVE_DATE, NATIONAL_LEGACY_FILING_DAYS)
                en = (
                    f"a system in use before {NATIONAL_EFFECTIVE_DATE} is filed within "
                    f"{NATIONAL_LEGACY_FILING_DAYS} days of it, by {period.last_day} (N14)"
                )
                zh = (
                    f"《条例》施行前已经启用的系统，自 {NATIONAL_EFFECTIVE_DATE} 起 "
                    f"{NATIONAL_LEGACY_FILING_DAYS} 日内（{period.last_day} 前）备案"
                    "（《条例》第十四条）"
                )
                return FilingDuty(
                    tuple(arts), "N14", period, "commissioned_on", NATIONAL_EFFECTIVE_DATE,
                    fields_, attachments, en, zh,
                )  # fmt: skip
            period = period_end(start, NATIONAL_FILING_DAYS)
            return FilingDuty(
                tuple(arts), "N14", period, "commissioned_on", start, fields_, attachments,
                f"a system is filed with the county-level bureau within {NATIONAL_FILING_DAYS} "
                "days of being put into use (N14)",
                f"自系统投入使用之日起 {NATIONAL_FILING_DAYS} 日内向县级公安机关备案"
                "（《条例》第十四条）",
            )  # fmt: skip
        if not measures:
            return None
        fields_ = MEASURES_2017.filing_fields
        attachments = MEASURES_2017.filing_attachments
        if delivered_on is None:
            return FilingDuty(
                ("A13.2",), "A13.2", None, "delivered_on", None, fields_, attachments,
                "a unit-built system is filed within 30 days of its delivery (A13.2); "
                "record the delivery date",
                "自交付使用之日起 30 日内备案（第十三条第二款）；请登记交付使用日期",
            )  # fmt: skip
        art = filing_article(delivered_on)
        return FilingDuty(
            (art,), art, filing_period(delivered_on), "delivered_on", delivered_on,
            fields_, attachments, filing_rule(delivered_on), filing_rule_zh(delivered_on),
        )  # fmt: skip

    def describe(self) -> dict[str, object]:
        return {
            "jurisdiction": self.profile.name,
            "on": self.on.isoformat(),
            "rule_sets": list(self.ids),
            "retired": sorted(self.retired),
            "governing": self.profile.governing,
        }


def law_in_force(profile: JurisdictionProfile | str, on: date) -> LawInForce:
    """The rule sets `profile` applies on `on`, with the provincial articles retired by then."""
    found = jurisdiction(profile) if isinstance(profile, str) else profile
    day = _day(on, "on")
    sets = tuple(
        RULE_SETS[a.rule_set]
        for a in found.applies
        if a.since <= day and (a.until is None or day < a.until)
    )
    retired = frozenset(r.article for r in found.retired if r.since <= day)
    return LawInForce(found, day, sets, retired)
