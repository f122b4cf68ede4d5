"""Checks of the running system: signs and fixed views (A14), safe operation (A16), staff
(A17.1), registration (A17.2(2)), retention (A17.2(3)) and integrity (A18(2))."""

from __future__ import annotations

from vigil.clock import us_to_iso
from vigil.compliance.findings import Evidence, Finding, Status, met, no_camera
from vigil.compliance.findings import names as _names
from vigil.regulation.retention import MIN_RETENTION_DAYS

# --- A14, A16: signs, fixed view, safe operation -------------------------------------------


def check_a14(ev: Evidence) -> Finding:
    if not ev.cameras:
        return no_camera()
    no_siting = [c.name for c in ev.cameras if c.location_type is None]
    no_sign = [c.name for c in ev.cameras if not c.sign_installed]
    no_ref = [c.name for c in ev.cameras if not c.reference_approved]
    no_photo = [c.name for c in ev.cameras if c.sign_installed and not c.sign_photo]
    figures = {
        "cameras": len(ev.cameras),
        "without_siting": no_siting,
        "without_sign": no_sign,
        "without_reference_view": no_ref,
        "sign_without_photo": no_photo,
    }
    lines = []
    for what, names in (
        ("in no siting", no_siting),
        ("without a sign", no_sign),
        ("without an approved reference view", no_ref),
        ("sign without a photo", no_photo),
    ):
        if names:
            lines.append(f"{len(names)} {what}: {_names(names)}")
    if no_siting or no_sign or no_ref:
        return Finding(
            Status.NOT_MET,
            lines,
            "Put up a clear sign at each camera and record it with a photo; take "
            "and approve each camera's reference view (its fixed range).",
            figures,
        )
    if no_photo:
        return Finding(Status.NEEDS_EVIDENCE, lines, "Attach a photo of each sign.", figures)
    return met([f"all {len(ev.cameras)} cameras signed, view fixed"], figures)


def check_a16_1(ev: Evidence) -> Finding:
    m = ev.maintenance
    down = sorted(n for n, st in ev.camera_states.items() if st != "recording")
    last = {k: us_to_iso(v) for k, v in m.last.items()}
    figures = {
        "cameras_not_recording": down,
        "open_faults": len(m.open_faults),
        "last_security_check": last.get("security_check"),
        "last_drill": last.get("drill"),
        "emergency_plan": last.get("emergency_plan"),
    }
    lines = [
        f"last security check: {last.get('security_check', 'none recorded')}",
        f"emergency plan adopted: {last.get('emergency_plan', 'none recorded')}",
        f"last drill: {last.get('drill', 'none recorded')}",
    ]
    if down:
        lines.append(f"not recording now: {_names(down)}")
    if m.open_faults:
        lines.append(f"open faults: {_names(list(m.open_faults), 5)}")
    if down or m.open_faults:
        return Finding(
            Status.NOT_MET,
            lines,
            "Restore recording on every camera and close the open faults; log the repair.",
            figures,
        )
    if not ev.cameras or any(
        k not in m.last for k in ("security_check", "emergency_plan", "drill")
    ):
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            "Record the security checks, the emergency plan and its drills in the maintenance log.",
            figures,
        )
    return met(lines, figures)


def check_a16_2(ev: Evidence) -> Finding:
    m = ev.maintenance
    figures = {
        "contracts_in_force": len(m.contracts_in_force),
        "without_clause": list(m.without_clause),
        "without_file": list(m.without_file),
    }
    if not m.contracts_in_force:
        return Finding(
            Status.MET,
            ["no maintenance contract in force: maintenance not outsourced"],
            "If maintenance is outsourced, record the contract.",
            figures,
        )
    if m.without_clause:
        return Finding(
            Status.NOT_MET,
            ["without the security clause: " + _names(list(m.without_clause))],
            "Add the written security-responsibility clause to these contracts and "
            "file the signed copy.",
            figures,
        )
    if m.without_file:
        return Finding(
            Status.NEEDS_EVIDENCE,
            ["clause ticked, contract not on file: " + _names(list(m.without_file))],
            "Attach the signed contracts.",
            figures,
        )
    return met([f"{len(m.contracts_in_force)} contracts with the clause, on file"], figures)


def check_a16_3(ev: Evidence) -> Finding:
    no_purpose = [c.name for c in ev.cameras if c.location_type and not c.purpose.strip()]
    no_ref = [c.name for c in ev.cameras if not c.reference_approved]
    figures = {
        "view_alarms": len(ev.view_alarms),
        "without_purpose": no_purpose,
        "without_reference_view": no_ref,
    }
    if ev.view_alarms:
        return Finding(
            Status.NOT_MET,
            ["view moved: " + _names(ev.view_alarms, 5)],
            "Put the cameras back on their approved view, or have a new view "
            "approved with the reason recorded.",
            figures,
        )
    if no_purpose or no_ref or not ev.cameras:
        lines = [f"purpose not recorded: {_names(no_purpose)}"] if no_purpose else []
        if no_ref:
            lines.append(f"position cannot be watched (no reference view): {_names(no_ref)}")
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines or ["no camera registered"],
            "Record each camera's purpose and approve its reference view.",
            figures,
        )
    # Nothing compares the live picture with the reference view yet (the health issue), so
    # the absence of an alarm proves nothing: the row asks for evidence instead of "met".
    return Finding(
        Status.NEEDS_EVIDENCE,
        [
            "purposes and approved reference views recorded; no view alarm is open",
            "whether a camera moved from its approved view is not checked automatically yet",
        ],
        "Compare each camera's picture with its approved reference view and record the check "
        "in the maintenance log (security check).",
        figures,
    )


