"""GB 32100-2015 credit codes and GB/T 2260 division codes, with real published codes."""

from __future__ import annotations

import pytest

from vigil.errors import ValidationError
from vigil.regulation import (
    CREDIT_CODE_ALPHABET,
    PROVINCE_CODES,
    check_credit_code,
    check_division_code,
    credit_code_check_character,
)
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
        ("160000", "province-level"),
        ("000000", "province-level"),
        ("990000", "province-level"),
        ("470101", "province-level"),
        ("350001", "without a prefecture"),
        ("810100", "only the code 810000"),
        ("710101", "only the code 710000"),
    ],
)
def test_bad_division_codes_name_the_field(code: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_division_code(code)
    assert err.value.field == "division_code"
    assert words in err.value.message


def test_province_codes_are_the_34_of_gb_t_2260() -> None:
    ranges = [(11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65)]
    expected = {f"{n}" for a, b in ranges for n in range(a, b + 1)} | {"71", "81", "82"}
    assert set(PROVINCE_CODES) == expected
    assert len(PROVINCE_CODES) == 34
