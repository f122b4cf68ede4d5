"""`vigil verify`: re-hash every original, walk every chain, check every seal.

What it proves and what it cannot is written down in docs/design/recording.md
("What verify proves"). Every finding names the camera, the chain position and the
file, so an auditor can point at it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select

from vigil.clock import US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Camera, ChainEntry, Gap, Seal, Segment, Site
from vigil.db.states import SegmentState
from vigil.integrity.chain import Link, camera_chain, walk
from vigil.integrity.digest import sha256_file
from vigil.integrity.seal import SealRow, SealTip, seal_sha256, signature_valid


@dataclass(frozen=True)
class Problem:
    kind: str
    camera: str | None
    seq: int | None
    path: str | None
    detail: str

    def line(self) -> str:
        where = " ".join(
            x
            for x in (
                f"camera {self.camera}" if self.camera else "",
                f"#{self.seq}" if self.seq is not None else "",
                self.path or "",
            )
            if x
        )
        return f"{self.kind}: {where}: {self.detail}"


@dataclass
class VerifyReport:
    problems: list[Problem] = field(default_factory=list)
    segments_checked: int = 0
    bytes_hashed: int = 0
    chain_entries: int = 0
    seals_checked: int = 0
    cameras: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "cameras": self.cameras,
            "segments_checked": self.segments_checked,
            "bytes_hashed": self.bytes_hashed,
            "chain_entries": self.chain_entries,
            "seals_checked": self.seals_checked,
            "problems": [asdict(p) for p in self.problems],
        }


Progress = Callable[[int], None]
ChainCheck = Callable[[SiteContext], tuple[list[Problem], dict[int, str], int]]
"""Checks one chain: its problems, the recomputed hash at every seq, the links walked."""


def verify(
    ctx: SiteContext,
    camera: str | None = None,
    *,
    rehash: bool = True,
    progress: Progress | None = None,
    other_chains: Mapping[str, ChainCheck] | None = None,
) -> VerifyReport:
    """Segments and camera chains (all cameras, or one) and the seals over them.

    `other_chains` are further chains sealed by the same seals (the audit log's), each
    checked by its own function; they are checked only when all cameras are.
    """
    report = VerifyReport()
    with ctx.sessions() as s:
        q = select(Camera).order_by(Camera.name)
        if camera is not None:
            q = q.where(Camera.name == camera)
        cameras = list(s.scalars(q))
    expected_heads: dict[str, dict[int, str]] = {}
    for cam in cameras:
        report.cameras.append(cam.name)
        expected_heads[camera_chain(cam.id)] = _verify_camera(ctx, cam, report, rehash, progress)
    if camera is None:
        _find_unindexed(ctx, report)
        for chain, check in (other_chains or {}).items():
            chain_problems, expected_heads[chain], links = check(ctx)
            report.problems.extend(chain_problems)
            report.chain_entries += links
    _verify_seals(ctx, expected_heads, report, only=camera is not None)
    return report


def check_seals(ctx: SiteContext, expected: dict[str, dict[int, str]]) -> list[Problem]:
    """Seal problems for the given chains only (`expected`: recomputed hash per seq)."""
    report = VerifyReport()
    _verify_seals(ctx, expected, report, only=True)
    return report.problems


def _verify_camera(
    ctx: SiteContext, cam: Camera, report: VerifyReport, rehash: bool, progress: Progress | None
) -> dict[int, str]:
    chain = camera_chain(cam.id)
    with ctx.sessions() as s:
        entries = list(
            s.scalars(select(ChainEntry).where(ChainEntry.chain == chain).order_by(ChainEntry.seq))
        )
        segments = {
            seg.seq: seg for seg in s.scalars(select(Segment).where(Segment.camera_id == cam.id))
        }
        gaps = {g.seq: g for g in s.scalars(select(Gap).where(Gap.camera_id == cam.id))}
    report.chain_entries += len(entries)

    def add(kind: str, seq: int | None, path: str | None, detail: str) -> None:
        report.problems.append(Problem(kind, cam.name, seq, path, detail))

    problems, expected = walk(Link(e.seq, e.kind, e.body, e.chain_hash) for e in entries)
    for p in problems:
        add(f"chain_{p.problem}", p.seq, None, p.detail)

    expired_seqs: set[int] = set()
    chained_segments: dict[int, dict[str, object]] = {}
    for e in entries:
        body = json.loads(e.body)
        if e.kind == "segment":
            chained_segments[e.seq] = body
        elif e.kind == "expiry":
            expired_seqs.update(int(x) for x in body.get("segments", []))
        elif e.kind == "gap":
            g = gaps.get(e.seq)
            if g is None:
                add("gap_row_missing", e.seq, None, "gap recorded in the chain has no index row")
            elif (g.start_us, g.end_us, g.reason) != (
                body["start_us"],
                body["end_us"],
                body["reason"],
            ):
                add("gap_row_altered", e.seq, None, "gap row differs from its chain record")
    for seq in gaps.keys() - {e.seq for e in entries if e.kind == "gap"}:
        add("gap_row_unchained", seq, None, "gap row has no chain record")

    by_hash = {str(b["sha256"]): seq for seq, b in chained_segments.items()}
    for seq, body in chained_segments.items():
        path = str(body["path"])
        row = segments.get(seq)
        if row is None:
            add("segment_row_missing", seq, path, "index row deleted; the chain still records it")
            continue
        if (row.start_us, row.end_us, row.bytes, row.sha256, row.path) != (
            body["start_us"], body["end_us"], body["bytes"], body["sha256"], body["path"]
        ):  # fmt: skip
            add("segment_row_altered", seq, row.path, "index row differs from its chain record")
        if row.state in (SegmentState.EXPIRED, SegmentState.EXPIRING):
            if seq not in expired_seqs:
                add("expired_without_record", seq, path, "marked expired, but no expiry is chained")
            continue
        if seq in expired_seqs:
            add("expiry_not_applied", seq, path, "chained as expired but still marked sealed")
        file = ctx.segments_dir / path
        if not file.exists():
            add("file_missing", seq, path, "original file is gone")
            continue
        report.segments_checked += 1
        if not rehash:
            if file.stat().st_size != body["bytes"]:
                add("file_altered", seq, path, "size differs from the recorded size")
            continue
        digest, size = sha256_file(file)
        report.bytes_hashed += size
        if progress:
            progress(size)
        if digest != body["sha256"]:
            other = by_hash.get(digest)
            if other is not None and other != seq:
                add("file_reordered", seq, path, f"holds the content of segment #{other}")
            else:
                add("file_altered", seq, path, "SHA-256 differs from the recorded hash")
    for seq in segments.keys() - chained_segments.keys():
        add("segment_row_unchained", seq, segments[seq].path, "index row is not in the chain")
    return expected


def _find_unindexed(ctx: SiteContext, report: VerifyReport) -> None:
    with ctx.sessions() as s:
        known = set(s.scalars(select(Segment.path)))
    root = ctx.segments_dir
    for file in sorted(root.rglob("*")):
        if file.is_file() and str(file.relative_to(root)) not in known:
            cam = file.relative_to(root).parts[0]
            report.problems.append(
                Problem(
                    "file_unindexed",
                    _camera_name(ctx, cam),
                    None,
                    str(file.relative_to(root)),
                    "file is in the store but not in the index",
                )
            )


def _camera_name(ctx: SiteContext, cam_dir: str) -> str | None:
    if not cam_dir.isdigit():
        return None
    with ctx.sessions() as s:
        cam = s.get(Camera, int(cam_dir))
    return cam.name if cam else cam_dir


def _verify_seals(
    ctx: SiteContext, expected: dict[str, dict[int, str]], report: VerifyReport, *, only: bool
) -> None:
    site = ctx.site()
    with ctx.sessions() as s:
        seals = list(s.scalars(select(Seal).order_by(Seal.id)))
        names = {camera_chain(c.id): c.name for c in s.scalars(select(Camera))}
    valid: list[Seal] = []
    for seal in seals:
        report.seals_checked += 1
        if seal.key_id != site.key_id or not signature_valid(site.public_key_pem, seal):
            detail = "signature does not verify with the site key"
            report.problems.append(Problem("seal_invalid", None, None, f"seal {seal.id}", detail))
            continue
        valid.append(seal)
        heads = json.loads(seal.body)["heads"]
        for chain, head in heads.items():
            if chain not in expected:
                if only or not chain.startswith("camera:"):
                    continue
                detail = "sealed chain has vanished"
            else:
                have = expected[chain].get(int(head["seq"]))
                if have == head["hash"]:
                    continue
                detail = (
                    f"sealed head #{head['seq']} is missing from the chain"
                    if have is None
                    else f"chain at #{head['seq']} differs from what seal {seal.id} signed"
                )
            if not chain.startswith("camera:"):
                detail = f"{chain} chain: {detail}"
            report.problems.append(
                Problem(
                    "seal_mismatch",
                    names.get(chain, chain) if chain.startswith("camera:") else None,
                    int(head["seq"]),
                    f"seal {seal.id}",
                    detail,
                )
            )
    report.problems.extend(seal_chain(site, seals))
    report.problems.extend(_staleness(ctx, site, valid, set(expected), names))


def _seal_problem(kind: str, where: str, detail: str) -> Problem:
    return Problem(kind, None, None, where, detail)


def seal_chain(site: SealTip, seals: Sequence[SealRow], owner: str = "site") -> list[Problem]:
    """Each chained seal signs its predecessor (id and SHA-256), and the newest is the
    tip the site row recorded: a seal removed anywhere, all of them included, breaks it.
    Also the bureau's own seals (`owner` "bureau", A27)."""
    problems: list[Problem] = []
    chained = False
    before: SealRow | None = None
    for seal in seals:
        where = f"seal {seal.id}"
        try:
            body = json.loads(seal.body)
        except ValueError:
            body = {}  # unreadable: reported as seal_invalid
        if "prev" not in body:
            if chained:
                problems.append(
                    _seal_problem(
                        "seal_chain_broken",
                        where,
                        "has no predecessor link, yet follows chained seals",
                    )
                )
        else:
            chained = True
            prev = body["prev"]
            if before is None and prev is not None:
                detail = f"signs seal {prev.get('id')} as its predecessor, which is missing"
                problems.append(_seal_problem("seal_chain_broken", where, detail))
            elif before is not None and prev is None:
                detail = f"starts a new seal chain although seal {before.id} precedes it"
                problems.append(_seal_problem("seal_chain_broken", where, detail))
            elif before is not None and prev is not None:
                if prev.get("id") != before.id:
                    detail = (
                        f"signs seal {prev.get('id')} as its predecessor, but the seal "
                        f"before it is {before.id}: seals between them were removed"
                    )
                    problems.append(_seal_problem("seal_chain_broken", where, detail))
                elif prev.get("sha256") != seal_sha256(before.body):
                    detail = f"seal {before.id} is not the seal this one signed"
                    problems.append(_seal_problem("seal_chain_broken", where, detail))
        before = seal
    newest = seals[-1] if seals else None
    if site.last_seal_id is None:
        if chained:
            detail = f"the {owner}'s record of its newest seal is gone"
            problems.append(_seal_problem("seal_chain_broken", owner, detail))
    elif newest is None:
        detail = f"every seal is gone; the newest was seal {site.last_seal_id}"
        problems.append(_seal_problem("seal_chain_broken", owner, detail))
    elif newest.id != site.last_seal_id or seal_sha256(newest.body) != site.last_seal_sha256:
        detail = (
            f"the newest seal is {newest.id}, but the {owner}'s newest is seal "
            f"{site.last_seal_id}: "
            + ("it was removed" if newest.id < site.last_seal_id else "they differ")
        )
        problems.append(_seal_problem("seal_chain_broken", owner, detail))
    return problems


def _staleness(
    ctx: SiteContext, site: Site, valid: list[Seal], chains: set[str], names: dict[str, str]
) -> list[Problem]:
    """While the sealing service runs it seals every interval, so: no seal for twice the
    interval of a run, or an entry of a checked chain that a run of twice the interval
    left unsealed, means seals were removed (or sealing failed). A stopped site (no beat
    past its last seal) has nothing to answer for."""
    started_us, beat_us = site.sealer_started_us, site.sealer_beat_us
    if started_us is None or beat_us is None:
        return []  # the sealing service never ran: seals are made by hand only
    interval_s = site.sealer_interval_s or ctx.settings.seal_interval_s
    window_us = 2 * interval_s * US_PER_S
    problems: list[Problem] = []
    newest_us = max((seal.sealed_us for seal in valid), default=None)
    if beat_us >= max(newest_us or started_us, started_us) + window_us:
        since = f"since {us_to_iso(newest_us)}" if newest_us is not None else "at all"
        detail = (
            f"no seal {since}, yet the recording service ran until {us_to_iso(beat_us)} "
            f"(it seals every {interval_s} s): seals were removed or sealing failed"
        )
        problems.append(_seal_problem("seal_stale", "site", detail))
    covered: dict[str, int] = {}
    for seal in valid:
        for chain, head in json.loads(seal.body)["heads"].items():
            covered[chain] = max(covered.get(chain, 0), int(head["seq"]))
    with ctx.sessions() as s:
        for chain in sorted(chains):
            first = s.execute(
                select(func.min(ChainEntry.seq), func.count()).where(
                    ChainEntry.chain == chain, ChainEntry.seq > covered.get(chain, 0)
                )
            ).one()
            if first[0] is None:
                continue
            recorded_us = s.scalar(
                select(ChainEntry.recorded_us).where(
                    ChainEntry.chain == chain, ChainEntry.seq == first[0]
                )
            )
            if recorded_us is None or beat_us < max(recorded_us, started_us) + window_us:
                continue
            detail = (
                f"{first[1]} entries from #{first[0]} ({us_to_iso(recorded_us)}) on are covered "
                f"by no seal, yet the recording service ran until {us_to_iso(beat_us)}"
            )
            if not chain.startswith("camera:"):
                detail = f"{chain} chain: {detail}"
            problems.append(
                Problem(
                    "unsealed_entries",
                    names.get(chain, chain) if chain.startswith("camera:") else None,
                    int(first[0]),
                    None,
                    detail,
                )
            )
    return problems
