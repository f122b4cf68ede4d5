"""The authority for the national tests: the Chinese text of the regulation of 2025.

The regulation lives in `../shared/regulation/national-2025.zh.txt` (relative to the
repository root), which a checkout may lack. `EMBEDDED` is a verbatim copy of the articles
whose words and figures the tests pin (N7, N8, N9, N14, N17, N26–N30, N34); tests
parametrised over `SOURCES` run against the copy always and against the file when present,
and `test_national_source` checks that the two agree. Paragraphs are lines; items carry
full-width brackets (（一）).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from ._source import chinese_number

NATIONAL_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "regulation" / "national-2025.zh.txt"
)
_HEADING = re.compile(r"^第([一二三四五六七八九十]+)条\s*(.*)$")
_ITEM = re.compile(r"^（([一二三四五六七八九十]+)）(.*?)[；;。]?$")

Source = dict[int, tuple[str, ...]]


def parse_national(text: str) -> Source:
    """Article number → its lines (paragraphs and items), from the full text."""
    articles: dict[int, list[str]] = {}
    current = 0
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            current = chinese_number(match.group(1))
            articles[current] = [match.group(2)]
        elif current and line.strip() and not line.startswith("#"):
            articles[current].append(line)
    return {number: tuple(lines) for number, lines in articles.items()}


@cache
def national_articles() -> Source | None:
    if not NATIONAL_PATH.is_file():
        return None
    return parse_national(NATIONAL_PATH.read_text(encoding="utf-8"))


def items(source: Source, number: int) -> dict[int, str]:
    """Item number → text (the first list of items of the article)."""
    out: dict[int, str] = {}
    for line in source[number]:
        match = _ITEM.match(line)
        if match:
            out[chinese_number(match.group(1))] = match.group(2)
    return out


def paragraphs(source: Source, number: int) -> list[str]:
    """The paragraphs: lines that are not items."""
    return [line for line in source[number] if not _ITEM.match(line)]


def text(source: Source, number: int) -> str:
    return "\n".join(source[number])


EMBEDDED: dict[int, tuple[str, ...]] = {
    7: (
        "城乡主要路段、行政区域道路边界、桥梁、隧道、地下通道、广场、治安保卫重点单位周边区域等公共场所的公共安全视频系统，由县级以上地方人民政府按照建设规划组织有关部门建设，纳入公共基础设施管理，建设、维护经费列入本级政府预算。",
        "下列公共场所涉及公共安全区域的公共安全视频系统，由对相应场所负有经营管理责任的单位按照相关标准建设，安装图像采集设备的重点部位由县级以上地方人民政府各有关部门按照职责分工指导确定：",
        "（一）商贸中心、会展中心、旅游景区、文化体育娱乐场所、教育机构、医疗机构、政务服务大厅、公园、公共停车场等人员聚集场所；",
        "（二）出境入境口岸（通道）、机场、港口客运站、通航建筑物、铁路客运站、汽车客运站、城市轨道交通站等交通枢纽；",
        "（三）客运列车、营运载客汽车、城市轨道交通车辆、客运船舶等大中型公共交通工具；",
        "（四）高速公路、普通国省干线的服务区。",
        "在前两款规定的场所、区域内安装图像采集设备及相关设施，应当为维护公共安全所必需，除前两款规定的政府有关部门、负有经营管理责任的单位（以下统称公共安全视频系统管理单位）外，其他任何单位或者个人不得安装。",
    ),
    8: (
        "禁止在公共场所的下列区域、部位安装图像采集设备及相关设施：",
        "（一）旅馆、饭店、宾馆、招待所、民宿等经营接待食宿场所的客房或者包间内部；",
        "（二）学生宿舍的房间内部，或者单位为内部人员提供住宿、休息服务的房间内部；",
        "（三）公共的浴室、卫生间、更衣室、哺乳室、试衣间的内部；",
        "（四）安装图像采集设备后能够拍摄、窥视、窃听他人隐私的其他区域、部位。",
        "对上述区域、部位负有经营管理责任的单位或者个人，应当加强日常管理和检查，发现在前款所列区域、部位安装图像采集设备及相关设施的，应当立即报告所在地公安机关处理。",
    ),
    9: (
        "在本条例第七条规定之外的其他公共场所安装图像采集设备及相关设施，应当为维护公共安全所必需，仅限于对该场所负有安全防范义务的单位或者个人安装，其他任何单位或者个人不得安装。",
        "依照前款规定安装图像采集设备及相关设施的，应当遵守本条例除第十一条、第十四条、第十五条、第十六条第二款、第十七条规定的强制性要求之外的其他各项规定。",
    ),
    14: (
        "公共安全视频系统管理单位应当在系统投入使用之日起30日内，将单位基本情况、公共安全视频系统建设位置、图像采集设备数量及类型、视频图像信息存储期限等基本信息，向所在地县级人民政府公安机关备案。本条例施行前已经启用的，应当在本条例施行之日起90日内备案。公共安全视频系统备案事项发生变化的，应当及时办理备案变更。",
        "公共安全视频系统管理单位应当对备案信息的真实性负责。",
        "公安机关应当加强信息化建设，为公共安全视频系统管理单位办理备案提供便利，能够通过部门间信息共享获得的备案信息，不要求当事人提供。",
    ),
    17: (
        "公共安全视频系统收集的视频图像信息应当保存不少于30日；30日后，对已经实现处理目的的视频图像信息，应当予以删除。法律、行政法规对视频图像信息保存期限另有规定的，从其规定。",
    ),
    26: (
        "违反本条例第七条第三款、第九条第一款规定安装图像采集设备及相关设施的，由公安机关责令限期改正，并删除所收集的视频图像信息；拒不改正的，没收相关设备设施，对违法个人并处5000元以下罚款，对违法单位并处2万元以下罚款，对其直接负责的主管人员和其他直接责任人员处5000元以下罚款。",
    ),
    27: (
        "违反本条例第八条第一款规定安装图像采集设备及相关设施的，由公安机关没收相关设备设施，删除所收集的视频图像信息，对违法个人并处5000元以上1万元以下罚款，对违法单位并处1万元以上2万元以下罚款，对其直接负责的主管人员和其他直接责任人员处5000元以上1万元以下罚款；偷窥、偷拍、窃听他人隐私，构成违反治安管理行为的，依法给予治安管理处罚；构成犯罪的，依法追究刑事责任。",
        "对相应区域、部位负有经营管理责任的单位或者个人未履行本条例第八条第二款规定的日常管理和检查义务的，由公安机关责令改正；拒不改正或者造成严重后果的，对违法个人处5000元以上1万元以下罚款，对违法单位处1万元以上2万元以下罚款，对其直接负责的主管人员和其他直接责任人员处5000元以上1万元以下罚款，并通报有关主管部门根据情节轻重责令暂停相关业务或者停业整顿、吊销相关业务许可或者吊销营业执照。",
    ),
    28: (
        "未依照本条例第十条规定征得相关涉密单位同意安装图像采集设备及相关设施的，由公安机关没收相关设备设施，删除所收集的视频图像信息，对违法个人并处5000元以上1万元以下罚款，对违法单位并处1万元以上2万元以下罚款，对其直接负责的主管人员和其他直接责任人员处5000元以上1万元以下罚款；非法获取国家秘密、军事秘密的，依照有关法律的规定给予处罚；构成犯罪的，依法追究刑事责任。",
    ),
    29: (
        "未依照本条例第十四条规定备案或者提供虚假备案信息的，由公安机关责令限期改正；拒不改正的，处1万元以下罚款。",
    ),
    30: (
        "违反本条例第二十三条第二项规定擅自改动、迁移、拆除图像采集设备及相关设施的，由公安机关责令改正，给予警告；拒不改正或者造成严重后果的，对违法个人处5000元以下罚款，对违法单位处5000元以上1万元以下罚款，对其直接负责的主管人员和其他直接责任人员处5000元以下罚款。",
    ),
    34: ("本条例自2025年4月1日起施行。",),
}

SOURCES = [
    pytest.param(EMBEDDED, id="embedded"),
    pytest.param(
        national_articles() or {},
        id="file",
        marks=pytest.mark.skipif(national_articles() is None, reason=f"{NATIONAL_PATH} absent"),
    ),
]
