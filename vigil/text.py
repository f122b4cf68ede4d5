"""Text that crosses a boundary: secrets redacted on the way out, free text checked on the way in.

Low in the layers so that every layer uses the same two functions:

- `redact` is the one redaction of camera credentials. Everything that comes from ffmpeg or
  from a camera URL passes it before it is stored, logged, audited or served (A16(4): only
  people with a need may see what gives access to the cameras). It masks the password of a
  URL's user info (`rtsp://admin:***@host`), the value of secret-looking query parameters
  (`?user=admin&password=***`), and does so for URLs inside longer text, such as ffmpeg's
  error lines, which quote the URL they failed to open.
- `check_text` is the one check of a free-text field (a purpose, a destination, a note):
  it refuses control characters and terminal escape sequences, which would otherwise
  reach `vigil audit list` and the register's printouts (A17.2(2)).
"""

from __future__ import annotations

import logging
import re

from vigil.errors import ValidationError

MASK = "***"

#: Parameter names whose value gives access. A substring match, case-insensitive: cameras
#: spell them `password`, `pwd`, `passwd`, `PassWord`, `loginPass`, `token`, `authkey`...
_SECRET_NAME = r"[\w.\-]*(?:pass|pwd|token|secret|auth|key|sig|cred)[\w.\-]*|pw"

#: `name=value` where the name looks secret; the value runs to the next separator.
_SECRET_PARAM = re.compile(
    rf"(?i)(?<![\w.\-])(?P<name>{_SECRET_NAME})(?P<eq>=|%3D)(?P<value>[^&;\s'\"<>#]+)"
)

#: `scheme://userinfo@`: the user info runs to the last `@` before the path, so a password
#: holding an unescaped `@` or `:` is masked whole.
_USERINFO = re.compile(r"(?i)(?P<scheme>\b[a-z][a-z0-9+.\-]*://)(?P<info>[^/?#\s]*)@")


def _mask_userinfo(m: re.Match[str]) -> str:
    user, sep, _password = m.group("info").partition(":")
    return f"{m.group('scheme')}{user}{':' + MASK if sep else ''}@"


def redact(text: str) -> str:
    """`text` with every camera credential in it masked; text without one is unchanged.

    `rtsp://admin:secret@cam/x?user=admin&password=secret` becomes
    `rtsp://admin:***@cam/x?user=admin&password=***`, wherever it stands in `text`.
    """
    if not text:
        return text
    out = _USERINFO.sub(_mask_userinfo, text)
    return _SECRET_PARAM.sub(lambda m: f"{m.group('name')}{m.group('eq')}{MASK}", out)


class RedactingFilter(logging.Filter):
    """Installed on the log handlers, so that no log line, nor a traceback's message,
    ever carries a camera password, whichever module wrote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


# ---- free text ----------------------------------------------------------------------------

MAX_TEXT_CHARS = 2000

#: What starts a terminal escape sequence: ESC, and the 8-bit CSI and OSC introducers.
_ESCAPE_STARTS = "\x1b\x9b\x9d"


def printable(text: str, *, keep: str = "\n") -> str:
    """`text` with every control character but those in `keep` spelled `\\xNN`: for text
    that is registered although it was refused (a failed attempt keeps what was typed) and
    for rows stored before text was checked, so that no escape reaches a terminal."""
    return "".join(c if c.isprintable() or c in keep else f"\\x{ord(c):02x}" for c in text)


def check_text(
    value: object,
    field: str,
    *,
    max_chars: int = MAX_TEXT_CHARS,
    required: bool = True,
    multiline: bool = False,
    article: str | None = None,
) -> str:
    """`value` stripped; refused naming `field` if empty (when required), too long, or with
    control characters or terminal escapes (newlines and tabs only when `multiline`)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError("must be text", field=field)
    text = value.strip()
    if required and not text:
        raise ValidationError("must not be empty", field=field, article=article)
    if len(text) > max_chars:
        raise ValidationError(
            f"must be at most {max_chars} characters (got {len(text)})", field=field
        )
    allowed = "\n\t" if multiline else ""
    bad = next((c for c in text if not c.isprintable() and c not in allowed), None)
    if bad is not None:
        what = "terminal escapes" if bad in _ESCAPE_STARTS else "control characters"
        raise ValidationError(
            f"must not contain {what} (found U+{ord(bad):04X})"
            + ("" if multiline else "; it is a single line"),
            field=field,
        )
    return text