def check_a16_4(ev: Evidence) -> Finding:
    st, room = ev.staff, ev.room
    figures = {
        "staff": len(st.active),
        "duties": st.duties,
        "room_entries": room.entries_in_period,
        "flagged": len(room.flagged),
    }
    lines = [
        f"{len(st.active)} on the roster; {room.entries_in_period} room entries in the "
        f"last {ev.period_days} days, {len(room.flagged)} flagged"
    ]
    if room.flagged:
        return Finding(
            Status.NOT_MET,
            [*lines, *room.flagged[:10]],
            "Keep people not on the roster out of the monitoring room; record why "
            "each flagged person entered and who let them in.",
            figures,
        )
    if not st.active:
        return Finding(
            Status.NOT_MET,
            [*lines, "no monitoring, management or maintenance staff"],
            "Put the monitoring, management and maintenance staff on the roster.",
            figures,
        )
    return met(lines, figures)


def check_a17_1(ev: Evidence) -> Finding:
    st = ev.staff
    figures = {
        "staff": len(st.active),
        "untrained": list(st.untrained),
        "without_secrecy_education": list(st.no_secrecy),
        "shifts_in_period": st.shifts_in_period,
    }
    lines = [f"{st.shifts_in_period} watch shifts in the last {ev.period_days} days"]
    if st.untrained:
        lines.append(f"untrained: {_names(list(st.untrained))}")
    if st.no_secrecy:
        lines.append(f"no secrecy education: {_names(list(st.no_secrecy))}")
    if not st.active:
        return Finding(
            Status.NOT_MET,
            [*lines, "no staff on the roster"],
            "Put the staff on the roster and record their training.",
            figures,
        )
    if st.untrained or st.no_secrecy:
        return Finding(
            Status.NOT_MET,
            lines,
            "Train these staff in security and secrecy and record it.",
            figures,
        )
    if not st.shifts_in_period:
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            "Record the watch-duty shifts and their handovers.",
            figures,
        )
    return met(lines, figures)


# --- A17.2, A18: registration, retention, integrity ---------------------------------------


def check_a17_2_2(ev: Evidence) -> Finding:
    figures = {"entries": ev.audit_entries, "problems": len(ev.audit_problems)}
    if ev.audit_problems:
        return Finding(
            Status.NOT_MET,
            ev.audit_problems[:10],
            "Find who altered the audit log (`vigil audit verify`); report it.",
            figures,
        )
    return met([f"{ev.audit_entries} registered acts; the chain holds"], figures)


def check_a17_2_3(ev: Evidence) -> Finding:
    rows = [
        {
            "camera": c.name,
            "retention_days": c.retention_days,
            "held_days": c.held_days,
            "required_days": c.required_days,
            "missing_days": c.missing_days,
            "oldest": us_to_iso(c.oldest_start_us) if c.oldest_start_us else None,
        }
        for c in ev.cameras
    ]
    figures = {"min_retention_days": MIN_RETENTION_DAYS, "cameras": rows}
    lines = [f"{c.name}: retention {c.retention_days} d, held {c.held_days} d" for c in ev.cameras]
    low = [c.name for c in ev.cameras if c.retention_days < MIN_RETENTION_DAYS]
    short = [f"{c.name} ({c.missing_days} d missing)" for c in ev.cameras if c.missing_days >= 1]
    if low or short:
        if low:
            lines.append(f"retention below {MIN_RETENTION_DAYS} days: {_names(low)}")
        if short:
            lines.append(f"material not held for the period: {_names(short)}")
        return Finding(
            Status.NOT_MET,
            lines,
            f"Set retention to at least {MIN_RETENTION_DAYS} days; find why material "
            "is missing (gaps, outages, deletion) and add storage if short.",
            figures,
        )
    if not ev.cameras:
        return no_camera(figures)
    return met(lines, figures)


def check_a18_2(ev: Evidence) -> Finding:
    seal = us_to_iso(ev.last_seal_us) if ev.last_seal_us else "none"
    figures = {
        "mode": ev.integrity_mode,
        "segments_checked": ev.segments_checked,
        "problems": len(ev.integrity_problems),
        "last_seal": seal,
    }
    what = (
        "every file re-hashed"
        if ev.integrity_mode == "full"
        else "chains and seals checked, files not re-hashed"
    )
    lines = [f"{ev.segments_checked} segments, {what}; last seal {seal}"]
    if ev.integrity_problems:
        return Finding(
            Status.NOT_MET,
            [*lines, *ev.integrity_problems[:10]],
            "Run `vigil verify`, preserve the evidence and report the altered or "
            "missing originals.",
            figures,
        )
    if ev.integrity_mode != "full" and ev.segments_checked:
        return Finding(
            Status.MET,
            lines,
            "For a full check re-hash every file: `vigil compliance report --verify`.",
            figures,
        )
    return met(lines, figures)
