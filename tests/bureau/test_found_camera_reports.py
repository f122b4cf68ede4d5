"""N8.2: a camera found in a forbidden place is reported to the bureau at once. A linked site
queues its signed report for the bureau in the act's own transaction; the bureau keeps it
only if it verifies with the unit's pinned key, and its staff read it at GET /api/v1/reports.
A bureau and a site as real processes on loopback, on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import rfc8785

from tests.bureau.conftest import Bureau, Site, bureau, site_process, wait_for  # noqa: F401
from tests.filings.test_bureau_processes import bureau_actions, staff
from vigil.bureau.privacy_reports import _check
from vigil.errors import ValidationError

FOUND = ["--place", "客房 301", "--place", "客房 302", "--result", "camera_found",
         "--found-place", "客房 302 插座内", "--description", "针孔摄像头"]  # fmt: skip


def reports(site: Site) -> list[dict[str, Any]]:
    out = site.cli("privacy-check", "reports", "--json")
    assert out.returncode == 0, out.stderr
    found: list[dict[str, Any]] = json.loads(out.stdout)
    return found


def test_a_found_camera_report_reaches_the_bureau_and_its_staff_read_it(
    tmp_path: Path,
    bureau: Bureau,  # noqa: F811
    database_url: str | None,
) -> None:
    assert httpx.get(bureau.server.url + "/api/v1/reports").status_code == 401
    with site_process(tmp_path / "site", database_url, VIGIL_LINK_RETRY_MAX_S="1") as site:
        # not linked yet: the report is kept, pending (the self-check says it waits) ...
        out = site.cli("privacy-check", "add", "--on", "2026-01-05", "--by", "王五", *FOUND)
        assert out.returncode == 0, out.stderr
        assert [r["status"] for r in reports(site)] == ["pending_to_bureau"]

        token = bureau.invite("鼓楼某酒店", "--division", "350102")
        out = site.cli("link", "join", bureau.server.url, "--token", token)
        assert out.returncode == 0, out.stderr
        # ... and queued for the bureau when the site links
        assert "1 report(s) of a found camera" in out.stdout
        assert [r["status"] for r in reports(site)] == ["sent_to_bureau"]
        out = site.cli("privacy-check", "add", "--on", "2026-01-06", "--by", "王五", *FOUND)
        assert out.returncode == 0, out.stderr
        assert "sent_to_bureau" in out.stdout
        earlier, sent = sorted(reports(site), key=lambda r: int(r["id"]))
        assert sent["status"] == "sent_to_bureau"

        officer = staff(bureau, "li", "officer")
        head = staff(bureau, "zhao", "head")

        def listed() -> list[dict[str, Any]]:
            r = officer.get("/api/v1/reports")
            assert r.status_code == 200, r.text
            rows: list[dict[str, Any]] = r.json()["reports"]
            return rows

        wait_for(lambda: len(listed()) == 2, "both reports at the bureau")
        row, first = listed()  # newest first
        assert first["report_id"] == earlier["id"] and first["signature"] == earlier["signature"]
        assert (row["unit"], row["report_id"], row["place"]) == ("鼓楼某酒店", sent["id"],
                                                                 "客房 302 插座内")  # fmt: skip
        assert row["document"] == sent["document"] and row["signature"] == sent["signature"]
        assert row["article"] == "N8.2"
        assert head.get("/api/v1/reports").json()["reports"] == [row, first]
        status = json.loads(site.cli("link", "status", "--json").stdout)
        assert status["outbox"]["refused"] == 0
    assert bureau_actions(bureau).count("found_camera_report_received") == 2


def test_a_report_that_does_not_verify_or_names_another_site_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from vigil.keys.signing import public_pem

    key = Ed25519PrivateKey.generate()
    pem = public_pem(key.public_key()).decode("ascii")
    doc: dict[str, Any] = {"type": "vigil.n8_camera_report", "article": "N8.2", "site": "s1", "report_id": 1,
           "found": {"place": "客房 302", "at": "2026-01-06T10:00:00Z", "description": "x"}}  # fmt: skip
    sig = base64.b64encode(key.sign(rfc8785.dumps(doc))).decode("ascii")
    _check(doc, sig, pem, "s1")  # the unit's own, signed: kept
    with pytest.raises(ValidationError, match="does not verify") as refused:
        _check({**doc, "found": {**doc["found"], "place": "大堂"}}, sig, pem, "s1")
    assert refused.value.field == "signature" and refused.value.article == "N8.2"
    with pytest.raises(ValidationError, match="another site"):
        _check(doc, sig, pem, "s2")
    other = base64.b64encode(Ed25519PrivateKey.generate().sign(rfc8785.dumps(doc))).decode()
    with pytest.raises(ValidationError, match="does not verify"):
        _check(doc, other, pem, "s1")
