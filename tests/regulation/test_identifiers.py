"""GB 32100-2015 credit codes and GB/T 2260 division codes, with real published codes."""

from __future__ import annotations

import pytest

from vigil.errors import ValidationError
from vigil.regulation import (
    CREDIT_CODE_ALPHABET,
    REGISTRATION_AUTHORITIES,
    check_credit_code,
    check_division_code,
    credit_code_check_character,
    division,
)
from vigil.regulation.divisions import division_list
from vigil.regulation.identifiers import CREDIT_CODE_WEIGHTS

# Codes printed on business licences and published in the national enterprise register.
REAL_CODES = (
    "91350100M000100Y43",  # the example of the brief (Fuzhou)
    "914403001922038216",  # 华为技术有限公司 (Shenzhen)
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴(中国)有限公司 (Hangzhou)
    "91110108551385082Q",  # 北京小米科技有限责任公司
)


def test_alphabet_and_weights_are_those_of_the_standard() -> None:
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert not set("IOSVZ") & set(CREDIT_CODE_ALPHABET)
    assert CREDIT_CODE_WEIGHTS == (
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    )  # fmt: skip


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code: str) -> None:
    assert check_credit_code(code) == code
    assert credit_code_check_character(code[:17]) == code[17]


def test_spaces_and_lower_case_are_normalised() -> None:
    assert check_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert check_credit_code("9135 0100 M000 100Y 43") == "91350100M000100Y43"


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_other_check_character_fails(code: str) -> None:
    for ch in CREDIT_CODE_ALPHABET:
        if ch == code[17]:
            continue
        with pytest.raises(ValidationError) as err:
            check_credit_code(code[:17] + ch)
        assert err.value.field == "credit_code"
        assert f"should be {code[17]!r}" in err.value.message


def test_a_single_mistyped_character_is_caught() -> None:
    code = REAL_CODES[1]
    for i in range(17):
        for ch in CREDIT_CODE_ALPHABET[:10]:
            if ch == code[i]:
                continue
            typo = code[:i] + ch + code[i + 1 :]
            with pytest.raises(ValidationError):
                check_credit_code(typo)


