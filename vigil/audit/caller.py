"""The caller's unit in the call-up register (N16.2(3)).

N16.2(3): "建立信息调取登记制度，如实记录调取人员的单位、姓名，调取的事由、内容等" — every
review (playback) and retrieval (export, download) records the reason, the content (camera,
range), and the caller's unit and name. Vigil registers the name (the actor), the reason
(purpose and destination, A17.2(2)) and the content (camera, from, to) in columns of the
audit entry; the unit goes into the entry's detail as `caller_unit` (a column would change
the body every existing chain link commits to). `vigil.audit.query` shows it as a field of
its own in listings, the console and the CSV.

Default: the site's own unit (the profile's `unit_name`), as for its own staff; a police
officer viewing at the unit names their bureau instead.
"""

from __future__ import annotations

from sqlalchemy import select

from vigil.context import SiteContext
from vigil.db.models import SiteProfile
from vigil.errors import ValidationError
from vigil.text import check_text

CALLER_ARTICLE = "N16.2(3)"
CALLER_UNIT_MAX = 200
FIELD = "caller_unit"


def check_caller_unit(value: object) -> str:
    """The caller's unit as stated: non-empty single-line text, refused naming the field
    and citing N16.2(3)."""
    try:
        return check_text(value, FIELD, max_chars=CALLER_UNIT_MAX, article=CALLER_ARTICLE)
    except ValidationError as exc:
        raise ValidationError(
            exc.message + " (the call-up register records the caller's unit, 调取人员的单位)",
            field=FIELD,
            article=CALLER_ARTICLE,
        ) from None


def own_unit(ctx: SiteContext) -> str:
    """The site's own unit name from its profile, "" when no profile is recorded."""
    with ctx.sessions() as s:
        name = s.scalar(select(SiteProfile.unit_name).where(SiteProfile.id == 1))
    return (name or "").strip()


def caller_unit(ctx: SiteContext, value: object | None) -> str:
    """The unit to register: `value` checked when given, else the site's own unit."""
    if value is None:
        return own_unit(ctx)
    return check_caller_unit(value)
