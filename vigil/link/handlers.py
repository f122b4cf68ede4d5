"""Handlers of incoming message types, per side ("site" or "bureau").

A handler runs in the receiving transaction, after the envelope was checked and before
the inbox row commits: what it changes and the message's receipt commit together. It
raises a `VigilError` to refuse the content (the sender is told, the refusal registered).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from vigil.link.envelope import Envelope

SIDES = ("site", "bureau")

Handler = Callable[[Session, Any, Envelope], None]
"""fn(session, ctx, envelope): ctx is the receiving app's context."""

_HANDLERS: dict[tuple[str, str], Handler] = {}


def register(side: str, msg_type: str, fn: Handler) -> None:
    """Handle `msg_type` arriving at `side`; registering a type twice is a programming
    error unless it is the same function (modules may be imported more than once)."""
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, not {side!r}")
    known = _HANDLERS.get((side, msg_type))
    if known is not None and known is not fn:
        raise ValueError(f"{side} already has a handler for {msg_type!r}")
    _HANDLERS[(side, msg_type)] = fn


def handler(side: str, msg_type: str) -> Handler | None:
    return _HANDLERS.get((side, msg_type))


def handles(side: str, msg_type: str) -> Callable[[Handler], Handler]:
    """Decorator form of `register`."""

    def wrap(fn: Handler) -> Handler:
        register(side, msg_type, fn)
        return fn

    return wrap
