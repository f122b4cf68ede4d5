"""docs/compliance.md stays true: real article IDs, every article, real modules and tests."""

from __future__ import annotations

import re
from pathlib import Path

from vigil.regulation.articles import is_valid_article_id

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "compliance.md"


def rows() -> list[list[str]]:
    out = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if re.match(r"\| [AN]\d", line):
            out.append([cell.strip() for cell in line.strip("|").split("|")])
    return out


def test_every_cited_id_is_a_registered_article() -> None:
    ids = re.findall(r"\b[AN]\d{1,2}(?:\.\d)?(?:\(\d{1,2}\))?", DOC.read_text(encoding="utf-8"))
    assert ids
    unknown = sorted({i for i in ids if not is_valid_article_id(i)})
    assert unknown == []


def test_every_article_has_a_row() -> None:
    numbers = {int(re.findall(r"A(\d+)", r[0])[0]) for r in rows() if r[0].startswith("A")}
    assert numbers == set(range(1, 29))
    national = {r[0] for r in rows() if r[0].startswith("N")}
    assert national == {f"N{n}" for n in range(1, 35)}


def test_named_modules_and_tests_exist() -> None:
    for row in rows():
        article, _duty, status, modules, tests = row
        for module in re.findall(r"`([^`]+\.py)`", modules):
            assert (ROOT / module).exists(), f"{article}: {module} does not exist"
        for ref in re.findall(r"`([^`]+)`", tests):
            path, _, name = ref.partition("::")
            text = (ROOT / path).read_text(encoding="utf-8")
            assert f"def {name}(" in text, f"{article}: {ref} does not exist"
        if status.startswith(("done", "partial")):
            assert modules != "—" and tests != "—", f"{article} claims code without a test"


def regulation_citations() -> dict[str, set[str]]:
    """Every article ID the rules of vigil/regulation cite: `article=` strings, ID constants
    and the IDs in their tables (every string literal that is a canonical ID), by module."""
    import ast

    from vigil.regulation.articles import ARTICLE_ID_PATTERN

    cited: dict[str, set[str]] = {}
    for path in sorted((ROOT / "vigil" / "regulation").glob("*.py")):
        if path.name in ("article_texts.py", "national_texts.py"):  # the registries
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and ARTICLE_ID_PATTERN.match(node.value)
            ):
                cited.setdefault(node.value, set()).add(path.name)
    return cited


def doc_ids() -> set[str]:
    return set(
        re.findall(r"\b[AN]\d{1,2}(?:\.\d)?(?:\(\d{1,2}\))?", DOC.read_text(encoding="utf-8"))
    )


def test_every_article_a_rule_cites_is_in_the_doc() -> None:
    cited = regulation_citations()
    assert {"A8(1)", "A13.2", "A13.3", "A17.2(3)", "A24(4)", "A9.3", "N14", "N17"} <= set(cited)
    missing = {i: sorted(m) for i, m in cited.items() if i not in doc_ids()}
    assert missing == {}, "cited by vigil/regulation but not in docs/compliance.md"


def test_the_self_check_report_and_the_doc_agree_on_the_unit_duties() -> None:
    from vigil.compliance.duties import DUTIES

    status = {row[0]: row[2] for row in rows()}
    modules = {row[0]: row[3] for row in rows()}
    for duty in DUTIES:
        # a national duty's row is its article's (N8.2 → N8): the doc has a row per N article
        own = duty.id if duty.id.startswith("A") else re.sub(r"[.(].*$", "", duty.id)
        ids = [duty.id, "A13.3"] if duty.id == "A13.2" else [own]
        # the national articles a row cites, by their article's row (N16.2(3) → N16)
        ids += sorted({re.sub(r"[.(].*$", "", a) for a in duty.also})
        for checked_id in ids:
            # One report row may stand for the doc's rows of its items (A8 → A8(1)..A8(5)).
            covered = (
                [checked_id]
                if checked_id in status
                else [a for a in status if a.startswith((checked_id + "(", checked_id + "."))]
            )
            assert covered, f"{checked_id} is checked by the report but has no row"
            for article in covered:
                assert not status[article].startswith("none"), f"{article}: doc says no duty"
                assert "vigil/compliance/" in modules[article], (
                    f"{article}: the row does not name the self-check module"
                )
    checked = {d.id for d in DUTIES} | {"A13.3"} | {a for d in DUTIES for a in d.also}
    for article, st in status.items():
        if st.startswith("none"):
            assert not any(article == c or c.startswith(article + "(") for c in checked)
