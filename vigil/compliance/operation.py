"""Checks of the running system: signs and fixed views (A14), safe operation (A16), staff
(A17.1), registration (A17.2(2)), retention (A17.2(3)) and integrity (A18(2))."""

from __future__ import annotations

from vigil.clock import us_to_iso
from vigil.compliance.findings import Evidence, Finding, Status, Text, met, no_camera
from vigil.compliance.findings import names as _names
from vigil.compliance.findings import names_zh as _names_zh
from vigil.db.states import RecorderState
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
    lines: list[str | Text] = []
    for what, what_zh, names in (
        ("in no siting", "未登记安装部位", no_siting),
        ("without a sign", "未设置标识", no_sign),
        ("without an approved reference view", "无经批准的基准画面", no_ref),
        ("sign without a photo", "标识无照片", no_photo),
    ):
        if names:
            lines.append(
                Text(
                    f"{len(names)} {what}: {_names(names)}",
                    f"{what_zh} {len(names)} 台：{_names_zh(names)}",
                )
            )
    if no_siting or no_sign or no_ref:
        return Finding(
            Status.NOT_MET,
            lines,
            Text(
                "Put up a clear sign at each camera and record it with a photo; take "
                "and approve each camera's reference view (its fixed range).",
                "在每台摄像机处设置明显标识并拍照登记；拍摄并批准每台摄像机的基准画面"
                "（固定的采集范围）。",
            ),
            figures,
        )
    if no_photo:
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            Text("Attach a photo of each sign.", "上传每个标识的照片。"),
            figures,
        )
    return met(
        [
            Text(
                f"all {len(ev.cameras)} cameras signed, view fixed",
                f"全部 {len(ev.cameras)} 台摄像机已设标识、采集范围已固定",
            )
        ],
        figures,
    )


