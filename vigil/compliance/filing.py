"""The filing form (备案表, A13.2 / A13.3, N14): the unit, its cameras, documents and deadline.

`filing_form` reads the records into a plain dict (also served as JSON); `render_filing_pdf`
lays it out in Chinese (with English labels) for the county bureau. What the form carries
follows the law in force on its day (`vigil.regulation.rulesets`): from 2025-04-01 the
fields of N14 (the unit, where the system is built, the number and types of cameras, the
storage period) and its deadline (30 days from use); the provincial A13.2's documents while
the measures ask for them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from vigil.cameras import CAMERA_TYPES
from vigil.clock import local_date
from vigil.compliance import evidence as ev_mod
from vigil.compliance.duties import filing_duty_id
from vigil.compliance.pdf import Document
from vigil.context import SiteContext
from vigil.db.models import Camera
from vigil.errors import ValidationError
from vigil.records.profile import site_law
from vigil.regulation.deadlines import DeadlineState, DeadlineStatus, deadline_status
from vigil.regulation.taxonomy import SITE_CATEGORIES, SITE_KINDS

BUILDER_ZH = {
    "government": "市、县人民政府组织建设（第九条第一款）",
    "unit": "本单位建设（第九条第二款）",
    "other": "其他单位和个人（第九条第三款不得安装）",
}
PROJECT_KIND_ZH = {
    "new": "新建",
    "rebuilt": "改建",
    "expanded": "扩建",
    "existing": "已建成系统",
}


#: The zh name of each camera type (`vigil.cameras.CAMERA_TYPES`), and of a type not recorded.
CAMERA_TYPES_ZH = {code: zh for code, (zh, _en) in CAMERA_TYPES.items()} | {
    "not_recorded": "未登记"
}


def camera_types(ctx: SiteContext) -> dict[str, int] | None:
    """The active cameras by type (N14 files the number and types of cameras); None when no
    type is recorded."""
    with ctx.sessions() as s:
        rows = s.execute(
            select(Camera.camera_type, func.count())
            .where(Camera.state == "active")
            .group_by(Camera.camera_type)
        ).all()
    if all(kind is None for kind, _n in rows):
        return None
    return {
        str(kind or "not_recorded"): int(n) for kind, n in sorted(rows, key=lambda r: str(r[0]))
    }


def _types_zh(types: dict[str, int] | None) -> str | None:
    if not types:
        return None
    return "；".join(f"{CAMERA_TYPES_ZH.get(k, k)} {n} 台" for k, n in types.items())


def _state_zh(st: DeadlineStatus) -> str:
    done = "已备案" if st.state in (DeadlineState.MET, DeadlineState.LATE) else "未备案"
    return f"{done}，{st.text_zh()}"


def filing_form(ctx: SiteContext, on: date | None = None) -> dict[str, Any]:
    """The form's content under the law in force `on` (default today); `ValidationError`
    naming what to fill in if the records lack it."""
    profile = ev_mod.load_profile(ctx)
    if profile is None:
        raise ValidationError(
            "there is no site profile yet: fill in the unit name, unified social credit code, "
            "administrative division code, address, A7 categories, builder and delivery date "
            "first (console Site → Profile, or `vigil site profile set`)",
            field="site_profile",
            article="A13.2",
        )
    today = local_date(ctx.clock.now_us(), ctx.settings.unit_tz)
    if on is not None:
        if on > today:
            raise ValidationError(f"{on} is later than today ({today})", field="on")
        today = on
    law = site_law({"jurisdiction": profile.jurisdiction}, today)
    duty = law.filing(
        delivered_on=profile.delivered_on,
        commissioned_on=profile.commissioned_on,
        site_class=profile.national_class,
    )
    articles = list(law.cite(duty.articles, profile.national_class)) if duty else []
    deadline: dict[str, Any] = {
        "article": duty.governing if duty else filing_duty_id(profile),
        "articles": articles,
        "optional": bool(articles)
        and all(law.optional(a, profile.national_class) for a in articles),
        "rule_zh": duty.rule_zh if duty else "",
        "rule_en": duty.rule_en if duty else "",
    }
    if duty is None or duty.period is None:
        what = (
            "投入使用日期 date put into use"
            if duty and duty.counted_from == "commissioned_on"
            else "交付使用日期 delivery date"
        )
        deadline.update(
            due_on=None,
            state="unknown",
            text_zh=f"未填写{what}，无法计算备案期限",
        )
    else:
        filed = profile.filed_on
        if filed is not None and (filed > today or (duty.start is not None and filed < duty.start)):
            filed = None  # a filing before the period began (under A13) is not this one
        st = deadline_status(duty.period, today=today, done_on=filed, article=duty.governing)
        deadline.update(
            due_on=st.due_date.isoformat(),
            state=st.state.value,
            days_left=st.days_left,
            days_overdue=st.days_overdue,
            text_zh=_state_zh(st),
            text_en=str(st),
        )
    cams = [
        {
            "name": c.name,
            "location_type": c.location_type,
            "location_zh": c.location_zh or "（未登记 not recorded）",
            "purpose": c.purpose,
            "sign_installed": c.sign_installed,
            "retention_days": c.retention_days,
        }
        for c in ev_mod.cameras(ctx)
    ]
    retention = sorted({c.retention_days for c in ev_mod.cameras(ctx)})
    n14 = {
        "asked": "N14" in articles,
        "unit": profile.unit_name,
        "where_built": profile.address,
        "cameras": len(cams),
        # type → number of active cameras (None when no camera's type is recorded: the unit
        # writes them in on the form)
        "camera_types": camera_types(ctx),
        "storage_days": {"min": retention[0], "max": retention[-1]} if retention else None,
        "changed_since_filing": list(profile.filing_changes),
        "change_filing": bool(profile.filing_changes) and "N14" in articles,
    }
    docs = [
        {"kind": "design_plan", "zh": "设计方案", "file": profile.design_plan},
        {"kind": "test_report", "zh": "技术检测材料", "file": profile.test_report},
        {"kind": "acceptance_report", "zh": "工程验收材料", "file": profile.acceptance_report},
    ]
    cats = [
        {"code": c, "article": SITE_CATEGORIES[c].article, "zh": SITE_CATEGORIES[c].zh}
        for c in profile.categories
        if c in SITE_CATEGORIES
    ]
    kind = SITE_KINDS.get(profile.site_kind or "")

    def day(value: object) -> str | None:
        return str(value) if value is not None else None

    return {
        "type": "vigil.filing_form.v1",
        "today": today.isoformat(),
        "unit": {
            "unit_name": profile.unit_name,
            "credit_code": profile.credit_code,
            "division_code": profile.division_code,
            "address": profile.address,
            "categories": cats,
            "site_kind_zh": kind.zh if kind else None,
            "builder": profile.builder,
            "builder_zh": BUILDER_ZH.get(profile.builder, profile.builder),
            "contact_name": profile.contact_name,
            "contact_phone": profile.contact_phone,
            "project_kind": profile.project_kind,
            "project_kind_zh": PROJECT_KIND_ZH.get(profile.project_kind, profile.project_kind),
        },
        "dates": {
            "delivered_on": day(profile.delivered_on),
            "commissioned_on": day(profile.commissioned_on),
            "main_works_started_on": day(profile.main_works_started_on),
            "main_works_in_use_on": day(profile.main_works_in_use_on),
            "accepted_on": day(profile.accepted_on),
            "filed_on": day(profile.filed_on),
        },
        "deadline": deadline,
        "law": law.describe(),
        "n14": n14,
        "cameras": cams,
        "attachments": docs if any(a.startswith("A13") for a in articles) else [],
    }


def render_filing_pdf(form: dict[str, Any]) -> bytes:
    """The filing form as a PDF in Chinese."""
    u, d, dl = form["unit"], form["dates"], form["deadline"]
    doc = Document(
        "公共安全视频图像信息系统备案表",
        f"Vigil 备案表 · {u['unit_name']} · 生成日期 {form['today']}",
    )
    cited = ", ".join(dl.get("articles") or [dl["article"]])
    doc.heading(f"公共安全视频图像信息系统备案表\nFiling form ({cited})")
    basis = []
    if any(a.startswith("N") for a in dl.get("articles", [])):
        basis.append("《公共安全视频图像信息系统管理条例》第十四条")
    if any(a.startswith("A") for a in dl.get("articles", [])) or not basis:
        basis.append("《公共安全视频图像信息系统管理办法》第十三条")
    doc.para(
        f"依据{'、'.join(basis)}（{cited}），报所在地县级人民政府公安机关备案。",
        size=9,
    )
    doc.section("一、单位基本情况 Unit")
    none = "（未填写）"
    cats = "；".join(f"{c['zh']}（{c['article']}）" for c in u["categories"]) or none
    doc.fields(
        [
            ("管理、使用单位名称 Unit", u["unit_name"]),
            ("统一社会信用代码 Credit code", u["credit_code"]),
            ("行政区划代码 Division code", u["division_code"]),
            ("地址 Address", u["address"]),
            (
                "场所类别 A7 categories",
                cats + (f"；{u['site_kind_zh']}" if u["site_kind_zh"] else ""),
            ),
            ("建设主体 Builder", u["builder_zh"]),
            ("项目类型 Project", u["project_kind_zh"]),
            ("联系人 Contact", f"{u['contact_name'] or none}  {u['contact_phone']}"),
        ]
    )
    doc.section("二、建设与使用日期 Dates")
    doc.fields(
        [
            ("主体工程开工日期 Main works started", d["main_works_started_on"] or none),
            ("主体工程投入使用日期 Main works in use", d["main_works_in_use_on"] or none),
            ("系统交付使用日期 Delivered for use", d["delivered_on"] or none),
            ("系统投入使用日期 Commissioned", d["commissioned_on"] or none),
            ("验收日期 Accepted", d["accepted_on"] or none),
            ("备案日期 Filed", d["filed_on"] or "（未备案 not yet filed）"),
            ("备案期限 Filing due", f"{dl['due_on']}（{dl['rule_zh']}）" if dl["due_on"] else none),
            ("备案状态 Filing status", dl["text_zh"]),
        ]
    )
    n14 = form["n14"]
    if n14["asked"]:
        kept = n14["storage_days"]
        doc.section("基本信息（《条例》第十四条）Basic information (N14)")
        doc.fields(
            [
                ("单位基本情况 Unit", n14["unit"]),
                ("系统建设位置 Where built", n14["where_built"]),
                ("图像采集设备数量 Number of cameras", f"{n14['cameras']} 台"),
                ("图像采集设备类型 Camera types",
                 _types_zh(n14["camera_types"]) or "（由单位填写）"),
                (
                    "备案类型 Filing",
                    "备案变更（" + "、".join(n14["changed_since_filing"]) + "）"
                    if n14["change_filing"]
                    else "备案",
                ),
                (
                    "视频图像信息存储期限 Storage period",
                    (f"{kept['min']}–{kept['max']} 日" if kept["min"] != kept["max"]
                     else f"{kept['min']} 日") if kept else none,
                ),
            ]
        )  # fmt: skip
    doc.section(f"三、视频图像采集设备清单 Cameras（共 {len(form['cameras'])} 台）")
    rows = [
        (
            c["name"],
            c["location_zh"],
            c["purpose"] or none,
            "已设置" if c["sign_installed"] else "未设置",
            f"{c['retention_days']} 日",
        )
        for c in form["cameras"]
    ]
    doc.grid(
        ("名称 Name", "安装部位 Location", "用途 Purpose", "标识 Sign", "存储期限 Kept"),
        rows or [("（无）", "", "", "", "")],
        (30, 45, 55, 22, 28),
    )
    if not form["attachments"]:
        doc.ln(6)
        doc.para(
            "单位负责人（签字）：                    单位（盖章）：                    日期：",
            size=10,
        )
        return bytes(doc.output())
    doc.section("四、备案材料 Attachments（第十三条第二款）")
    doc.grid(
        ("材料 Document", "状态 State", "文件 File"),
        [
            (a["zh"], "已附 present" if a["file"] else "缺 missing", a["file"] or "—")
            for a in form["attachments"]
        ],
        (50, 35, 95),
    )
    doc.ln(6)
    doc.para(
        "单位负责人（签字）：                    单位（盖章）：                    日期：", size=10
    )
    return bytes(doc.output())
