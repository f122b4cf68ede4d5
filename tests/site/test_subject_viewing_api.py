"""Data-subject viewing (N21) over real HTTP: request, decision, the viewing-only session,
refusals and roles; real uvicorn, real index (SQLite or PostgreSQL), real fMP4 segments.
The consent's lapse is tested on the domain with a fake clock."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select

from tests.site.test_api import Served, iso, login, served  # noqa: F401  (fixture)
from tests.site.test_records_profile import ADMIN
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, FakeClock, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.errors import RefusedByLawError, ValidationError
from vigil.records import subject_requests

V = "/api/v1"
NUMBER = "350102199001011234"


def segments(served: Served) -> list[Segment]:  # noqa: F811
    with served.ctx.sessions() as s:
        cam = CameraRegistry(served.ctx).get("cam1")
        return list(
            s.scalars(select(Segment).where(Segment.camera_id == cam.id).order_by(Segment.seq))
        )


def ask(client: httpx.Client, from_us: int, to_us: int, cameras: list[str] | None = None,
        **extra: str) -> httpx.Response:  # fmt: skip
    body = {
        "requester_name": "张三",
        "id_doc_type": "resident_id",
        "id_doc_number": NUMBER,
        "relation": "self",
        "reason": "my wallet was taken in the lobby",
        "cameras": cameras or ["cam1"],
        "from": iso(from_us),
        "to": iso(to_us),
        **extra,
    }
    return client.post(f"{V}/subject-requests", json=body)


def test_request_consent_view_only_the_consented_range_no_copy(served: Served) -> None:  # noqa: F811
    segs = segments(served)
    assert len(segs) == 3
    inside = segs[1]
    mon, adm = login(served, "monitor"), login(served, "administrator")
    r = ask(mon, inside.start_us + 100_000, inside.end_us - 100_000)
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["state"] == "pending" and req["id_doc_number"] == "*" * 14 + "1234"
    assert adm.get(f"{V}/subject-requests/{req['id']}").json()["id_doc_number"] == NUMBER
    # not decided yet: no viewing
    r = mon.post(f"{V}/subject-requests/{req['id']}/viewing")
    assert r.status_code == 400 and r.json()["error"]["article"] == "N21"
    # only an administrator decides
    assert mon.post(f"{V}/subject-requests/{req['id']}/decision",
                    json={"consent": True}).status_code == 403  # fmt: skip
    r = adm.post(f"{V}/subject-requests/{req['id']}/decision",
                 json={"consent": True, "note": "in the presence of the duty officer",
                       "valid_days": 3})  # fmt: skip
    assert r.status_code == 200 and r.json()["state"] == "consented"
    r = mon.post(f"{V}/subject-requests/{req['id']}/viewing")
    assert r.status_code == 200, r.text
    viewing = r.json()
    assert viewing["viewing_only"] and list(viewing["cameras"]) == ["cam1"]
    assert viewing["until_us"] <= served.ctx.clock.now_us() + 30 * 60 * US_PER_S
    assert [s["seq"] for s in viewing["cameras"]["cam1"]["segments"]] == [inside.seq]
    grant = viewing["grant"]
    media = mon.get(f"{V}/playback/{grant}/media/cam1/{inside.seq}")
    assert media.status_code == 200 and media.content[4:8] == b"ftyp"
    # outside the consented range or camera: refused
    for seq in (segs[0].seq, segs[2].seq):
        assert mon.get(f"{V}/playback/{grant}/media/cam1/{seq}").status_code == 403
    assert mon.get(f"{V}/playback/{grant}/media/cam2/{inside.seq}").status_code == 403
    # no copy while the viewing is open: export and download refused citing N21
    r = mon.post(f"{V}/exports", json={"camera": "cam1", "from": iso(inside.start_us),
                 "to": iso(inside.end_us), "purpose": "p", "destination": "d"})  # fmt: skip
    assert r.status_code == 403 and r.json()["error"]["article"] == "N21", r.text
    assert mon.get(f"{V}/exports/anything/download").json()["error"]["article"] == "N21"
    # every playback of the viewing is registered: purpose the request, caller the requester
    entries = adm.get(f"{V}/audit?action=playback").json()
    assert len(entries) == 1
    (entry,) = entries
    assert entry["actor"] == "monitor" and entry["camera"] == "cam1"
    assert entry["purpose"].startswith(f"N21 data-subject viewing, request #{req['id']}")
    assert "no copy" in entry["destination"]
    detail = entry["detail"] if isinstance(entry["detail"], dict) else json.loads(entry["detail"])
    assert detail["caller"] == "张三" and detail["subject_request"] == req["id"]
    actions = [e["action"] for e in adm.get(f"{V}/audit").json()]
    for act in ("subject_request.add", "subject_request.consent"):
        assert act in actions
    assert NUMBER not in json.dumps(adm.get(f"{V}/audit").json())  # the ID is masked there
    # another operator cannot take over; closing ends the consent
    assert adm.post(f"{V}/subject-requests/{req['id']}/viewing").status_code == 409
    r = mon.post(f"{V}/subject-requests/{req['id']}/close")
    assert r.status_code == 200 and r.json()["state"] == "closed"
    r = mon.post(f"{V}/subject-requests/{req['id']}/viewing")
    assert r.status_code == 400 and "closed" in r.json()["error"]["message"]
    r = mon.post(f"{V}/exports", json={"camera": "cam1", "from": iso(inside.start_us),
                 "to": iso(inside.end_us), "purpose": "p", "destination": "d"})  # fmt: skip
    assert r.status_code == 202, r.text


def test_a_refusal_needs_reasons_and_allows_no_viewing(served: Served) -> None:  # noqa: F811
    mon, adm = login(served, "monitor"), login(served, "administrator")
    req = ask(mon, served.rec_start_us, served.rec_end_us).json()
    r = adm.post(f"{V}/subject-requests/{req['id']}/decision", json={"consent": False})
    assert r.status_code == 400 and r.json()["error"]["field"] == "reasons"
    r = adm.post(f"{V}/subject-requests/{req['id']}/decision",
                 json={"consent": False, "note": "the requester is not in the footage"})  # fmt: skip
    assert r.json()["state"] == "refused"
    r = mon.post(f"{V}/subject-requests/{req['id']}/viewing")
    assert r.status_code == 400 and "refused" in r.json()["error"]["message"]
    r = adm.post(f"{V}/subject-requests/{req['id']}/decision", json={"consent": True})
    assert r.status_code == 409  # decided once
    assert [e["action"] for e in adm.get(f"{V}/audit?action=subject_request.refuse").json()] == [
        "subject_request.refuse"
    ]


def test_bad_requests_are_refused_naming_the_field(served: Served) -> None:  # noqa: F811
    mon = login(served, "monitor")
    start, end = served.rec_start_us, served.rec_end_us
    cases = [
        (ask(mon, start, end, relation="friend"), "relation"),
        (ask(mon, start, end, id_doc_type="library card"), "id_doc_type"),
        (ask(mon, start, end, reason=""), "reason"),
        (ask(mon, end, start), "to"),
        (ask(mon, start, start + 25 * 3600 * US_PER_S), "to"),
        (ask(mon, start, end, cameras=["nosuch"]), "cameras"),
    ]
    for r, field in cases:
        assert r.status_code in (400, 404) and r.json()["error"]["field"] == field, r.text
    assert ask(mon, start, end, relation="监护人").json()["relation"] == "guardian"


def test_viewing_needs_the_playback_right_on_every_camera(served: Served) -> None:  # noqa: F811
    mon, adm = login(served, "monitor"), login(served, "administrator")
    req = ask(adm, served.rec_start_us, served.rec_end_us, cameras=["cam1", "cam2"]).json()
    adm.post(f"{V}/subject-requests/{req['id']}/decision", json={"consent": True})
    r = mon.post(f"{V}/subject-requests/{req['id']}/viewing")
    assert r.status_code == 403 and "cam2" in r.text


def test_a_consent_lapses_after_its_days(site: SiteContext, clock: FakeClock) -> None:
    CameraRegistry(site).add("cam1", "rtsp://127.0.0.1:1/cam1")
    now = clock.now_us()
    req = subject_requests.add_request(
        site, ADMIN, requester_name="李四", id_doc_type="passport", id_doc_number="E1234567",
        relation="close_relative", reason="my father fell", cameras=["cam1"],
        from_=us_to_iso(now - 3600 * US_PER_S), to=us_to_iso(now),
    )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        subject_requests.decide(site, req.id, ADMIN, consent=True, note="", valid_days=31)
    assert err.value.field == "valid_days"
    subject_requests.decide(site, req.id, ADMIN, consent=True, note="", valid_days=1)
    clock.advance(seconds=86_399)
    assert subject_requests.get_request(site, req.id).state == "consented"
    clock.advance(seconds=1)
    assert subject_requests.get_request(site, req.id).state == "expired"
    with pytest.raises(RefusedByLawError) as refused:
        subject_requests.open_viewing(site, req.id, ADMIN, user_id=1, until_us=now)
    assert refused.value.article == "N21" and "lapsed" in refused.value.message


def test_a_viewing_is_opened_in_the_console_not_with_an_api_token(served: Served) -> None:  # noqa: F811
    from vigil.access.tokens import TokenStore

    adm = login(served, "administrator")
    req = ask(adm, served.rec_start_us, served.rec_end_us).json()
    adm.post(f"{V}/subject-requests/{req['id']}/decision", json={"consent": True})
    token, _ = TokenStore(served.ctx).create("monitor", "script", ["playback", "read"],
                                             actor="test")  # fmt: skip
    with httpx.Client(base_url=served.base, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        r = client.post(f"{V}/subject-requests/{req['id']}/viewing")
        assert r.status_code == 403 and "console" in r.text
        assert client.get(f"{V}/subject-requests/{req['id']}").json()["state"] == "consented"