def check_a16_1(ev: Evidence) -> Finding:
    m = ev.maintenance
    down = sorted(n for n, st in ev.camera_states.items() if st != RecorderState.RECORDING)
    last = {k: us_to_iso(v) for k, v in m.last.items()}
    figures = {
        "cameras_not_recording": down,
        "open_faults": len(m.open_faults),
        "last_security_check": last.get("security_check"),
        "last_drill": last.get("drill"),
        "emergency_plan": last.get("emergency_plan"),
    }
    lines: list[str | Text] = [
        Text(
            f"last security check: {last.get('security_check', 'none recorded')}",
            f"最近一次安全检查：{last.get('security_check', '未登记')}",
        ),
        Text(
            f"emergency plan adopted: {last.get('emergency_plan', 'none recorded')}",
            f"应急预案制定：{last.get('emergency_plan', '未登记')}",
        ),
        Text(
            f"last drill: {last.get('drill', 'none recorded')}",
            f"最近一次演练：{last.get('drill', '未登记')}",
        ),
    ]
    if down:
        lines.append(Text(f"not recording now: {_names(down)}", f"当前未录像：{_names_zh(down)}"))
    if m.open_faults:
        faults = list(m.open_faults)
        lines.append(
            Text(f"open faults: {_names(faults, 5)}", f"未处理的故障：{_names_zh(faults, 5)}")
        )
    if down or m.open_faults:
        return Finding(
            Status.NOT_MET,
            lines,
            Text(
                "Restore recording on every camera and close the open faults; log the repair.",
                "恢复每台摄像机的录像，处理未关闭的故障，并登记维修记录。",
            ),
            figures,
        )
    if not ev.cameras or any(
        k not in m.last for k in ("security_check", "emergency_plan", "drill")
    ):
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            Text(
                "Record the security checks, the emergency plan and its drills in the "
                "maintenance log.",
                "在维保记录中登记安全检查、应急预案及其演练。",
            ),
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
            [
                Text(
                    "no maintenance contract in force: maintenance not outsourced",
                    "无有效维护合同：未委托其他单位维护",
                )
            ],
            Text(
                "If maintenance is outsourced, record the contract.",
                "如委托其他单位维护，请登记维护合同。",
            ),
            figures,
        )
    if m.without_clause:
        no_clause = list(m.without_clause)
        return Finding(
            Status.NOT_MET,
            [
                Text(
                    "without the safe-operation responsibility clause: " + _names(no_clause),
                    "未以书面形式明确安全运行责任：" + _names_zh(no_clause),
                )
            ],
            Text(
                "Write the safe-operation responsibility into these contracts and "
                "file the signed copy.",
                "在这些合同中以书面形式明确信息系统安全运行责任，并上传签署文本。",
            ),
            figures,
        )
    if m.without_file:
        no_file = list(m.without_file)
        return Finding(
            Status.NEEDS_EVIDENCE,
            [
                Text(
                    "clause ticked, contract not on file: " + _names(no_file),
                    "已勾选责任条款，但未上传合同：" + _names_zh(no_file),
                )
            ],
            Text("Attach the signed contracts.", "上传签署的合同文本。"),
            figures,
        )
    n = len(m.contracts_in_force)
    return met(
        [Text(f"{n} contracts with the clause, on file", f"{n} 份合同含责任条款并已存档")],
        figures,
    )


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
            [
                Text(
                    "view moved: " + _names(ev.view_alarms, 5),
                    "画面偏离：" + _names_zh(ev.view_alarms, 5),
                )
            ],
            Text(
                "Put the cameras back on their approved view, or have a new view "
                "approved with the reason recorded.",
                "将摄像机恢复到经批准的画面，或登记理由后重新批准新的基准画面。",
            ),
            figures,
        )
    if no_purpose or no_ref or not ev.cameras:
        lines: list[str | Text] = []
        if no_purpose:
            lines.append(
                Text(
                    f"purpose not recorded: {_names(no_purpose)}",
                    f"未登记用途：{_names_zh(no_purpose)}",
                )
            )
        if no_ref:
            lines.append(
                Text(
                    f"position cannot be watched (no reference view): {_names(no_ref)}",
                    f"无基准画面，无法核对位置：{_names_zh(no_ref)}",
                )
            )
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines or [Text("no camera registered", "未登记任何摄像机")],
            Text(
                "Record each camera's purpose and approve its reference view.",
                "登记每台摄像机的用途并批准其基准画面。",
            ),
            figures,
        )
    # Nothing compares the live picture with the reference view yet (the health issue), so
    # the absence of an alarm proves nothing: the row asks for evidence instead of "met".
    return Finding(
        Status.NEEDS_EVIDENCE,
        [
            Text(
                "purposes and approved reference views recorded; no view alarm is open",
                "已登记用途和经批准的基准画面；无未处理的画面告警",
            ),
            Text(
                "whether a camera moved from its approved view is not checked automatically yet",
                "系统尚未自动核对摄像机是否偏离经批准的画面",
            ),
        ],
        Text(
            "Compare each camera's picture with its approved reference view and record the "
            "check in the maintenance log (security check).",
            "将每台摄像机的画面与经批准的基准画面比对，并在维保记录中登记（安全检查）。",
        ),
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
    lines: list[str | Text] = [
        Text(
            f"{len(st.active)} on the roster; {room.entries_in_period} room entries in the "
            f"last {ev.period_days} days, {len(room.flagged)} flagged",
            f"在册 {len(st.active)} 人；最近 {ev.period_days} 日进入监看场所 "
            f"{room.entries_in_period} 次，其中 {len(room.flagged)} 次被标记",
        )
    ]
    if room.flagged:
        return Finding(
            Status.NOT_MET,
            [*lines, *room.flagged[:10]],
            Text(
                "Keep people not on the roster out of the monitoring room; record why "
                "each flagged person entered and who let them in.",
                "禁止非在册人员进入监看场所；登记每个被标记人员进入的原因及放行人。",
            ),
            figures,
        )
    if not st.active:
        return Finding(
            Status.NOT_MET,
            [
                *lines,
                Text(
                    "no monitoring, management or maintenance staff",
                    "没有在册的监看、管理、维护人员",
                ),
            ],
            Text(
                "Put the monitoring, management and maintenance staff on the roster.",
                "将监看、管理、维护人员登记在册。",
            ),
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
    lines: list[str | Text] = [
        Text(
            f"{st.shifts_in_period} watch shifts in the last {ev.period_days} days",
            f"最近 {ev.period_days} 日值守班次 {st.shifts_in_period} 个",
        )
    ]
    if st.untrained:
        untrained = list(st.untrained)
        lines.append(Text(f"untrained: {_names(untrained)}", f"未培训：{_names_zh(untrained)}"))
    if st.no_secrecy:
        no_secrecy = list(st.no_secrecy)
        lines.append(
            Text(
                f"no secrecy education: {_names(no_secrecy)}",
                f"未接受保密教育：{_names_zh(no_secrecy)}",
            )
        )
    if not st.active:
        return Finding(
            Status.NOT_MET,
            [*lines, Text("no staff on the roster", "没有在册人员")],
            Text(
                "Put the staff on the roster and record their training.",
                "将人员登记在册并登记其培训。",
            ),
            figures,
        )
    if st.untrained or st.no_secrecy:
        return Finding(
            Status.NOT_MET,
            lines,
            Text(
                "Train these staff in security and secrecy and record it.",
                "对这些人员进行安全知识和保密知识教育并登记。",
            ),
            figures,
        )
    if not st.shifts_in_period:
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            Text(
                "Record the watch-duty shifts and their handovers.",
                "登记值守班次及交接班。",
            ),
            figures,
        )
    return met(lines, figures)


# --- A17.2, A18: registration, retention, integrity ---------------------------------------


def check_a17_2_2(ev: Evidence) -> Finding:
    figures = {"entries": ev.audit_entries, "problems": len(ev.audit_problems)}
    if ev.audit_problems:
        return Finding(
            Status.NOT_MET,
            list(ev.audit_problems[:10]),
            Text(
                "Find who altered the audit log (`vigil audit verify`); report it.",
                "查明谁改动了登记记录（`vigil audit verify`）并报告。",
            ),
            figures,
        )
    return met(
        [
            Text(
                f"{ev.audit_entries} registered acts; the chain holds",
                f"已登记 {ev.audit_entries} 项操作；登记链完整",
            )
        ],
        figures,
    )


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
    lines: list[str | Text] = [
        Text(
            f"{c.name}: retention {c.retention_days} d, held {c.held_days} d",
            f"{c.name}：存储期限 {c.retention_days} 日，实存 {c.held_days} 日",
        )
        for c in ev.cameras
    ]
    low = [c.name for c in ev.cameras if c.retention_days < MIN_RETENTION_DAYS]
    short = [c for c in ev.cameras if c.missing_days >= 1]
    if low or short:
        if low:
            lines.append(
                Text(
                    f"retention below {MIN_RETENTION_DAYS} days: {_names(low)}",
                    f"存储期限少于 {MIN_RETENTION_DAYS} 日：{_names_zh(low)}",
                )
            )
        if short:
            lines.append(
                Text(
                    "material not held for the period: "
                    + _names([f"{c.name} ({c.missing_days} d missing)" for c in short]),
                    "未存满期限："
                    + _names_zh([f"{c.name}（缺 {c.missing_days} 日）" for c in short]),
                )
            )
        return Finding(
            Status.NOT_MET,
            lines,
            Text(
                f"Set retention to at least {MIN_RETENTION_DAYS} days; find why material "
                "is missing (gaps, outages, deletion) and add storage if short.",
                f"将存储期限设为不少于 {MIN_RETENTION_DAYS} 日；查明资料缺失的原因"
                "（中断、停机、删除），存储不足时扩容。",
            ),
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
    full = ev.integrity_mode == "full"
    what = "every file re-hashed" if full else "chains and seals checked, files not re-hashed"
    what_zh = "已重新计算每个文件的哈希" if full else "已核对哈希链和封存，未重新计算文件哈希"
    lines: list[str | Text] = [
        Text(
            f"{ev.segments_checked} segments, {what}; last seal {seal}",
            f"{ev.segments_checked} 个录像片段，{what_zh}；最近封存 {seal}",
        )
    ]
    if ev.integrity_problems:
        return Finding(
            Status.NOT_MET,
            [*lines, *ev.integrity_problems[:10]],
            Text(
                "Run `vigil verify`, preserve the evidence and report the altered or "
                "missing originals.",
                "运行 `vigil verify`，保全证据，并报告被改动或缺失的原始记录。",
            ),
            figures,
        )
    if ev.integrity_mode != "full" and ev.segments_checked:
        return Finding(
            Status.MET,
            lines,
            Text(
                "For a full check re-hash every file: `vigil compliance report --verify`.",
                "如需完整核对，重新计算每个文件的哈希：`vigil compliance report --verify`。",
            ),
            figures,
        )
    return met(lines, figures)
