"""The `vigil subject-request`, `vigil privacy-check` and `vigil site secret-unit` commands
as real processes on a fresh home (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
import subprocess

from tests.site.test_records_profile import png_bytes


def vigil(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["vigil", *args], env=env, capture_output=True, text=True)


def test_found_camera_report_from_the_command_line(cli_env: dict[str, str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert vigil(cli_env, "init").returncode == 0
    photo = tmp_path / "found.png"
    photo.write_bytes(png_bytes())
    done = vigil(cli_env, "privacy-check", "add", "--on", "2025-06-01", "--by", "王五",
                 "--place", "客房 301", "--place", "客房 302", "--result", "camera_found",
                 "--found-place", "客房 302 插座内", "--description", "针孔摄像头",
                 "--photo", str(photo))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "report #1" in done.stdout and "pending_to_bureau" in done.stdout
    reports = json.loads(vigil(cli_env, "privacy-check", "reports", "--json").stdout)
    (report,) = reports
    assert report["document"]["found"]["place"] == "客房 302 插座内"
    assert report["document"]["found"]["photo"]["content_type"] == "image/png"
    assert report["signature"] and report["status"] == "pending_to_bureau"
    listed = json.loads(vigil(cli_env, "privacy-check", "list", "--json").stdout)
    assert listed["facts"]["due_on"] == "2025-07-01" and listed["facts"]["pending_reports"] == 1
    refused = vigil(cli_env, "privacy-check", "add", "--on", "2025-06-01", "--by", "王五",
                    "--place", "客房", "--result", "camera_found")  # fmt: skip
    assert refused.returncode == 2 and "found" in refused.stderr and "N8.2" in refused.stderr


def test_subject_request_and_secret_unit_from_the_command_line(cli_env: dict[str, str]) -> None:
    assert vigil(cli_env, "init").returncode == 0
    assert vigil(cli_env, "camera", "add", "gate", "--url", "rtsp://10.0.0.1/s").returncode == 0
    done = vigil(cli_env, "subject-request", "add", "--name", "张三", "--id-type", "居民身份证",
                 "--id-number", "350102199001011234", "--relation", "self",
                 "--reason", "lost wallet", "--camera", "gate",
                 "--from", "2025-06-01T00:00Z", "--to", "2025-06-01T01:00Z")  # fmt: skip
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(vigil(cli_env, "subject-request", "list", "--json").stdout)
    assert row["id_doc_number"].endswith("1234") and row["id_doc_number"].startswith("****")
    (row,) = json.loads(vigil(cli_env, "subject-request", "list", "--json", "--show-id").stdout)
    assert row["id_doc_number"] == "350102199001011234"
    refused = vigil(cli_env, "subject-request", "decide", "1", "--refuse")
    assert refused.returncode == 2 and "reasons" in refused.stderr
    done = vigil(cli_env, "subject-request", "decide", "1", "--refuse", "--note", "not filmed")
    assert done.returncode == 0 and "refused" in done.stdout
    # no profile yet: the flag has nowhere to go
    refused = vigil(cli_env, "site", "secret-unit", "set", "--near")
    assert refused.returncode == 4 and "profile" in refused.stderr
