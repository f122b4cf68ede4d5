"""A17.2(3) and A18(2): at least 30 days, nothing younger deleted, expiry still verifies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.fabricate import commit_clips, make_clips
from vigil.audit.query import list_entries
from vigil.audit.site_verify import verify_site as verify
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_DAY, FakeClock
from vigil.config import load_settings
from vigil.context import SiteContext
from vigil.db.models import ChainEntry, Segment
from vigil.errors import RefusedByLawError
from vigil.integrity.seal import seal_now
from vigil.regulation.retention import is_past_retention
from vigil.storage.files import RetentionViolation, delete_expired_segment
from vigil.storage.retention import expire


@pytest.mark.parametrize("days", [29, 0, -1])
def test_registry_refuses_below_30_days(site: SiteContext, days: int) -> None:
    with pytest.raises(RefusedByLawError) as err:
        CameraRegistry(site).add("c1", "rtsp://127.0.0.1/x", retention_days=days)
    assert err.value.article == "A17.2(3), N17"  # both texts set the 30-day floor
    assert err.value.field == "retention_days"
    assert CameraRegistry(site).list() == []


def test_registry_accepts_exactly_30_and_refuses_lowering(site: SiteContext) -> None:
    reg = CameraRegistry(site)
    assert reg.add("c1", "rtsp://127.0.0.1/x", retention_days=30).retention_days == 30
    with pytest.raises(RefusedByLawError):
        reg.set_retention("c1", 29)
    assert reg.get("c1").retention_days == 30


def test_max_retention_may_not_cut_into_retention(site: SiteContext) -> None:
    with pytest.raises(RefusedByLawError) as err:
        CameraRegistry(site).add(
            "c1", "rtsp://127.0.0.1/x", retention_days=60, max_retention_days=45
        )
    assert err.value.field == "max_retention_days"


def test_config_refuses_below_30_days(tmp_path: Path) -> None:
    (tmp_path / "vigil.toml").write_text("default_retention_days = 29\n")
    with pytest.raises(RefusedByLawError) as err:
        load_settings(tmp_path)
    assert err.value.field == "default_retention_days"
    assert err.value.article == "A17.2(3), N17"


def test_cli_refuses_29_days_citing_the_article(cli_env: dict[str, str]) -> None:
    subprocess.run(["vigil", "init"], env=cli_env, check=True, capture_output=True)
    out = subprocess.run(
        ["vigil", "camera", "add", "c1", "--url", "rtsp://127.0.0.1/x", "--retention-days", "29"],
        env=cli_env, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 2
    assert "A17.2(3)" in out.stderr and "retention_days" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    listed = subprocess.run(["vigil", "camera", "list", "--json"], env=cli_env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert listed.stdout.strip() == "[]"


def test_boundary_is_the_segment_end() -> None:
    end = 1_000 * US_PER_DAY
    assert not is_past_retention(end, 30, end + 30 * US_PER_DAY - 1)
    assert is_past_retention(end, 30, end + 30 * US_PER_DAY)
    # A retention below the floor can never shorten protection.
    assert not is_past_retention(end, 7, end + 29 * US_PER_DAY)


def test_delete_refuses_material_inside_retention(tmp_path: Path) -> None:
    f = tmp_path / "seg.mp4"
    f.write_bytes(b"x")
    with pytest.raises(RetentionViolation, match="A18"):
        delete_expired_segment(f, segment_end_us=US_PER_DAY * 100, retention_days=30,
                               now_us=US_PER_DAY * 129)  # fmt: skip
    assert f.exists()


def test_expiry_at_day_31_removes_exactly_the_expired(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("door", "rtsp://127.0.0.1/door")
    clips = make_clips(tmp_path_factory.getbasetemp(), 4)
    day0 = clock.now_us()
    old = commit_clips(site, cam.id, clips[:2], day0)
    young = commit_clips(site, cam.id, clips[2:], day0 + 2 * US_PER_DAY)
    seal_now(site)

    clock.advance(days=30)  # day 30: the oldest segment ended ~30 days minus seconds ago
    assert expire(site).expired == {}
    clock.advance(days=1)  # day 31
    report = expire(site)
    assert report.expired == {"door": 2}
    with site.sessions() as s:
        states = {seg.seq: seg.state for seg in s.scalars(select(Segment))}
        expiry = s.scalar(select(ChainEntry).where(ChainEntry.kind == "expiry"))
    assert states == {old[0].seq: "expired", old[1].seq: "expired",
                      young[0].seq: "sealed", young[1].seq: "sealed"}  # fmt: skip
    assert expiry is not None and '"segments":[1,2]' in expiry.body
    for seg in old:
        assert not (site.segments_dir / seg.path).exists()
    for seg in young:
        assert (site.segments_dir / seg.path).exists()
    seal_now(site)
    result = verify(site)
    assert result.ok, result.problems


def test_expired_mark_without_chain_record_is_detected(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Someone deleting a young file and marking it expired by hand is caught."""
    cam = CameraRegistry(site).add("door", "rtsp://127.0.0.1/door")
    segs = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2), clock.now_us())
    with site.sessions.begin() as s:
        row = s.get(Segment, segs[0].id)
        assert row is not None
        row.state = "expired"
    assert {p.kind for p in verify(site).problems} == {"expired_without_record"}


