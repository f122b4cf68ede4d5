"""What the unit's records share: the audit of a change, field checks, and the unit's days.

Dates the law counts in days are the unit's local calendar days, in the time zone of the
`unit_timezone` setting (default Asia/Shanghai); instants are microseconds UTC (`*_us`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.clock import US_PER_S, local_date
from vigil.clock import parse_day as parse_day  # re-exported: the records' day fields
from vigil.context import SiteContext
from vigil.errors import ValidationError

# The one free-text check, re-exported for the records that have always imported it here.
from vigil.text import MAX_TEXT_CHARS as MAX_TEXT_CHARS
from vigil.text import check_text as check_text


def audit(s: Session, ctx: SiteContext, by: Actor, action: str, **detail: Any) -> None:
    """Register a change of the unit's records (A17.2(2)) in the transaction `s` that makes
    it: `action` like "staff.add"; `camera=(id, name)` names the camera concerned."""
    camera = detail.pop("camera", None)
    by.audit(
        s,
        ctx,
        action,
        camera_id=camera[0] if camera else None,
        camera_name=camera[1] if camera else "",
        detail=detail,
    )


def text_field(value: object, field: str, limit: int, *, required: bool = False) -> str:
    """A text field of a JSON body or form, stripped: None is empty, a non-string refused;
    checked like every free-text field (`vigil.text.check_text`)."""
    return check_text(value, field, max_chars=limit, required=required)


def local_day(ctx: SiteContext, at_us: int) -> date:
    """The unit's calendar day of an instant."""
    return local_date(at_us, ctx.settings.unit_tz)


def today(ctx: SiteContext) -> date:
    """The unit's calendar day now."""
    return local_day(ctx, ctx.clock.now_us())


def day_or_today(ctx: SiteContext, text: str | None, field: str = "today") -> date:
    """The day `text` names (`YYYY-MM-DD`), or the unit's today when it is empty."""
    return parse_day(text, field) if text else today(ctx)


def not_in_future(ctx: SiteContext, at_us: int, field: str) -> int:
    """`at_us` unless it is later than now (a minute's grace for clocks apart)."""
    if at_us > ctx.clock.now_us() + 60 * US_PER_S:
        raise ValidationError("must not be in the future", field=field)
    return at_us
