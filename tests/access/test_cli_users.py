"""`vigil user ...` and `vigil token ...` as an operator runs them: real processes."""

from __future__ import annotations

import getpass
import json
import subprocess
from pathlib import Path

import pytest

from vigil.context import SiteContext

from .helpers import audit_rows

PW = "correct-horse-7"


def vigil(
    env: dict[str, str], *args: str, stdin: str | None = None, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(["vigil", *args], env=env, input=stdin, capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    assert "Traceback" not in out.stdout + out.stderr
    if ok:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture
def home(cli_env: dict[str, str]) -> dict[str, str]:
    vigil(cli_env, "init")
    return cli_env


def users(env: dict[str, str]) -> dict[str, dict[str, object]]:
    return {u["username"]: u for u in json.loads(vigil(env, "user", "list", "--json").stdout)}


def test_add_list_disable_enable_passwd(
    home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outs = [
        vigil(home, "user", "add", "alice", "--role", "monitor", "--display-name", "Alice Li",
              "--password-stdin", stdin=PW + "\n"),
        vigil(home, "user", "add", "root", "--role", "管理", "--password-stdin", stdin=PW),
    ]  # fmt: skip
    listed = users(home)
    assert listed["alice"]["role"] == "monitor" and listed["alice"]["display_name"] == "Alice Li"
    assert listed["root"]["role"] == "administrator" and listed["alice"]["disabled"] is False
    outs.append(vigil(home, "user", "disable", "alice"))
    assert users(home)["alice"]["disabled"] is True
    outs.append(vigil(home, "user", "enable", "alice"))
    outs.append(vigil(home, "user", "passwd", "alice", "--password-stdin", stdin="new-pass-word-2"))
    outs.append(vigil(home, "user", "list"))
    assert "alice" in outs[-1].stdout and "监看" in outs[-1].stdout
    for out in outs:
        assert PW not in out.stdout + out.stderr and "new-pass-word-2" not in out.stdout
    hom = Path(home["VIGIL_HOME"])
    logs = "".join(p.read_text() for p in (hom / "logs").glob("*.log"))
    assert PW not in logs
    listed_json = vigil(home, "user", "list", "--json").stdout
    assert "argon2" not in listed_json and "hash" not in listed_json
    for key in ("VIGIL_DATABASE_URL", "VIGIL_MIN_FREE_BYTES"):  # the index the CLI used
        if key in home:
            monkeypatch.setenv(key, home[key])
    ctx = SiteContext.open(hom)
    try:
        rows = [(e["actor"], e["action"]) for e in audit_rows(ctx)]
    finally:
        ctx.close()
    actor = "cli:" + getpass.getuser()
    assert rows == [(actor, "init"), (actor, "user_add"), (actor, "user_add"),
                    (actor, "user_disable"), (actor, "user_enable"),
                    (actor, "user_password")]  # fmt: skip


BAD_INPUT = [
    (("add", "al", "--role", "monitor", "--password-stdin"), PW, 2, "username:"),
    (("add", "alice", "--role", "boss", "--password-stdin"), PW, 2, "role:"),
    (("add", "alice", "--role", "monitor", "--password-stdin"), "short-pw", 2, "password:"),
    (("add", "alice", "--role", "monitor", "--password-stdin"), "", 2, "password:"),
    (("add", "alice", "--role", "monitor", "--password-stdin"), "1234567890123", 2, "password:"),
    (("disable", "nobody"), None, 3, "username:"),
    (("passwd", "nobody", "--password-stdin"), PW, 3, "username:"),
    (("grant", "nobody", "lobby"), None, 3, "username:"),
]


def test_bad_input_is_named_without_traceback(home: dict[str, str]) -> None:
    for args, stdin, code, fragment in BAD_INPUT:
        out = vigil(home, "user", *args, stdin=stdin, ok=False)  # asserts: no traceback
        assert (out.returncode, fragment) == (code, fragment) and fragment in out.stderr, args
        if stdin:
            assert stdin not in out.stdout + out.stderr
    assert users(home) == {}


def test_prompt_asks_twice_and_refuses_a_mismatch(home: dict[str, str]) -> None:
    out = vigil(home, "user", "add", "alice", "--role", "monitor", stdin=f"{PW}\n{PW}x\n",
                ok=False)  # fmt: skip
    assert out.returncode != 0 and "do not match" in out.stdout + out.stderr
    assert users(home) == {}
    vigil(home, "user", "add", "alice", "--role", "monitor", stdin=f"{PW}\n{PW}\n")
    assert "alice" in users(home)


def test_grant_revoke_and_duplicate(home: dict[str, str]) -> None:
    vigil(home, "camera", "add", "lobby", "--url", "rtsp://10.0.0.1/x")
    vigil(home, "user", "add", "alice", "--role", "monitor", "--password-stdin", stdin=PW)
    dup = vigil(home, "user", "add", "alice", "--role", "monitor", "--password-stdin", stdin=PW,
                ok=False)  # fmt: skip
    assert dup.returncode == 4 and "exists" in dup.stderr
    vigil(home, "user", "grant", "alice", "lobby", "--playback")
    assert users(home)["alice"]["rights"] == {
        "lobby": {"live": True, "playback": True, "export": False}
    }
    vigil(home, "user", "grant", "alice", "lobby", "--no-live", "--export")
    assert users(home)["alice"]["rights"] == {
        "lobby": {"live": False, "playback": False, "export": True}
    }
    vigil(home, "user", "revoke", "alice", "lobby")
    assert users(home)["alice"]["rights"] == {}
    bad = vigil(home, "user", "grant", "alice", "nope", ok=False)
    assert bad.returncode == 3 and "camera:" in bad.stderr


def test_tokens(home: dict[str, str]) -> None:
    vigil(home, "user", "add", "alice", "--role", "monitor", "--password-stdin", stdin=PW)
    out = vigil(home, "token", "create", "alice", "--name", "ci", "--scope", "read",
                "--scope", "live", "--expires-days", "30")  # fmt: skip
    token = out.stdout.strip().splitlines()[-1]
    assert token.startswith("vgl_")
    listed = json.loads(vigil(home, "token", "list", "--json").stdout)
    assert [(t["id"], t["name"], t["scopes"], t["state"]) for t in listed] == [
        (1, "ci", ["live", "read"], "active")
    ]
    assert token not in json.dumps(listed) + vigil(home, "token", "list").stdout
    bad = vigil(home, "token", "create", "alice", "--name", "x", "--scope", "root", ok=False)
    assert bad.returncode == 2 and "scopes:" in bad.stderr
    vigil(home, "token", "revoke", "1")
    assert json.loads(vigil(home, "token", "list", "--json").stdout)[0]["state"] == "revoked"
    gone = vigil(home, "token", "revoke", "9", ok=False)
    assert gone.returncode == 3 and "id:" in gone.stderr


def test_user_list_shows_who_is_refused_for_leaving_the_roster(home: dict[str, str]) -> None:
    """A16(4): the administrator sees why an enabled account is refused."""
    vigil(home, "user", "add", "mon1", "--role", "monitor", "--password-stdin", stdin=PW)
    vigil(home, "staff", "add", "李雷", "--duty", "monitoring", "--username", "mon1",
          "--joined-on", "2025-01-01")  # fmt: skip
    assert users(home)["mon1"]["left_roster_on"] is None
    vigil(home, "staff", "leave", "1", "--on", "2025-06-30")
    listed = users(home)["mon1"]
    assert (listed["left_roster_on"], listed["disabled"]) == ("2025-06-30", False)
    table = vigil({**home, "COLUMNS": "250"}, "user", "list").stdout
    assert "left the roster on 2025-06-30" in table and "A16(4)" in table
