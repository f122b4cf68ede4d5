"""The index and the site's records: cameras, segments, gaps, chains, seals, alarms, the
audit log, users and access, and the unit's records (profile, siting, staff, maintenance).

Invariants (see docs/design/recording.md):
- a `segments` row exists only for a file that is complete, fsynced, hashed and renamed
  to its final name; its `chain_entries` row is written in the same transaction;
- `chain_entries` is append-only: (chain, seq) runs 1, 2, 3 ... without holes;
- times are integer microseconds since the epoch, UTC (`*_us`).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from vigil.db.states import SegmentState


class Base(DeclarativeBase):
    pass


class Site(Base):
    """The single row that names this installation and its signing key."""

    __tablename__ = "site"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_uuid: Mapped[str] = mapped_column(String(36), nullable=False)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    public_key_pem: Mapped[str] = mapped_column(Text, nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    # The seal chain's tip, written with every seal (vigil.integrity.seal): the next seal
    # signs it as its predecessor, and verify finds a newest seal deleted by it.
    last_seal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_seal_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The sealing service's heartbeat (vigil.media.service): when its current run began,
    # its latest beat, and the seal interval it runs with. "The site was running from a
    # to b" means sealer_started_us <= a and sealer_beat_us >= b.
    sealer_started_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sealer_beat_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sealer_interval_s: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Camera(Base):
    __tablename__ = "cameras"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    url_redacted: Mapped[str] = mapped_column(Text, nullable=False)
    url_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    retention_days: Mapped[int] = mapped_column(Integer, nullable=False)
    max_retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    removed_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    camera_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """bullet, dome, ptz, fisheye or other (`vigil.cameras.CAMERA_TYPES`): N14 files the
    number and types of cameras. None: not recorded (migration 0009)."""


class Segment(Base):
    """One committed original: a complete, fsynced, hashed fMP4 file at its final name
    (docs/design/recording.md, invariant 1)."""

    __tablename__ = "segments"
    __table_args__ = (
        UniqueConstraint("camera_id", "seq", name="uq_segments_camera_seq"),
        Index("ix_segments_camera_start", "camera_id", "start_us"),
        Index("ix_segments_state_end", "state", "end_us"),
        # Covering for the status figures (migration 0004).
        Index(
            "ix_segments_camera_state_start", "camera_id", "state", "start_us", "end_us", "bytes"
        ),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    """Row id; nothing refers to a segment by it outside the index (the chain uses `seq`)."""
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), nullable=False)
    """The camera that recorded it."""
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    """Its link in the camera chain `camera:<camera_id>` (the `chain_entries` row of the same seq,
    inserted in the same transaction); per camera, shared with the camera's gaps and expiries."""
    start_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    """Wall time of its first frame, µs UTC: session anchor + media time (docs/design/time.md)."""
    end_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    """Wall time where the next segment of the session starts (exclusive), µs UTC."""
    bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    """Size of the file, as hashed."""
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    """SHA-256 of the whole file (hex), also in the chain body: `vigil verify` re-hashes it."""
    path: Mapped[str] = mapped_column(Text, nullable=False)
    """Storage key under `HOME/segments/`: `<camera_id>/<YYYY-MM-DD>/<start_us>.mp4` (UTC day)."""
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=SegmentState.SEALED)
    """`SegmentState`: sealed (committed), expiring (retention over, expiry chained, file
    not yet deleted) or expired (file deleted, the row and its link kept); only forward."""
    codec: Mapped[str] = mapped_column(String(8), nullable=False)
    """Video codec of the stream copy, as in the init segment (`avc1`, `hev1`, ...)."""
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    """Picture width in pixels, from the init segment."""
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    """Picture height in pixels, from the init segment."""
    frames: Mapped[int] = mapped_column(Integer, nullable=False)
    """Video samples (frames) in all whole fragments."""
    fragments: Mapped[str] = mapped_column(Text, nullable=False)
    """The fragment table as compact JSON: `[[byte offset, bytes, start µs from the segment's
    start, duration µs, keyframe 0/1], ...]`, so playback and export seek without a file scan."""
    recovered: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    """True when it was salvaged after a crash (truncated to its last whole fragment) or
    indexed from disk later, rather than committed by a running recorder."""
    clock_drift_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """How far the camera's media clock had fallen behind the host clock at commit, ms
    (negative: ahead); None before a minute of samples. Measured, never corrected."""
    flags: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    """Comma-free word for how it came to be, empty for a plain recording: `recovered`,
    `overlap_trimmed` (its start moved to the previous end), `clock_overlap` (overlaps media
    an undetected camera clock jump placed in the future), `simulated` (demo backfill),
    or the restore's re-index flag (`vigil restore`)."""


