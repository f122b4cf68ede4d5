"""N17's second duty: after 30 days, keep only what still serves a purpose.

"30日后，对已经实现处理目的的视频图像信息，应当予以删除" — material past the 30-day floor
(A17.2(3), N17) is kept only with a live, recorded purpose (`vigil.storage.holds`). The
retention run expires what a lifted or ended hold kept; material a longer camera retention
keeps without any recorded purpose is not deleted by Vigil (whether its purpose is served is
the unit's judgement, and another law may set the longer period) but flagged here, with how
much it is. Both duties are one row (A17.2(3) with N17, `check_retention`); N9.2 makes the
N17 part optional for an "other public place": it is shown there but does not turn the row.
"""

from __future__ import annotations

from vigil.compliance.findings import Evidence, Finding, Status, Text, met
from vigil.compliance.findings import en as _en
from vigil.compliance.findings import names as _names
from vigil.compliance.findings import names_zh as _names_zh
from vigil.compliance.findings import zh as _zh
from vigil.compliance.operation import check_a17_2_3
from vigil.regulation.retention import MIN_RETENTION_DAYS, RETENTION_ARTICLES


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{n} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def check_n17(ev: Evidence) -> Finding:
    flagged = ev.unpurposed
    total_segments = sum(u.segments for u in flagged)
    total_bytes = sum(u.bytes for u in flagged)
    figures = {
        "floor_days": MIN_RETENTION_DAYS,
        "floor_articles": list(RETENTION_ARTICLES),
        "live_holds": ev.live_holds,
        "cameras": len(flagged),
        "segments": total_segments,
        "bytes": total_bytes,
        "per_camera": [
            {"camera": u.camera, "retention_days": u.retention_days,
             "segments": u.segments, "bytes": u.bytes}
            for u in flagged
        ],
    }  # fmt: skip
    holds_line = Text(
        f"{ev.live_holds} live retention purpose(s) recorded (vigil hold list)",
        f"已登记 {ev.live_holds} 项有效的保存目的（vigil hold list）",
    )
    if not flagged:
        return met(
            [
                holds_line,
                Text(
                    f"no material older than {MIN_RETENTION_DAYS} days is kept without a "
                    "recorded purpose",
                    f"无超过 {MIN_RETENTION_DAYS} 日且未登记保存目的的视频图像信息",
                ),
            ],
            figures,
        )
    each = [f"{u.camera} ({u.retention_days} d: {u.segments}, {_size(u.bytes)})" for u in flagged]
    each_zh = [
        f"{u.camera}（存储期限 {u.retention_days} 日：{u.segments} 个片段，{_size(u.bytes)}）"
        for u in flagged
    ]
    return Finding(
        Status.NOT_MET,
        [
            holds_line,
            Text(
                f"kept past {MIN_RETENTION_DAYS} days without a recorded purpose: "
                f"{total_segments} segments, {_size(total_bytes)} on {len(flagged)} "
                f"camera(s): {_names(each)}",
                f"超过 {MIN_RETENTION_DAYS} 日且未登记保存目的：{len(flagged)} 路摄像机，"
                f"{total_segments} 个片段，{_size(total_bytes)}：{_names_zh(each_zh)}",
            ),
        ],
        Text(
            "Record the purpose that keeps it (`vigil hold add CAMERA --kind evidence|case|law "
            "--ref ...`, console Site → Retention holds), or lower the camera's retention to "
            f"{MIN_RETENTION_DAYS} days so that the retention run deletes it (N17); the "
            f"{MIN_RETENTION_DAYS}-day floor stays ({', '.join(RETENTION_ARTICLES)}).",
            "登记保存目的（`vigil hold add 摄像机 --kind evidence|case|law --ref ...`，"
            f"控制台“场所”→“保存目的”），或将存储期限改为 {MIN_RETENTION_DAYS} 日，"
            f"由到期清理删除（第十七条）；不少于 {MIN_RETENTION_DAYS} 日的下限不变。",
        ),
        figures,
    )


_ORDER = {Status.MET: 0, Status.NEEDS_EVIDENCE: 1, Status.NOT_MET: 2}


def check_retention(ev: Evidence) -> Finding:
    """The retention row: the 30-day floor (A17.2(3), N17) and, where N17 is in force on the
    report's day, the purpose of what is kept longer."""
    floor = check_a17_2_3(ev)
    law = ev.law_on_day
    if "N17" not in law.cite(("N17",), ev.site_class):
        return floor
    purpose = check_n17(ev)
    figures = {**floor.figures, "n17": purpose.figures}
    if purpose.status is Status.MET:
        return Finding(floor.status, [*floor.evidence, *purpose.evidence], floor.action, figures)
    if law.optional("N17", ev.site_class):  # N9.2: shown, not binding
        note = Text(
            "(optional for an other public place, N9.2)",
            "（其他公共场所不作强制要求，第九条第二款）",
        )
        return Finding(
            floor.status, [*floor.evidence, *purpose.evidence, note], floor.action, figures
        )
    status = max(floor.status, purpose.status, key=_ORDER.__getitem__)
    if floor.status is Status.MET:
        return Finding(status, [*floor.evidence, *purpose.evidence], purpose.action, figures)
    action = Text(
        f"{_en(floor.action)} {_en(purpose.action)}", f"{_zh(floor.action)}{_zh(purpose.action)}"
    )
    return Finding(status, [*floor.evidence, *purpose.evidence], action, figures)
