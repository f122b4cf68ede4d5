"""Retention of recorded material: A17.2(3) and N17 set the floor, A18(2) protects it.

A17.2(3): "有效存储信息资料的期限不少于30日" — material is kept at least 30 days; N17 (in
force from 2025-04-01): "保存不少于30日" — the same floor, so a refusal cites both
(`RETENTION_ARTICLES`; `LawInForce.retention_articles()` gives those of a given day).
A18(2): nobody may delete, alter, hide or destroy original records inside that period.
The optional maximum follows the 2025 national regulation: once the period and its
purpose are over, the material is deleted.
"""

from __future__ import annotations

from vigil.clock import US_PER_DAY
from vigil.errors import RefusedByLawError, ValidationError

RETENTION_ARTICLE = "A17.2(3)"
RETENTION_ARTICLES = ("A17.2(3)", "N17")
"""Every article that sets the 30-day floor today (a retention is set now, after 2025-04-01)."""
PROTECTION_ARTICLE = "A18(2)"
MIN_RETENTION_DAYS = 30
DEFAULT_RETENTION_DAYS = 30
#: A sanity bound, not a legal one: ten years of footage is far beyond any statute we know.
MAX_CONFIGURABLE_DAYS = 3650


def check_retention_days(days: object, *, field: str = "retention_days") -> int:
    """Return `days` as an int if it is a lawful retention, or raise naming field and article."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError(f"must be a whole number of days, got {days!r}", field=field)
    if days < MIN_RETENTION_DAYS:
        raise RefusedByLawError(
            f"{days} days is below the legal minimum of {MIN_RETENTION_DAYS} days "
            f"(有效存储信息资料的期限不少于30日)",
            field=field,
            article=", ".join(RETENTION_ARTICLES),
        )
    if days > MAX_CONFIGURABLE_DAYS:
        raise ValidationError(f"must be at most {MAX_CONFIGURABLE_DAYS} days", field=field)
    return days


def check_max_retention_days(
    max_days: object | None, retention_days: int, *, field: str = "max_retention_days"
) -> int | None:
    """The optional deletion deadline must not cut into the protected period."""
    if max_days is None:
        return None
    if isinstance(max_days, bool) or not isinstance(max_days, int):
        raise ValidationError(f"must be a whole number of days, got {max_days!r}", field=field)
    if max_days < retention_days:
        raise RefusedByLawError(
            f"{max_days} days is shorter than the camera's retention of {retention_days} days; "
            "material inside retention may not be deleted",
            field=field,
            article=PROTECTION_ARTICLE,
        )
    if max_days > MAX_CONFIGURABLE_DAYS:
        raise ValidationError(f"must be at most {MAX_CONFIGURABLE_DAYS} days", field=field)
    return max_days


def protected_until_us(segment_end_us: int, retention_days: int) -> int:
    """The instant before which a segment ending at `segment_end_us` must be kept."""
    return segment_end_us + retention_days * US_PER_DAY


def is_past_retention(segment_end_us: int, retention_days: int, now_us: int) -> bool:
    """True only when the whole segment is older than the retention period.

    The segment's *end* counts, so a segment straddling the boundary is kept: the
    law protects every instant of material for the full period.
    """
    return now_us >= protected_until_us(segment_end_us, max(retention_days, MIN_RETENTION_DAYS))
