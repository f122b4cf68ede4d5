"""Alarms: raised once per (kind, camera) until cleared; kept as history."""

from __future__ import annotations

import logging

from sqlalchemy import select

from vigil.context import SiteContext
from vigil.db.models import Alarm
from vigil.text import redact

log = logging.getLogger(__name__)


def raise_alarm(
    ctx: SiteContext, kind: str, severity: str, message: str, camera_id: int | None = None
) -> None:
    message = redact(message)  # it may quote an ffmpeg error, with the camera's URL
    with ctx.sessions.begin() as s:
        active = s.scalar(
            select(Alarm).where(
                Alarm.kind == kind, Alarm.camera_id == camera_id, Alarm.cleared_us.is_(None)
            )
        )
        if active is not None:
            active.message = message
            return
        s.add(
            Alarm(
                camera_id=camera_id,
                kind=kind,
                severity=severity,
                message=message,
                raised_us=ctx.clock.now_us(),
            )
        )
    log.log(
        logging.CRITICAL if severity == "critical" else logging.WARNING,
        "ALARM %s: %s",
        kind,
        message,
    )


def clear_alarm(ctx: SiteContext, kind: str, camera_id: int | None = None) -> None:
    with ctx.sessions.begin() as s:
        for alarm in s.scalars(
            select(Alarm).where(
                Alarm.kind == kind, Alarm.camera_id == camera_id, Alarm.cleared_us.is_(None)
            )
        ):
            alarm.cleared_us = ctx.clock.now_us()


def active_alarms(ctx: SiteContext) -> list[Alarm]:
    with ctx.sessions() as s:
        return list(
            s.scalars(select(Alarm).where(Alarm.cleared_us.is_(None)).order_by(Alarm.raised_us))
        )
