"""Every `vigil` command that changes state leaves an audit entry as `cli:<OS user>` (A17.2(2)).

The Typer app's commands are enumerated; each must be classified below. A new command that
is not fails this test until someone decides whether it changes state and, if it does, shows
here that it registers itself.
"""

from __future__ import annotations

import getpass
import subprocess
from pathlib import Path

import pytest
import typer

from vigil.audit.query import list_entries
from vigil.cli.main import app
from vigil.context import SiteContext

PW = "correct-horse-battery-9"
HOTEL = [
    "--unit-name", "福州某酒店有限公司", "--credit-code", "91350100M000100Y43",
    "--division-code", "350102", "--address", "福州市鼓楼区五四路1号",
    "--categories", "hospitality_entertainment", "--builder", "unit",
    "--delivered-on", "2025-12-01",
]  # fmt: skip

READ_ONLY = {
    "audit list", "audit verify", "camera list", "compliance verify", "export verify",
    "law list", "hold list", "filing status",
    "maintenance contract list", "maintenance log list", "room list", "segments",
    "site catalogue", "site coverage", "site positions", "site profile show", "staff list",
    "staff shift list", "staff untrained", "status", "token list", "user list", "verify",
    "subject-request list", "privacy-check list", "privacy-check reports",
    "site secret-unit show",
    "link status",
    "bureau audit verify",
}  # fmt: skip
#: Long-running services: what they do is registered act by act (web acts in the audit log,
#: recordings in the camera chains), not by starting them.
SERVICES = {"record", "serve", "demo", "bureau serve"}
#: State-changing, but they need recorded footage; their entries are shown by the tests named.
NEEDS_RECORDING = {
    "camera reference": "tests/records/test_siting.py (reference_take, reference_approve)",
    "export": "tests/integrity/test_export.py (the export entry, also when it fails)",
    # not footage but a bureau to send to: the filing is refused unless the site is linked
    "filing submit": "tests/filings/test_cli.py (filing_submit as the OS user, once linked)",
    # a bureau to enrol with; the bureau's commands register in the bureau's own audit log
    "link join": "tests/bureau/test_link_processes.py (link_join at the site and the bureau)",
    "bureau init": "tests/bureau/test_bureau_cli.py (user_add of the first administrator)",
    "bureau user add": "tests/bureau/test_bureau_cli.py (user_add in the bureau's log)",
    "bureau invite": "tests/bureau/test_bureau_cli.py (link_invite in the bureau's log)",
    "bureau check-site": "tests/bureau/test_link_processes.py (check_site ok, then failed)",
    "bureau rotate-key": "tests/bureau/test_link_processes.py (key_rotate in the bureau's log)",
    "bureau seal": "tests/bureau/test_bureau_audit_seals.py (bureau_seal as cli:<user>)",
}
#: Commands run before a state-changing one, to give it something to act on.
SETUP: dict[str, list[list[str]]] = {
    "staff shift handover": [
        ["staff", "add", "Wang Fang", "--duty", "monitoring", "--joined-on", "2025-01-01"]
    ],
}

