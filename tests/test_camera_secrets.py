"""A camera's password never leaves the encrypted URL (A16(4)): not in the status, the API,
the CLI, the log file, the audit log, the alarms or the index.

Both ways cameras take credentials are fed through the real path: `user:password@` in the
URL and `?user=admin&password=...` in its query string. The cameras point at a closed port,
so the real ffmpeg fails and prints its error line, which quotes the URL it could not open;
the real recorder (`vigil record`) turns that line into the camera's status.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.site.test_api import serving
from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.alarms import raise_alarm
from vigil.context import SiteContext
from vigil.db.models import Base
from vigil.media.simulated import free_tcp_port
from vigil.text import RedactingFilter, redact

SECRET_USERINFO = "Userinfo-s3cret-77"
SECRET_QUERY = "Query-s3cret-88"
SECRETS = (SECRET_USERINFO, SECRET_QUERY)
PASSWORD = "correct-horse-9"
ROLES = ("administrator", "monitor", "maintainer", "auditor")


def wait_for(what: str, cond: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def assert_no_secret(where: str, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    for secret in SECRETS:
        assert secret.encode() not in data, f"{where} holds the camera password {secret!r}"


@pytest.mark.slow
def test_camera_passwords_reach_no_reader(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = free_tcp_port()  # nobody listens: ffmpeg's error names the URL
    urls = {
        "cam-userinfo": f"rtsp://admin:{SECRET_USERINFO}@127.0.0.1:{closed}/stream",
        "cam-query": f"rtsp://127.0.0.1:{closed}/stream?user=admin&password={SECRET_QUERY}",
    }
    env = {**cli_env, "VIGIL_RECONNECT_MIN_S": "0.5", "VIGIL_RECONNECT_MAX_S": "1"}
    vigil = [sys.executable, "-m", "vigil.cli.main"]

    def run(*args: str) -> str:
        out = subprocess.run([*vigil, *args], env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert_no_secret(f"`vigil {' '.join(args)}` (stderr)", out.stderr)
        return out.stdout

    run("init")
    for name, url in urls.items():
        assert_no_secret("`vigil camera add`", run("camera", "add", name, "--url", url))
    home = Path(env["VIGIL_HOME"])
    if "VIGIL_DATABASE_URL" in env:  # this process reads the same index as the recorder
        monkeypatch.setenv("VIGIL_DATABASE_URL", env["VIGIL_DATABASE_URL"])
    ctx = SiteContext.open(home)
    try:
        rec = subprocess.Popen([*vigil, "record", "--quiet"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        try:
            seen: dict[str, str] = {}

            def both_refused() -> bool:
                status = run("status", "--json")
                seen["status"] = status
                return all(
                    "Connection refused" in c["detail"] for c in json.loads(status)["cameras"]
                )

            wait_for("ffmpeg's error as both cameras' status", both_refused)
            readers(ctx, urls, closed, run, seen["status"])
        finally:
            rec.send_signal(signal.SIGINT)
            _, rec_err = rec.communicate(timeout=30)
        assert_no_secret("the recorder's stderr", rec_err)
        log_text = (home / "logs" / "vigil.log").read_text(encoding="utf-8")
        assert "admin:***@" in log_text and "password=***" in log_text
        assert_no_secret("logs/vigil.log", log_text)

        # Whatever the index holds in clear: every row of every table.
        with ctx.sessions() as s:
            for table in Base.metadata.sorted_tables:
                for row in s.execute(select(table)):
                    assert_no_secret(f"table {table.name}", repr(tuple(row)))
    finally:
        ctx.close()
    for path in home.rglob("*"):  # the SQLite file and its WAL, logs, staging state...
        if path.is_file() and not path.name.endswith((".mp4", ".part")):
            assert_no_secret(str(path.relative_to(home)), path.read_bytes())


def readers(
    ctx: SiteContext,
    urls: dict[str, str],
    closed: int,
    run: Callable[..., str],
    status: str,
) -> None:
    """Every reader of the running site, the CLI and the API as each role."""
    # An alarm quoting a URL (as one quoting an ffmpeg error would) is redacted too.
    raise_alarm(ctx, "commit_failed", "critical", f"could not open {urls['cam-query']}", 1)
    raise_alarm(ctx, "storage_slow", "warning", f"could not open {urls['cam-userinfo']}", 2)

    assert_no_secret("`vigil status --json`", status)
    cams = {c["name"]: c for c in json.loads(status)["cameras"]}
    # The error went through (the path is exercised), its credentials masked.
    assert f"rtsp://admin:***@127.0.0.1:{closed}/stream" in cams["cam-userinfo"]["detail"]
    assert "password=***" in cams["cam-query"]["detail"]
    assert {c["state"] for c in cams.values()} == {"offline"}
    assert_no_secret("`vigil status --json` later", run("status", "--json"))
    assert_no_secret("`vigil status`", run("status"))
    assert_no_secret("`vigil camera list --json`", run("camera", "list", "--json"))
    audit_json = run("audit", "list", "--json")
    assert_no_secret("`vigil audit list --json`", audit_json)
    assert "password=***" in audit_json
    assert_no_secret("`vigil audit list`", run("audit", "list"))

    users = UserRegistry(ctx)
    for role in ROLES:
        users.add(role, PASSWORD, Role(role), actor="test")
    for cam in urls:
        users.grant("monitor", cam, live=True, playback=True, actor="test")
        users.grant("maintainer", cam, live=True, actor="test")
    with serving(ctx) as base:
        for role in ROLES:
            with httpx.Client(base_url=base, timeout=30) as c:
                r = c.post("/api/v1/auth/login", json={"username": role, "password": PASSWORD})
                assert r.status_code == 200, r.text
                for path in ("/api/v1/status", "/api/v1/cameras", "/api/v1/audit"):
                    r = c.get(path)
                    if r.status_code == 403:  # not this role's to read
                        continue
                    assert r.status_code == 200, (role, path, r.text)
                    assert_no_secret(f"GET {path} as {role}", r.text)
                if role == "auditor":
                    assert "***" in c.get("/api/v1/status").text


@pytest.mark.parametrize(
    ("raw", "redacted"),
    [
        ("rtsp://admin:pw@cam:554/s", "rtsp://admin:***@cam:554/s"),
        ("rtsp://admin:p@ss:w0rd@cam/s", "rtsp://admin:***@cam/s"),
        ("rtsp://cam/s?user=admin&password=pw&ch=1", "rtsp://cam/s?user=admin&password=***&ch=1"),
        ("rtsp://cam/s?PWD=pw", "rtsp://cam/s?PWD=***"),
        ("rtsp://cam/s?loginPass=pw;token=t", "rtsp://cam/s?loginPass=***;token=***"),
        ("rtsp://cam/s?passwd=pw&auth=a&secret=s&key=k", "rtsp://cam/s?passwd=***&auth=***&secret=***&key=***"),
        ("[rtsp @ 0x1] rtsp://u:pw@10.0.0.1/x?pwd=pw: Connection refused",
         "[rtsp @ 0x1] rtsp://u:***@10.0.0.1/x?pwd=*** Connection refused"),
        ("rtsp://cam/stream", "rtsp://cam/stream"),
        ("rtsp://viewer@cam/stream", "rtsp://viewer@cam/stream"),
        ("disk full: recording of new material paused", "disk full: recording of new material paused"),
    ],
)  # fmt: skip
def test_redact(raw: str, redacted: str) -> None:
    assert redact(raw) == redacted
    assert redact(redacted) == redacted  # redacting twice changes nothing


def test_log_filter_redacts_messages_arguments_and_tracebacks(tmp_path: Path) -> None:
    """The filter on the log handlers: a module that logs a URL does not leak it."""
    path = tmp_path / "vigil.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("vigil.test_secrets")
    logger.addHandler(handler)
    try:
        logger.warning("opening %s", f"rtsp://admin:{SECRET_USERINFO}@cam/s")
        try:
            raise OSError(f"rtsp://cam/s?password={SECRET_QUERY}: refused")
        except OSError:
            logger.exception("camera failed")
    finally:
        logger.removeHandler(handler)
        handler.close()
    written = path.read_text(encoding="utf-8")
    assert "admin:***@cam" in written and "password=***" in written and "OSError" in written
    assert_no_secret("a log file", written)
    assert os.stat(path).st_size > 0
