"""Identifiers a filing carries: the unit's credit code and the division of its site.

- The unified social credit code (统一社会信用代码, GB 32100-2015) has 18 characters from a
  31-character alphabet (digits and capitals without I, O, S, V, Z). Positions 3-8 are the
  registering authority's administrative division code; position 18 is a check character:
  with character values c1..c17 and weights w_i = 3^(i-1) mod 31,
  c18 = 31 - (sum(c_i * w_i) mod 31), where 31 is written as '0'.
- The administrative division code (行政区划代码, GB/T 2260) has 6 digits: province (2),
  prefecture (2) and county (2); a level not reached is written "00". Only the province
  codes are fixed here (the list changes yearly below that level), and the structure:
  no county without a prefecture, and Taiwan, Hong Kong and Macao only as a whole.

Pure functions, no I/O; an invalid code raises `ValidationError` naming the field.
"""

from __future__ import annotations

from types import MappingProxyType

from vigil.errors import ValidationError

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of GB 32100-2015, in order of their values 0..30."""

CREDIT_CODE_LENGTH = 18
_VALUES = MappingProxyType({ch: value for value, ch in enumerate(CREDIT_CODE_ALPHABET)})
CREDIT_CODE_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(CREDIT_CODE_LENGTH - 1))
"""Weights of positions 1..17: 3^(i-1) mod 31 (1, 3, 9, 27, 19, 26, 16, 17, 20, ...)."""

PROVINCE_CODES: MappingProxyType[str, str] = MappingProxyType(
    {
        "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
        "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
        "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
        "36": "江西省", "37": "山东省",
        "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省",
        "45": "广西壮族自治区", "46": "海南省",
        "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
        "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
    }
)  # fmt: skip
"""The province-level codes of GB/T 2260 (first two digits of every division code)."""

_WHOLE_ONLY = frozenset({"71", "81", "82"})


def credit_code_check_character(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a credit code."""
    if len(first17) != CREDIT_CODE_LENGTH - 1 or any(ch not in _VALUES for ch in first17):
        raise ValueError(f"need 17 characters of the GB 32100 alphabet, got {first17!r}")
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(code: str, *, field: str = "credit_code") -> str:
    """The code, upper-cased and without spaces, if it is a valid GB 32100-2015 code."""
    if not isinstance(code, str):
        raise ValidationError("must be text such as 91350100M000100Y43", field=field)
    clean = "".join(code.split()).upper()
    if len(clean) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            f"a unified social credit code has 18 characters, {clean!r} has {len(clean)}",
            field=field,
        )
    bad = sorted({ch for ch in clean if ch not in _VALUES})
    if bad:
        raise ValidationError(
            f"{clean!r} contains {', '.join(repr(c) for c in bad)}; a unified social credit "
            "code uses only digits and the capitals A-H, J-N, P-R, T, U, W-Y (no I, O, S, V, Z)",
            field=field,
        )
    if not clean[2:8].isdigit():
        raise ValidationError(
            f"positions 3-8 of {clean!r} must be the registering authority's 6-digit division code",
            field=field,
        )
    expected = credit_code_check_character(clean[:17])
    if clean[17] != expected:
        raise ValidationError(
            f"{clean!r} fails the GB 32100 check: the last character should be {expected!r}, "
            "so the code is mistyped",
            field=field,
        )
    return clean


def check_division_code(code: str, *, field: str = "division_code") -> str:
    """The code if it is a well-formed GB/T 2260 administrative division code."""
    if not isinstance(code, str):
        raise ValidationError("must be 6 digits such as 350102", field=field)
    clean = code.strip()
    if len(clean) != 6 or not clean.isascii() or not clean.isdigit():
        raise ValidationError(
            f"an administrative division code is 6 digits (GB/T 2260), got {code!r}",
            field=field,
        )
    province, prefecture, county = clean[:2], clean[2:4], clean[4:]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            f"{clean!r} does not start with a province-level code of GB/T 2260 "
            f"(11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82)",
            field=field,
        )
    if province in _WHOLE_ONLY and clean != province + "0000":
        raise ValidationError(
            f"{PROVINCE_CODES[province]} has only the code {province}0000 in GB/T 2260",
            field=field,
        )
    if prefecture == "00" and county != "00":
        raise ValidationError(
            f"{clean!r} names a county (digits 5-6) without a prefecture (digits 3-4)",
            field=field,
        )
    return clean


def division_province(code: str) -> str:
    """The province-level name of a valid division code, e.g. 福建省 for 350102."""
    return PROVINCE_CODES[check_division_code(code)[:2]]
