"""The authority for the tests: the Chinese text of the measures.

The measures live in `../shared/regulation/measures.zh.txt` (relative to the repository root),
which a checkout may lack. `EMBEDDED` is a verbatim copy of the articles whose words and
numbers the tests pin; tests parametrised over `SOURCES` run against the copy always and
against the file whenever it is present, and `test_source.py` checks that the two agree.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

MEASURES_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "regulation" / "measures.zh.txt"
)

_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HEADING = re.compile(r"^第([一二三四五六七八九十]+)条\s*(.*)$")
_ITEM = re.compile(r"^\(([一二三四五六七八九十]+)\)(.*?)[;。]?$")


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十四 → 14, 二十八 → 28."""
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    return _DIGITS[text]


def parse_measures(text: str) -> dict[int, tuple[str, ...]]:
    """Article number → its lines (the heading's "第N条" removed), from the full text."""
    articles: dict[int, list[str]] = {}
    current = 0
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            current = chinese_number(match.group(1))
            articles[current] = [match.group(2)]
        elif line.strip():
            articles[current].append(line)
    return {number: tuple(lines) for number, lines in articles.items()}


Source = dict[int, tuple[str, ...]]


@cache
def source_articles() -> Source | None:
    """The parsed measures file, or None if it is not there."""
    if not MEASURES_PATH.is_file():
        return None
    return parse_measures(MEASURES_PATH.read_text(encoding="utf-8"))


def article_text(source: Source, number: int) -> str:
    return "\n".join(source[number])


def article_items(source: Source, number: int) -> dict[int, str]:
    """Item number → item text without "(一)" and the closing ";" or "。"."""
    items: dict[int, str] = {}
    for line in source[number]:
        match = _ITEM.match(line)
        if match:
            items[chinese_number(match.group(1))] = match.group(2)
    return items


def fines(source: Source, number: int) -> list[tuple[int, int]]:
    """Every "X元以上Y元以下" range of article `number`, in order."""
    pattern = r"(\d+)元以上(\d+)元以下"
    return [(int(a), int(b)) for a, b in re.findall(pattern, article_text(source, number))]


