"""Camera URLs: validated before they are stored (`vigil.text.redact` masks them before they
are shown)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from vigil.errors import ValidationError

SCHEMES = ("rtsp", "rtsps")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def validate_camera_url(url: str, *, field: str = "url") -> str:
    text = url.strip()
    if not text:
        raise ValidationError(
            "is empty; give the camera's stream URL, e.g. rtsp://host:554/stream", field=field
        )
    if any(ch.isspace() for ch in text):
        raise ValidationError("must not contain spaces", field=field)
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise ValidationError(f"is not a valid URL ({exc})", field=field) from None
    try:
        port = parts.port
    except ValueError:
        raise ValidationError("port must be a number from 1 to 65535", field=field) from None
    if parts.scheme.lower() not in SCHEMES:
        raise ValidationError(
            f"scheme {parts.scheme or '(none)'!r} is not supported; use rtsp:// or rtsps://",
            field=field,
        )
    host = parts.hostname
    if not host:
        raise ValidationError("has no host", field=field)
    if not _valid_host(host):
        raise ValidationError(f"host {host!r} is not a valid host name or IP address", field=field)
    if port is not None and not 1 <= port <= 65535:
        raise ValidationError("port must be a number from 1 to 65535", field=field)
    return text


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(_HOSTNAME.match(host))