#: State-changing commands, run in this order against one fresh home; each must add an
#: entry by the CLI's OS user. name: (argv, stdin)
STATE_CHANGING: dict[str, tuple[list[str], str | None]] = {
    "init": (["init"], None),
    "camera add": (["camera", "add", "gate", "--url", "rtsp://10.0.0.1/s"], None),
    "camera set": (["camera", "set", "gate", "--retention-days", "40"], None),
    "camera site": (
        ["camera", "site", "gate", "--location-type", "passage", "--purpose", "corridor"],
        None,
    ),
    "user add": (["user", "add", "bob", "--role", "monitor", "--password-stdin"], PW),
    "user grant": (["user", "grant", "bob", "gate", "--playback"], None),
    "user revoke": (["user", "revoke", "bob", "gate"], None),
    "user role": (["user", "role", "bob", "maintainer"], None),
    "user passwd": (["user", "passwd", "bob", "--password-stdin"], PW + "x"),
    "user disable": (["user", "disable", "bob"], None),
    "user enable": (["user", "enable", "bob"], None),
    "token create": (["token", "create", "bob", "--name", "x", "--scope", "read"], None),
    "token revoke": (["token", "revoke", "1"], None),
    "staff add": (
        ["staff", "add", "Li Wei", "--duty", "monitoring", "--joined-on", "2025-01-01"],
        None,
    ),
    "staff train": (
        [
            "staff",
            "train",
            "1",
            "--kind",
            "training",
            "--held-on",
            "2025-02-01",
            "--topic",
            "security",
        ],
        None,
    ),
    "staff shift add": (
        [
            "staff",
            "shift",
            "add",
            "1",
            "--starts",
            "2025-03-01T08:00Z",
            "--ends",
            "2025-03-01T16:00Z",
        ],
        None,
    ),
    "staff shift handover": (
        ["staff", "shift", "handover", "1", "--to", "2", "--note", "ok"],
        None,
    ),
    "staff leave": (["staff", "leave", "1", "--on", "2025-06-30"], None),
    "room enter": (
        ["room", "enter", "--name", "Zhang", "--organisation", "ACME", "--reason", "repair"],
        None,
    ),
    "room leave": (["room", "leave", "1"], None),
    "maintenance contract add": (
        [
            "maintenance",
            "contract",
            "add",
            "--contractor",
            "ACME",
            "--scope",
            "cameras",
            "--starts-on",
            "2025-01-01",
            "--ends-on",
            "2026-12-31",
        ],
        None,
    ),
    "maintenance log add": (
        ["maintenance", "log", "add", "fault", "--summary", "offline", "--by", "Li"],
        None,
    ),
    "maintenance log resolve": (
        ["maintenance", "log", "resolve", "1", "--outcome", "fixed"],
        None,
    ),
    "site profile set": (["site", "profile", "set", *HOTEL], None),
    "site positions add": (
        ["site", "positions", "add", "custom:back-door", "--label", "back door"],
        None,
    ),
    "site positions drop": (["site", "positions", "drop", "custom:back-door"], None),
    "compliance report": (["compliance", "report"], None),
    "filing form": (["filing", "form"], None),
    "seal": (["seal"], None),
    "hold add": (
        ["hold", "add", "gate", "--kind", "case", "--ref", "2026-0042", "--until", "2099-12-31"],
        None,
    ),
    "hold lift": (["hold", "lift", "1", "--reason", "case closed"], None),
    "subject-request add": (
        [
            "subject-request",
            "add",
            "--name",
            "Zhang San",
            "--id-type",
            "passport",
            "--id-number",
            "E1234567",
            "--relation",
            "self",
            "--reason",
            "lost wallet",
            "--camera",
            "gate",
            "--from",
            "2025-06-01T00:00Z",
            "--to",
            "2025-06-01T01:00Z",
        ],
        None,
    ),
    "subject-request decide": (["subject-request", "decide", "1", "--consent"], None),
    "subject-request close": (["subject-request", "close", "1"], None),
    "privacy-check policy": (["privacy-check", "policy", "--place", "guest rooms"], None),
    "privacy-check add": (
        [
            "privacy-check",
            "add",
            "--on",
            "2025-06-01",
            "--by",
            "Wang",
            "--place",
            "room 301",
            "--result",
            "none_found",
        ],
        None,
    ),
    "site secret-unit set": (["site", "secret-unit", "set", "--near"], None),
    "site secret-unit consent": (
        [
            "site",
            "secret-unit",
            "consent",
            "--unit",
            "Institute",
            "--on",
            "2025-06-01",
            "--document",
            "No. 3",
            "--scope",
            "gate camera",
        ],
        None,
    ),
    "camera remove": (["camera", "remove", "gate"], None),
    "backup": (["backup", "{tmp}/backup"], None),
    "restore": (["restore", "{tmp}/backup", "--home", "{tmp}/restored"], None),
}


def commands() -> set[str]:
    """Every command path of the `vigil` app; a group that acts by itself counts too."""

    def walk(cmd: object, path: list[str]) -> list[str]:
        subs = getattr(cmd, "commands", None)
        if subs is None:
            return [" ".join(path)]
        out = [] if not path or getattr(cmd, "callback", None) is None else [" ".join(path)]
        for name, sub in subs.items():
            out += walk(sub, [*path, name])
        return out

    return set(walk(typer.main.get_command(app), []))


def test_every_command_is_classified() -> None:
    classified = READ_ONLY | SERVICES | set(NEEDS_RECORDING) | set(STATE_CHANGING)
    found = commands()
    assert found - classified == set(), "classify these commands in this test"
    assert classified - found == set(), "these commands are gone: drop them here"


def _entries(home: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    if "VIGIL_DATABASE_URL" in env:
        monkeypatch.setenv("VIGIL_DATABASE_URL", env["VIGIL_DATABASE_URL"])
    ctx = SiteContext.open(home)
    try:
        return [f"{e.actor} {e.action}" for e in list_entries(ctx, limit=100_000)]
    finally:
        ctx.close()


def test_every_state_changing_command_leaves_an_entry(
    cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Path(cli_env["VIGIL_HOME"])
    actor = "cli:" + getpass.getuser()
    seen = 0
    for name, (argv, stdin) in STATE_CHANGING.items():
        if name == "restore" and "VIGIL_DATABASE_URL" in cli_env:
            continue  # a PostgreSQL restore needs a second empty database: tests/backup
        for setup in SETUP.get(name, []):
            done = subprocess.run(["vigil", *setup], env=cli_env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            seen = len(_entries(home, cli_env, monkeypatch))
        args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
        out = subprocess.run(["vigil", *args], env=cli_env, input=stdin, capture_output=True,
                             text=True, timeout=300)  # fmt: skip
        assert out.returncode == 0, f"{name}: {out.stdout}{out.stderr}"
        if name == "restore":  # the act is registered in the home it made
            restored = _entries(tmp_path / "restored", cli_env, monkeypatch)
            assert restored[-1] == f"{actor} restore", restored[-3:]
            continue
        entries = _entries(home, cli_env, monkeypatch)
        assert len(entries) > seen, f"`vigil {name}` left no audit entry"
        assert all(e.startswith(actor + " ") for e in entries[seen:]), (name, entries[seen:])
        seen = len(entries)
