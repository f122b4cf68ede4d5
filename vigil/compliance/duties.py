"""The unit's duties under the measures, each with the check that reads its evidence.

One `Duty` per article, paragraph or item that asks something of the unit's system and
records: its ID (canonical, as `vigil.regulation.articles`), its title, and a pure check
from `Evidence` to a `Finding`: met / not_met / needs_evidence, the figures, and what to do.
The numbers of the measures (30 days, 60 days, ...) come from `vigil.regulation`; this
table only decides which records show a duty is met. `docs/compliance.md` lists the same
articles.
"""

from __future__ import annotations

from collections.abc import Sequence

from vigil.compliance.evidence import Profile
from vigil.compliance.findings import NO_PROFILE, Duty, Evidence, Finding, Status, Text, met
from vigil.compliance.findings import days as _days
from vigil.compliance.findings import names as _names
from vigil.compliance.findings import names_zh as _names_zh
from vigil.compliance.operation import (
    check_a14,
    check_a16_1,
    check_a16_2,
    check_a16_3,
    check_a16_4,
    check_a17_1,
    check_a17_2_2,
    check_a18_2,
)
from vigil.compliance.privacy import check_n8_2, check_n10
from vigil.compliance.retention_purpose import check_retention
from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation.articles import ARTICLES
from vigil.regulation.deadlines import (
    DeadlineState,
    commissioning_check,
    deadline_status,
    filing_article,
)
from vigil.regulation.penalties import (
    NATIONAL_PENALTIES,
    VIOLATIONS,
    NationalPenalty,
    penalty_for,
)
from vigil.regulation.privacy import forbidding_articles
from vigil.regulation.rulesets import FilingDuty
from vigil.regulation.taxonomy import SITE_CATEGORIES, Builder, check_builder

__all__ = [
    "DUTIES",
    "Duty",
    "Evidence",
    "Finding",
    "Status",
    "duty_id",
    "sanctions",
    "sanctions_zh",
]

# --- A7, A8, A9: where cameras are and who built them ----------------------------------

_BUILDER_ZH = {
    "government": "市、县人民政府",
    "unit": "建设、管理或者使用单位",
    "other": "其他单位或个人",
}


def check_a7(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    if not ev.profile.categories:
        return Finding(
            Status.NOT_MET,
            [Text("the profile names no A7 category", "场所信息未选择第七条场所类别")],
            Text(
                "Record which of the 14 categories of A7 the site belongs to.",
                "登记本场所属于第七条所列 14 类中的哪一类。",
            ),
        )
    cats = [
        f"{SITE_CATEGORIES[c].article} {c}" for c in ev.profile.categories if c in SITE_CATEGORIES
    ]
    positions = ev.coverage.positions
    gaps = ev.coverage.gaps
    figures = {
        "categories": cats,
        "key_positions": len(positions),
        "uncovered": len(gaps),
        "gaps": [f"{g.code} ({g.label})" for g in gaps],
    }
    covered = len(positions) - len(gaps)
    lines: list[str | Text] = [
        Text(f"categories: {', '.join(cats)}", f"场所类别：{'、'.join(cats)}"),
        Text(
            f"{covered} of {len(positions)} key positions have a camera",
            f"{len(positions)} 个重要部位中 {covered} 个有摄像机",
        ),
    ]
    if not positions:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [*lines, Text("no key position to check", "没有可核对的重要部位")],
            Text(
                "Confirm the site's key positions (A7.2).",
                "确认本场所的重要部位（第七条第二款）。",
            ),
            figures,
        )
    if gaps:
        gap_names = [f"{g.code} ({g.label})" for g in gaps]
        lines.append(
            Text(
                "without a camera: " + _names(gap_names),
                "未安装摄像机：" + _names_zh(gap_names),
            )
        )
        return Finding(
            Status.NOT_MET,
            lines,
            Text(
                "Install a camera at each uncovered key position and record its siting, "
                "or, with the bureau's guidance, drop the position from the list.",
                "在每个未覆盖的重要部位安装摄像机并登记安装部位；或在公安机关指导下"
                "将该部位从清单中删除。",
            ),
            figures,
        )
    return met(lines, figures)


