"""The bureau's list of units and its link inbox as they must stay at a city's scale
(bench/bureau.py, docs/performance.md "Bureau at scale"), on SQLite and PostgreSQL:

- GET /api/v1/units counts each unit's held seals and names its newest seal and its latest
  check-site with one query of index probes, and still lists only the bureau's jurisdiction
  (A4: a city sees its counties, not a neighbouring city's units);
- the register of filings (GET /api/v1/filings) gives a page at a time, narrowed to one
  division (A4), leaving the overdue lists (A13.2, N14) to GET /api/v1/overdue;
- POST /link/v1/inbox takes many units' seals at once (checked and stored in worker threads):
  every one is held exactly once, and a copy sent again is refused as replayed (A3).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.bureau.conftest import empty_postgres
from vigil.audit.actor import Actor
from vigil.bureau import filings
from vigil.bureau.accounts import add_user
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import HeldSeal, SiteCheck, Unit
from vigil.bureau.filings_models import BureauFiling
from vigil.bureau.web.app import create_app
from vigil.clock import FakeClock
from vigil.errors import ValidationError
from vigil.keys.signing import key_id
from vigil.link.envelope import Envelope, new_id, sign

PASSWORD = "units-list-password-1"


@pytest.fixture
def bureau_ctx(tmp_path: Path, clock: FakeClock) -> Iterator[BureauContext]:
    with empty_postgres() as url:
        ctx = BureauContext.init(tmp_path / "bureau", name="福州市公安局", division_code="350100",
                                 database_url=url, clock=clock)  # fmt: skip
        add_user(ctx, "li", "officer", actor=Actor.cli(), password=PASSWORD)
        yield ctx
        ctx.close()


def linked(ctx: BureauContext, name: str, division: str) -> tuple[Ed25519PrivateKey, str]:
    key = Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)  # fmt: skip
    site = str(uuid.uuid4())
    with ctx.sessions.begin() as s:
        s.add(Unit(name=name, division_code=division, state="linked", peer_id=f"site:{site}",
                   public_key_pem=pem.decode("ascii"), key_id=key_id(key.public_key()), url="",
                   invited_us=0, joined_us=0))  # fmt: skip
    return key, site


def seal_message(ctx: BureauContext, key: Ed25519PrivateKey, site: str, seal_id: int) -> Any:
    now = ctx.clock.now_us()
    kid = key_id(key.public_key())
    body = json.dumps({"heads": {"audit": {"hash": "ab" * 32, "seq": seal_id}}, "key_id": kid,
                       "prev": None, "sealed_us": now + seal_id, "site": site, "type": "seal"},
                      sort_keys=True, separators=(",", ":"))  # fmt: skip
    seal = {"seal_id": seal_id, "sealed_us": now + seal_id, "key_id": kid, "body": body,
            "signature_hex": key.sign(body.encode("ascii")).hex()}  # fmt: skip
    bureau = f"bureau:{ctx.bureau().bureau_uuid}"
    return sign(key, Envelope(f"site:{site}", bureau, "seal", new_id(), now, seal))


def test_units_list_counts_seals_and_names_the_newest_seal_and_latest_check(
    bureau_ctx: BureauContext,
) -> None:
    ctx = bureau_ctx
    linked(ctx, "酒店", "350102")  # 鼓楼区
    linked(ctx, "商场", "350103")  # 台江区
    linked(ctx, "厦门某厂", "350203")  # Xiamen: another city (A4)
    with ctx.sessions.begin() as s:
        hotel = s.scalar(select(Unit).where(Unit.name == "酒店"))
        assert hotel is not None
        for seal_id, at in ((7, 700), (8, 800), (9, 900)):
            s.add(HeldSeal(unit_id=hotel.id, seal_id=seal_id, sealed_us=at, key_id="k", body="{}",
                           signature_hex="00", received_us=at + 1))  # fmt: skip
        s.add(SiteCheck(unit_id=hotel.id, checked_us=1_000, ok=True, findings="[]"))
        s.add(SiteCheck(unit_id=hotel.id, checked_us=2_000, ok=False, findings="[]"))
    with TestClient(create_app(ctx)) as c:
        assert c.get("/api/v1/units").status_code == 401
        c.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD})
        units = {u["name"]: u for u in c.get("/api/v1/units").json()["units"]}
    assert sorted(units) == ["商场", "酒店"]  # not the neighbouring city's unit (A4)
    hotel_row, mall = units["酒店"], units["商场"]
    assert (hotel_row["seals_held"], hotel_row["newest_seal_us"]) == (3, 900)
    assert hotel_row["last_check"] == {"at_us": 2_000, "ok": False}
    assert (mall["seals_held"], mall["newest_seal_us"], mall["last_check"]) == (0, None, None)


def test_many_units_seals_at_once_are_each_held_once_and_a_copy_is_refused(
    bureau_ctx: BureauContext,
) -> None:
    ctx = bureau_ctx
    units = [linked(ctx, f"单位{i}", "350104") for i in range(4)]
    msgs = [seal_message(ctx, key, site, n) for n in range(1, 6) for key, site in units]
    app = create_app(ctx)

    async def post_all() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://bureau") as c:  # fmt: skip
            got = await asyncio.gather(*(c.post("/link/v1/inbox", json=m) for m in msgs))
            again = await c.post("/link/v1/inbox", json=msgs[0])
        return [r.status_code for r in got] + [again.status_code]

    codes = asyncio.run(post_all())
    assert codes[:-1] == [200] * len(msgs)
    assert codes[-1] == 409  # the same message again: replayed
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(HeldSeal)) == len(msgs)
        per_unit = s.execute(select(HeldSeal.unit_id, func.count()).group_by(HeldSeal.unit_id))
        assert sorted(n for _, n in per_unit) == [5, 5, 5, 5]


def test_the_register_of_filings_pages_and_narrows_to_a_division(
    bureau_ctx: BureauContext,
) -> None:
    ctx = bureau_ctx
    linked(ctx, "酒店", "350102")
    linked(ctx, "商场", "350103")
    linked(ctx, "从未备案", "350103")
    with ctx.sessions.begin() as s:
        ids = {u.name: u.id for u in s.scalars(select(Unit))}
        for n in range(5):
            for name in ("酒店", "商场"):
                s.add(BureauFiling(unit_id=ids[name], filing_uuid=f"{name}-{n}", version=1,
                                   kind="initial", state="received", document="{}",
                                   sha256="0" * 64, jurisdiction="province",
                                   received_us=1_000 * n + len(name),
                                   received_on=f"2026-01-0{n + 1}"))  # fmt: skip
    whole = filings.register(ctx)
    assert whole["total"] == 10 and len(whole["filings"]) == 10
    assert whole["not_filed"] == ["从未备案"]
    first = filings.register(ctx, page=1, per_page=4)
    newest = sorted((f["received_us"] for f in whole["filings"]), reverse=True)
    assert [f["received_us"] for f in first["filings"]] == newest[:4]
    last = filings.register(ctx, page=3, per_page=4)
    assert len(last["filings"]) == 2 and last["total"] == 10
    county = filings.register(ctx, division="350103", page=1)
    assert county["total"] == 5 and {f["unit"] for f in county["filings"]} == {"商场"}
    # a page leaves the jurisdiction's overdue lists to GET /api/v1/overdue; the whole has them
    assert "overdue_checks" not in county and county["overdue"] == "/api/v1/overdue"
    assert "overdue_checks" in whole and whole["not_filed"] == ["从未备案"]
    with pytest.raises(ValidationError) as err:
        filings.register(ctx, division="350203")  # another city (A4)
    assert err.value.field == "division"


def test_the_units_list_pages_and_narrows_to_a_division(bureau_ctx: BureauContext) -> None:
    ctx = bureau_ctx
    for i in range(5):
        linked(ctx, f"单位{i}", "350102" if i % 2 else "350103")
    with TestClient(create_app(ctx)) as c:
        c.post("/api/v1/auth/login", json={"username": "li", "password": PASSWORD})
        whole = c.get("/api/v1/units").json()
        assert whole["total"] == 5 and len(whole["units"]) == 5
        pages = [c.get(f"/api/v1/units?page={n}&per_page=2").json() for n in (1, 2, 3)]
        assert [u["name"] for p in pages for u in p["units"]] == [u["name"] for u in whole["units"]]
        county = c.get("/api/v1/units?division=350102").json()
        assert county["total"] == 2 and {u["division_code"] for u in county["units"]} == {"350102"}
        outside = c.get("/api/v1/units?division=350203")  # another city (A4)
        assert outside.status_code == 400 and outside.json()["field"] == "division"
