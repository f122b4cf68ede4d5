"""The signed manifest of an export, and checking it with nothing but its own files.

An export `X.mp4` travels with:
- `X.mp4.manifest.json`: canonical JSON (keys sorted, ASCII, integers only), type
  `vigil.export.v1`: who copied what, when, why and for whom (A17.2(2)), the exported
  file's size and SHA-256, and the proof that it came from sealed originals: each source
  segment's SHA-256 and chain hash, the seal that signed its chain, and the chain links
  from the first source segment to the newest seal head used;
- `X.mp4.manifest.sig`: the site key's raw 64-byte Ed25519 signature of the manifest bytes;
- `X.mp4.pub.pem`: the site's public key (its `key_id` is the SHA-256 of its raw bytes);
- `X.mp4.sha256`: `sha256sum -c` lines for the video and the manifest;
- for publication (N22), `X.masked.mp4`: a derived copy with faces, plates and marked
  regions masked, which the manifest describes under `derived` (source, detector and its
  models, parameters, regions, counts, the masked file's size and SHA-256) and the
  `.sha256` file lists too. It is not the original: only `X.mp4` is.
These functions are pure: they take bytes and return problems as `kind: detail` strings.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vigil.errors import VigilError
from vigil.integrity.chain import link_hash
from vigil.keys.signing import key_id, load_public_pem

MANIFEST_TYPE = "vigil.export.v1"
MANIFEST_SUFFIX = ".manifest.json"
SIGNATURE_SUFFIX = ".manifest.sig"
PUBLIC_KEY_SUFFIX = ".pub.pem"
SUMS_SUFFIX = ".sha256"
SIDE_SUFFIXES = (MANIFEST_SUFFIX, SIGNATURE_SUFFIX, PUBLIC_KEY_SUFFIX, SUMS_SUFFIX)
#: The masked copy for publication (N22) beside the original: `X.mp4` → `X.masked.mp4`.
MASKED_SUFFIX = ".masked.mp4"


def masked_name(video_name: str) -> str:
    stem = video_name[:-4] if video_name.lower().endswith(".mp4") else video_name
    return stem + MASKED_SUFFIX


class ManifestFile(TypedDict):
    """The exported video file, as written."""

    name: str
    bytes: int
    sha256: str


class ManifestSeal(TypedDict):
    """The seal that signed the chain head covering a source segment."""

    id: int
    body: str
    """The seal's canonical JSON, exactly as signed (ASCII)."""
    signature: str
    """Hex of the raw 64-byte Ed25519 signature of `body`."""


class ManifestSegment(TypedDict):
    """One source original: its chain record, and the seal that covers it."""

    seq: int
    start_us: int
    end_us: int
    start: str
    end: str
    bytes: int
    sha256: str
    path: str
    chain_hash: str
    seal: ManifestSeal


class ManifestGap(TypedDict):
    """A recorded gap inside the exported range."""

    seq: int
    start_us: int
    end_us: int
    reason: str


class ManifestLink(TypedDict):
    seq: int
    body: str
    chain_hash: str


class ManifestChain(TypedDict):
    """The camera chain's links from the first source segment to the newest seal head used,
    with the hash before the first, so the proof recomputes without the index."""

    name: str
    prev_hash: str
    links: list[ManifestLink]


class ExportManifest(TypedDict):
    """`vigil.export.v1`: the act (A17.2(2)), the range, the file and its proof.

    Instants are microseconds UTC (`*_us`) with an ISO 8601 copy beside each for people.
    """

    type: str
    site: str
    key_id: str
    camera_id: int
    camera_name: str
    requested_from_us: int
    requested_to_us: int
    requested_from: str
    requested_to: str
    actual_from_us: int
    """The first exported fragment's start: the keyframe at or before the requested start."""
    actual_to_us: int
    actual_from: str
    actual_to: str
    purpose: str
    destination: str
    actor: str
    caller_unit: NotRequired[str]
    """The caller's unit (N16.2(3)); absent in manifests made before it was registered."""
    created_us: int
    created: str
    method: str
    segments: list[ManifestSegment]
    gaps: list[ManifestGap]
    chain: ManifestChain
    file: NotRequired[ManifestFile]
    """Added once the video is written, before the manifest is signed."""
    derived: NotRequired[dict[str, Any]]
    """The masked copy for publication (N22), when one was asked for: `file` (as above),
    `source` (the original's name and SHA-256) and how it was made (vigil.export.masking)."""