def check_a7_2(ev: Evidence) -> Finding:
    n = len(ev.coverage.positions)
    if ev.coverage.confirmed:
        return met(
            [Text(f"the unit confirmed {n} key positions", f"单位已确认 {n} 个重要部位")],
            {"key_positions": n},
        )
    return Finding(
        Status.NEEDS_EVIDENCE,
        [
            Text(
                f"no key position confirmed; the default checklist ({n}) is assumed",
                f"未确认重要部位；暂按默认清单（{n} 个）核对",
            )
        ],
        Text(
            "Confirm, drop or add key positions for the site (the unit decides, guided by "
            "the bureau).",
            "确认、删除或增加本场所的重要部位（由单位确定，公安机关指导）。",
        ),
        {"key_positions": n},
    )


def check_a8(ev: Evidence) -> Finding:
    law = ev.law_on_day
    forbidden = []
    for c in ev.cameras:
        cited = forbidding_articles(c.location_type, law.applies) if c.location_type else ()
        if cited:
            forbidden.append(f"{c.name} at {c.location_type} ({c.location_zh}, {', '.join(cited)})")
    unsited = [c.name for c in ev.cameras if c.location_type is None]
    figures = {
        "cameras": len(ev.cameras),
        "at_forbidden_places": len(forbidden),
        "without_siting": len(unsited),
    }
    if forbidden:
        return Finding(
            Status.NOT_MET,
            [
                Text(
                    "at a private place: " + _names(forbidden),
                    "安装在涉及个人隐私的部位：" + _names_zh(forbidden),
                )
            ],
            Text(
                "Remove these cameras now; the articles cited forbid them.",
                "立即拆除这些摄像机：所引条款禁止在此安装。",
            ),
            figures,
        )
    if unsited:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [
                Text(
                    "no siting recorded for: " + _names(unsited),
                    "未登记安装部位：" + _names_zh(unsited),
                )
            ],
            Text(
                "Record where each of these cameras looks (location type).",
                "登记每台摄像机的安装部位（部位类型）。",
            ),
            figures,
        )
    return met(
        [
            Text(
                f"{len(ev.cameras)} cameras, none at a place the law forbids",
                f"共 {len(ev.cameras)} 台摄像机，均未安装在禁止安装的部位",
            )
        ],
        figures,
    )


def check_a9(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    problems: list[str | Text] = []
    refused: list[str | Text] = []
    ok: list[str | Text] = []
    for cat in p.categories:
        try:
            rule = check_builder(cat, p.builder, site_kind=p.site_kind)
        except RefusedByLawError as exc:
            refused.append(
                Text(
                    f"{cat}: {exc.message}",
                    f"{cat}：登记的建设主体（{_BUILDER_ZH.get(p.builder, p.builder)}）"
                    f"不是《办法》规定的建设主体（{exc.article}）",
                )
            )
        except ValidationError as exc:
            problems.append(Text(f"{cat}: {exc.describe()}", f"{cat}：信息不全，无法核对建设主体"))
        else:
            who = _BUILDER_ZH.get(rule.builder.value, rule.builder.value)
            ok.append(
                Text(
                    f"{cat}: built by the {rule.builder.value} ({rule.article})",
                    f"{cat}：由{who}建设（{rule.article}）",
                )
            )
    recorded = _BUILDER_ZH.get(p.builder, p.builder)
    lines = [Text(f"builder recorded: {p.builder}", f"登记的建设主体：{recorded}"), *ok]
    if refused:
        return Finding(
            Status.NOT_MET,
            [*lines, *refused],
            Text(
                "Only the builder the measures name may install here; have the "
                "system handed over to it or removed.",
                "此处只能由《办法》规定的主体建设：将系统移交该主体，或拆除。",
            ),
            {"builder": p.builder},
        )
    if problems:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [*lines, *problems],
            Text(
                "Complete the profile (site kind or position) so the builder can be checked.",
                "补全场所信息（场所种类或部位），以便核对建设主体。",
            ),
            {"builder": p.builder},
        )
    if not p.categories:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [*lines, Text("no A7 category to check it against", "未选择第七条场所类别，无法核对")],
            Text("Record the site's A7 categories.", "登记本场所的第七条场所类别。"),
            {"builder": p.builder},
        )
    return met(lines, {"builder": p.builder})


# --- A11, A13: commissioning, acceptance, filing -----------------------------------------

_PROJECT_KIND_ZH = {"new": "新建", "rebuilt": "改建", "expanded": "扩建", "existing": "已建成系统"}