class Gap(Base):
    """A stretch of a camera's timeline with no media, and why (`GapReason`); chained like
    a segment, in the same camera chain, with exact bounds (µs UTC, end exclusive)."""

    __tablename__ = "gaps"
    __table_args__ = (
        UniqueConstraint("camera_id", "seq", name="uq_gaps_camera_seq"),
        Index("ix_gaps_camera_start", "camera_id", "start_us"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), nullable=False)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    start_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    end_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)


class ChainEntry(Base):
    """One link of a hash chain: `chain` is 'camera:<id>' for a camera's segments, gaps and
    expiries, or 'audit' for the audit log; sealed together by `seals`."""

    __tablename__ = "chain_entries"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_chain_seq"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    chain: Mapped[str] = mapped_column(String(64), nullable=False)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    chain_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class Seal(Base):
    __tablename__ = "seals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sealed_us: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    signature_hex: Mapped[str] = mapped_column(String(128), nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)


class Alarm(Base):
    __tablename__ = "alarms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    severity: Mapped[str] = mapped_column(String(16), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    raised_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    cleared_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class CameraStatus(Base):
    """The recorder's heartbeat per camera, so `vigil status` can run in another process."""

    __tablename__ = "camera_status"
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(24), nullable=False)
    since_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    drift_ppm: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class User(Base):
    """A person who signs in.

    Roles: administrator 管理, monitor 监看, maintainer 维护, auditor 审计.
    """

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    password_changed_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class CameraRight(Base):
    """What a monitor or maintainer may do with one camera (administrators: everything)."""

    __tablename__ = "camera_rights"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), primary_key=True)
    live: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    playback: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    export: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class WebSession(Base):
    """A signed-in browser; the cookie holds a random token, the index only its SHA-256."""

    __tablename__ = "web_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    client_addr: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    last_seen_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    expires_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ApiToken(Base):
    """A token for automation: hashed at rest, scoped, revocable."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    token_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    scopes: Mapped[str] = mapped_column(Text, nullable=False)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    expires_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    revoked_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last_used_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class LoginFailure(Base):
    """Failed sign-ins, for rate limiting by client address across API processes."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_addr_at", "client_addr", "at_us"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    client_addr: Mapped[str] = mapped_column(String(64), nullable=False)
    username: Mapped[str] = mapped_column(String(64), nullable=False)
    at_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class LoginLock(Base):
    """Consecutive wrong passwords for one account from one client address, and the
    lock-out they earned: per (account, address), so guessing from one address cannot
    lock the account out of the addresses its owner signs in from (migration 0006)."""

    __tablename__ = "login_locks"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    client_addr: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failure_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    locked_until_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class LoginRefusal(Base):
    """Sign-ins refused without a check because their address is rate-limited, counted
    per address and minute: the first of a minute is registered, the others are counted
    here and registered as one summary entry when the minute has closed (migration 0006)."""

    __tablename__ = "login_refusals"
    client_addr: Mapped[str] = mapped_column(String(64), primary_key=True)
    minute_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    suppressed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class AuditEntry(Base):
    """One registered act (A17.2(2)); its chain entry ('audit', seq) makes it tamper-evident."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_at", "at_us"),
        Index("ix_audit_camera_at", "camera_id", "at_us"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False, unique=True)
    at_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    actor_role: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    client_addr: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    camera_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    camera_name: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    from_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    to_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    purpose: Mapped[str] = mapped_column(Text, nullable=False, default="")
    destination: Mapped[str] = mapped_column(Text, nullable=False, default="")
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="{}")


# --- The unit's records (A7–A9, A11, A13–A17). Dates the law counts in days are ISO
# --- `YYYY-MM-DD` strings (`*_on`); instants are microseconds (`*_us`).


class Attachment(Base):
    """A file the unit keeps on record: sign photo, reference view, contract, plan, report.

    Stored content-addressed under the data directory (attachments/<sha256>); never
    overwritten, so a record that cites one always shows what was approved.
    """

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(128), nullable=False)
    bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    uploaded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class SiteProfile(Base):
    """The unit and its system, as the filing form (A13.2) and the bureau see them.

    One row (id 1). `categories` is a JSON list of A7 category codes.
    """

    __tablename__ = "site_profile"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_name: Mapped[str] = mapped_column(String(200), nullable=False)
    credit_code: Mapped[str] = mapped_column(String(18), nullable=False)
    division_code: Mapped[str] = mapped_column(String(6), nullable=False)
    address: Mapped[str] = mapped_column(Text, nullable=False)
    categories: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    site_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    builder: Mapped[str] = mapped_column(String(16), nullable=False)
    contact_name: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    project_kind: Mapped[str] = mapped_column(String(16), nullable=False, default="existing")
    delivered_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    commissioned_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    main_works_started_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    main_works_in_use_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    accepted_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    filed_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    design_plan_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    test_report_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    acceptance_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id"), nullable=True
    )
    jurisdiction: Mapped[str] = mapped_column(
        String(32), nullable=False, default="province", server_default="province"
    )
    """The jurisdiction profile (`vigil.regulation.rulesets.PROFILES`) the site's law follows."""
    national_class: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """The site's class under N7/N9 (`rulesets.NATIONAL_CATEGORIES`), None if not recorded."""
    filed_snapshot: Mapped[str | None] = mapped_column(Text, nullable=True)
    """JSON: what the filing said (N14's fields) when `filed_on` was last set."""
    near_secret_unit: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    """The site is near a military zone or a unit holding state secrets (N10): siting a new
    camera needs that unit's recorded prior consent (`vigil.records.secret_consent`)."""
    updated_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)