_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def sha256sums(items: Sequence[tuple[str, str]]) -> str:
    """`<sha256>  <name>` lines, the format `sha256sum -c` reads."""
    return "".join(f"{digest}  {name}\n" for digest, name in items)


def parse_sha256sums(text: str) -> dict[str, str]:
    sums: dict[str, str] = {}
    for line in text.splitlines():
        m = _SUM_LINE.match(line.strip())
        if m:
            sums[m.group(2)] = m.group(1)
    return sums


def check_links(
    prev_hash: str, links: Sequence[Mapping[str, Any]]
) -> tuple[list[str], dict[int, str]]:
    """Recompute chain links given the hash before the first; returns the problems and the
    hash at every seq whose link recomputes."""
    problems: list[str] = []
    good: dict[int, str] = {}
    prev = prev_hash
    expected_seq: int | None = None
    for link in links:
        seq, body, stored = int(link["seq"]), str(link["body"]), str(link["chain_hash"])
        if expected_seq is not None and seq != expected_seq:
            problems.append(f"chain_link_missing: link #{expected_seq} is not in the manifest")
        try:
            computed = link_hash(prev, body)
        except (ValueError, UnicodeEncodeError):
            computed = ""
        if computed != stored:
            problems.append(f"chain_link_altered: link #{seq} does not recompute")
        else:
            good[seq] = stored
        prev, expected_seq = stored, seq + 1
    return problems, good


