"""Accounts of people who have left the monitoring-room roster are refused (A16(4)).

Only monitoring, management and maintenance staff use the monitoring room (A16(4)). An
account linked to a roster entry works through the entry's `left_on` (the last day on the
roster, the unit's calendar) and is refused from the next day on: at sign-in, and for its
web sessions and API tokens, which stop at once. Nothing is stored: the refusal follows the
roster, so a departure recorded in advance takes effect on its day without a job, and
linking the account to a current entry (an audited change) lifts it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from vigil.clock import local_date
from vigil.context import SiteContext
from vigil.db.models import StaffMember

ARTICLE = "A16(4)"


def _left_before_today(ctx: SiteContext) -> ColumnElement[bool]:
    """Roster entries whose last day is over (days are ISO strings, so they sort as dates)."""
    return StaffMember.left_on < local_date(ctx.clock.now_us(), ctx.settings.unit_tz).isoformat()


def left_roster_on(s: Session, ctx: SiteContext, user_id: int) -> str | None:
    """The day the account's person left the roster, if that day is over; else None."""
    return s.scalar(
        select(StaffMember.left_on).where(StaffMember.user_id == user_id, _left_before_today(ctx))
    )


def departed_accounts(s: Session, ctx: SiteContext) -> dict[int, str]:
    """user id -> the day its person left the roster, for every account refused today."""
    rows = s.execute(
        select(StaffMember.user_id, StaffMember.left_on).where(
            StaffMember.user_id.is_not(None), _left_before_today(ctx)
        )
    )
    return {user_id: left_on for user_id, left_on in rows if user_id is not None and left_on}


def departed_message(left_on: str) -> str:
    return (
        f"this account belongs to a person who left the monitoring-room roster on {left_on}; "
        f"only current staff may use the monitoring system ({ARTICLE})"
    )
