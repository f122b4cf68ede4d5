"""The bureau's dashboard and overdue lists in process, on the bureau's own database with an
injected clock (A4, A13.2, N14): a city bureau counts its counties' units and not a
neighbouring city's; a county bureau does not see its neighbouring county's unit; the counts
follow a filing as it arrives, is returned and left uncorrected past its deadline, and an
on-site check left undone past its last day; stale seals and a failed check-site are counted;
the unit's signed self-check report travels bureau → site → bureau and its rows are readable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.bureau.conftest import empty_postgres
from tests.filings.helpers import ADMIN, ALL_ITEMS, bureau_says, hotel, outbox, pin_bureau
from tests.filings.test_bureau_register import deliver, link
from vigil.bureau import dashboard, filings, selfcheck
from vigil.bureau.accounts import BureauRole, StaffView
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import AUDIT_ENTRIES, HeldSeal, SiteCheck, Unit
from vigil.clock import US_PER_DAY, FakeClock
from vigil.compliance.link_selfcheck import MSG_REPORT, MSG_REQUEST
from vigil.context import SiteContext
from vigil.errors import ValidationError
from vigil.filings.submission import MSG_RETURNED, submit
from vigil.link import inbox
from vigil.link.envelope import Envelope, sign
from vigil.link.side import side_for

OFFICER = StaffView(1, "li", "李警官", BureauRole.OFFICER)


def city(tmp_path: Path, clock: FakeClock, code: str = "350100") -> Iterator[BureauContext]:
    with empty_postgres() as url:
        ctx = BureauContext.init(tmp_path / f"bureau-{code}", name=f"局{code}",
                                 division_code=code, database_url=url, clock=clock)  # fmt: skip
        yield ctx
        ctx.close()


@pytest.fixture
def bureau_ctx(tmp_path: Path, clock: FakeClock) -> Iterator[BureauContext]:
    yield from city(tmp_path, clock)


def add_unit(ctx: BureauContext, name: str, division: str, **extra: Any) -> None:
    with ctx.sessions.begin() as s:
        s.add(Unit(name=name, division_code=division, state="linked", peer_id=f"site:{name}",
                   public_key_pem="", key_id="", url="", invited_us=0,
                   **{"joined_us": 0, **extra}))  # fmt: skip


def test_a_city_counts_its_counties_units_follows_the_filing_and_filters_by_division(
    site: SiteContext, bureau_ctx: BureauContext, clock: FakeClock
) -> None:
    hotel(site)  # 350102, hospitality, cameras in the lobby and at the entrance
    pin_bureau(site)
    link(bureau_ctx, site)  # 酒店 in 350102 (鼓楼区)
    add_unit(bureau_ctx, "商场", "350103")  # 台江区, linked, never filed
    add_unit(bureau_ctx, "厦门某厂", "350203")  # Xiamen: another city's unit
    board = dashboard.dashboard(bureau_ctx)
    assert board["units"]["total"] == 2 and board["filings"]["not_filed"] == 2
    assert [d["division"] for d in board["by_division"]] == ["350102", "350103"]
    assert board["by_category"] == [] and board["checks"] == {"due": 0, "overdue": 0,
                                                              "article": "A13.2"}  # fmt: skip

    submit(site, ADMIN, attach=ALL_ITEMS)
    deliver(bureau_ctx, site)
    board = dashboard.dashboard(bureau_ctx)
    assert board["filings"]["under_review"] == 1 and board["filings"]["not_filed"] == 1
    [cat] = board["by_category"]
    assert (cat["code"], cat["units"]) == ("hospitality_entertainment", 1)
    assert cat["article"].startswith("A7(") and cat["zh"]
    cams = {c["code"]: c["cameras"] for c in board["cameras_by_location_type"]}
    assert cams == {"lobby": 1, "entrance": 1} and board["units"]["cameras"] == 2
    assert board["checks"]["due"] == 1
    names = [u["name"] for u in board["list"]["units"]]
    assert names == sorted(["酒店", "商场"])
    hotel_row = next(u for u in board["list"]["units"] if u["name"] == "酒店")
    assert hotel_row["filing"] == "under_review" and hotel_row["cameras"] == 2
    assert hotel_row["categories"] == ["hospitality_entertainment"]

    # filter by division: a county under the city, and never a division outside it
    one = dashboard.dashboard(bureau_ctx, division="350103")
    assert one["units"]["total"] == 1 and one["list"]["units"][0]["name"] == "商场"
    assert one["by_category"] == [] and one["checks"]["due"] == 0
    with pytest.raises(ValidationError) as caught:
        dashboard.dashboard(bureau_ctx, division="350203")
    assert caught.value.field == "division" and caught.value.article == "A4"
    # the list view pages and filters
    page = dashboard.dashboard(bureau_ctx, per_page=1, page=2)
    assert page["list"]["total"] == 2 and len(page["list"]["units"]) == 1
    assert [u["name"] for u in dashboard.dashboard(bureau_ctx, show="not_filed")["list"]
            ["units"]] == ["商场"]  # fmt: skip


def test_a_county_bureau_does_not_see_its_neighbouring_countys_unit(
    tmp_path: Path, clock: FakeClock
) -> None:
    for ctx in city(tmp_path, clock, "350103"):  # 台江区
        add_unit(ctx, "台江商场", "350103")
        with pytest.raises(ValidationError):
            dashboard.dashboard(ctx, division="350102")  # 鼓楼区, the neighbour
        with ctx.sessions.begin() as s:  # a row of the neighbour's, as a city would hold it
            s.add(Unit(name="鼓楼酒店", division_code="350102", state="linked",
                       peer_id="site:x", public_key_pem="", key_id="", url="", invited_us=0,
                       joined_us=0))  # fmt: skip
        board = dashboard.dashboard(ctx)
        assert [u["name"] for u in board["list"]["units"]] == ["台江商场"]
        assert board["units"]["total"] == 1
        assert dashboard.overdue(ctx)["never_filed"] == ["台江商场"]


def test_overdue_filings_and_checks_each_name_their_article(
    site: SiteContext, bureau_ctx: BureauContext, clock: FakeClock
) -> None:
    # put into use 2025-12-20: N14's last day is 2026-01-19 (a Monday)
    hotel(site, delivered_on="2025-12-19", commissioned_on="2025-12-20")
    key = pin_bureau(site)
    link(bureau_ctx, site)
    done = submit(site, ADMIN, attach=ALL_ITEMS)
    deliver(bureau_ctx, site)  # received 2026-01-01: the check is due 2026-02-02 (A13.2)
    assert dashboard.overdue(bureau_ctx)["overdue"] == []
    returned = filings.return_filing(bureau_ctx, OFFICER, done.filing_uuid, 1, ["复印件不清晰"])
    assert dashboard.dashboard(bureau_ctx)["filings"]["returned"] == 1
    clock.set(clock.now_us() + (date(2026, 1, 19) - date(2026, 1, 1)).days * US_PER_DAY)
    assert dashboard.dashboard(bureau_ctx)["filings"]["overdue"] == 0  # the last day itself
    clock.advance(days=1)
    board = dashboard.dashboard(bureau_ctx)
    assert board["filings"]["overdue"] == 1 and board["list"]["units"][0]["filing_overdue"]
    [line] = dashboard.overdue(bureau_ctx)["overdue"]
    assert (line["unit"], line["what"], line["due_on"], line["days_overdue"]) == (
        "酒店", "filing", "2026-01-19", 1)  # fmt: skip
    assert line["articles"][0] == "N14" and line["rule_zh"]

    # the unit corrects it and submits again on 2026-01-20: it counts again, under review;
    # its on-site check, never done, is overdue the day after its last day (A13.2)
    body = {k: v for k, v in returned.items() if k != "message_id"}
    bureau_says(site, key, MSG_RETURNED, body)
    sent = len(outbox(site))
    submit(site, ADMIN, attach=ALL_ITEMS)
    deliver(bureau_ctx, site, skip=sent)
    board = dashboard.dashboard(bureau_ctx)
    assert board["filings"]["overdue"] == 0 and board["filings"]["under_review"] == 1
    [row] = [f for f in filings.register(bureau_ctx)["filings"] if f["state"] == "received"]
    due = date.fromisoformat(row["check"]["due_on"])
    clock.set(clock.now_us() + ((due - date(2026, 1, 20)).days + 1) * US_PER_DAY)
    board = dashboard.dashboard(bureau_ctx)
    assert board["checks"]["overdue"] == 1 and board["list"]["units"][0]["check_overdue"]
    late = dashboard.overdue(bureau_ctx)["overdue"]
    check = next(r for r in late if r["what"] == "site_check")
    assert check["articles"] == ["A13.2"] and check["days_overdue"] == 1
    assert check["due_on"] == due.isoformat()


def test_stale_seals_and_a_failed_check_site_are_counted(
    bureau_ctx: BureauContext, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIGIL_BUREAU_SEAL_INTERVAL_S", "60")
    now = clock.now_us()
    add_unit(bureau_ctx, "甲", "350102", joined_us=now)
    add_unit(bureau_ctx, "乙", "350103", joined_us=now)
    assert dashboard.dashboard(bureau_ctx)["seals"]["stale"] == 0  # just joined
    clock.advance(seconds=121)  # more than twice the interval: nothing arrived from either
    assert dashboard.dashboard(bureau_ctx)["seals"]["stale"] == 2
    with bureau_ctx.sessions.begin() as s:
        ids = {n: i for n, i in s.execute(select(Unit.name, Unit.id))}
        s.add(HeldSeal(unit_id=ids["甲"], seal_id=1, sealed_us=now, key_id="k", body="{}",
                       signature_hex="00", received_us=clock.now_us()))  # fmt: skip
        s.add(SiteCheck(unit_id=ids["乙"], checked_us=now, ok=True, findings="[]"))
        s.add(SiteCheck(unit_id=ids["乙"], checked_us=now + 1, ok=False, findings="[]"))
    board = dashboard.dashboard(bureau_ctx)
    assert board["seals"]["stale"] == 1 and board["seals"]["check_failed"] == 1
    listed = dashboard.dashboard(bureau_ctx, show="check_failed")["list"]["units"]
    assert [(u["name"], u["last_check"]["ok"]) for u in listed] == [("乙", False)]
    assert [u["name"] for u in dashboard.dashboard(bureau_ctx, show="stale")["list"]
            ["units"]] == ["乙"]  # fmt: skip


def test_the_units_signed_self_check_report_is_asked_for_and_read(
    site: SiteContext, bureau_ctx: BureauContext
) -> None:
    hotel(site)
    key = pin_bureau(site)
    link(bureau_ctx, site)
    asked = selfcheck.request(bureau_ctx, OFFICER, "酒店")
    with bureau_ctx.sessions() as s:
        from vigil.bureau.db.models import BureauOutbox

        msg = s.scalar(select(BureauOutbox).where(BureauOutbox.msg_id == asked["request"]))
        assert msg is not None and msg.msg_type == MSG_REQUEST
        body = json.loads(msg.body)
    assert selfcheck.latest(bureau_ctx, "酒店")["pending"][0]["request"] == asked["request"]
    # the request arrives at the site (signed by the bureau's key the site pinned)
    side = side_for(site)
    with site.sessions() as s:
        me = side.identity(s)
    env = Envelope("bureau:350102", me, MSG_REQUEST, asked["request"], site.clock.now_us(), body)
    inbox.receive(side, sign(key, env))
    [(_id, _kind, sent)] = [m for m in outbox(site) if m[1] == MSG_REPORT]
    assert json.loads(sent)["report"]["type"] == "vigil.compliance_report.v1"
    deliver(bureau_ctx, site, skip=len(outbox(site)) - 1)
    got = selfcheck.latest(bureau_ctx, "酒店")
    assert got["pending"] == [] and got["report"] is not None
    rows = got["report"]["rows"]
    assert rows and all(r["id"] and r["status"] and r["title_zh"] for r in rows)
    assert any(r["id"].startswith(("A", "N")) and r["evidence_zh"] for r in rows)
    with bureau_ctx.sessions() as s:
        actions = list(s.scalars(select(AUDIT_ENTRIES.c.action)))
    assert "selfcheck_request" in actions and "selfcheck_received" in actions
    # a report for a request the bureau never made, or altered on the way, is refused
    from vigil.link.errors import LinkRefused

    report = json.loads(sent)["report"]
    report["summary"]["met"] = 999
    from vigil.link.site_side import site_identity

    with site.sessions() as s:
        sender = site_identity(s)
    from vigil.bureau.link import BureauSide

    bside = BureauSide(bureau_ctx)
    with bureau_ctx.sessions() as s:
        bme = bside.identity(s)
    again = selfcheck.request(bureau_ctx, OFFICER, "酒店")
    forged = Envelope(sender, bme, MSG_REPORT, "forged-1", bureau_ctx.clock.now_us(),
                      {"request": again["request"], "report": report})  # fmt: skip
    with pytest.raises(LinkRefused) as caught:
        inbox.receive(bside, sign(site.signing_key, forged))
    assert "does not verify" in caught.value.message
    stray = Envelope(sender, bme, MSG_REPORT, "stray-1", bureau_ctx.clock.now_us(),
                     {"request": "never-asked", "error": "x"})  # fmt: skip
    with pytest.raises(LinkRefused):
        inbox.receive(bside, sign(site.signing_key, stray))


def test_seals_and_checks_loaded_in_bulk_are_counted_once_the_status_is_rebuilt(
    bureau_ctx: BureauContext, clock: FakeClock
) -> None:
    """What the migration does for seals and checks held before it (and a bulk load after)."""
    from sqlalchemy import insert

    from vigil.bureau.dashboard_models import rebuild_status

    now = clock.now_us()
    with bureau_ctx.engine.begin() as conn:  # Core inserts: no mapper events
        conn.execute(insert(Unit), [dict(id=7, name="丙", division_code="350102", state="linked",
                     peer_id="site:c", public_key_pem="", key_id="", url="", invited_us=0,
                     joined_us=now - 10**12)])  # fmt: skip
        conn.execute(insert(HeldSeal), [dict(unit_id=7, seal_id=i, sealed_us=now, key_id="k",
                     body="{}", signature_hex="00", received_us=now - i) for i in (1, 2)])  # fmt: skip
        conn.execute(insert(SiteCheck), [dict(unit_id=7, checked_us=now - 5, ok=True,
                     findings="[]"), dict(unit_id=7, checked_us=now - 1, ok=False,
                     findings="[]")])  # fmt: skip
        rebuild_status(conn)
    [row] = dashboard.dashboard(bureau_ctx)["list"]["units"]
    assert row["newest_seal_us"] == now - 1 and not row["seals_stale"]
    assert row["last_check"] == {"ok": False, "at_us": now - 1}
