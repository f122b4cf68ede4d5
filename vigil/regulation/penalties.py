"""Liability (A24–A27): violation codes, the article each breaks, and the fines that apply.

Fines are in yuan, as integer ranges "X元以上Y元以下" — both ends included. A24 and A26 fine
only after an order to rectify within a time limit is ignored (责令限期改正;逾期不改正的);
A25 orders removal *and* fines at once. A27 concerns officials: no fine, discipline by the
superior organ or the supervisory organ.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from vigil.errors import ValidationError


@dataclass(frozen=True, slots=True)
class FineRange:
    """A fine from `min_yuan` to `max_yuan`, both included."""

    min_yuan: int
    max_yuan: int

    def __post_init__(self) -> None:
        if not 0 < self.min_yuan <= self.max_yuan:
            raise ValueError(f"bad fine range {self.min_yuan}–{self.max_yuan}")

    def __contains__(self, yuan: object) -> bool:
        return type(yuan) is int and self.min_yuan <= yuan <= self.max_yuan

    def __str__(self) -> str:
        return f"{self.min_yuan}–{self.max_yuan} yuan"


UNIT_FINE = FineRange(2_000, 10_000)  # 对单位处2000元以上10000元以下罚款 (A24, A25, A26)
PERSON_FINE = FineRange(200, 1_000)  # 对直接负责的主管人员和其他直接责任人员 (A24, A25, A26)
PROFIT_UNIT_FINE = FineRange(5_000, 30_000)  # A25: 以营利为目的, 有违法所得, 对单位
PROFIT_PERSON_FINE = FineRange(500, 1_000)  # A25: 以营利为目的, 有违法所得, 对人员
NON_PROFIT_FINE = FineRange(500, 1_000)  # A25: 单位不以营利为目的安装, 以及个人安装


class Order(StrEnum):
    RECTIFY = "rectify"  # 责令限期改正
    REMOVE = "remove"  # 责令限期拆除


@dataclass(frozen=True, slots=True)
class Violation:
    """A kind of breach by a unit or a person, and the article that sanctions it."""

    code: str
    article: str
    """The item of A24–A26 that sets the sanction."""
    breaches: tuple[str, ...]
    """The articles whose duty was broken."""
    zh: str
    en: str


_VIOLATIONS: tuple[Violation, ...] = (
    Violation("not_installed", "A24(1)", ("A7", "A9.2"),
              "未按规定安装公共安全视频图像信息系统", "required system not installed"),
    Violation("not_commissioned_with_works", "A24(2)", ("A11",),
              "未综合设计、同步投入使用", "not designed or put into use with the main works"),
    Violation("removed_without_notice", "A24(3)", ("A15",),
              "拆除未通知公安机关", "system removed without notifying the bureau"),
    Violation("operation_compromised", "A24(4)", ("A16",),
              "中断运行、擅自改变用途或者采集设备位置、允许非监看、管理、维护人员进入监看场所",
              "operation interrupted, purpose or camera position changed, or outsiders let "
              "into the monitoring room"),
    Violation("access_unregistered_or_short_retention", "A24(5)", ("A17.2(2)", "A17.2(3)"),
              "不对查阅、复制、调取进行登记,或者有效存储期限少于30日",
              "review, copy or retrieval not registered, or material kept less than 30 days"),
    Violation("access_refused", "A24(6)", ("A20", "A21"),
              "拒绝接入、直接使用或者依法查阅、复制、调取",
              "lawful connection, direct use, review, copy or retrieval refused"),
    Violation("installed_in_private_place", "A25", ("A8",),
              "在涉及个人隐私的场所和部位安装", "installed at a private place where A8 forbids it"),
    Violation("installed_without_authority", "A25", ("A9.3",),
              "其他单位和个人在涉及公共安全的场所、部位安装",
              "installed at a public-safety site by someone A9 does not empower"),
    Violation("system_misused", "A26(1)", ("A18",),
              "故意采集秘密、隐私,删改、隐匿、毁弃原始记录,或者违法提供信息资料",
              "secrets or privacy captured, originals altered or destroyed, or material "
              "given to unauthorised parties"),
    Violation("equipment_damaged_or_material_traded", "A26(2)", ("A19",),
              "盗窃、损毁设施、设备,或者买卖、非法复制、传播信息资料",
              "equipment stolen or damaged, or material traded, copied or spread illegally"),
)  # fmt: skip

VIOLATIONS: MappingProxyType[str, Violation] = MappingProxyType(
    {violation.code: violation for violation in _VIOLATIONS}
)
"""Every violation a unit or person can commit, code → `Violation`."""

A26_FURTHER_LIABILITY = (
    "依法应当给予治安处罚的,依照《中华人民共和国治安管理处罚法》予以处罚;涉嫌构成犯罪的,"
    "由司法机关依法追究刑事责任;造成损失的,依法承担赔偿责任",
    "public-order penalties under the Public Security Administration Punishments Law, "
    "criminal liability, and compensation for harm or loss, where due",
)


@dataclass(frozen=True, slots=True)
class Penalty:
    """What the bureau may impose for one violation in one case."""

    violation: Violation
    order: Order
    fine_only_if_not_rectified: bool
    unit_fine: FineRange | None
    person_fine: FineRange | None
    """For the directly responsible managers and other directly responsible persons."""
    individual_fine: FineRange | None
    """For an individual (not a unit) who installed a camera (A25)."""
    further_liability: tuple[str, str] | None = None
    """(zh, en) liability beyond these measures (A26)."""

    @property
    def article(self) -> str:
        return self.violation.article


def violation(code: str, *, field: str = "violation") -> Violation:
    """The violation for `code`; `ValidationError` naming the known codes if unknown."""
    try:
        return VIOLATIONS[code]
    except KeyError:
        known = ", ".join(VIOLATIONS)
        raise ValidationError(
            f"{code!r} is not a violation code; use one of: {known}", field=field
        ) from None


def _a25(
    found: Violation, *, for_profit: bool | None, illegal_gains: bool | None, individual: bool
) -> Penalty:
    if individual:
        return Penalty(found, Order.REMOVE, False, None, None, NON_PROFIT_FINE)
    if for_profit is None:
        raise ValidationError(
            "say whether the unit installed for profit (以营利为目的)",
            field="for_profit",
            article="A25",
        )
    if not for_profit:
        return Penalty(found, Order.REMOVE, False, NON_PROFIT_FINE, None, None)
    if illegal_gains is None:
        raise ValidationError(
            "say whether the unit made illegal gains (违法所得)",
            field="illegal_gains",
            article="A25",
        )
    if illegal_gains:
        return Penalty(found, Order.REMOVE, False, PROFIT_UNIT_FINE, PROFIT_PERSON_FINE, None)
    return Penalty(found, Order.REMOVE, False, UNIT_FINE, PERSON_FINE, None)


def penalty_for(
    code: str,
    *,
    for_profit: bool | None = None,
    illegal_gains: bool | None = None,
    individual: bool = False,
) -> Penalty:
    """The sanction for violation `code`.

    `for_profit`, `illegal_gains` and `individual` choose among the cases of A25 and are
    refused for other violations, where they change nothing. A24 binds units only; under A26
    an individual faces no fine from these measures, only `further_liability`.
    """
    found = violation(code)
    if found.article == "A25":
        return _a25(
            found, for_profit=for_profit, illegal_gains=illegal_gains, individual=individual
        )
    for name, value in (("for_profit", for_profit), ("illegal_gains", illegal_gains)):
        if value is not None:
            raise ValidationError(
                f"only matters for illegal installation (A25), not {found.article}", field=name
            )
    if found.article.startswith("A24("):
        if individual:
            raise ValidationError(
                "A24 sanctions units; an individual cannot commit this violation",
                field="individual",
                article=found.article,
            )
        return Penalty(found, Order.RECTIFY, True, UNIT_FINE, PERSON_FINE, None)
    if individual:
        return Penalty(found, Order.RECTIFY, True, None, None, None, A26_FURTHER_LIABILITY)
    return Penalty(found, Order.RECTIFY, True, UNIT_FINE, PERSON_FINE, None, A26_FURTHER_LIABILITY)


@dataclass(frozen=True, slots=True)
class Misconduct:
    """An official's breach (A27): corrected by the superior or supervisory organ, and the
    responsible persons disciplined (处分) — no fine; criminal liability where due."""

    code: str
    article: str
    breaches: tuple[str, ...]
    zh: str
    en: str


_MISCONDUCT: tuple[Misconduct, ...] = (
    Misconduct("vendor_pushed", "A27(1)", ("A12",),
               "指定产品或者销售单位,指定设计、施工、维护单位,或者利用职权牟取不正当利益",
               "pushed products, vendors or contractors on a unit, or sought improper gain"),
    Misconduct("direct_access_unlawful", "A27(2)", ("A20",),
               "非因公共安全、国家安全需要,或者未经批准,接入或者直接使用",
               "connected to or used a unit's system without need or without approval"),
    Misconduct("material_accessed_unlawfully", "A27(3)", ("A21", "A22"),
               "违反规定查阅、复制或者调取信息资料",
               "reviewed, copied or retrieved material against A21 or A22"),
    Misconduct("supervision_failed", "A27(4)", ("A23",),
               "未依法履行监督检查职责,造成严重后果",
               "failed to supervise and inspect, with serious consequences"),
    Misconduct("report_not_handled", "A27(5)", ("A17.2(1)",),
               "接到可疑信息报告后,不依法及时处理",
               "did not act promptly on a unit's report of suspicious information"),
)  # fmt: skip

MISCONDUCT: MappingProxyType[str, Misconduct] = MappingProxyType(
    {item.code: item for item in _MISCONDUCT}
)
"""The officials' breaches of A27, code → `Misconduct`."""


