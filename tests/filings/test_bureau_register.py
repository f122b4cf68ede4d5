"""The bureau's register and overdue lists at their edges, in process with an injected
clock (A13.2, N14): a filing arrives through the bureau's inbox as the unit signed it; the
on-site check turns overdue the day after its last day; a returned filing not submitted
again is no filing once its deadline passed; a linked unit that never filed is named; a
document altered on the way, or a file missing, is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.bureau.conftest import empty_postgres
from vigil.bureau import filings
from vigil.bureau.accounts import BureauRole, StaffView
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import Unit
from vigil.bureau.link import BureauSide
from vigil.clock import US_PER_DAY, FakeClock
from vigil.context import SiteContext
from vigil.filings.submission import submit
from vigil.keys.signing import key_id, public_pem
from vigil.link import inbox
from vigil.link.envelope import Envelope, sign
from vigil.link.errors import LinkRefused
from vigil.link.site_side import site_identity

from .helpers import ADMIN, ALL_ITEMS, hotel, outbox, pin_bureau

OFFICER = StaffView(1, "li", "李警官", BureauRole.OFFICER)


@pytest.fixture
def bureau_ctx(tmp_path: Path, clock: FakeClock) -> Iterator[BureauContext]:
    with empty_postgres() as url:
        ctx = BureauContext.init(tmp_path / "bureau", name="鼓楼分局", division_code="350102",
                                 database_url=url, clock=clock)  # fmt: skip
        yield ctx
        ctx.close()


def link(bureau_ctx: BureauContext, site: SiteContext, name: str = "酒店") -> str:
    with site.sessions() as s:
        me = site_identity(s)
    pub = site.signing_key.public_key()
    with bureau_ctx.sessions.begin() as s:
        s.add(Unit(name=name, division_code="350102", state="linked", peer_id=me,
                   public_key_pem=public_pem(pub).decode("ascii"), key_id=key_id(pub),
                   url="http://127.0.0.1:9", invited_us=0, joined_us=0))  # fmt: skip
    return me


def deliver(bureau_ctx: BureauContext, site: SiteContext, skip: int = 0) -> list[dict[str, Any]]:
    """Carry the site's queued messages (after the first `skip`) to the bureau's inbox."""
    side = BureauSide(bureau_ctx)
    with bureau_ctx.sessions() as s:
        me = side.identity(s)
    with site.sessions() as s:
        sender = site_identity(s)
    bodies = []
    for msg_id, msg_type, body in outbox(site)[skip:]:
        env = Envelope(sender, me, msg_type, msg_id, bureau_ctx.clock.now_us(), json.loads(body))
        inbox.receive(side, sign(site.signing_key, env))
        bodies.append(json.loads(body))
    return bodies


def test_check_overdue_the_day_after_its_last_day_and_not_filed_units(
    site: SiteContext, bureau_ctx: BureauContext, clock: FakeClock
) -> None:
    hotel(site)
    pin_bureau(site)
    link(bureau_ctx, site)
    with bureau_ctx.sessions.begin() as s:  # a second unit, linked, never filing
        s.add(Unit(name="商场", division_code="350102", state="linked", peer_id="site:other",
                   public_key_pem="", key_id="", url="", invited_us=0, joined_us=0))  # fmt: skip
    submit(site, ADMIN, attach=ALL_ITEMS)
    deliver(bureau_ctx, site)
    reg = filings.register(bureau_ctx)
    [row] = reg["filings"]
    assert row["received_on"] == "2026-01-01" and row["state"] == "received"
    # received 2026-01-01: day 30 is 2026-01-31, a Saturday: the check is due Monday 02-02
    assert row["check"]["due_on"] == "2026-02-02"
    assert reg["not_filed"] == ["商场"]
    clock.advance(days=(date(2026, 2, 2) - date(2026, 1, 1)).days)
    assert filings.register(bureau_ctx)["overdue_checks"] == []
    clock.advance(days=1)
    [late] = filings.register(bureau_ctx)["overdue_checks"]
    assert (late["unit"], late["due_on"], late["days_overdue"], late["articles"]) == (
        "酒店", "2026-02-02", 1, ["A13.2"])  # fmt: skip


def test_a_returned_filing_left_uncorrected_is_overdue_once_its_deadline_passed(
    site: SiteContext, bureau_ctx: BureauContext, clock: FakeClock
) -> None:
    # put into use 2025-12-20: N14's last day is 2026-01-19 (a Monday)
    hotel(site, delivered_on="2025-12-19", commissioned_on="2025-12-20")
    pin_bureau(site)
    link(bureau_ctx, site)
    done = submit(site, ADMIN, attach=ALL_ITEMS)
    deliver(bureau_ctx, site)
    assert filings.register(bureau_ctx)["overdue_filings"] == []
    filings.return_filing(bureau_ctx, OFFICER, done.filing_uuid, 1, ["营业执照复印件不清晰"])
    clock.set(clock.now_us() + (date(2026, 1, 19) - date(2026, 1, 1)).days * US_PER_DAY)
    assert filings.register(bureau_ctx)["overdue_filings"] == []  # the last day itself
    clock.advance(days=1)
    [line] = filings.register(bureau_ctx)["overdue_filings"]
    assert (line["unit"], line["what"], line["due_on"], line["days_overdue"]) == (
        "酒店", "filing", "2026-01-19", 1)  # fmt: skip
    assert line["articles"][0] == "N14"


def test_an_altered_document_or_a_missing_file_is_refused(
    site: SiteContext, bureau_ctx: BureauContext
) -> None:
    hotel(site)
    pin_bureau(site)
    link(bureau_ctx, site)
    submit(site, ADMIN, attach=ALL_ITEMS)
    queued = outbox(site)
    side = BureauSide(bureau_ctx)
    with bureau_ctx.sessions() as s:
        me = side.identity(s)
    with site.sessions() as s:
        sender = site_identity(s)
    msg_id, msg_type, body = queued[-1]  # the document, without its files
    env = Envelope(sender, me, msg_type, msg_id, bureau_ctx.clock.now_us(), json.loads(body))
    with pytest.raises(LinkRefused) as caught:
        inbox.receive(side, sign(site.signing_key, env))
    assert "file_missing" in caught.value.message
    deliver_files = queued[:-1]
    for mid, mtype, b in deliver_files:
        inbox.receive(side, sign(site.signing_key, Envelope(
            sender, me, mtype, mid, bureau_ctx.clock.now_us(), json.loads(b))))  # fmt: skip
    doc = json.loads(body)
    doc["document"]["n14"]["cameras"] = 1  # altered after signing (the envelope re-signed)
    env = Envelope(sender, me, msg_type, "altered-" + msg_id[:20], bureau_ctx.clock.now_us(), doc)
    with pytest.raises(LinkRefused) as caught:
        inbox.receive(side, sign(site.signing_key, env))
    assert "signature" in caught.value.message
    assert filings.register(bureau_ctx)["filings"] == []


def test_only_a_reviewer_decides_and_only_a_received_version(
    site: SiteContext, bureau_ctx: BureauContext
) -> None:
    hotel(site)
    pin_bureau(site)
    link(bureau_ctx, site)
    done = submit(site, ADMIN, attach=ALL_ITEMS)
    deliver(bureau_ctx, site)
    inspector = StaffView(2, "wang", "", BureauRole.INSPECTOR)
    from vigil.errors import ConflictError, RefusedByLawError

    with pytest.raises(ConflictError):
        filings.accept(bureau_ctx, inspector, done.filing_uuid, 1)
    found = filings.accept(bureau_ctx, OFFICER, done.filing_uuid, 1)
    assert found["receipt_number"] == "350102备〔2026〕0001号"
    with pytest.raises(ConflictError):
        filings.accept(bureau_ctx, OFFICER, done.filing_uuid, 1)
    due = date.fromisoformat(filings.register(bureau_ctx)["filings"][0]["check"]["due_on"])
    with pytest.raises(RefusedByLawError) as caught:
        filings.schedule_check(bureau_ctx, inspector, done.filing_uuid, 1,
                               (due + timedelta(days=1)).isoformat())  # fmt: skip
    assert caught.value.article == "A13.2"
    assert filings.schedule_check(bureau_ctx, inspector, done.filing_uuid, 1, due.isoformat())


def test_the_bureau_records_an_acceptance_and_the_unit_may_then_use_the_system(
    site: SiteContext, bureau_ctx: BureauContext
) -> None:
    """A13.1: the acceptance the bureau records travels to the unit, whose banner goes."""
    from sqlalchemy import select

    from vigil.bureau.db.models import BureauOutbox
    from vigil.filings.submission import MSG_ACCEPTANCE, acceptance

    hotel(site, categories=["roads"], builder="government")
    key = pin_bureau(site)
    link(bureau_ctx, site, "道路监控")
    assert acceptance(site)["passed"] is False  # type: ignore[index]
    from vigil.errors import ConflictError, ValidationError

    with pytest.raises(ConflictError):
        filings.record_acceptance(bureau_ctx, StaffView(2, "wang", "", BureauRole.INSPECTOR),
                                  "道路监控", "2025-11-30", "passed", ["市政府验收组"])  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        filings.record_acceptance(bureau_ctx, OFFICER, "道路监控", "2025-11-30", "ok", [])
    assert caught.value.article == "A13.1"
    done = filings.record_acceptance(bureau_ctx, OFFICER, "道路监控", "2025-11-30", "passed",
                                     ["市政府验收组", "市公安局"], ["验收报告 2025-11-30"])  # fmt: skip
    with bureau_ctx.sessions() as s:
        row = s.scalar(select(BureauOutbox).where(BureauOutbox.msg_id == done["message_id"]))
        assert row is not None and row.msg_type == MSG_ACCEPTANCE
        body = json.loads(row.body)
    from tests.filings.helpers import bureau_says

    bureau_says(site, key, MSG_ACCEPTANCE, body)  # as the bureau's delivery brings it
    found = acceptance(site)
    assert found is not None and found["passed"] and found["accepted_on"] == "2025-11-30"
    assert found["members"] == ["市政府验收组", "市公安局"]