class SitePosition(Base):
    """A key position the unit confirmed for its site (A7 last paragraph): a catalogue code
    from `vigil.regulation.positions`, or the unit's own (`custom:<slug>`)."""

    __tablename__ = "site_positions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    label: Mapped[str] = mapped_column(String(128), nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class CameraSiting(Base):
    """Where a camera looks and why (A7, A8, A14): one row per camera.

    `location_type` is a `LOCATION_TYPES` code or a `site_positions.code`; never an A8 place.
    """

    __tablename__ = "camera_siting"
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), primary_key=True)
    location_type: Mapped[str] = mapped_column(String(64), nullable=False)
    location_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    purpose: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sign_installed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sign_photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    reference_view_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id"), nullable=True
    )
    reference_approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reference_approved_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class StaffMember(Base):
    """A person on the monitoring-room roster (A16(4), A17.1), linked to an account if any.

    duty: monitoring 监看, management 管理, maintenance 维护.
    """

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, unique=True)
    duty: Mapped[str] = mapped_column(String(16), nullable=False)
    phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    joined_on: Mapped[str] = mapped_column(String(10), nullable=False)
    left_on: Mapped[str | None] = mapped_column(String(10), nullable=True)


class TrainingRecord(Base):
    """Training or secrecy education (保密教育) a staff member received (A17.1)."""

    __tablename__ = "staff_training"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    held_on: Mapped[str] = mapped_column(String(10), nullable=False)
    topic: Mapped[str] = mapped_column(Text, nullable=False)
    provider: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    hours: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DutyShift(Base):
    """A watch-duty shift (值班) in the monitoring room, with its handover note at the end."""

    __tablename__ = "duty_shifts"
    __table_args__ = (Index("ix_duty_shifts_start", "starts_us"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    starts_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    ends_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    post: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    handover_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    handover_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    handover_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class RoomEntry(Base):
    """Somebody entered the monitoring room (A16(4)). `flagged`: not on the roster, or not on
    it that day; counted as a possible A24(4) breach."""

    __tablename__ = "room_entries"
    __table_args__ = (Index("ix_room_entries_entered", "entered_us"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_name: Mapped[str] = mapped_column(String(64), nullable=False)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
    organisation: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    entered_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    left_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    flagged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    flag_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class MaintenanceContract(Base):
    """A maintenance contract (A16(2)): the security-responsibility clause must be written
    into it and the signed contract kept on file (`attachment_id`)."""

    __tablename__ = "maintenance_contracts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contractor: Mapped[str] = mapped_column(String(200), nullable=False)
    contractor_credit_code: Mapped[str] = mapped_column(String(18), nullable=False, default="")
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    starts_on: Mapped[str] = mapped_column(String(10), nullable=False)
    ends_on: Mapped[str] = mapped_column(String(10), nullable=False)
    security_clause: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class MaintenanceRecord(Base):
    """One entry of the maintenance and fault log (A16(1)): kind is maintenance, fault,
    repair, security_check, drill or emergency_plan (the plan's adoption, with its file)."""

    __tablename__ = "maintenance_log"
    __table_args__ = (Index("ix_maintenance_log_at", "at_us"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    at_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id"), nullable=True)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("maintenance_contracts.id"), nullable=True
    )
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    performed_by: Mapped[str] = mapped_column(String(128), nullable=False)
    outcome: Mapped[str] = mapped_column(Text, nullable=False, default="")
    resolved_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class RetentionHold(Base):
    """A recorded purpose for keeping a camera's material past 30 days (N17): an evidence
    hold, an open case, or another law that sets a longer period. Live while not lifted and
    before `until_us`; `from_us`/`to_us` narrow it to a span of recorded time (None: all).
    Set and lift are audited in their transaction (`vigil.storage.holds`, migration 0009)."""

    __tablename__ = "retention_holds"
    __table_args__ = (Index("ix_retention_holds_camera", "camera_id", "lifted_us"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    reference: Mapped[str] = mapped_column(Text, nullable=False)
    from_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    to_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    until_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    until_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    set_by: Mapped[str] = mapped_column(String(64), nullable=False)
    set_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    lifted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lifted_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    lift_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


# --- N21 data-subject viewing, N8.2 regular checks of the N8 places, N10 secret-unit
# --- consent (migration 0010).


class SubjectRequest(Base):
    """A request under N21 to view footage by the person filmed, a close relative or a
    guardian: the request, the unit's decision, and the one viewing-only session after a
    consent. `cameras` is a JSON list of camera ids; [from_us, to_us) the range asked for.

    state: pending → consented | refused; consented → viewing → closed; a consent not
    used by `consent_until_us` is expired when read.
    """

    __tablename__ = "subject_requests"
    __table_args__ = (Index("ix_subject_requests_state", "state"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_name: Mapped[str] = mapped_column(String(64), nullable=False)
    id_doc_type: Mapped[str] = mapped_column(String(32), nullable=False)
    id_doc_number: Mapped[str] = mapped_column(String(64), nullable=False)
    relation: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    cameras: Mapped[str] = mapped_column(Text, nullable=False)
    from_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    to_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    received_by: Mapped[str] = mapped_column(String(64), nullable=False)
    received_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    consent_until_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    viewer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    viewing_opened_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    viewing_closed_us: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class PrivacyCheckPolicy(Base):
    """One row (id 1): the N8 places the unit manages and how often it checks them (N8.2).
    `places` is a JSON list of descriptions; `interval_days` None means monthly."""

    __tablename__ = "privacy_check_policy"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    places: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    interval_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class PrivacyCheck(Base):
    """A regular check of the places where cameras are forbidden (N8.2): when, by whom,
    which places (JSON list), and the result: none_found or camera_found."""

    __tablename__ = "privacy_checks"
    __table_args__ = (Index("ix_privacy_checks_on", "checked_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checked_on: Mapped[str] = mapped_column(String(10), nullable=False)
    checked_by: Mapped[str] = mapped_column(String(128), nullable=False)
    places: Mapped[str] = mapped_column(Text, nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class PrivacyReport(Base):
    """The report to the bureau of a camera found in an N8 place (N8.2), kept as an outbox
    entry: `document` is the self-contained JSON, `signature` the site's Ed25519 signature
    over its bytes (base64), `status` pending_to_bureau until the link carries it."""

    __tablename__ = "privacy_reports"
    __table_args__ = (Index("ix_privacy_reports_status", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("privacy_checks.id"), nullable=False)
    place: Mapped[str] = mapped_column(Text, nullable=False)
    found_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    document: Mapped[str] = mapped_column(Text, nullable=False)
    signature: Mapped[str] = mapped_column(String(128), nullable=False)
    key_id: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(24), nullable=False)
    created_us: Mapped[int] = mapped_column(BigInteger, nullable=False)


class SecretConsent(Base):
    """The prior consent of a nearby unit holding state secrets to the siting of cameras
    (N10): which unit, given on which day, its document, and what it covers."""

    __tablename__ = "secret_consents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_name: Mapped[str] = mapped_column(String(200), nullable=False)
    consented_on: Mapped[str] = mapped_column(String(10), nullable=False)
    document_ref: Mapped[str] = mapped_column(String(200), nullable=False)
    scope: Mapped[str] = mapped_column(Text, nullable=False)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_us: Mapped[int] = mapped_column(BigInteger, nullable=False)
