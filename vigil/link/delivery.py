"""Delivering each outbox in order over HTTP, with exponential backoff while the peer is away.

Per receiver only the oldest undelivered message is tried: while it fails nothing after it
is sent, so messages arrive in the order they were queued. Each attempt signs the message
afresh (same id, current time) and POSTs it to PEER/link/v1/inbox with the header
`Idempotency-Key: <id>`. A 200 answer, or a 409 whose reason is "replayed" (the peer holds
the message already: our earlier acknowledgement was lost), marks it delivered. A refusal
of the content itself (rejected, unknown_type, malformed: registered at the peer) closes it
with the refusal as its last error, so one bad message cannot stop the queue. Anything
else (unreachable, a 5xx, a refusal over keys, clocks or addressing) keeps it queued and
the next attempt waits 1, 2, 4 ... s up to VIGIL_LINK_RETRY_MAX_S
(default 300 s) with ±20 % jitter; the wait lives in the row, so it survives a restart.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vigil.clock import US_PER_S
from vigil.link.envelope import Envelope, sign
from vigil.link.side import LinkSide

log = logging.getLogger(__name__)

INBOX_PATH = "/link/v1/inbox"
_TIMEOUT_S = 10.0


def retry_max_s() -> float:
    return float(os.environ.get("VIGIL_LINK_RETRY_MAX_S", 300))


def backoff_s(attempts: int, cap_s: float) -> float:
    """The wait after the `attempts`-th failure: 2^(n-1) s, capped, with ±20 % jitter."""
    base = min(cap_s, 2.0 ** max(0, min(attempts - 1, 30)))
    return float(base * random.uniform(0.8, 1.2))


def _receivers(session: Session, side: LinkSide, now_us: int) -> list[str]:
    box = side.outbox
    return list(
        session.scalars(
            select(box.receiver).where(box.delivered_us.is_(None)).group_by(box.receiver)
        )
    )


def _head(session: Session, side: LinkSide, receiver: str) -> object | None:
    box = side.outbox
    return session.scalar(
        select(box)
        .where(box.delivered_us.is_(None), box.receiver == receiver)
        .order_by(box.id)
        .limit(1)
    )


def _set(side: LinkSide, row_id: int, **values: object) -> None:
    with side.ctx.sessions.begin() as s:
        s.execute(update(side.outbox).where(side.outbox.id == row_id).values(**values))


def deliver_pending(side: LinkSide, client: httpx.Client, *, limit: int = 1000) -> int:
    """Send what is due, in order per receiver; how many messages were delivered."""
    delivered = 0
    box = side.outbox
    with side.ctx.sessions() as s:
        receivers = _receivers(s, side, side.ctx.clock.now_us())
    for receiver in receivers:
        while delivered < limit:
            now_us = side.ctx.clock.now_us()
            with side.ctx.sessions() as s:
                row = _head(s, side, receiver)
                if not isinstance(row, box) or row.next_attempt_us > now_us:
                    break
                peer = side.peer(s, receiver)
                me = side.identity(s)
            if peer is None:
                _fail(side, row, "the receiver is no longer linked", now_us)
                break
            wire = sign(
                side.signing_key(row.created_us),
                Envelope(me, receiver, row.msg_type, row.msg_id, now_us, json.loads(row.body)),
            )
            error, final = _post(client, peer.url, wire, row.msg_id)
            if error is None or final:
                # held by the peer, or refused for good (registered there): the queue goes on
                _set(side, row.id, delivered_us=side.ctx.clock.now_us(), last_error=error or "",
                     attempts=row.attempts + 1)  # fmt: skip
                delivered += error is None
                continue
            _fail(side, row, error, now_us)
            break
    return delivered


#: Refusals that another try cannot change (the content itself is refused): the message is
#: closed with the refusal as its last error, so one bad message does not stop the queue.
#: A refusal over keys, clocks or addressing is retried: re-enrolment or a clock fix heals it.
FINAL_REFUSALS = frozenset({"rejected", "unknown_type", "malformed"})


def _post(
    client: httpx.Client, url: str, wire: dict[str, object], msg_id: str
) -> tuple[str | None, bool]:
    """(None, _) when the peer holds the message now; else what went wrong, and whether
    the refusal is final."""
    try:
        resp = client.post(
            url.rstrip("/") + INBOX_PATH,
            json=wire,
            headers={"Idempotency-Key": msg_id},
            timeout=_TIMEOUT_S,
        )
    except httpx.HTTPError as exc:
        return f"unreachable: {type(exc).__name__}: {exc}"[:500], False
    if resp.status_code == 200:
        return None, False
    try:
        answer = resp.json()
    except ValueError:
        answer = {}
    reason = answer.get("reason", "") if isinstance(answer, dict) else ""
    if resp.status_code == 409 and reason == "replayed":
        return None, False
    message = answer.get("message", "") if isinstance(answer, dict) else ""
    final = 400 <= resp.status_code < 500 and reason in FINAL_REFUSALS
    return f"HTTP {resp.status_code} {reason}: {message}"[:500], final


def _fail(side: LinkSide, row: object, error: str, now_us: int) -> None:
    attempts = int(getattr(row, "attempts", 0)) + 1
    wait_us = int(backoff_s(attempts, retry_max_s()) * US_PER_S)
    log.info("link delivery of %s failed (attempt %d): %s", getattr(row, "msg_id", "?"),
             attempts, error)  # fmt: skip
    _set(side, int(getattr(row, "id", 0)), attempts=attempts, last_error=error,
         next_attempt_us=now_us + wait_us)  # fmt: skip


@dataclass
class LinkWorker:
    """Delivers a side's outbox in the background until `stop` is set; `wake()` after a
    commit that queued something sends it at once instead of at the next poll."""

    side: LinkSide
    poll_s: float = 0.5
    #: Called every `tick_s` from the worker's thread (the site announces its address).
    tick: Callable[[], object] | None = None
    tick_s: float = 1.0
    stop: threading.Event = field(default_factory=threading.Event)
    _wake: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="link-delivery", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def shutdown(self, timeout_s: float = 5.0) -> None:
        self.stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        next_tick = 0.0
        with httpx.Client() as client:
            while not self.stop.is_set():
                try:
                    if self.tick is not None and time.monotonic() >= next_tick:
                        next_tick = time.monotonic() + self.tick_s
                        self.tick()
                    deliver_pending(self.side, client)
                except Exception:
                    log.exception("link delivery failed; retrying")
                self._wake.wait(self.poll_s)
                self._wake.clear()