def _verify_sig(pub: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        pub.verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def check_proof(manifest: Mapping[str, Any], pub: Ed25519PublicKey) -> list[str]:
    """The source segments are in the chain, and the chain at each seal head is what that
    seal (signed by the included key) says."""
    problems: list[str] = []
    chain = manifest.get("chain") or {}
    name = str(chain.get("name", ""))
    link_problems, good = check_links(str(chain.get("prev_hash", "")), chain.get("links") or [])
    problems.extend(link_problems)
    bodies = {int(x["seq"]): str(x["body"]) for x in chain.get("links") or []}
    for seg in manifest.get("segments") or []:
        seq = int(seg["seq"])
        if good.get(seq) != seg["chain_hash"]:
            problems.append(f"segment_unchained: segment #{seq}'s chain hash is not in the chain")
            continue
        body = json.loads(bodies[seq])
        if (body.get("sha256"), body.get("start_us"), body.get("end_us")) != (
            seg["sha256"], seg["start_us"], seg["end_us"]
        ):  # fmt: skip
            problems.append(f"segment_altered: segment #{seq} differs from its chain record")
        seal = seg.get("seal") or {}
        sid = seal.get("id")
        try:
            signature = bytes.fromhex(str(seal.get("signature", "")))
            seal_body = str(seal.get("body", "")).encode("ascii")
            signed = json.loads(seal_body)
        except (ValueError, UnicodeEncodeError):
            problems.append(f"seal_invalid: seal {sid} of segment #{seq} is unreadable")
            continue
        if signed.get("key_id") != manifest.get("key_id") or not _verify_sig(
            pub, signature, seal_body
        ):
            problems.append(f"seal_invalid: seal {sid} of segment #{seq} does not verify")
            continue
        head = (signed.get("heads") or {}).get(name) or {}
        head_seq = int(head.get("seq", 0))
        if head_seq < seq:
            problems.append(f"seal_mismatch: seal {sid} does not cover segment #{seq}")
        elif good.get(head_seq) != head.get("hash"):
            problems.append(f"seal_mismatch: chain at #{head_seq} differs from seal {sid}")
    return problems


def check_bundle(
    *,
    video_name: str,
    video_sha256: str,
    video_bytes: int,
    manifest_bytes: bytes | None,
    signature: bytes | None,
    public_pem: bytes | None,
    sums: bytes | None,
) -> tuple[list[str], dict[str, Any] | None]:
    """Every offline check of an export; returns the problems and the manifest (if read)."""
    problems: list[str] = []
    for what, data, suffix in (
        ("manifest", manifest_bytes, MANIFEST_SUFFIX),
        ("signature", signature, SIGNATURE_SUFFIX),
        ("public key", public_pem, PUBLIC_KEY_SUFFIX),
        ("checksums", sums, SUMS_SUFFIX),
    ):
        if data is None:
            problems.append(f"missing: the {what} file {video_name}{suffix} is not there")
    if manifest_bytes is None:
        return problems, None
    try:
        manifest = json.loads(manifest_bytes)
        if not isinstance(manifest, dict) or manifest.get("type") != MANIFEST_TYPE:
            raise ValueError("not a vigil.export.v1 manifest")
    except ValueError as exc:
        return [*problems, f"manifest_unreadable: {exc}"], None
    pub: Ed25519PublicKey | None = None
    if public_pem is not None:
        try:
            pub = load_public_pem(public_pem.decode("ascii"))
        except (ValueError, UnicodeDecodeError, VigilError):
            problems.append("public_key_unreadable: the included key is not an Ed25519 PEM key")
    if pub is not None:
        if key_id(pub) != manifest.get("key_id"):
            problems.append("key_mismatch: the included public key is not the manifest's key_id")
        if signature is not None and not _verify_sig(pub, signature, manifest_bytes):
            problems.append(
                "manifest_signature: the signature does not verify: the manifest was altered "
                "or not signed by this key"
            )
        problems.extend(check_proof(manifest, pub))
    file = manifest.get("file") or {}
    if file.get("name") != video_name:
        problems.append(
            f"video_renamed: the manifest names {file.get('name')!r}, not {video_name!r}"
        )
    if file.get("bytes") != video_bytes:
        problems.append(
            f"video_size: {video_name} has {video_bytes} bytes, "
            f"the manifest says {file.get('bytes')}"
        )
    if file.get("sha256") != video_sha256:
        problems.append(f"video_altered: the SHA-256 of {video_name} differs from the manifest")
    if sums is not None:
        listed = parse_sha256sums(sums.decode("utf-8", "replace"))
        manifest_name = video_name + MANIFEST_SUFFIX
        for name, digest in (
            (video_name, video_sha256),
            (manifest_name, hashlib.sha256(manifest_bytes).hexdigest()),
        ):
            if listed.get(name) != digest:
                problems.append(
                    f"checksum: {video_name}{SUMS_SUFFIX} does not hold the SHA-256 of {name}"
                )
    return problems, manifest


def check_derived(
    manifest: Mapping[str, Any], video_name: str, found: dict[str, tuple[str, int]],
    sums: bytes | None,
) -> list[str]:  # fmt: skip
    """The masked copy for publication (N22) the manifest names under `derived`: `found`
    maps the names of the files present to their (SHA-256, size)."""
    derived = manifest.get("derived")
    if not isinstance(derived, Mapping):
        return []
    file = derived.get("file") or {}
    name = str(file.get("name", ""))
    problems = []
    source = derived.get("source") or {}
    if source.get("name") != video_name or source.get("sha256") != (
        (manifest.get("file") or {}).get("sha256")
    ):
        problems.append(f"derived_source: the manifest does not derive {name} from {video_name}")
    if name not in found:
        return [*problems, f"derived_missing: the masked copy {name} (N22) is not there"]
    digest, size = found[name]
    if size != file.get("bytes") or digest != file.get("sha256"):
        problems.append(f"derived_altered: the SHA-256 of {name} differs from the manifest")
    if sums is not None and parse_sha256sums(sums.decode("utf-8", "replace")).get(name) != digest:
        problems.append(f"checksum: {video_name}{SUMS_SUFFIX} does not hold the SHA-256 of {name}")
    return problems