def test_check_value_31_is_written_zero() -> None:
    # Find a prefix whose weighted sum is a multiple of 31: its check character is '0'.
    base = "91350100M000100Y"
    for ch in CREDIT_CODE_ALPHABET:
        if credit_code_check_character(base + ch) == "0":
            assert check_credit_code(base + ch + "0") == base + ch + "0"
            return
    pytest.fail("no prefix with check value 0 found")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91350100M000100Y4", "has 17"),
        ("91350100M000100Y433", "has 19"),
        ("", "has 0"),
        ("91350100M000100I43", "'I'"),
        ("91350100M000100O43", "'O'"),
        ("9135010OM000100Y43", "'O'"),
        ("91350100M0001-0Y43", "'-'"),
        ("91A50100M000100Y43", "positions 3-8"),
    ],
)
def test_malformed_codes_name_the_field(code: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_credit_code(code, field="contractor_credit_code")
    assert err.value.field == "contractor_credit_code"
    assert words in err.value.message


@pytest.mark.parametrize("code", ["350102", "350100", "350000", "110000", "110101", "500101",
                                  "429004", "469001", "650000", "710000", "810000", "820000"])  # fmt: skip
def test_real_division_codes_pass(code: str) -> None:
    assert check_division_code(code) == code


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("35010", "6 digits"),
        ("3501020", "6 digits"),
        ("35O102", "6 digits"),
        ("３５０１０２", "6 digits"),  # full-width digits
        ("160000", "no province has this code"),
        ("000000", "no province has this code"),
        ("990000", "no province has this code"),
        ("470101", "no province has this code"),
        ("350199", "no such division in 福建省"),  # never issued
        ("350001", "no such division in 福建省"),
        ("350182", "no such division in 福建省"),  # 长乐市, a district of Fuzhou since 2017
        ("810100", "no such division in 香港特别行政区"),
        ("710101", "no such division in 台湾省"),
        ("110100", "not a current"),  # 市辖区: a grouping row of the lists, not a division
    ],
)
def test_bad_division_codes_name_the_field(code: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_division_code(code)
    assert err.value.field == "division_code"
    assert words in err.value.message


def test_350102_is_gulou_district_of_fuzhou_and_350199_is_refused() -> None:
    found = division("350102")
    assert (found.code, found.name, found.full_name) == ("350102", "鼓楼区", "福建省福州市鼓楼区")
    assert division("350100").full_name == "福建省福州市"
    with pytest.raises(ValidationError) as err:
        division("350199", field="site.division_code")
    assert err.value.field == "site.division_code"
    assert "350199" in err.value.message


def test_the_list_is_a_recent_published_one_not_a_typed_one() -> None:
    listed = division_list()
    assert listed.year >= 2024
    assert len(listed.current) > 3000  # every county-level and higher division
    provinces = {c for c in listed.current if c.endswith("0000")}
    assert len(provinces) == 34
    assert {p[:2] for p in provinces} == set(listed.provinces_ever)
    # changes of recent years are in: 米林县 became 米林市 (2023), 和安县 was made (2024)
    assert division("540481").name == "米林市"
    assert division("653229").name == "和安县"
    with pytest.raises(ValidationError):
        division("540422")  # the former 米林县


# --- GB 32100: registration authority and type (characters 1 and 2) ---------------------------


def test_the_standard_table_of_authorities_and_types() -> None:
    assert REGISTRATION_AUTHORITIES["9"][1] == {
        "1": "企业",
        "2": "个体工商户",
        "3": "农民专业合作社",
    }
    assert dict(REGISTRATION_AUTHORITIES["1"][1]) == {
        "1": "机关",
        "2": "事业单位",
        "3": "中央编办直接管理机构编制的群众团体",
        "9": "其他",
    }
    assert dict(REGISTRATION_AUTHORITIES["5"][1]).items() >= {
        "1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"
    }.items()  # fmt: skip
    assert dict(REGISTRATION_AUTHORITIES["Y"][1]) == {"1": "其他"}
    assert all(a in CREDIT_CODE_ALPHABET for a in REGISTRATION_AUTHORITIES)


def _with_check(first17: str) -> str:
    return first17 + credit_code_check_character(first17)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("000000000000000000", "no registration authority"),  # its check character is right
        (_with_check("01350100M000100Y4"), "no registration authority"),
        (_with_check("B1350100M000100Y4"), "no registration authority"),
        (_with_check("94350100M000100Y4"), "no type of organisation"),  # 工商 has 1-3 only
        (_with_check("99350100M000100Y4"), "no type of organisation"),
        (_with_check("Y2350100M000100Y4"), "no type of organisation"),
        (_with_check("14350100M000100Y4"), "no type of organisation"),
        (_with_check("91990100M000100Y4"), "starting with a province code"),
        (_with_check("91A50100M000100Y4"), "starting with a province code"),
    ],
)
def test_credit_codes_with_a_right_check_but_a_wrong_authority_or_type_fail(
    code: str, words: str
) -> None:
    assert credit_code_check_character(code[:17]) == code[17]
    with pytest.raises(ValidationError) as err:
        check_credit_code(code, field="credit_code")
    assert err.value.field == "credit_code"
    assert words in err.value.message


@pytest.mark.parametrize(
    "first17",
    [
        "12350100M000100Y4",  # 机构编制, 事业单位
        "51350100M000100Y4",  # 民政, 社会团体
        "52350100M000100Y4",  # 民政, 民办非企业单位
        "93350100M000100Y4",  # 工商, 农民专业合作社
        "Y1350100M000100Y4",  # 其他
        "11100000M000100Y4",  # a national authority: 100000
        "92350182M000100Y4",  # 长乐市 (abolished 2017) in an old registration: only the
    ],  # province is checked
)
def test_credit_codes_of_every_authority_and_type_of_the_table_pass(first17: str) -> None:
    assert check_credit_code(_with_check(first17)) == _with_check(first17)