def check_a11(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    if p.project_kind == "existing":
        return met(
            [
                Text(
                    "not a new, rebuilt or expanded project: A11 does not apply",
                    "非新建、改建、扩建项目：不适用第十一条",
                )
            ]
        )
    kind_zh = _PROJECT_KIND_ZH.get(p.project_kind, p.project_kind)
    if p.main_works_in_use_on is None:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [
                Text(
                    f"{p.project_kind} project; the main works' date of use is not recorded",
                    f"{kind_zh}项目；未登记主体工程投入使用日期",
                )
            ],
            Text(
                "Record when the main works went into use, and when the system did.",
                "登记主体工程和本系统各自投入使用的日期。",
            ),
        )
    check = commissioning_check(p.main_works_in_use_on, p.commissioned_on, today=ev.today)
    figures = {
        "main_works_in_use_on": p.main_works_in_use_on.isoformat(),
        "commissioned_on": p.commissioned_on.isoformat() if p.commissioned_on else None,
        "days_late": check.days_late,
    }
    when = p.commissioned_on.isoformat() if p.commissioned_on else "not yet in use"
    when_zh = p.commissioned_on.isoformat() if p.commissioned_on else "尚未投入使用"
    lines: list[str | Text] = [
        Text(
            f"main works in use {p.main_works_in_use_on}; system: {when}",
            f"主体工程 {p.main_works_in_use_on} 投入使用；本系统：{when_zh}",
        )
    ]
    if check.late:
        return Finding(
            Status.NOT_MET,
            [
                *lines,
                Text(
                    f"system {_days(check.days_late)} after the main works",
                    f"本系统晚于主体工程 {check.days_late} 日",
                ),
            ],
            Text(
                "Put the system into use now and record the date; keep the design "
                "documents showing it was designed with the works.",
                "立即将系统投入使用并登记日期；保存证明系统与主体工程综合设计的设计文件。",
            ),
            figures,
        )
    return met(
        [*lines, Text("put into use with the main works", "与主体工程同步投入使用")], figures
    )