# --- the national regulation of 2025: N26–N30 -----------------------------------------------

UP_TO_5_000 = FineRange(1, 5_000)  # 5000元以下
UP_TO_10_000 = FineRange(1, 10_000)  # 1万元以下
UP_TO_20_000 = FineRange(1, 20_000)  # 2万元以下
FROM_5_000_TO_10_000 = FineRange(5_000, 10_000)  # 5000元以上1万元以下
FROM_10_000_TO_20_000 = FineRange(10_000, 20_000)  # 1万元以上2万元以下


@dataclass(frozen=True, slots=True)
class NationalPenalty:
    """What a bureau may impose under one of N26–N30, and when.

    `fine_only_if` says the condition of the fines (`None`: imposed with the order at once).
    Ranges include both ends; "X元以下" starts at 1 yuan. `supersedes` names the provincial
    sanctions for the same conduct, which the national figures replace from 2025-04-01."""

    code: str
    article: str
    breaches: tuple[str, ...]
    orders: tuple[str, ...]
    """(zh) what is ordered besides fines: correction, confiscation, deletion, warning."""
    fine_only_if: str | None
    individual_fine: FineRange | None
    unit_fine: FineRange | None
    person_fine: FineRange | None
    """The unit's directly responsible managers and other directly responsible persons."""
    zh: str
    en: str
    supersedes: tuple[str, ...] = ()
    further: str = ""

    def text(self) -> str:
        """The sanction in one line (en)."""
        fines = []
        for who, rng in (
            ("individual", self.individual_fine),
            ("unit", self.unit_fine),
            ("responsible persons", self.person_fine),
        ):
            if rng is not None:
                fines.append(f"{who} {_fine_en(rng)}")
        joined = "fines: " + ", ".join(fines) if fines else "no fine"
        cond = f"if {self.fine_only_if}, " if self.fine_only_if else ""
        return f"{self.article}: {'; '.join(self.orders)}; {cond}{joined}"

    def text_zh(self) -> str:
        """The sanction in one line (zh)."""
        parts = []
        for who, rng in (
            ("违法个人", self.individual_fine),
            ("违法单位", self.unit_fine),
            ("直接负责的主管人员和其他直接责任人员", self.person_fine),
        ):
            if rng is not None:
                parts.append(f"对{who}处{_fine_zh(rng)}罚款")
        cond = {
            "not corrected": "拒不改正的，",
            "not corrected or serious": "拒不改正或者造成严重后果的，",
        }.get(self.fine_only_if or "", "")
        fines = "，".join(parts) if parts else "不罚款"
        number, _, paragraph = self.article[1:].partition(".")
        where = f"《条例》第{_zh_number(int(number))}条" + (
            f"第{_zh_number(int(paragraph))}款" if paragraph else ""
        )
        return f"{where}：{self.zh}；{cond}{fines}"


