"""`vigil export verify`: check an export (.mp4 with its side files, or .zip) as received.

Offline, with the export's own files: the manifest's signature verifies with the included
public key, whose key_id the manifest names; the video's size and SHA-256 are the
manifest's; the `.sha256` file lists both; the chain links recompute and hold every
source segment; every seal verifies and signed the chain where the links say.
With the site (`ctx`): the manifest was signed by this site's key, and every source
segment is still in the site's chain with the same hash.
A masked copy for publication (`X.masked.mp4`, N22) is checked against the `derived`
part of the signed manifest; asked to verify it, the package of its original is checked.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vigil.context import SiteContext
from vigil.db.models import ChainEntry
from vigil.errors import NotFoundError, ValidationError
from vigil.export import manifest as em

_CHUNK = 1 << 20


def verify_export(path: Path, ctx: SiteContext | None = None) -> list[str]:
    """Problems of the export at `path` as `kind: detail` strings; empty when it holds."""
    return verify_export_manifest(path, ctx)[0]


def verify_export_manifest(
    path: Path, ctx: SiteContext | None = None
) -> tuple[list[str], dict[str, Any] | None]:
    """The problems of the export at `path`, and its manifest when it could be read."""
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"{path} does not exist", field="file")
    suffix = path.suffix.lower()
    if suffix == ".mp4":
        problems, bundle = _read_side_files(_original_of(path))
    elif suffix == ".zip":
        problems, bundle = _read_zip(path)
    else:
        raise ValidationError(f"must be an exported .mp4 or .zip (got {path.name!r})", field="file")
    if bundle is None:
        return problems, None
    derived = bundle.pop("derived")
    found, manifest = em.check_bundle(**bundle)
    problems.extend(found)
    if manifest is not None:
        problems.extend(
            em.check_derived(manifest, bundle["video_name"], derived, bundle["sums"])
        )  # fmt: skip
    if ctx is not None and manifest is not None:
        problems.extend(_check_against_site(ctx, manifest))
    return problems, manifest


def _original_of(path: Path) -> Path:
    """A masked copy (N22) carries no manifest of its own: its original's package is
    checked, which covers it."""
    if path.name.endswith(em.MASKED_SUFFIX) and not path.with_name(
        path.name + em.MANIFEST_SUFFIX
    ).exists():  # fmt: skip
        original = path.with_name(path.name[: -len(em.MASKED_SUFFIX)] + ".mp4")
        if original.with_name(original.name + em.MANIFEST_SUFFIX).exists():
            return original
    return path


def _sha256(f: Any) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    while chunk := f.read(_CHUNK):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def _read_side_files(video: Path) -> tuple[list[str], dict[str, Any] | None]:
    def side(suffix: str) -> bytes | None:
        p = video.with_name(video.name + suffix)
        return p.read_bytes() if p.is_file() else None

    with video.open("rb") as f:
        digest, size = _sha256(f)
    derived: dict[str, tuple[str, int]] = {}
    masked = video.with_name(em.masked_name(video.name))
    if masked.is_file():
        with masked.open("rb") as f:
            derived[masked.name] = _sha256(f)
    return [], _bundle(video.name, digest, size, side, derived)


def _read_zip(path: Path) -> tuple[list[str], dict[str, Any] | None]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            videos = [n for n in names if n.lower().endswith(".mp4")]
            signed = [n for n in videos if n + em.MANIFEST_SUFFIX in names]
            videos = signed if len(signed) == 1 else videos  # beside it: its masked copy
            if len(videos) != 1:
                return [f"zip_content: the zip holds {len(videos)} .mp4 files, not one"], None
            video = videos[0]

            def side(suffix: str) -> bytes | None:
                return zf.read(video + suffix) if video + suffix in names else None

            with zf.open(video) as f:
                digest, size = _sha256(f)
            derived: dict[str, tuple[str, int]] = {}
            if em.masked_name(video) in names:
                with zf.open(em.masked_name(video)) as f:
                    derived[em.masked_name(video)] = _sha256(f)
            expected = {video, *derived, *(video + s for s in em.SIDE_SUFFIXES)}
            extra = sorted(set(names) - expected)
            problems = [f"zip_content: unexpected member {n!r}" for n in extra]
            return problems, _bundle(video, digest, size, side, derived)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
        return [f"zip_unreadable: {exc}"], None


def _bundle(
    video_name: str, digest: str, size: int, side: Any, derived: dict[str, tuple[str, int]]
) -> dict[str, Any]:
    return {
        "derived": derived,
        "video_name": video_name,
        "video_sha256": digest,
        "video_bytes": size,
        "manifest_bytes": side(em.MANIFEST_SUFFIX),
        "signature": side(em.SIGNATURE_SUFFIX),
        "public_pem": side(em.PUBLIC_KEY_SUFFIX),
        "sums": side(em.SUMS_SUFFIX),
    }


def _check_against_site(ctx: SiteContext, manifest: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    site = ctx.site()
    if manifest.get("key_id") != site.key_id:
        problems.append(
            f"site_key: signed by key {str(manifest.get('key_id'))[:16]}…, "
            f"this site's key is {site.key_id[:16]}…"
        )
    if manifest.get("site") != site.site_uuid:
        problems.append(f"site: made by site {manifest.get('site')}, this is {site.site_uuid}")
    chain = str((manifest.get("chain") or {}).get("name", ""))
    segments = manifest.get("segments") or []
    with ctx.sessions() as s:
        stored = {
            int(q): h
            for q, h in s.execute(
                select(ChainEntry.seq, ChainEntry.chain_hash).where(
                    ChainEntry.chain == chain,
                    ChainEntry.seq.in_([int(x["seq"]) for x in segments]),
                )
            ).all()
        }
    for seg in segments:
        seq = int(seg["seq"])
        if seq not in stored:
            problems.append(f"segment_gone: segment #{seq} is no longer in the site's chain")
        elif stored[seq] != seg["chain_hash"]:
            problems.append(f"segment_changed: the site's chain differs at segment #{seq}")
    return problems