def check_a13_1(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    if p.builder != Builder.GOVERNMENT.value:
        return met(
            [
                Text(
                    f"built by the {p.builder}: acceptance by the government "
                    "does not apply (A13.2 filing does)",
                    "非政府组织建设：不适用政府验收（适用第十三条第二款备案）",
                )
            ]
        )
    # The acceptance that counts is the one the bureau recorded (received over the link);
    # until one passed, the system must not be put into use (A13.1).
    if p.bureau_acceptance is None or p.bureau_acceptance[0] != "passed":
        own = (
            Text(f"the unit recorded acceptance on {p.accepted_on}",
                 f"单位登记的验收日期 {p.accepted_on}")
            if p.accepted_on else Text("no acceptance recorded", "未登记验收")
        )  # fmt: skip
        bureau = (
            Text(f"the bureau recorded a failed acceptance on {p.bureau_acceptance[1]}",
                 f"公安机关登记 {p.bureau_acceptance[1]} 验收不合格")
            if p.bureau_acceptance
            else Text("the bureau has not recorded the acceptance as passed",
                      "公安机关尚未登记验收合格")
        )  # fmt: skip
        return Finding(
            Status.NOT_MET,
            [Text("government-built", "政府组织建设"), own, bureau],
            Text(
                "The system has not passed acceptance and must not be put into use (A13.1).",
                "系统未经验收合格，不得投入使用（第十三条第一款）。",
            ),
        )
    accepted = p.bureau_acceptance[1]
    if p.commissioned_on is not None and p.commissioned_on < accepted:
        return Finding(
            Status.NOT_MET,
            [
                Text(
                    f"in use {p.commissioned_on}, accepted only {accepted}",
                    f"{p.commissioned_on} 已投入使用，{accepted} 才验收",
                )
            ],
            Text(
                "Record the acceptance report; explain the early use to the bureau.",
                "登记验收报告；向公安机关说明提前使用的情况。",
            ),
        )
    return met([Text(f"acceptance passed {accepted} (recorded by the bureau)",
                     f"{accepted} 验收合格（公安机关登记）")])  # fmt: skip


def filing_duty(ev: Evidence) -> FilingDuty | None:
    """The filing the law in force on `ev.today` asks of the system (A13.2, A13.3, N14)."""
    p = ev.profile
    return ev.law_on_day.filing(
        delivered_on=p.delivered_on if p else None,
        commissioned_on=p.commissioned_on if p else None,
        site_class=ev.site_class,
    )


def filing_duty_id(profile: Profile | None, ev: Evidence | None = None) -> str:
    """The provincial filing article while the measures apply (A13.3 for a system delivered
    before 2017-01-01, else A13.2), else the national N14."""
    if ev is not None:
        duty = filing_duty(ev)
        if duty is not None and not any(a.startswith("A13") for a in duty.articles):
            return duty.governing
    if profile is None or profile.delivered_on is None:
        return "A13.2"
    return filing_article(profile.delivered_on)


_ATTACHMENTS = (
    ("design_plan", "design plan", "设计方案"),
    ("test_report", "technical test report", "技术检测材料"),
    ("acceptance_report", "acceptance report", "工程验收材料"),
)


def attachments_missing(p: Profile, wanted: tuple[str, ...] | None = None) -> list[str]:
    return [
        f"{en} {zh}"
        for field, en, zh in _ATTACHMENTS
        if getattr(p, field) is None and (wanted is None or field in wanted)
    ]


_COUNTED_FROM = {
    "delivered_on": ("delivered", "交付使用"),
    "commissioned_on": ("put into use", "投入使用"),
}


def check_filing(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    duty = filing_duty(ev)
    if duty is None:
        return met([Text("no filing rule in force on this day", "当日无备案规定")])
    national = "N14" in duty.articles
    if p.builder == Builder.GOVERNMENT.value and not national and duty.governing == "A13.2":
        return met(
            [
                Text(
                    "government-built: acceptance by the city or county government first "
                    "(A13.1), not filing",
                    "政府组织建设：先由市、县人民政府组织验收（第十三条第一款），不适用备案",
                )
            ]
        )
    if duty.period is None:
        what_en, what_zh = _COUNTED_FROM[duty.counted_from]
        return Finding(
            Status.NEEDS_EVIDENCE,
            [
                Text(duty.rule_en, duty.rule_zh),
                Text(f"the date {what_en} is not recorded", f"未登记{what_zh}日期"),
            ],
            Text(
                f"Record the date the system was {what_en} ({duty.counted_from}); the "
                "filing deadline runs from it.",
                f"登记系统{what_zh}日期（{duty.counted_from}）：备案期限自该日起算。",
            ),
        )
    filed = p.filed_on
    if filed is not None and (filed > ev.today or (duty.start is not None and filed < duty.start)):
        filed = None  # not yet filed on that day, or filed before this period began
    st = deadline_status(duty.period, today=ev.today, done_on=filed, article=duty.governing)
    missing = attachments_missing(p, duty.attachments)
    started = duty.start.isoformat() if duty.start else None
    figures = {
        "articles": list(duty.articles),
        "governing": duty.governing,
        "counted_from": duty.counted_from,
        "start": started,
        "delivered_on": p.delivered_on.isoformat() if p.delivered_on else None,
        "commissioned_on": p.commissioned_on.isoformat() if p.commissioned_on else None,
        "due_on": st.due_date.isoformat(),
        "filed_on": p.filed_on.isoformat() if p.filed_on else None,
        "state": st.state.value,
        "days_left": st.days_left,
        "days_overdue": st.days_overdue,
        "fields": list(duty.fields),
        "attachments_missing": missing,
    }
    lines: list[str | Text] = [
        Text(duty.rule_en, duty.rule_zh),
        Text(f"counted from {started}; {st}", f"自 {started} 起算；{st.text_zh()}"),
    ]
    if p.filed_on is not None and filed is None:
        lines.append(
            Text(
                f"the filing recorded ({p.filed_on}) does not count for this period",
                f"登记的备案（{p.filed_on}）不在本期限内",
            )
        )
    if missing:
        missing_zh = [zh for field, _en, zh in _ATTACHMENTS if field in duty.attachments
                      and getattr(p, field) is None]  # fmt: skip
        lines.append(
            Text(
                "attachments missing (A13.2): " + ", ".join(missing),
                "缺少附件（第十三条第二款）：" + "、".join(missing_zh),
            )
        )
    carries_en = (
        "with the unit's details, where the system is built, the number and types of "
        "cameras and the storage period (N14)"
        if national
        else "with the design plan, technical test and acceptance documents (A13.2)"
    )
    carries_zh = (
        "填报单位基本情况、系统建设位置、图像采集设备数量及类型、视频图像信息存储期限"
        "（《条例》第十四条）"
        if national
        else "附设计方案、技术检测和工程验收材料（第十三条第二款）"
    )
    if st.state is DeadlineState.OVERDUE:
        return Finding(
            Status.NOT_MET,
            lines,
            Text(
                "File the system with the county bureau now (print the filing form: "
                f"`vigil filing form --pdf FILE`) {carries_en}; record the filing date.",
                f"立即向县级公安机关备案（打印备案表：`vigil filing form --pdf FILE`），"
                f"{carries_zh}；登记备案日期。",
            ),
            figures,
        )
    if st.state is DeadlineState.DUE:
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            Text(
                f"File with the county bureau by {st.due_date} "
                f"({_days(st.days_left)} left) {carries_en}, and record the filing date.",
                f"在 {st.due_date} 前（还有 {st.days_left} 日）向县级公安机关备案，"
                f"{carries_zh}，并登记备案日期。",
            ),
            figures,
        )
    if national and p.filing_changes:
        changed = ", ".join(p.filing_changes)
        figures["changed_since_filing"] = list(p.filing_changes)
        return Finding(
            Status.NEEDS_EVIDENCE,
            [
                *lines,
                Text(
                    f"changed since the filing: {changed}",
                    f"备案后已变化的事项：{changed}",
                ),
            ],
            Text(
                "File the change with the county-level bureau promptly (N14) and record "
                "the date of the change filing (filed_on).",
                "及时向县级公安机关办理备案变更（《条例》第十四条），并登记变更备案日期。",
            ),
            figures,
        )
    if missing:
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            Text(
                "Keep copies of the filed documents on record (attach them).",
                "保存已提交备案材料的副本（上传附件）。",
            ),
            figures,
        )
    return Finding(
        Status.MET,
        lines,
        Text("None.", "无。")
        if st.state is DeadlineState.MET
        else Text(
            "Filed late; keep the bureau's receipt on file.", "逾期备案；保存公安机关的回执。"
        ),
        figures,
    )