def _fine_en(rng: FineRange) -> str:
    return f"up to {rng.max_yuan} yuan" if rng.min_yuan == 1 else str(rng)


def _fine_zh(rng: FineRange) -> str:
    if rng.min_yuan == 1:
        return f" {rng.max_yuan} 元以下"
    return f" {rng.min_yuan}–{rng.max_yuan} 元"


def _zh_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return (digits[n // 10] if n >= 20 else "") + "十" + (digits[n % 10] if n % 10 else "")


_NATIONAL: tuple[NationalPenalty, ...] = (
    NationalPenalty(
        "installed_without_right", "N26", ("N7.3", "N9.1"),
        ("order to correct within a time limit", "delete the material collected"),
        "not corrected", UP_TO_5_000, UP_TO_20_000, UP_TO_5_000,
        "责令限期改正，删除所收集的视频图像信息；没收相关设备设施",
        "installed by someone who is not the lawful builder",
        supersedes=("installed_without_authority",),
    ),
    NationalPenalty(
        "installed_in_forbidden_place", "N27.1", ("N8(1)", "N8(2)", "N8(3)", "N8(4)"),
        ("confiscate the equipment", "delete the material collected"),
        None, FROM_5_000_TO_10_000, FROM_10_000_TO_20_000, FROM_5_000_TO_10_000,
        "没收相关设备设施，删除所收集的视频图像信息",
        "camera installed at a place N8 forbids",
        supersedes=("installed_in_private_place",),
        further="public-order penalties or criminal liability for peeping, filming, eavesdropping",
    ),
    NationalPenalty(
        "forbidden_places_not_checked", "N27.2", ("N8.2",),
        ("order to correct",), "not corrected or serious",
        FROM_5_000_TO_10_000, FROM_10_000_TO_20_000, FROM_5_000_TO_10_000,
        "责令改正", "the places N8 names were not checked regularly",
        further="suspension of business or revocation of licences via the competent department",
    ),
    NationalPenalty(
        "secret_unit_not_consulted", "N28", ("N10",),
        ("confiscate the equipment", "delete the material collected"),
        None, FROM_5_000_TO_10_000, FROM_10_000_TO_20_000, FROM_5_000_TO_10_000,
        "没收相关设备设施，删除所收集的视频图像信息",
        "installed near a secret unit without its prior consent",
    ),
    NationalPenalty(
        "not_filed_or_false_filing", "N29", ("N14",),
        ("order to correct within a time limit",), "not corrected",
        None, UP_TO_10_000, None,
        "责令限期改正", "not filed, or false filing information",
    ),
    NationalPenalty(
        "cameras_moved_or_removed", "N30", ("N23(2)",),
        ("order to correct", "warning"), "not corrected or serious",
        UP_TO_5_000, FROM_5_000_TO_10_000, UP_TO_5_000,
        "责令改正，给予警告", "government cameras altered, moved or removed",
    ),
)  # fmt: skip

NATIONAL_PENALTIES: MappingProxyType[str, NationalPenalty] = MappingProxyType(
    {p.code: p for p in _NATIONAL}
)
"""The sanctions of N26–N30 that fine units and persons, code → `NationalPenalty`.
N29 fines only "1万元以下" without naming who: read as the filing unit (the one that
files). N31 refers to three other laws and N32 to discipline: no figures here."""


def national_penalty(code: str, *, field: str = "violation") -> NationalPenalty:
    """The national sanction for `code`; `ValidationError` naming the known codes."""
    try:
        return NATIONAL_PENALTIES[code]
    except KeyError:
        known = ", ".join(NATIONAL_PENALTIES)
        raise ValidationError(
            f"{code!r} is not a national violation code; use one of: {known}", field=field
        ) from None


def fine_in_range(code: str, who: str, yuan: int) -> bool:
    """True if a fine of `yuan` on `who` (individual, unit, person) is within the range
    the article sets for violation `code`; a range the article does not set allows none."""
    found = national_penalty(code)
    ranges = {
        "individual": found.individual_fine,
        "unit": found.unit_fine,
        "person": found.person_fine,
    }
    if who not in ranges:
        raise ValidationError("must be individual, unit or person", field="who")
    rng = ranges[who]
    return rng is not None and yuan in rng
