"""Identifiers a filing carries: the unit's credit code and the division of its site.

- The unified social credit code (统一社会信用代码, GB 32100-2015) has 18 characters from a
  31-character alphabet (digits and capitals without I, O, S, V, Z). Positions 3-8 are the
  registering authority's administrative division code; position 18 is a check character:
  with character values c1..c17 and weights w_i = 3^(i-1) mod 31,
  c18 = 31 - (sum(c_i * w_i) mod 31), where 31 is written as '0'.
  Position 1 is the registration authority and position 2 the type of organisation it
  registers (`REGISTRATION_AUTHORITIES`): 9 then 1 is an enterprise, so 000000000000000000,
  whose check character is right, is still refused.
- The administrative division code (行政区划代码, GB/T 2260) has 6 digits: province (2),
  prefecture (2) and county (2). It must be in the current list (`vigil.regulation.divisions`,
  the Ministry of Civil Affairs' yearly list as packaged): 350102 is 福建省福州市鼓楼区, and
  350199 is refused.

Pure functions, no I/O; an invalid code raises `ValidationError` naming the field.
"""

from __future__ import annotations

from types import MappingProxyType

from vigil.errors import ValidationError
from vigil.regulation.divisions import Division, current_division, division_list

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of GB 32100-2015, in order of their values 0..30."""

CREDIT_CODE_LENGTH = 18
_VALUES = MappingProxyType({ch: value for value, ch in enumerate(CREDIT_CODE_ALPHABET)})
CREDIT_CODE_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(CREDIT_CODE_LENGTH - 1))
"""Weights of positions 1..17: 3^(i-1) mod 31 (1, 3, 9, 27, 19, 26, 16, 17, 20, ...)."""

REGISTRATION_AUTHORITIES: MappingProxyType[str, tuple[str, MappingProxyType[str, str]]] = (
    MappingProxyType(
        {
            auth: (name, MappingProxyType(kinds))
            for auth, (name, kinds) in {
                "1": ("机构编制", {"1": "机关", "2": "事业单位",
                                   "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
                "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
                "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所",
                                   "4": "司法鉴定机构", "5": "仲裁委员会", "6": "商事调解组织",
                                   "9": "其他"}),
                "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
                "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会",
                               "4": "村民委员会", "5": "居民委员会", "9": "其他"}),
                "6": ("旅游", {"1": "外国政府旅游部门常驻代表机构",
                               "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
                "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
                "8": ("工会", {"1": "基层工会", "2": "非法人工会组织", "9": "其他"}),
                "9": ("工商（市场监管）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
                "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
                "G": ("公安", {"1": "境外非政府组织代表机构", "9": "其他"}),
                "J": ("住房和城乡建设", {"1": "业主大会", "9": "其他"}),
                "N": ("农业农村", {"1": "组级集体经济组织", "2": "村级集体经济组织",
                                   "3": "乡镇级集体经济组织", "9": "其他"}),
                "Q": ("侨联", {"1": "区县级侨联组织", "2": "乡镇级侨联组织", "3": "村级侨联组织",
                               "9": "其他"}),
                "Y": ("其他", {"1": "其他"}),
            }.items()
        }
    )
)  # fmt: skip
"""Character 1 (the registration authority) → its name and the type codes (character 2) it
may issue, with their names. Table 1 of GB 32100-2015 (1, 5, 9, Y and the others there), and
the authorities and types the national coordinating body has allocated since (A, G, J, N, Q;
3-6, 5-4, 5-5, 8-2), so that a code issued today is not refused."""

NATIONAL_REGISTRATION = "100000"
"""Positions 3-8 of a code registered by a national authority (e.g. 11100000000013127F)."""


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
    authority = REGISTRATION_AUTHORITIES.get(clean[0])
    if authority is None:
        raise ValidationError(
            f"{clean!r} starts with {clean[0]!r}, which is no registration authority of "
            f"GB 32100 ({', '.join(REGISTRATION_AUTHORITIES)}; 9 is the market regulator, "
            "1 the staffing office, 5 civil affairs)",
            field=field,
        )
    authority_name, kinds = authority
    if clean[1] not in kinds:
        raise ValidationError(
            f"{clean!r}: {clean[1]!r} is no type of organisation that {authority_name} "
            f"({clean[0]}) registers under GB 32100; its types are "
            + ", ".join(f"{k} {v}" for k, v in kinds.items()),
            field=field,
        )
    region = clean[2:8]
    if not region.isdigit() or (
        region != NATIONAL_REGISTRATION and region[:2] not in division_list().provinces_ever
    ):
        # Only the province is checked: the rest is the division of the day the code was
        # issued, and many of those have since been renamed or merged.
        raise ValidationError(
            f"positions 3-8 of {clean!r} must be the registering authority's division code "
            f"(GB/T 2260), starting with a province code, or {NATIONAL_REGISTRATION} for a "
            f"national authority; {region!r} is neither",
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
    """The code if it is a current GB/T 2260 administrative division code (see `divisions`)."""
    return division(code, field=field).code


def division(code: str, *, field: str = "division_code") -> Division:
    """The current division with this code; `ValidationError` naming `field` if none."""
    if not isinstance(code, str):
        raise ValidationError("must be 6 digits such as 350102", field=field)
    clean = code.strip()
    if len(clean) != 6 or not clean.isascii() or not clean.isdigit():
        raise ValidationError(
            f"an administrative division code is 6 digits (GB/T 2260), got {code!r}",
            field=field,
        )
    found = current_division(clean)
    if found is None:
        listed = division_list()
        province = current_division(clean[:2] + "0000")
        where = (
            f"there is no such division in {province.name}"
            if province is not None
            else "no province has this code"
        )
        raise ValidationError(
            f"{clean!r} is not a current administrative division code (GB/T 2260): {where} in "
            f"the Ministry of Civil Affairs' list of {listed.year}; give the code of the "
            "county, district or city where the site is, e.g. 350102 for 福州市鼓楼区",
            field=field,
        )
    return found
