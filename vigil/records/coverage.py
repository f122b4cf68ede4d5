"""Coverage of the key positions (A7): which have a working camera, and the gaps.

`compute` is pure: it takes the confirmed key positions (`required` ones) and the cameras
with their siting and recorder state. A camera is *working* when it is active and its
recorder reports `recording` with a fresh heartbeat (`vigil.health.status`). A position
is `covered` by at least one working camera, `not_working` if its cameras are all down,
and a `gap` if no camera is sited there. Cameras sited nowhere, or at a place that is not
a confirmed key position, are listed apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from vigil.context import SiteContext
from vigil.db.states import RecorderState
from vigil.health.status import camera_states
from vigil.records.positions import PositionView, list_positions
from vigil.records.siting import list_sitings

WORKING_STATE = RecorderState.RECORDING


@dataclass(frozen=True)
class SitedCamera:
    name: str
    location_type: str | None
    state: str
    """The recorder's state: recording, connecting, offline, paused, failed, not_recording..."""
    sign_installed: bool = False
    reference_approved: bool = False

    @property
    def working(self) -> bool:
        return self.state == WORKING_STATE


@dataclass(frozen=True)
class PositionCoverage:
    code: str
    label: str
    category: str
    status: str  # covered, not_working, gap
    cameras: list[dict[str, Any]]


@dataclass(frozen=True)
class CoverageReport:
    positions: list[PositionCoverage]
    gaps: list[str]
    not_working: list[str]
    unsited_cameras: list[str]
    elsewhere: list[dict[str, str]]
    """Cameras sited at a place that is not a confirmed key position (code given)."""
    optional_positions: list[str] = field(default_factory=list)
    article: str = "A7"

    @property
    def complete(self) -> bool:
        return bool(self.positions) and not self.gaps and not self.not_working

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "complete": self.complete}


def compute(positions: Sequence[PositionView], cameras: Sequence[SitedCamera]) -> CoverageReport:
    """The coverage of the required positions by the cameras (pure)."""
    required = [p for p in positions if p.required]
    by_place: dict[str, list[SitedCamera]] = {}
    for cam in cameras:
        if cam.location_type is not None:
            by_place.setdefault(cam.location_type, []).append(cam)
    rows: list[PositionCoverage] = []
    for pos in required:
        here = sorted(by_place.get(pos.code, []), key=lambda c: c.name)
        if not here:
            status = "gap"
        elif any(c.working for c in here):
            status = "covered"
        else:
            status = "not_working"
        rows.append(
            PositionCoverage(
                pos.code,
                pos.label,
                pos.category,
                status,
                [
                    {
                        "name": c.name,
                        "state": c.state,
                        "working": c.working,
                        "sign_installed": c.sign_installed,
                        "reference_approved": c.reference_approved,
                    }
                    for c in here
                ],
            )
        )
    known = {p.code for p in positions}
    return CoverageReport(
        positions=rows,
        gaps=[r.code for r in rows if r.status == "gap"],
        not_working=[r.code for r in rows if r.status == "not_working"],
        unsited_cameras=sorted(c.name for c in cameras if c.location_type is None),
        elsewhere=[
            {"camera": c.name, "location_type": c.location_type}
            for c in sorted(cameras, key=lambda c: c.name)
            if c.location_type is not None and c.location_type not in known
        ],
        optional_positions=[p.code for p in positions if not p.required],
    )


def sited_cameras(ctx: SiteContext) -> list[SitedCamera]:
    """Active cameras with their siting and their recorder's state, from the index."""
    states = {r.name: r.state for r in camera_states(ctx)}
    return [
        SitedCamera(
            v.camera,
            v.location_type,
            states.get(v.camera, RecorderState.NOT_RECORDING),
            v.sign_installed,
            v.reference_approved,
        )
        for v in list_sitings(ctx)
    ]


def coverage(ctx: SiteContext) -> CoverageReport:
    return compute(list_positions(ctx), sited_cameras(ctx))
