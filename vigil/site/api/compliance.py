"""The self-check report and the filing form (A13.2), for everyone who reads the records.

Every generation is registered in the audit log (`compliance_report`, `filing_form`) with
the report's summary and the SHA-256 of what was handed out.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.compliance import DEFAULT_PERIOD_DAYS, build_report, report_bytes
from vigil.compliance.filing import filing_form, render_filing_pdf
from vigil.compliance.pdf import render_report_pdf
from vigil.site.deps import Principal, ViewsRecords, audit, site

router = APIRouter(tags=["compliance"])


def _pdf(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _report(
    request: Request, who: Principal, fmt: str, verify: bool, period_days: int
) -> Response | dict[str, Any]:
    if verify and not who.can(Permission.VERIFY):
        raise HTTPException(403, f"your account may not {Permission.VERIFY.value}")
    ctx = site(request)
    report = build_report(ctx, full_verify=verify, period_days=period_days)
    data = render_report_pdf(report) if fmt == "pdf" else b""
    audit(
        request,
        who,
        "compliance_report",
        detail={
            "format": fmt,
            "summary": report["summary"],
            "signature_sha256": report["signature"]["sha256"],
            **({"pdf_sha256": hashlib.sha256(data).hexdigest()} if data else {}),
        },
    )
    if fmt == "pdf":
        return _pdf(data, f"compliance-report-{report['today']}.pdf")
    return Response(report_bytes(report), media_type="application/json")


@router.get("/compliance/report", response_model=None)
def compliance_report(
    request: Request,
    who: ViewsRecords,
    format: Literal["json", "pdf"] = Query("json", description="json (signed) or pdf"),
    verify: bool = Query(False, description="Re-hash every recorded file (slow; needs verify)."),
    period_days: int = Query(
        DEFAULT_PERIOD_DAYS,
        ge=1,
        le=3660,
        description="Window for room entries and shifts, in days.",
    ),
) -> Response | dict[str, Any]:
    """The self-check report: one row per duty of the unit, signed with the site key."""
    return _report(request, who, format, verify, period_days)


@router.get("/compliance/report.pdf", response_model=None)
def compliance_report_pdf(
    request: Request,
    who: ViewsRecords,
    verify: bool = Query(False, description="Re-hash every recorded file (slow; needs verify)."),
    period_days: int = Query(DEFAULT_PERIOD_DAYS, ge=1, le=3660),
) -> Response | dict[str, Any]:
    """The self-check report as a PDF (Chinese and English), the signed JSON embedded."""
    return _report(request, who, "pdf", verify, period_days)


@router.get("/filing/form")
def filing_form_json(request: Request, who: ViewsRecords) -> dict[str, Any]:
    """The filing form's content (A13.2): unit, cameras, documents and deadline."""
    form = filing_form(site(request))
    audit(request, who, "filing_form", detail={"format": "json"})
    return form


@router.get("/filing/form.pdf")
def filing_form_pdf(request: Request, who: ViewsRecords) -> Response:
    """The filing form (备案表) as a PDF in Chinese."""
    form = filing_form(site(request))
    data = render_filing_pdf(form)
    audit(
        request,
        who,
        "filing_form",
        detail={
            "format": "pdf",
            "pdf_sha256": hashlib.sha256(data).hexdigest(),
            "deadline": form["deadline"].get("state"),
        },
    )
    return _pdf(data, f"filing-form-{form['today']}.pdf")
