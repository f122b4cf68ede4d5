"""What a check returns, and what it reads: `Evidence` in, `Finding` out (see `duties`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from vigil.compliance.evidence import (
    CameraFacts,
    Coverage,
    MaintenanceFacts,
    Profile,
    RoomFacts,
    StaffFacts,
)
from vigil.records.privacy_checks import CheckFacts
from vigil.records.secret_consent import SecretStatus
from vigil.regulation.articles import ARTICLES
from vigil.regulation.rulesets import DEFAULT_JURISDICTION, LawInForce, law_in_force
from vigil.storage.holds import Unpurposed


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NEEDS_EVIDENCE = "needs_evidence"


@dataclass(frozen=True)
class Evidence:
    """Everything the checks read, gathered once (see `report.gather`)."""

    today: date
    now_us: int
    period_days: int
    profile: Profile | None
    cameras: list[CameraFacts]
    coverage: Coverage
    camera_states: dict[str, str]
    staff: StaffFacts
    room: RoomFacts
    maintenance: MaintenanceFacts
    view_alarms: list[str]
    audit_entries: int
    audit_problems: list[str]
    integrity_mode: str
    """"chains_and_seals" (files not re-hashed) or "full" (every file re-hashed)."""
    integrity_problems: list[str]
    segments_checked: int
    last_seal_us: int | None
    law: LawInForce | None = None
    """The law the site's jurisdiction applies on `today` (None: the default profile's)."""
    unpurposed: tuple[Unpurposed, ...] = ()
    """Per camera, material past 30 days kept without a live recorded purpose (N17)."""
    live_holds: int = 0
    """Retention holds in force (`vigil.storage.holds`)."""
    privacy: CheckFacts | None = None
    """The regular checks of the N8 places (N8.2)."""
    secret: SecretStatus | None = None
    """Near a unit holding state secrets, and its consents (N10)."""

    @property
    def law_on_day(self) -> LawInForce:
        return self.law or law_in_force(DEFAULT_JURISDICTION, self.today)

    @property
    def site_class(self) -> str | None:
        """The site's national class (N7 place or other public place), if recorded."""
        return self.profile.national_class if self.profile is not None else None


@dataclass(frozen=True, slots=True)
class Text:
    """A sentence of the report in both languages: the console shows the one the user
    chose, the PDF the Chinese. Plain `str` is for data that reads the same in both
    (names, audit and integrity problem lines)."""

    en: str
    zh: str


Line = str | Text


def en(line: Line) -> str:
    return line.en if isinstance(line, Text) else line


def zh(line: Line) -> str:
    return line.zh if isinstance(line, Text) else line


@dataclass(frozen=True)
class Finding:
    status: Status
    evidence: list[Line]
    action: Line
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Duty:
    id: str
    title: str
    check: Callable[[Evidence], Finding]
    also: tuple[str, ...] = ()
    """The other articles that impose the same duty (the national regulation's, `N…`)."""

    @property
    def cites(self) -> tuple[str, ...]:
        """Every article that may impose the duty; a row cites those in force that day."""
        return (self.id, *self.also)

    @property
    def title_zh(self) -> str:
        return ARTICLES[self.id].zh


NO_PROFILE = Finding(
    Status.NOT_MET,
    [
        Text(
            "no site profile: the unit, its A7 categories, builder and dates are not recorded",
            "未填写场所信息：单位、第七条场所类别、建设主体和日期均未登记",
        )
    ],
    Text(
        "Fill in the site profile first (unit name, credit code, division code, address, "
        "A7 categories, builder, delivery date): console Site → Profile, or "
        "`vigil site profile set`.",
        "先填写场所信息（单位名称、统一社会信用代码、行政区划代码、地址、第七条场所类别、"
        "建设主体、交付使用日期）：控制台“场所”→“场所信息”，或 `vigil site profile set`。",
    ),
)

NONE = Text("None.", "无。")


def met(evidence: list[Line], figures: dict[str, Any] | None = None) -> Finding:
    """The duty is met: nothing to do."""
    return Finding(Status.MET, evidence, NONE, figures or {})


def no_camera(figures: dict[str, Any] | None = None) -> Finding:
    """Nothing to judge a camera duty by: no camera is registered."""
    return Finding(
        Status.NEEDS_EVIDENCE,
        [Text("no camera registered", "未登记任何摄像机")],
        Text("Register the cameras.", "登记摄像机。"),
        figures or {},
    )


def names(items: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def names_zh(items: Sequence[str], limit: int = 12) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等 {len(items)} 个" if len(items) > limit else "")


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"
