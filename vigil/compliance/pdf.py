"""PDF rendering with Chinese text: the CJK font, a small page helper, the report's PDF.

fpdf2 embeds a subset of Noto Sans CJK SC (Debian's fonts-noto-cjk, CFF outlines, which
fpdf2 embeds as a CID-keyed CFF font; reportlab cannot). The font file is found at run time
through fontconfig, then in Debian's usual paths; WenQuanYi Zen Hei (fonts-wqy-zenhei) is
accepted as a fallback. Without either, a clear error names the package to install.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from vigil.errors import VigilError

FONT_PACKAGE = "fonts-noto-cjk"
_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Zen Hei")
_KNOWN_PATHS = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"), 2),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
)


class FontMissingError(VigilError):
    code = "font_missing"


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int
    family: str


def _fc_match(pattern: str) -> FontFile | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    out = subprocess.run(
        [exe, "-f", "%{file}|%{index}|%{family}", pattern],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    parts = out.stdout.split("|", 2)
    if out.returncode != 0 or len(parts) != 3:
        return None
    path, index, family = parts
    wanted = pattern.split(":", 1)[0]
    if wanted not in family.split(",") or not Path(path).is_file():
        return None  # fontconfig falls back to any font; only the asked family will do
    return FontFile(Path(path), int(index or 0), wanted)


@functools.cache
def cjk_font(bold: bool = False) -> FontFile:
    """The CJK font file to embed (regular, or bold when one exists)."""
    style = "Bold" if bold else "Regular"
    for family in _FAMILIES:
        found = _fc_match(f"{family}:style={style}") or (None if bold else _fc_match(family))
        if found is not None and (not bold or "Bold" in found.path.name):
            return found
    for path, index in _KNOWN_PATHS:
        if path.is_file() and (("Bold" in path.name) == bold):
            return FontFile(path, index, path.stem)
    if bold:
        return cjk_font(False)
    raise FontMissingError(
        "no Chinese (CJK) font is installed, so the PDF cannot show Chinese text; install "
        f"Debian's package {FONT_PACKAGE} (apt-get install {FONT_PACKAGE}), as ./setup.sh does",
        field="font",
    )


class Document(FPDF):
    """An A4 page with the CJK font, a running footer, and helpers for labelled rows."""

    def __init__(self, title: str, footer: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        regular, bold = cjk_font(False), cjk_font(True)
        self.add_font("cjk", "", str(regular.path), collection_font_number=regular.index)
        self.add_font("cjk", "B", str(bold.path), collection_font_number=bold.index)
        self.set_title(title)
        self.set_creator("Vigil")
        self._footer_text = footer
        self.set_auto_page_break(True, margin=16)
        self.set_margins(15, 15, 15)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", "", 7)
        self.set_text_color(90, 90, 90)
        self.cell(
            0, 5, f"{self._footer_text}   第 {self.page_no()} 页 / page {self.page_no()}", align="C"
        )
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float = 15) -> None:
        self.set_font("cjk", "B", size)
        self.multi_cell(0, size * 0.55, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def section(self, text: str) -> None:
        self.ln(2)
        self.set_font("cjk", "B", 11)
        self.set_fill_color(230, 234, 240)
        self.multi_cell(0, 7, text, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def para(self, text: str, size: float = 9) -> None:
        self.set_font("cjk", "", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(
        self,
        header: tuple[str, ...],
        rows: Sequence[Sequence[str]],
        widths: tuple[float, ...],
        size: float = 8.5,
    ) -> None:
        self.set_font("cjk", "", size)
        with self.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=size * 0.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 238, 243)),
            first_row_as_headings=True,
        ) as table:
            head = table.row()
            for text in header:
                head.cell(text)
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(text)

    def fields(self, pairs: Sequence[Sequence[str]]) -> None:
        self.grid(("项目 Item", "内容 Entry"), pairs, (55, 125), size=9)


_STATUS = {
    "met": "符合 met",
    "not_met": "不符合 NOT MET",
    "needs_evidence": "待补证 needs evidence",
}


def _action_zh(duty: dict[str, Any]) -> str:
    """The remedy and the sanctions in Chinese (reports made before they carried Chinese
    texts fall back to the English)."""
    action = str(duty.get("action_zh") or duty["action"])
    sanctions = [str(x) for x in duty.get("sanctions_zh") or duty["sanctions"]]
    return action + ("\n" + "\n".join(sanctions) if sanctions else "")


def render_report_pdf(report: dict[str, Any]) -> bytes:
    """The self-check report as PDF; the signed JSON rides along as an embedded file."""
    site = report["site"]
    sig = report["signature"]
    doc = Document(
        "公共安全视频图像信息系统自查报告 Self-check report",
        f"Vigil 自查报告 · {site.get('unit_name') or ''} · {report['generated_at']}",
    )
    doc.heading("公共安全视频图像信息系统自查报告\nSelf-check report under the Measures")
    doc.fields(
        [
            ("管理、使用单位 Unit", site.get("unit_name") or "（未填写 not recorded）"),
            ("统一社会信用代码 Credit code", site.get("credit_code") or "—"),
            ("行政区划代码 Division code", site.get("division_code") or "—"),
            ("地址 Address", site.get("address") or "—"),
            (
                "生成时间 Generated at",
                f"{report['generated_at']} (本地日期 local day "
                f"{report['today']}, {report['time_zone']})",
            ),
            ("完整性检查 Integrity check", report["integrity_check"]),
            (
                "统计期 Period",
                f"最近 {report['period_days']} 日 / last {report['period_days']} days",
            ),
        ]
    )
    s = report["summary"]
    doc.section(
        f"汇总 Summary: 符合 met {s['met']} · 不符合 not met {s['not_met']} · "
        f"待补证 needs evidence {s['needs_evidence']} · 共 total {s['total']}"
    )
    rows = [
        (
            "\n".join(d.get("articles") or [d["id"]])
            + ("\n（非强制 optional）" if d.get("optional") else ""),
            f"{d['title_zh']}\n{d['title']}",
            _STATUS[d["status"]],
            "\n".join(d.get("evidence_zh") or d["evidence"]),
            _action_zh(d),
        )
        for d in report["duties"]
    ]
    doc.grid(
        ("条款 Article", "义务 Duty", "状态 Status", "依据 Evidence", "整改 Action"),
        rows,
        (17, 38, 20, 58, 47),
        size=7.5,
    )
    doc.section("签名 Signature")
    doc.para(
        "本报告由本系统站点密钥以 Ed25519 签名。签名对象为报告 JSON（去掉 signature 成员）的规范"
        "形式；JSON 作为附件嵌入本 PDF（compliance-report.json），可用 `pdfdetach -saveall` 取出，"
        "用 `vigil compliance verify FILE` 或任何 Ed25519 工具验证。\n"
        "Signed with the site key (Ed25519) over the canonical JSON of the report without its "
        "'signature' member. The JSON is embedded in this PDF (compliance-report.json).\n"
        f"key_id: {sig['key_id']}\nsha256: {sig['sha256']}\nsignature: {sig['value']}",
        size=8,
    )
    data = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    doc.embed_file(
        bytes=data,
        basename="compliance-report.json",
        mime_type="application/json",
        desc="signed self-check report (JSON)",
    )
    return bytes(doc.output())
