"""`vigil compliance report` and `vigil filing form` as an outside check runs them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from tests.cli.test_cli import vigil
from vigil.regulation.articles import is_valid_article_id


def test_report_json_pdf_verify_and_filing_form(cli_env: dict[str, str], tmp_path: Path) -> None:
    vigil(cli_env, "init")
    out = vigil(
        cli_env,
        "compliance",
        "report",
        "--json",
        "--pdf",
        str(tmp_path / "r.pdf"),
        "--out",
        str(tmp_path / "r.json"),
    )
    report = json.loads(out.stdout)
    ids = [d["id"] for d in report["duties"]]
    assert ids and all(is_valid_article_id(i) for i in ids) and "A17.2(3)" in ids
    assert {d["status"] for d in report["duties"]} <= {"met", "not_met", "needs_evidence"}
    by_id = {d["id"]: d for d in report["duties"]}
    assert by_id["A13.2"]["status"] == "not_met"
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert vigil(cli_env, "compliance", "verify", str(tmp_path / "r.json")).returncode == 0
    altered = (tmp_path / "r.json").read_text(encoding="utf-8").replace('"not_met"', '"met"', 1)
    (tmp_path / "bad.json").write_text(altered, encoding="utf-8")
    bad = vigil(cli_env, "compliance", "verify", str(tmp_path / "bad.json"), ok=False)
    assert bad.returncode == 1 and "signature" in bad.stdout

    # No profile yet: the filing form says what to fill in, naming the field and article.
    form = vigil(cli_env, "filing", "form", "--pdf", str(tmp_path / "f.pdf"), ok=False)
    assert form.returncode == 2 and "site_profile:" in form.stderr and "A13.2" in form.stderr
    assert not (tmp_path / "f.pdf").exists()

    # The report generations were registered (A17.2(2)).
    acts = json.loads(
        vigil(cli_env, "audit", "list", "--json", "--action", "compliance_report").stdout
    )
    assert len(acts) == 1
    assert [Path(d).name for d in acts[0]["destination"].split(", ")] == ["r.pdf", "r.json"]


def test_filing_form_pdf_from_the_cli(cli_env: dict[str, str], tmp_path: Path) -> None:
    vigil(cli_env, "init")
    home = Path(cli_env["VIGIL_HOME"])
    if "VIGIL_DATABASE_URL" in cli_env:
        import psycopg

        conn_pg = psycopg.connect(cli_env["VIGIL_DATABASE_URL"], autocommit=True)
        execute = conn_pg.execute
    else:
        conn = sqlite3.connect(home / "vigil.db", isolation_level=None)
        execute = conn.execute  # type: ignore[assignment]
    execute(
        "INSERT INTO site_profile (id, unit_name, credit_code, division_code, address, "
        "categories, builder, contact_name, contact_phone, project_kind, delivered_on, "
        "updated_us, updated_by) VALUES (1, '某某大酒店', '91350100M000100Y43', '350102', "
        "'福州市', '[\"hospitality_entertainment\"]', 'unit', '', '', 'existing', "
        "'2016-06-01', 0, 'test')"
    )
    out = vigil(cli_env, "filing", "form", "--on", "2017-03-10", "--pdf", str(tmp_path / "f.pdf"))
    assert "A13.3" in out.stdout and "N14" not in out.stdout
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "f.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "某某大酒店" in text and "备案" in text and "已逾期" in text and "2017-03-02" in text


def test_a_report_is_registered_before_it_is_written_and_a_failed_write_says_so(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    vigil(cli_env, "init")
    target = tmp_path / "no-such-folder" / "report.pdf"
    failed = vigil(cli_env, "compliance", "report", "--pdf", str(target), ok=False)
    assert failed.returncode != 0 and "pdf" in failed.stderr and not target.exists()
    entries = json.loads(
        vigil(cli_env, "audit", "list", "--json", "--action", "compliance_report").stdout
    )
    assert [e["result"] for e in entries] == ["ok", "failed"]
    assert entries[1]["destination"] == str(target) and entries[1]["detail"]["error"]


def test_law_list_profile_jurisdiction_and_report_on_a_day(cli_env: dict[str, str]) -> None:
    vigil(cli_env, "init")
    law = json.loads(vigil(cli_env, "law", "list", "--json", "--on", "2026-06-01").stdout)
    assert [r["id"] for r in law["rule_sets"]] == ["measures-2017", "national-2025"]
    assert {r["id"]: r["in_force_from"] for r in law["rule_sets"]} == {
        "measures-2017": "2017-01-01",
        "national-2025": "2025-04-01",
    }
    assert law["in_force"]["jurisdiction"] == "province"
    assert law["in_force"]["rule_sets"] == ["measures-2017", "national-2025"]
    old = json.loads(vigil(cli_env, "law", "list", "--json", "--on", "2024-06-01").stdout)
    assert old["in_force"]["rule_sets"] == ["measures-2017"]
    assert "national-2025 from 2025-04-01" in vigil(cli_env, "law", "list").stdout

    hotel = [
        "--unit-name", "某某大酒店", "--credit-code", "91350100M000100Y43",
        "--division-code", "350102", "--address", "福州市", "--categories",
        "hospitality_entertainment", "--builder", "unit",
        "--delivered-on", "2024-05-06", "--commissioned-on", "2024-05-10",
    ]  # fmt: skip
    bad = vigil(cli_env, "site", "profile", "set", *hotel, "--jurisdiction", "mars", ok=False)
    assert bad.returncode == 2 and "jurisdiction:" in bad.stderr and "province" in bad.stderr
    vigil(cli_env, "site", "profile", "set", *hotel, "--national-class", "crowded_place")
    report = json.loads(
        vigil(cli_env, "compliance", "report", "--json", "--on", "2024-06-01").stdout
    )
    assert report["today"] == "2024-06-01"
    rows = {d["id"]: d for d in report["duties"]}
    assert rows["A13.2"]["articles"] == ["A13.2"]
    assert rows["A13.2"]["figures"]["due_on"] == "2024-06-05"  # 30 days from delivery
    assert rows["A17.2(3)"]["articles"] == ["A17.2(3)"]
    report = json.loads(vigil(cli_env, "compliance", "report", "--json").stdout)
    rows = {d["id"]: d for d in report["duties"]}
    assert rows["A13.2"]["articles"] == ["N14", "A13.2"]
    assert rows["A13.2"]["figures"]["due_on"] == "2025-06-30"  # in use before 2025-04-01
    assert rows["A17.2(3)"]["articles"] == ["A17.2(3)", "N17"]
    vigil(cli_env, "site", "profile", "set", "--jurisdiction", "national")
    law = json.loads(vigil(cli_env, "law", "list", "--json").stdout)
    assert law["in_force"]["jurisdiction"] == "national"
    bad = vigil(cli_env, "compliance", "report", "--json", "--on", "2024-13-01", ok=False)
    assert bad.returncode == 2 and "on:" in bad.stderr
