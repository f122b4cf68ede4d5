"""A bureau and sites as real processes talking over HTTP on loopback (A3, A13.2).

Enrolment with a one-time token; forged, replayed and misaddressed messages refused and
registered; seals made while the bureau is down delivered exactly once after it is back;
a unit whose segment chain was cut and re-sealed with its own key named by check-site.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from sqlalchemy import delete, select, update

import vigil.link.seals  # noqa: F401  (the seal listener, as in every `vigil` process)
from tests.bureau.conftest import Bureau, Site, site_process, wait_for
from tests.fabricate import commit_clips, make_clips
from vigil.audit.query import list_entries
from vigil.bureau.db.models import AUDIT_ENTRIES, HeldSeal, Invite, Unit
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.db.models import ChainEntry, Seal, Segment
from vigil.integrity.seal import seal_now
from vigil.link import outbox
from vigil.link.envelope import Envelope, new_id, sign
from vigil.link.models import LinkBureau, LinkOutbox
from vigil.link.seals import seal_message
from vigil.link.site_side import SiteSide


def audit_rows(b: Bureau, action: str) -> list[dict[str, object]]:
    ctx = b.ctx()
    try:
        with ctx.sessions() as s:
            rows = s.execute(
                select(AUDIT_ENTRIES.c.result, AUDIT_ENTRIES.c.detail)
                .where(AUDIT_ENTRIES.c.action == action)
                .order_by(AUDIT_ENTRIES.c.seq)
            ).all()
    finally:
        ctx.close()
    return [{"result": r, **json.loads(d)} for r, d in rows]


def site_audit(site: Site, action: str) -> list[tuple[str, dict[str, object]]]:
    ctx = site.ctx()
    try:
        return [
            (e.result, e.detail if isinstance(e.detail, dict) else json.loads(e.detail))
            for e in list_entries(ctx, action=action)
        ]
    finally:
        ctx.close()


def join(site: Site, b: Bureau, token: str) -> None:
    out = site.cli("link", "join", b.server.url, "--token", token)
    assert out.returncode == 0, out.stderr


def outbox_rows(site: Site) -> list[LinkOutbox]:
    ctx = site.ctx()
    try:
        with ctx.sessions() as s:
            return list(s.scalars(select(LinkOutbox).order_by(LinkOutbox.id)))
    finally:
        ctx.close()


def held(b: Bureau) -> list[int]:
    ctx = b.ctx()
    try:
        with ctx.sessions() as s:
            return list(s.scalars(select(HeldSeal.seal_id).order_by(HeldSeal.id)))
    finally:
        ctx.close()


def test_enrolment_pins_both_keys_and_a_used_or_expired_token_is_refused(
    tmp_path: Path, bureau: Bureau, database_url: str | None
) -> None:
    token = bureau.invite("鼓楼某酒店", "--division", "350102")
    assert len(token) >= 40 and " " not in token
    with site_process(tmp_path / "a", database_url) as a:
        join(a, bureau, token)
        status = json.loads(a.cli("link", "status", "--json").stdout)
        assert status["linked"] and status["bureau"]["division_code"] == "350100"
        assert status["bureau"]["unit"] == "鼓楼某酒店"
        ctx = bureau.ctx()
        with ctx.sessions() as s:
            unit = s.scalar(select(Unit).where(Unit.name == "鼓楼某酒店"))
            assert unit is not None and unit.state == "linked"
            assert unit.key_id == a.ctx().site().key_id  # the site's key is pinned
        ctx.close()
        assert [r for r, _ in site_audit(a, "link_join")] == ["ok"]
        # the same token a second time, from another site: refused, registered on both sides
        with site_process(tmp_path / "c", None) as c:
            out = c.cli("link", "join", bureau.server.url, "--token", token)
            assert out.returncode != 0 and "used already" in out.stderr
            assert [r for r, _ in site_audit(c, "link_join")] == ["refused"]
            # an expired token (72 h): its invitation is made to have expired
            late = bureau.invite("晋安某商场", "--division", "350111")
            ctx = bureau.ctx()
            with ctx.sessions.begin() as s:
                s.execute(update(Invite).values(expires_us=Invite.created_us - 1))
            ctx.close()
            out = c.cli("link", "join", bureau.server.url, "--token", late)
            assert out.returncode != 0 and "expired" in out.stderr
            assert json.loads(c.cli("link", "status", "--json").stdout)["linked"] is False
    refusals = [r for r in audit_rows(bureau, "link_join") if r["result"] == "refused"]
    assert [r["why"] for r in refusals] == [
        "the token was used already",
        "the token expired (an invitation is valid 72 h)",
    ]
    assert all(token not in json.dumps(r) for r in audit_rows(bureau, "link_join"))


def test_forged_replayed_and_misaddressed_messages_are_refused_and_registered(
    tmp_path: Path, bureau: Bureau, database_url: str | None
) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with site_process(tmp_path / "a", database_url) as a:
        join(a, bureau, bureau.invite("unit-a", "--division", "350102"))
        ctx = a.ctx()
        with ctx.sessions() as s:
            me, peer = SiteSide(ctx).identity(s), s.scalar(select(LinkBureau))
        assert peer is not None
        now = ctx.clock.now_us()

        def post(wire: dict[str, object]) -> httpx.Response:
            return httpx.post(bureau.server.url + "/link/v1/inbox", json=wire, timeout=30)

        def env(receiver: str = peer.peer_id, msg_id: str | None = None) -> Envelope:
            return Envelope(me, receiver, "site.address", msg_id or new_id(), now,
                            {"url": a.server.url})  # fmt: skip

        genuine = sign(ctx.signing_key, env())
        assert post(genuine).status_code == 200
        replay = post(genuine)
        assert (replay.status_code, replay.json()["reason"]) == (409, "replayed")
        forged = post(sign(Ed25519PrivateKey.generate(), env()))
        assert (forged.status_code, forged.json()["reason"]) == (403, "forged")
        tampered = {**sign(ctx.signing_key, env()), "body": {"url": "http://evil.example"}}
        assert post(tampered).json()["reason"] == "forged"
        other = post(sign(ctx.signing_key, env(receiver="bureau:" + "0" * 36)))
        assert (other.status_code, other.json()["reason"]) == (421, "wrong_receiver")
        stranger = sign(Ed25519PrivateKey.generate(), env())
        stranger["sender"] = "site:" + "9" * 36
        assert post(stranger).json()["reason"] in ("unknown_sender", "forged")
        ctx.close()
    refused = audit_rows(bureau, "link_refused")
    assert [r["reason"] for r in refused][:4] == ["replayed", "forged", "forged", "wrong_receiver"]
    assert refused[0]["id"] == genuine["id"] and refused[0]["sender"] == me
    ctx = bureau.ctx()
    with ctx.sessions() as s:
        unit = s.scalar(select(Unit))
        assert unit is not None and unit.url == a.server.url  # applied once, not the forgery


def test_seals_made_while_the_bureau_is_down_arrive_exactly_once(
    tmp_path: Path, bureau: Bureau, database_url: str | None
) -> None:
    with site_process(
        tmp_path / "a", database_url, record=True, VIGIL_SEAL_INTERVAL_S="1",
        VIGIL_LINK_RETRY_MAX_S="2",
    ) as a:  # fmt: skip
        join(a, bureau, bureau.invite("unit-a", "--division", "350102"))
        wait_for(lambda: len(held(bureau)) >= 2, "the bureau to hold the first seals")
        bureau.server.stop()
        queued_before = len(outbox_rows(a))
        wait_for(
            lambda: sum(r.delivered_us is None for r in outbox_rows(a)) >= 5,
            "five seals to queue while the bureau is away",
        )
        waiting = [r for r in outbox_rows(a) if r.delivered_us is None]
        assert any(r.attempts >= 1 and "unreachable" in r.last_error for r in waiting)
        bureau.server.start()
        wait_for(
            lambda: all(r.delivered_us is not None for r in outbox_rows(a)[: queued_before + 5]),
            "the queue to drain",
        )
        a.server.stop()  # the site stops sealing; its final seal goes on the next start
        a.server.start()
        wait_for(lambda: all(r.delivered_us is not None for r in outbox_rows(a)), "the last seal")
        a.server.stop()
    ctx = SiteContext.open(tmp_path / "a")
    with ctx.sessions() as s:
        sent = [
            json.loads(b)["seal_id"]
            for b in s.scalars(
                select(LinkOutbox.body).where(LinkOutbox.msg_type == "seal").order_by(LinkOutbox.id)
            )
        ]
        made_since_join = list(
            s.scalars(select(Seal.id).where(Seal.id >= sent[0]).order_by(Seal.id))
        )
    ctx.close()
    # every seal made since the link was queued once, and the bureau holds each exactly once
    assert sent == made_since_join
    assert held(bureau) == sent
    assert len(sent) >= 7  # two before the bureau stopped, five while it was away


def test_check_site_names_the_chain_and_seq_of_a_history_cut_and_resealed(
    tmp_path: Path, bureau: Bureau, database_url: str | None
) -> None:
    # reports of two links per chain at most: the bureau pages through the chains
    with site_process(tmp_path / "a", database_url, VIGIL_LINK_REPORT_LINKS="2") as a:
        join(a, bureau, bureau.invite("unit-a", "--division", "350102"))
        ctx = a.ctx()
        cam = CameraRegistry(ctx).add("gate", "rtsp://127.0.0.1:8554/gate")
        clips = make_clips(tmp_path, 6)
        segs = commit_clips(ctx, cam.id, clips[:2], ctx.clock.now_us() - 60_000_000)
        seal_now(ctx)
        segs += commit_clips(ctx, cam.id, clips[2:4], segs[-1].end_us)
        seal_now(ctx)
        wait_for(lambda: len(held(bureau)) >= 2 and all(
            r.delivered_us for r in outbox_rows(a)), "the seal to reach the bureau")  # fmt: skip
        wait_for(lambda: any(r.msg_type == "site.address" and r.delivered_us
                             for r in outbox_rows(a)), "the site's address")  # fmt: skip
        ok = bureau.cli("check-site", "unit-a", "--json")
        assert ok.returncode == 0, ok.stdout + ok.stderr
        report = json.loads(ok.stdout)
        assert report["ok"] and report["chains"] == 2 and report["links_checked"] >= 3
        # the unit cuts segments 3 and 4 from its chain, records others in their place and
        # seals again with its own key: its own seals are consistent, the bureau's are not
        chain = f"camera:{cam.id}"
        with ctx.sessions.begin() as s:
            s.execute(delete(ChainEntry).where(ChainEntry.chain == chain, ChainEntry.seq >= 3))
            s.execute(delete(Segment).where(Segment.camera_id == cam.id, Segment.seq >= 3))
        for seg in segs[2:]:
            (ctx.segments_dir / seg.path).unlink()
        commit_clips(ctx, cam.id, clips[4:6], segs[1].end_us)
        seal_now(ctx)
        wait_for(lambda: all(r.delivered_us for r in outbox_rows(a)), "the new seal to go")
        bad = bureau.cli("check-site", "unit-a")
        ctx.close()
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"chain {chain} seq 4" in bad.stdout and "FAILED" in bad.stdout
    checks = audit_rows(bureau, "check_site")
    assert [c["result"] for c in checks] == ["ok", "failed"]


def test_a_message_refused_for_its_content_is_closed_and_the_queue_goes_on(
    tmp_path: Path, bureau: Bureau, database_url: str | None
) -> None:
    with site_process(tmp_path / "a", database_url) as a:
        join(a, bureau, bureau.invite("unit-a", "--division", "350102"))
        ctx = a.ctx()
        first = seal_now(ctx, only_if_changed=False)
        assert first is not None
        wait_for(lambda: first.id in held(bureau), "the first seal to be held")
        # the unit signs another body under the id of a seal the bureau holds, and sends a
        # type the bureau has no use for; then a genuine seal
        body = json.loads(first.body)
        body["heads"] = {}
        forged_body = json.dumps(body, sort_keys=True, separators=(",", ":"))
        with ctx.sessions.begin() as s:
            outbox.enqueue(s, ctx, "seal", {
                **seal_message(first), "body": forged_body,
                "signature_hex": ctx.signing_key.sign(forged_body.encode()).hex()})  # fmt: skip
            outbox.enqueue(s, ctx, "no.such.type", {"x": 1})
        last = seal_now(ctx, only_if_changed=False)
        assert last is not None
        wait_for(lambda: last.id in held(bureau), "the seal after the refused messages")
        status = json.loads(a.cli("link", "status", "--json").stdout)["outbox"]
        assert (status["depth"], status["refused"]) == (0, 2)
        errors = [r.last_error for r in outbox_rows(a) if r.last_error]
        assert "rejected" in errors[0] and "re-signed its history" in errors[0]
        assert "unknown_type" in errors[1]
        ctx.close()
    assert held(bureau).count(first.id) == 1
    reasons = [r["reason"] for r in audit_rows(bureau, "link_refused")]
    assert reasons == ["rejected", "unknown_type"]


def test_the_bureau_checks_its_units_by_itself_and_lists_the_outcome(
    tmp_path: Path, bureau: Bureau, database_url: str | None
) -> None:
    bureau.server.stop()
    bureau.server.args += ["--check-every", "1"]
    bureau.server.start()
    with site_process(tmp_path / "a", database_url) as a:
        join(a, bureau, bureau.invite("unit-a", "--division", "350102"))
        ctx = a.ctx()
        seal_now(ctx, only_if_changed=False)
        ctx.close()
        client = httpx.Client(base_url=bureau.server.url, timeout=30)
        r = client.post("/api/v1/auth/login",
                        json={"username": "admin", "password": bureau.admin_password})  # fmt: skip
        assert r.status_code == 200

        wait_for(lambda: held(bureau), "the seal to be held")
        since_us = b_now(bureau)

        def checked_ok() -> bool:
            units = client.get("/api/v1/units").json()["units"]
            last = units[0]["last_check"] if units else None
            return bool(last and last["ok"] and last["at_us"] > since_us)

        wait_for(checked_ok, "a scheduled check-site to pass once the seal is held")
        unit = client.get("/api/v1/units").json()["units"][0]
        assert unit["seals_held"] >= 1 and unit["state"] == "linked"
    checks = [c for c in audit_rows(bureau, "check_site") if c["result"] == "ok"]
    assert checks and checks[0]["unit"] == "unit-a"
    ctx = bureau.ctx()
    with ctx.sessions() as s:
        actors = set(s.scalars(select(AUDIT_ENTRIES.c.actor).where(
            AUDIT_ENTRIES.c.action == "check_site")))  # fmt: skip
    ctx.close()
    assert actors == {"system:check-site"}


def test_the_bureaus_old_key_signs_the_new_one_and_the_unit_pins_it(
    tmp_path: Path, bureau: Bureau, database_url: str | None
) -> None:
    from cryptography.hazmat.primitives import serialization

    with site_process(tmp_path / "a", database_url) as a:
        join(a, bureau, bureau.invite("unit-a", "--division", "350102"))
        ctx = a.ctx()
        old_id = (
            ctx.site() and json.loads(a.cli("link", "status", "--json").stdout)["bureau"]["key_id"]
        )
        seal_now(ctx, only_if_changed=False)
        wait_for(lambda: held(bureau), "a seal to be held")
        bureau.server.stop()  # the notice waits in the bureau's outbox
        out = bureau.cli("rotate-key")
        assert out.returncode == 0, out.stderr
        again = bureau.cli("rotate-key")  # not before every unit has the first notice
        assert again.returncode != 0 and "previous rotation" in again.stderr
        bureau.server.start()

        def pinned() -> str:
            return str(json.loads(a.cli("link", "status", "--json").stdout)["bureau"]["key_id"])

        wait_for(lambda: pinned() != old_id, "the unit to pin the new key")
        b = bureau.ctx()
        assert pinned() == b.bureau().key_id
        b.close()
        wait_for(lambda: _unit_url(bureau), "the unit's address")
        ok = bureau.cli("check-site", "unit-a")  # asked with the new key
        assert ok.returncode == 0, ok.stdout + ok.stderr
        # a message signed with the old key after the rotation is refused as forged
        old_key = serialization.load_pem_private_key(
            (bureau.home / "keys" / "previous_ed25519.pem").read_bytes(), password=None
        )
        with ctx.sessions() as s:
            me, peer = SiteSide(ctx).identity(s), s.scalar(select(LinkBureau))
        assert peer is not None
        stale = sign(old_key, Envelope(peer.peer_id, me, "chains.query", new_id(),
                                       ctx.clock.now_us(), {"from": {}}))  # fmt: skip
        r = httpx.post(a.server.url + "/link/v1/query", json=stale, timeout=30)
        assert (r.status_code, r.json()["reason"]) == (403, "forged")
        ctx.close()
        rotated = [d for res, d in site_audit(a, "link_key_rotated") if res == "ok"]
        assert [(d["old_key_id"], d["new_key_id"]) for d in rotated] == [(old_id, pinned())]
    assert [r["new_key_id"] for r in audit_rows(bureau, "key_rotate")] == [rotated[0]["new_key_id"]]


def b_now(b: Bureau) -> int:
    ctx = b.ctx()
    try:
        return ctx.clock.now_us()
    finally:
        ctx.close()


def _unit_url(b: Bureau) -> bool:
    ctx = b.ctx()
    try:
        with ctx.sessions() as s:
            unit = s.scalar(select(Unit))
            return bool(unit and unit.url)
    finally:
        ctx.close()
