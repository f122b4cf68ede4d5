"""The bureaus' hierarchy by administrative division (GB/T 2260): county 区县 < city 设区的市 <
province. A bureau sees the units of its own division and of the divisions under it: a city
bureau (350100) its counties' (350102, 350103, ...), not a neighbouring city's (350200)."""

from __future__ import annotations


def prefix(code: str) -> str:
    """The code's significant digits: 35 for a province, 3501 for a city, 350102 a county."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def within(bureau_code: str, unit_code: str) -> bool:
    """Whether a unit in `unit_code` lies in the jurisdiction of a bureau of `bureau_code`."""
    return unit_code.startswith(prefix(bureau_code))
