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
from vigil.regulation.articles import ARTICLES


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


@dataclass(frozen=True)
class Finding:
    status: Status
    evidence: list[str]
    action: str
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Duty:
    id: str
    title: str
    check: Callable[[Evidence], Finding]

    @property
    def title_zh(self) -> str:
        return ARTICLES[self.id].zh


NO_PROFILE = Finding(
    Status.NOT_MET,
    ["no site profile: the unit, its A7 categories, builder and dates are not recorded"],
    "Fill in the site profile first (unit name, credit code, division code, address, "
    "A7 categories, builder, delivery date): console Site → Profile, or `vigil site profile set`.",
)


def met(evidence: list[str], figures: dict[str, Any] | None = None) -> Finding:
    """The duty is met: nothing to do."""
    return Finding(Status.MET, evidence, "None.", figures or {})


def no_camera(figures: dict[str, Any] | None = None) -> Finding:
    """Nothing to judge a camera duty by: no camera is registered."""
    return Finding(
        Status.NEEDS_EVIDENCE, ["no camera registered"], "Register the cameras.", figures or {}
    )


def names(items: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"