def test_maximum_deletes_at_the_latest_and_keeps_until_then(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add(
        "yard", "rtsp://127.0.0.1/y", retention_days=30, max_retention_days=40
    )
    commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2), clock.now_us())
    clock.advance(days=35)
    assert expire(site).expired == {}  # past retention, but space allows keeping it
    assert expire(site, for_space=True).expired == {"yard": 2}  # short of space: may go


def test_maximum_is_enforced(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add(
        "yard", "rtsp://127.0.0.1/y", retention_days=30, max_retention_days=40
    )
    commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2), clock.now_us())
    clock.advance(days=41)
    assert expire(site).expired == {"yard": 2}


def test_removed_camera_keeps_its_footage_until_retention_ends(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    reg = CameraRegistry(site)
    cam = reg.add("old", "rtsp://127.0.0.1/o")
    segs = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2), clock.now_us())
    _, kept = reg.remove("old")
    assert kept == 2
    clock.advance(days=10)
    expire(site)
    assert all((site.segments_dir / s.path).exists() for s in segs)
    clock.advance(days=21)
    assert expire(site).expired == {"old": 2}


def _refuse_audit_writes(site: SiteContext) -> None:
    """Make the database itself refuse new audit entries (a real failure, not a mock)."""
    with site.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries "
                "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
            )
        else:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
            )


def test_expiry_is_audited_with_its_chain_record_or_not_at_all(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("gate", "rtsp://127.0.0.1/gate")
    old = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2), clock.now_us())
    clock.advance(days=31)

    _refuse_audit_writes(site)
    with pytest.raises(Exception, match="audit refused"):
        expire(site)
    with site.sessions() as s:
        assert {seg.state for seg in s.scalars(select(Segment))} == {"sealed"}
        assert s.scalar(select(ChainEntry).where(ChainEntry.kind == "expiry")) is None
    for seg in old:
        assert (site.segments_dir / seg.path).exists()

    with site.engine.begin() as conn:
        conn.exec_driver_sql(
            "DROP TRIGGER refuse_audit"
            + (" ON audit_entries" if conn.dialect.name == "postgresql" else "")
        )
    assert expire(site).expired == {"gate": 2}
    [entry] = list_entries(site, action="retention_expire")
    assert entry.actor == "system:retention" and entry.camera_name == "gate"
    assert entry.detail["segments"] == 2 and entry.detail["article"] == "A17.2(3)"
    assert entry.from_us == old[0].start_us and entry.to_us == old[-1].end_us
    assert verify(site).ok
