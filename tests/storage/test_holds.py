"""N17: after 30 days, keep only what has a live purpose; a hold never lets anything go sooner.

Real segment files (ffmpeg via tests.fabricate), a fake clock, the real retention run, on
SQLite and (VIGIL_TEST_DATABASE=postgresql) PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.fabricate import commit_clips, make_clips
from vigil.audit.actor import Actor
from vigil.audit.query import list_entries
from vigil.audit.site_verify import verify_site
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_DAY, FakeClock, local_date
from vigil.context import SiteContext
from vigil.db.models import RetentionHold, Segment
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.integrity.seal import seal_now
from vigil.storage import holds
from vigil.storage.retention import expire

OFFICER = Actor("admin1", "admin", "127.0.0.1")


def _states(site: SiteContext) -> dict[int, str]:
    with site.sessions() as s:
        return {seg.seq: seg.state for seg in s.scalars(select(Segment))}


def _clips(tmp_path_factory: pytest.TempPathFactory, n: int) -> list[Path]:
    return make_clips(tmp_path_factory.getbasetemp(), n)


def test_day_31_expires_only_what_no_purpose_holds_and_lifting_lets_the_next_run_expire(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("door", "rtsp://127.0.0.1/door")  # 30 days
    clips = _clips(tmp_path_factory, 4)
    day0 = clock.now_us()
    kept = commit_clips(site, cam.id, clips[:2], day0)
    free = commit_clips(site, cam.id, clips[2:], kept[-1].end_us)
    seal_now(site)
    hold = holds.add_hold(site, "door", kind="case", reference="闽公刑立字〔2026〕42号",
                          from_us=kept[0].start_us, to_us=kept[-1].end_us, by=OFFICER)  # fmt: skip
    assert hold.live and hold.set_by == "admin1"

    clock.advance(days=30)  # day 30: inside the floor, nothing goes
    assert expire(site).expired == {}
    clock.advance(days=1)  # day 31: only what no purpose holds
    assert expire(site).expired == {"door": 2}
    states = _states(site)
    assert [states[s.seq] for s in kept] == ["sealed", "sealed"]
    assert [states[s.seq] for s in free] == ["expired", "expired"]
    assert all((site.segments_dir / s.path).exists() for s in kept)
    assert not any((site.segments_dir / s.path).exists() for s in free)

    clock.advance(days=300)  # a held segment survives every run, however old
    assert expire(site).expired == {}
    assert expire(site, for_space=True).expired == {}  # not even when space runs short

    lifted = holds.lift_hold(site, hold.id, reason="judgment final", by=OFFICER)
    assert not lifted.live and lifted.lifted_by == "admin1"
    assert expire(site).expired == {"door": 2}
    assert not any((site.segments_dir / s.path).exists() for s in kept)
    seal_now(site)
    assert verify_site(site).ok

    actions = [(e.action, e.actor) for e in list_entries(site) if e.action.startswith("hold")]
    assert actions == [("hold_set", "admin1"), ("hold_lift", "admin1")]
    lift_entry = next(e for e in list_entries(site) if e.action == "hold_lift")
    assert lift_entry.camera_name == "door"
    assert lift_entry.detail["reason"] == "judgment final"


def test_lifting_a_hold_never_deletes_inside_the_30_day_floor(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("gate", "rtsp://127.0.0.1/gate")
    segs = commit_clips(site, cam.id, _clips(tmp_path_factory, 2), clock.now_us())
    hold = holds.add_hold(site, "gate", kind="evidence", reference="E-7", by=OFFICER)
    clock.advance(days=10)
    holds.lift_hold(site, hold.id, reason="not needed", by=OFFICER)
    assert expire(site).expired == {}
    clock.advance(days=19)  # day 29
    assert expire(site).expired == {}
    assert all((site.segments_dir / s.path).exists() for s in segs)
    clock.advance(days=2)  # day 31
    assert expire(site).expired == {"gate": 2}


def test_a_hold_ends_after_its_last_day(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("lobby", "rtsp://127.0.0.1/l")
    commit_clips(site, cam.id, _clips(tmp_path_factory, 2), clock.now_us())
    last_day = local_date(clock.now_us() + 40 * US_PER_DAY, site.settings.unit_tz)
    hold = holds.add_hold(site, "lobby", kind="evidence", reference="E-9", until=last_day)
    assert hold.until == last_day.isoformat()
    clock.advance(days=39)
    assert expire(site).expired == {}  # held past the camera's 30 days
    clock.advance(days=2)  # the last day is over
    assert holds.list_holds(site, live_only=True) == []
    assert expire(site).expired == {"lobby": 2}


def test_a_law_hold_states_the_longer_period_but_does_not_extend_it(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("bank", "rtsp://127.0.0.1/b", retention_days=90)
    commit_clips(site, cam.id, _clips(tmp_path_factory, 2), clock.now_us())
    clock.advance(days=31)
    [flagged] = holds.unpurposed_material(site)  # past 30 days, no purpose recorded
    assert (flagged.camera, flagged.retention_days, flagged.segments) == ("bank", 90, 2)
    with site.sessions() as s:
        assert flagged.bytes == sum(seg.bytes for seg in s.scalars(select(Segment)))
    assert expire(site).expired == {}  # flagged, not deleted: the camera's retention stands
    holds.add_hold(site, "bank", kind="law", reference="《某某法》第十条：保存90日")
    assert holds.unpurposed_material(site) == []
    clock.advance(days=59)  # day 90: the newest segment ends seconds after day 0
    assert expire(site).expired == {}
    clock.advance(days=1)  # day 91
    assert expire(site).expired == {"bank": 2}


def test_a_range_hold_covers_only_its_span(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("hall", "rtsp://127.0.0.1/h", retention_days=60)
    segs = commit_clips(site, cam.id, _clips(tmp_path_factory, 4), clock.now_us())
    holds.add_hold(site, "hall", kind="case", reference="C-1",
                   from_us=segs[1].start_us, to_us=segs[1].end_us)  # fmt: skip
    clock.advance(days=31)
    [flagged] = holds.unpurposed_material(site)
    assert flagged.segments == 3
    clock.advance(days=30)
    assert expire(site).expired == {"hall": 3}
    assert _states(site)[segs[1].seq] == "sealed"


def test_bad_holds_are_refused_naming_the_field(site: SiteContext, clock: FakeClock) -> None:
    CameraRegistry(site).add("door", "rtsp://127.0.0.1/door")
    with pytest.raises(ValidationError) as err:
        holds.add_hold(site, "door", kind="whim", reference="x")
    assert (err.value.field, err.value.article) == ("kind", "N17")
    with pytest.raises(ValidationError) as err:
        holds.add_hold(site, "door", kind="case", reference="  ")
    assert (err.value.field, err.value.article) == ("reference", "N17")
    with pytest.raises(ValidationError) as err:
        holds.add_hold(site, "door", kind="case", reference="bad\x1b[31m")
    assert err.value.field == "reference"
    with pytest.raises(ValidationError) as err:
        holds.add_hold(site, "door", kind="case", reference="C", until="2020-01-01")
    assert err.value.field == "until"
    with pytest.raises(ValidationError) as err:
        holds.add_hold(site, "door", kind="case", reference="C", from_us=10, to_us=5)
    assert err.value.field == "to"
    with pytest.raises(NotFoundError):
        holds.add_hold(site, "nope", kind="case", reference="C")
    with site.sessions() as s:
        assert s.scalars(select(RetentionHold)).all() == []
    assert not [e for e in list_entries(site) if e.action == "hold_set"]

    hold = holds.add_hold(site, "door", kind="case", reference="C")
    with pytest.raises(ValidationError) as err:
        holds.lift_hold(site, hold.id, reason="")
    assert err.value.field == "reason"
    holds.lift_hold(site, hold.id, reason="closed")
    with pytest.raises(ConflictError):
        holds.lift_hold(site, hold.id, reason="again")
    with pytest.raises(NotFoundError):
        holds.lift_hold(site, 999, reason="x")


def test_cli_hold_add_list_lift(cli_env: dict[str, str]) -> None:
    def vigil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["vigil", *args], env=cli_env, capture_output=True, text=True)

    assert vigil("init").returncode == 0
    assert vigil("camera", "add", "gate", "--url", "rtsp://10.0.0.1/s").returncode == 0
    bad = vigil("hold", "add", "gate", "--kind", "whim", "--ref", "x")
    assert bad.returncode == 2 and "kind" in bad.stderr and "N17" in bad.stderr
    added = vigil("hold", "add", "gate", "--kind", "case", "--ref", "C-42", "--until",
                  "2099-12-31", "--from", "2026-01-01T00:00Z", "--to", "2026-01-01T01:00Z")  # fmt: skip
    assert added.returncode == 0, added.stderr
    [row] = json.loads(vigil("hold", "list", "--json").stdout)
    assert row["camera"] == "gate" and row["kind"] == "case" and row["reference"] == "C-42"
    assert row["until"] == "2099-12-31" and row["from"].startswith("2026-01-01T00:00")
    assert row["live"] is True
    assert vigil("hold", "lift", str(row["id"]), "--reason", "closed").returncode == 0
    [row] = json.loads(vigil("hold", "list", "--json").stdout)
    assert row["live"] is False and row["lift_reason"] == "closed"
    assert json.loads(vigil("hold", "list", "--json", "--live").stdout) == []
