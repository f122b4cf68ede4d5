"""Operator-marked regions of a copy for publication (N22): `x,y,w,h[@from-to]` in the
source's pixels and seconds of the clip; a bad one is refused naming the field and citing
N22."""

from __future__ import annotations

import pytest

from vigil.errors import ValidationError
from vigil.export.masking import parse_region, parse_regions


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("10,10,50", "x,y,w,h"),
        ("a,b,c,d", "x,y,w,h"),
        ("-5,0,10,10", "x,y,w,h"),
        ("10,10,0,20", "no area"),
        ("10,10,20,20@5-2", "after its start"),
        ("10,10,20,20@3", "x,y,w,h"),
    ],
)
def test_bad_regions_name_the_field_and_cite_n22(text: str, says: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_region(text)
    assert err.value.field == "mask_region" and err.value.article == "N22"
    assert says in err.value.message


def test_region_times_are_parsed_in_milliseconds() -> None:
    r = parse_region(" 1, 2 ,3,4 @ 0.5 - 12.25 ")
    assert (r.x, r.y, r.w, r.h, r.from_ms, r.to_ms) == (1, 2, 3, 4, 500, 12250)
    assert r.active(500) and r.active(12249) and not r.active(12250) and not r.active(499)
    whole = parse_region("1,2,3,4")
    assert whole.active(0) and whole.active(10**9)
    with pytest.raises(ValidationError) as err:
        parse_regions(["1,1,1,1"] * 51)
    assert err.value.field == "mask_region"