EMBEDDED: dict[int, tuple[str, ...]] = {
    7: (
        "下列涉及公共安全的场所和部位应当安装公共安全视频图像信息系统:",
        "(一)公路和城市道路的重要路段、路口、隧道;",
        "(二)旅馆、影剧院、体育场馆、公共娱乐场所、互联网上网服务营业场所的大厅、通道、出入口;",
        "(三)商业中心、农贸市场、会展中心、商业街的公共通道和出入口;",
        "(四)广播、电视、通信、邮政、大型电子信息处理等系统的重要部位;",
        "(五)城市公共交通车辆、长途客运车辆等大中型公共交通工具;",
        "(六)机场、港口、车站、城市轨道交通站、城市公共汽车枢纽站、停车场的重要部位;",
        "(七)大型能源动力设施、水利设施和水、电、燃油、燃气、热力供应设施的重要部位;",
        "(八)研制、生产、储存、销售危险物品场所和大型物资储备场所的重要部位;",
        "(九)重点文物保护单位、博物馆、档案馆、图书馆和存放重要文物、资料、物品的纪念馆、展览馆的重要部位;",
        "(十)科研机构、金融机构的重要部位;",
        "(十一)学校、幼儿园、医疗机构、养老机构、救助管理机构、儿童福利机构的重要部位;",
        "(十二)公园、旅游景区、城市广场、地下人行通道等人员密集场所的重要部位;",
        "(十三)居民住宅区的重要部位;",
        "(十四)法律、法规、规章规定的其他应当安装公共安全视频图像信息系统的场所和部位。",
        "前款所称重要部位,由涉及公共安全场所的建设、管理或者使用单位依照国家有关规定确定。公安机关应当对重要部位的确定予以指导、监督。",
    ),
    8: (
        "下列涉及个人隐私的场所和部位,禁止安装公共安全视频图像信息系统:",
        "(一)旅馆客房、集体宿舍的房间内;",
        "(二)公共浴室、更衣室、试衣间、哺乳室、卫生间;",
        "(三)金融机构内可能泄露客户个人信息的操作部位;",
        "(四)选举箱、投票点、举报箱附近可能观察到个人意愿表达的部位;",
        "(五)其他涉及个人隐私的场所和部位。",
    ),
    9: (
        "公路和城市道路的重要路段、路口、隧道,城市轨道交通站、城市公共汽车枢纽站,开放式公园的主要通道和出入口,以及城市广场、地下人行通道等人员密集的公共场所、部位的公共安全视频图像信息系统,由市、县人民政府组织建设和维护。政府组织建设公共安全视频图像信息系统,应当利用、整合已有的公共安全视频图像信息系统,避免重复建设。",
        "除前款规定以外,本办法第七条所列其他场所、部位应当安装公共安全视频图像信息系统的,由该场所、部位的建设、管理或者使用单位负责建设。",
        "其他单位和个人,不得在涉及公共安全的场所、部位安装视频图像信息系统。",
    ),
    13: (
        "依照本办法第九条第一款规定建设的公共安全视频图像信息系统交付使用前,应当由市、县人民政府组织有关部门进行验收。未经验收或者验收不合格的,不得投入使用。",
        "依照本办法第九条第二款规定建设的公共安全视频图像信息系统,应当自交付使用之日起30日内,由其管理、使用单位向所在地县级人民政府公安机关备案。备案时应当提交公共安全视频图像信息系统的设计方案和技术检测、工程验收材料。公安机关收到备案材料之日起30日内,应当实地查看、指导。",
        "本办法实施前已经建成的公共安全视频图像信息系统,应当自本办法施行之日起60日内,由其管理、使用单位向所在地县级人民政府公安机关备案。",
    ),
    15: (
        "按照本办法规定安装的公共安全视频图像信息系统,因客观条件发生变化,需要拆除的,拆除单位应当提前10日通知所在地县级人民政府公安机关。公安机关接到通知后,应当采取适当形式对需要拆除的信息系统存储的资料处理进行监督。",
    ),
    17: (
        "公共安全视频图像信息系统管理、使用单位,应当建立和实施公共安全视频图像信息系统值守监看、信息资料安全管理制度,对信息系统的监看、管理、维护人员进行监督管理和安全知识、保密知识教育。",
        "公共安全视频图像信息系统管理、使用单位应当遵守下列规定:",
        "(一)发现危及公共安全和其他违法犯罪行为可疑信息的,及时向公安机关报告。",
        "(二)对信息资料的查阅、复制、调取人员以及查阅、复制、调取的时间、用途、去向等进行登记。",
        "(三)有效存储信息资料的期限不少于30日,法律、法规另有规定的,从其规定。",
    ),
    24: (
        "有下列情形之一的,由县级以上人民政府公安机关责令限期改正;逾期不改正的,对单位处2000元以上10000元以下罚款,对直接负责的主管人员和其他直接责任人员处200元以上1000元以下罚款:",
        "(一)未按本办法第七条、第九条第二款规定安装公共安全视频图像信息系统的;",
        "(二)未按本办法第十一条规定综合设计、同步投入使用公共安全视频图像信息系统的;",
        "(三)违反本办法第十五条规定,拆除公共安全视频图像信息系统未通知公安机关的;",
        "(四)违反本办法第十六条规定,中断公共安全视频图像信息系统运行,擅自改变公共安全视频图像信息系统用途或者视频图像采集设备位置,或者允许非监看、管理、维护人员进入监看场所的;",
        "(五)违反本办法第十七条第二款规定,不对信息资料查阅、复制、调取的人员、时间、用途、去向等进行登记,或者有效存储信息资料的期限少于30日的;",
        "(六)违反本办法第二十条、第二十一条规定,拒绝公安机关、国家安全机关依照本办法规定接入、直接使用公共安全视频图像信息系统,或者拒绝公安机关、国家安全机关或者其他有关行政管理部门依法查阅、复制、调取公共安全视频图像信息系统信息资料的。",
    ),
    25: (
        "违反本办法第八条、第九条第三款规定,非法安装公共安全视频图像信息系统或者其他视频图像采集设备的,由县级以上人民政府公安机关责令限期拆除。单位以营利为目的安装,有违法所得的,对单位处5000元以上30000元以下罚款,对直接负责的主管人员和其他直接责任人员处500元以上1000元以下罚款;没有违法所得的,对单位处2000元以上10000元以下罚款,对直接负责的主管人员和其他直接责任人员处200元以上1000元以下罚款。单位不以营利为目的安装,以及个人安装的,处500元以上1000元以下罚款。",
    ),
    26: (
        "有下列行为之一的,由县级以上人民政府公安机关责令限期改正;逾期不改正的,对单位处2000元以上10000元以下罚款,对直接负责的主管人员和其他直接责任人员处200元以上1000元以下罚款;依法应当给予治安处罚的,依照《中华人民共和国治安管理处罚法》予以处罚;涉嫌构成犯罪的,由司法机关依法追究刑事责任;造成公民人身损害、财产损失,或者造成公共财产损失的,依法承担赔偿责任:",
        "(一)违反本办法第十八条规定,利用公共安全视频图像信息系统故意采集国家秘密、商业秘密、个人隐私或者侵犯公民、法人、其他组织合法权益的信息,删改、隐匿、毁弃有效存储期限内信息资料的原始记录,或者向本办法规定以外的单位、个人提供信息资料的;",
        "(二)违反本办法第十九条规定,盗窃、损毁公共安全视频图像信息系统的设施、设备,或者买卖、非法复制、传播公共安全视频图像信息系统采集的信息资料的。",
    ),
    27: (
        "公安机关、国家安全机关或者其他行政管理部门及其工作人员有下列情形之一的,由其上级机关或者监察机关责令改正,对直接负责的主管人员和其他直接责任人员依法给予处分;涉嫌构成犯罪的,由司法机关依法追究刑事责任:",
        "(一)违反本办法第十二条规定,向建设单位指定视频图像产品或者销售单位,指定视频图像信息系统设计、施工、维护单位,或者利用职权牟取不正当利益的;",
        "(二)违反本办法第二十条规定,非因公共安全、国家安全需要,或者未经批准,接入或者直接使用相关单位公共安全视频图像信息系统的;",
        "(三)违反本办法第二十一条、第二十二条规定,查阅、复制或者调取公共安全视频图像信息资料的;",
        "(四)违反本办法第二十三条规定,未依法履行监督检查职责,造成严重后果的;",
        "(五)接到公共安全视频图像信息系统使用单位有关危及公共安全和其他违法犯罪行为可疑信息报告后,不依法及时处理的。",
    ),
    28: ("本办法自2017年1月1日起施行。",),
}


SOURCES = [
    pytest.param(EMBEDDED, id="embedded"),
    pytest.param(
        source_articles() or {},
        id="file",
        marks=pytest.mark.skipif(source_articles() is None, reason=f"{MEASURES_PATH} absent"),
    ),
]
"""Parametrise a test over the embedded copy and, when present, the measures file."""
