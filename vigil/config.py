"""Where Vigil keeps its data and how it is tuned.

The data directory ("home") comes from `--home`, else `VIGIL_HOME`, else
`~/.local/share/vigil`. Settings live in `HOME/vigil.toml`; any setting can be
overridden by an environment variable `VIGIL_<NAME>` (e.g. `VIGIL_SEGMENT_S=4`).
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from vigil.errors import ValidationError
from vigil.regulation.retention import DEFAULT_RETENTION_DAYS, check_retention_days

CONFIG_FILE = "vigil.toml"
DB_FILE = "vigil.db"


class Settings(BaseModel):
    """Site settings; every field is documented here and nowhere else."""

    default_retention_days: int = Field(
        DEFAULT_RETENTION_DAYS,
        description="Retention of a new camera unless given; at least 30 days (A17.2(3)).",
    )
    segment_s: int = Field(
        60, ge=1, le=600, description="Target length of one recorded segment file, in seconds."
    )
    fragment_ms: int = Field(
        1000,
        ge=500,
        le=10_000,
        description="Longest fragment inside a segment; fragments also start at every keyframe.",
    )
    seal_interval_s: int = Field(
        300, ge=1, le=86_400, description="How often the chain heads are signed with the site key."
    )
    min_free_bytes: int = Field(
        1 << 30,
        ge=0,
        description="Recording of new material pauses when the disk has less free space than this.",
    )
    storage_limit_bytes: int | None = Field(
        None,
        ge=0,
        description="Optional quota on the bytes recordings may occupy (for shared disks).",
    )
    export_jobs_per_user: int = Field(
        2,
        ge=1,
        le=20,
        description="Exports one user of the web console may have running at once; another "
        "is refused until one has finished.",
    )
    export_budget_bytes: int = Field(
        20 << 30,
        ge=0,
        description="Most bytes the web console's export packages (HOME/exports) may hold "
        "together, finished or being written; an export that would exceed it is refused.",
    )
    export_keep_s: int = Field(
        7 * 86_400,
        ge=60,
        le=90 * 86_400,
        description="A finished export package of the web console is removed this long after "
        "it was finished if nobody downloads it (a full download removes it at once); "
        "each removal is audited.",
    )
    export_disk_margin_bytes: int = Field(
        256 << 20,
        ge=0,
        description="An export is refused if it would leave the recording disk with less "
        "than min_free_bytes plus this free, so a copy never makes recording pause.",
    )
    reconnect_min_s: float = Field(
        1.0,
        gt=0,
        le=5,
        description="Wait between probes of a camera in the first 3 minutes after it went out.",
    )
    reconnect_max_s: float = Field(
        5.0,
        gt=0,
        le=5,
        description="Wait between probes of a camera out for longer; at most 5 s, so recording "
        "resumes within seconds of its return.",
    )
    stall_timeout_s: float = Field(
        10.0, ge=2, le=120, description="A camera sending nothing this long is reconnected."
    )
    ffmpeg_malloc_trim_bytes: int = Field(
        131072,
        ge=0,
        le=1 << 30,
        description="Fixed malloc trim threshold of each recording ffmpeg: ~0.5 MB less memory "
        "per camera for ~12 % more ffmpeg CPU (docs/performance.md); 0 keeps glibc's defaults.",
    )
    retention_check_s: int = Field(
        600, ge=1, le=86_400, description="How often expired material is looked for."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the index; default SQLite under the home directory."
    )
    forwarded_allow_ips: str = Field(
        "",
        description="Addresses or networks (comma-separated, e.g. 127.0.0.1 or 10.0.0.0/24) of "
        "reverse proxies whose X-Forwarded-For/-Proto are believed; empty: none, the client "
        "address is the TCP peer's (sign-in limits and the audit log use it).",
    )
    unit_timezone: str = Field(
        "Asia/Shanghai",
        description="IANA time zone of the unit's calendar: the days the measures count "
        "(filing deadlines, rosters, training dates) are local days of this zone.",
    )

    @field_validator("default_retention_days", mode="before")
    @classmethod
    def _lawful_retention(cls, value: object) -> int:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        return check_retention_days(value, field="default_retention_days")

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        items = [item.strip() for item in value.split(",") if item.strip()]
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return ",".join(items)

    @field_validator("unit_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        name = value.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Asia/Shanghai") from None
        return name

    @cached_property
    def unit_tz(self) -> ZoneInfo:
        """The unit's time zone (`unit_timezone`), for `vigil.clock.local_date`."""
        return ZoneInfo(self.unit_timezone)


def default_home() -> Path:
    env = os.environ.get("VIGIL_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "vigil"


def _env_overrides() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in Settings.model_fields:
        value = os.environ.get(f"VIGIL_{name.upper()}")
        if value is not None:
            out[name] = value
    return out


def load_settings(home: Path) -> Settings:
    data: dict[str, Any] = {}
    path = home / CONFIG_FILE
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(f"{path} is not valid TOML: {exc}", field=CONFIG_FILE) from None
    data.update(_env_overrides())
    try:
        return Settings.model_validate(data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or CONFIG_FILE
        raise ValidationError(first["msg"].removeprefix("Value error, "), field=field) from None


def render_default_config(overrides: dict[str, Any] | None = None) -> str:
    lines = ["# Vigil site settings. Environment variables VIGIL_<NAME> override them.", ""]
    for name, info in Settings.model_fields.items():
        lines.append(f"# {info.description}")
        default = (overrides or {}).get(name, info.default)
        if default is None:
            lines.append(f"# {name} = ")
        else:
            lines.append(f"{name} = {default!r}".replace("'", '"'))
        lines.append("")
    return "\n".join(lines)
