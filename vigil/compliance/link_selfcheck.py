"""The unit's self-check report, fetched by its bureau over the link (A4, issue 12).

The bureau sends `selfcheck.request`; on arrival the site makes its signed self-check
report (`vigil.compliance.report`: every duty's finding under the law in force, signed with
the site key) and queues it back as `selfcheck.report`, in the transaction that receives the
request, so a request redelivered is answered once. The bureau checks the report against the
unit's pinned key before it keeps it (`vigil.bureau.selfcheck`). Sending it is registered
in the site's audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vigil.compliance.report import DEFAULT_PERIOD_DAYS, build_report
from vigil.errors import VigilError
from vigil.link import handlers, outbox
from vigil.link.envelope import Envelope
from vigil.link.site_side import SiteSide

MSG_REQUEST = "selfcheck.request"
MSG_REPORT = "selfcheck.report"


@handlers.handles("site", MSG_REQUEST)
def answer_request(session: Session, ctx: Any, env: Envelope) -> None:
    """Make the signed self-check report and queue it for the bureau that asked."""
    period = env.body.get("period_days", DEFAULT_PERIOD_DAYS)
    body: dict[str, Any] = {"request": env.id}
    try:
        if type(period) is not int:
            raise VigilError("period_days is a whole number of days", field="period_days")
        body["report"] = build_report(ctx, period_days=period)
    except VigilError as exc:  # the bureau is told why there is no report
        body["error"] = exc.describe()
    msg = outbox.enqueue(session, ctx, MSG_REPORT, body, to=env.sender)
    summary = body.get("report", {}).get("summary")
    SiteSide(ctx).audit(
        session, "selfcheck_sent", "ok" if "report" in body else "failed",
        {"to": env.sender, "request": env.id, "message_id": msg, "summary": summary,
         "error": body.get("error")},
    )  # fmt: skip
