"""Filing with the bureau from the console (A13.2, N14): where the filing stands, its
history and receipt, and the submission itself.

Reading needs `view_records` (every role: the A13.1 banner is shown to everyone);
submitting needs `manage_site` (administrators). Importing this module registers the
site's handlers of the bureau's filing messages (`vigil.filings.handlers`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

import vigil.filings.handlers  # noqa: F401  (the bureau's decisions, applied on arrival)
from vigil.filings import submission
from vigil.site.api.common import RowId, StrictBody, actor_of
from vigil.site.deps import ManagesSite, ViewsRecords, site

router = APIRouter(tags=["filing"])


class SubmissionBody(StrictBody):
    attachments: dict[str, RowId] = Field(
        default_factory=dict,
        description="kind → id of an uploaded attachment (design_plan, authorisation_letter, "
        "business_licence, handler_id, ...); files of an earlier version are carried over.",
    )


@router.get("/filing/status")
def filing_status(request: Request, who: ViewsRecords) -> dict[str, Any]:
    """Every filing with its versions and history, the receipt 备案回执, and for a
    government-built system whether it passed acceptance (A13.1)."""
    return submission.status(site(request))


@router.post("/filing/submissions", status_code=201)
def submit(body: SubmissionBody, request: Request, who: ManagesSite) -> dict[str, Any]:
    """Submit the filing (or its correction, or a change filing) to the bureau."""
    done = submission.submit(site(request), actor_of(who), attached=body.attachments)
    return done.as_dict()