def check_n11(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    missing = attachments_missing(p)
    if missing:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [Text("files missing: " + ", ".join(missing), "缺少档案：" + "、".join(
                zh for field, _en, zh in _ATTACHMENTS if getattr(p, field) is None))],
            Text(
                "Keep the design, test and acceptance files of the system (attach them).",
                "依法保存系统设计、检验、验收等档案资料（上传附件）。",
            ),
        )  # fmt: skip
    return met([Text("design, test and acceptance files kept", "设计、检验、验收档案已保存")])


DUTIES: tuple[Duty, ...] = (
    Duty("A7", "Cameras at the key positions of the site's A7 categories", check_a7, ("N7.2",)),
    Duty("A7.2", "Key positions decided by the unit", check_a7_2),
    Duty("A8", "No camera at a private place", check_a8, ("N8",)),
    Duty("N8.2", "Regular checks of the places where cameras are forbidden", check_n8_2),
    Duty("A9", "Built by the builder the law names", check_a9, ("N7.3", "N9.1")),
    Duty("N10", "Prior consent of a nearby unit holding state secrets", check_n10),
    Duty("A11", "System put into use with the main works", check_a11),
    Duty("N11", "Built to standards; design, test and acceptance files kept", check_n11),
    Duty("A13.1", "Government-built system accepted before use", check_a13_1),
    Duty("A13.2", "Filed with the county bureau in time", check_filing, ("N14",)),
    Duty("A14", "Clear signs and a fixed capture range", check_a14, ("N13",)),
    Duty("A16(1)", "Security checks, maintenance, emergency plan; no interruption", check_a16_1,
         ("N15",)),
    Duty("A16(2)", "Safe-operation responsibility written into maintenance contracts", check_a16_2,
         ("N15.2",)),
    Duty("A16(3)", "No change of purpose or camera position", check_a16_3),
    Duty("A16(4)", "Only monitoring, management and maintenance staff in the room", check_a16_4),
    Duty("A17.1", "Watch duty; staff trained in security and secrecy", check_a17_1,
         ("N16.2(1)",)),
    Duty("A17.2(2)", "Every review, copy and retrieval registered", check_a17_2_2,
         ("N16.2(3)",)),
    Duty("A17.2(3)", "Material kept at least 30 days; after that only for a live purpose",
         check_retention, ("N17",)),
    Duty("A18(2)", "Originals not deleted or altered within retention", check_a18_2,
         ("N15", "N23(5)")),
)  # fmt: skip
"""The unit's duties, in the order of the measures, each with the national articles that
impose the same duty. A row cites those in force on the report's day (`row_articles`);
the filing row's ID is A13.2, or A13.3 for a system delivered before 2017-01-01, or N14
where no provincial filing article applies (see `duty_id`)."""


