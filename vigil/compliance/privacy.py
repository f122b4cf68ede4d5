"""The self-check rows of N8.2 (regular checks of the places where cameras are forbidden,
and the report of a found camera) and N10 (the consent of a nearby secret unit).

N8.2 gives no interval: the unit sets one (`vigil privacy-check policy`), monthly unless it
does. A found camera must be reported to the bureau at once: a report still waiting for the
link is not yet reported. N27.2 fines a unit that does not check (after an order to
correct); N28 fines siting without the secret unit's consent as N27.1 does.
"""

from __future__ import annotations

from vigil.compliance.findings import NO_PROFILE, Evidence, Finding, Status, Text, met


def check_n8_2(ev: Evidence) -> Finding:
    f = ev.privacy
    if f is None or (not f.policy_set and f.checks == 0):
        return Finding(
            Status.NEEDS_EVIDENCE,
            [Text("no N8 places named and no check recorded",
                  "未登记所管理的禁止安装场所，也没有检查记录")],
            Text(
                "Name the places the unit manages where cameras are forbidden (guest rooms, "
                "dormitories, staff rest rooms, baths, toilets, changing, nursing and fitting "
                "rooms; A8 forbids most of them too), or none, and record each regular check: "
                "console Private places, or `vigil privacy-check policy` and `add`.",
                "登记本单位管理的禁止安装场所（客房、宿舍、员工休息室、浴室、卫生间、更衣室、"
                "哺乳室、试衣间等，《办法》第八条亦禁止其中多数），或登记没有；并登记每次定期检查。",
            ),
        )  # fmt: skip
    figures = {
        "places": len(f.places),
        "interval": f.interval,
        "last_checked_on": f.last_checked_on,
        "due_on": f.due_on,
        "checks": f.checks,
        "pending_reports": f.pending_reports,
    }
    if f.pending_reports:
        return Finding(
            Status.NOT_MET,
            [Text(f"{f.pending_reports} report(s) of a found camera not yet sent to the bureau",
                  f"{f.pending_reports} 份发现摄像设备的报告尚未报送公安机关")],
            Text("Report the found camera to the local bureau at once (the signed report is "
                 "ready: console Private places, `vigil privacy-check reports --json`).",
                 "立即向所在地公安机关报告（已生成签名报告）。"),
            figures,
        )  # fmt: skip
    if f.policy_set and not f.places and f.checks == 0:
        return met([Text("the unit manages no place where cameras are forbidden",
                         "本单位不管理禁止安装摄像设备的场所")], figures)  # fmt: skip
    if f.last_checked_on is None or f.due_on is None:
        return Finding(
            Status.NOT_MET,
            [Text(f"no check recorded of: {'; '.join(f.places)}",
                  f"以下场所没有检查记录：{'；'.join(f.places)}")],
            Text("Check these places and record the check.", "检查上述场所并登记。"),
            figures,
        )  # fmt: skip
    if f.due_on < ev.today.isoformat():
        return Finding(
            Status.NOT_MET,
            [Text(f"last check on {f.last_checked_on}; the next was due by {f.due_on} "
                  f"({f.interval})",
                  f"最近一次检查 {f.last_checked_on}，下次应于 {f.due_on} 前（{f.interval}）")],
            Text("Check the places now and record it; the law sets no interval, the unit's "
                 "is used.", "立即检查并登记；法规未规定周期，按本单位设定的周期。"),
            figures,
        )  # fmt: skip
    return met(
        [Text(f"last check on {f.last_checked_on}; next due by {f.due_on} ({f.interval})",
              f"最近一次检查 {f.last_checked_on}，下次应于 {f.due_on} 前（{f.interval}）")],
        figures,
    )  # fmt: skip


def check_n10(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    secret = ev.secret
    if secret is None or not secret.near_secret_unit:
        return met([Text("the profile says the site is not near a military zone or a unit "
                         "holding state secrets",
                         "场所信息登记本场所不在军事禁区、涉密单位周边")])  # fmt: skip
    figures = {"consents": len(secret.consents)}
    if not secret.consents:
        return Finding(
            Status.NOT_MET,
            [Text("near a unit holding state secrets, no consent recorded",
                  "位于涉密单位周边，未登记其事先同意")],
            Text("Obtain and record the secret unit's prior consent (unit, date, document, "
                 "scope) before siting cameras: `vigil site secret-unit consent`.",
                 "安装前征得涉密单位同意并登记（单位、日期、文件、范围）。"),
            figures,
        )  # fmt: skip
    given = [f"{c.unit_name} {c.consented_on} ({c.document_ref})" for c in secret.consents]
    return met([Text("consent recorded: " + "; ".join(given), "已登记同意：" + "；".join(given))],
               figures)  # fmt: skip