def row_articles(duty: Duty, ev: Evidence) -> tuple[str, ...]:
    """Every article in force on `ev.today` that imposes `duty` (empty: no row that day)."""
    cites = duty.cites
    if duty.check is check_filing:
        found = filing_duty(ev)
        cites = found.articles if found is not None else ("A13.2",)
    return ev.law_on_day.cite(cites, ev.site_class)


def duty_id(duty: Duty, ev: Evidence) -> str:
    """The row's ID: the duty's own article while in force, else the first one cited."""
    if duty.check is check_filing:
        return filing_duty_id(ev.profile, ev)
    cited = row_articles(duty, ev)
    return duty.id if duty.id in cited or not cited else cited[0]


def _related(a: str, b: str) -> bool:
    """True if one ID is the other or encloses it (`A16` and `A16(4)`)."""
    return (
        a == b
        or a.startswith(b + ".")
        or a.startswith(b + "(")
        or b.startswith(a + ".")
        or b.startswith(a + "(")
    )


def _national_for(articles: Sequence[str]) -> list[NationalPenalty]:
    return [
        p
        for p in NATIONAL_PENALTIES.values()
        if any(_related(a, b) for a in articles if a.startswith("N") for b in p.breaches)
    ]


def _provincial_for(articles: Sequence[str]) -> list[str]:
    """The provincial violation codes for `articles`, less those a national penalty for
    the same conduct supersedes (national figures govern from 2025-04-01)."""
    superseded = {code for p in _national_for(articles) for code in p.supersedes}
    return [
        code
        for code, v in VIOLATIONS.items()
        if code not in superseded
        and any(_related(a, b) for a in articles if a.startswith("A") for b in v.breaches)
    ]


def sanctions(articles: str | Sequence[str]) -> list[str]:
    """What the bureau may impose when this duty is breached (A24–A26, N26–N30), as text."""
    cited = (articles,) if isinstance(articles, str) else tuple(articles)
    out: list[str] = []
    for code in _provincial_for(cited):
        v = VIOLATIONS[code]
        if v.article == "A25":
            out.append(
                f"{v.article}: order to remove; fines by A25 (profit, no profit, individual)"
            )
            continue
        p = penalty_for(code)
        text = f"{v.article}: order to rectify; if not rectified, unit {p.unit_fine}"
        if p.person_fine:
            text += f", responsible persons {p.person_fine}"
        out.append(text)
    out.extend(p.text() for p in _national_for(cited))
    return sorted(set(out))


def _zh_article(article_id: str) -> str:
    """`A24(4)` → 第二十四条第（四）项 (articles of the penalty chapter only need these)."""
    digits = "零一二三四五六七八九"

    def num(n: int) -> str:
        if n < 10:
            return digits[n]
        return (digits[n // 10] if n >= 20 else "") + "十" + (digits[n % 10] if n % 10 else "")

    art = ARTICLES[article_id]
    out = f"第{num(art.number)}条"
    if art.paragraph:
        out += f"第{num(art.paragraph)}款"
    if art.item:
        out += f"第（{num(art.item)}）项"
    return out


def sanctions_zh(articles: str | Sequence[str]) -> list[str]:
    """`sanctions` in Chinese."""
    cited = (articles,) if isinstance(articles, str) else tuple(articles)
    out: list[str] = []
    for code in _provincial_for(cited):
        v = VIOLATIONS[code]
        where = _zh_article(v.article)
        if v.article == "A25":
            out.append(f"{where}：责令限期拆除；按第二十五条处罚款（营利、非营利、个人）")
            continue
        p = penalty_for(code)
        text = f"{where}：责令限期改正"
        if p.unit_fine:
            text += f"；逾期不改正的，对单位处 {p.unit_fine.min_yuan}–{p.unit_fine.max_yuan} 元罚款"
        if p.person_fine:
            text += (
                f"，对直接负责的主管人员和其他直接责任人员处 "
                f"{p.person_fine.min_yuan}–{p.person_fine.max_yuan} 元罚款"
            )
        out.append(text)
    out.extend(p.text_zh() for p in _national_for(cited))
    return sorted(set(out))
