"""A bureau and sites as real processes on loopback: `vigil bureau serve`, `vigil serve`.

The bureau's database is SQLite in its home, or on PostgreSQL (VIGIL_TEST_DATABASE) an
empty database of its own migrated by the bureau's own Alembic revisions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKEND, PG_URL, _admin_execute, site_settings
from vigil.bureau.context import BureauContext
from vigil.context import SiteContext
from vigil.media.simulated import free_tcp_port

DEADLINE_S = 60


def env_for(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("VIGIL_DATABASE_URL", None)
    env.pop("VIGIL_BUREAU_HOME", None)
    env["VIGIL_MIN_FREE_BYTES"] = "0"
    env.update(extra)
    return env


def vigil(*args: str, env: dict[str, str] | None = None, stdin: str | None = None
          ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(["vigil", *args], env=env or env_for(), capture_output=True,
                          text=True, input=stdin, timeout=120, check=False)  # fmt: skip


def wait_for(condition: Callable[[], object], what: str, timeout_s: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@contextmanager
def empty_postgres() -> Iterator[str | None]:
    if BACKEND != "postgresql":
        yield None
        return
    name = f"vigil_bureau_{uuid.uuid4().hex[:12]}"
    _admin_execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL + name
    finally:
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Server:
    """A `vigil` server process on a fixed loopback port; stop() and start() again."""

    args: list[str]
    env: dict[str, str]
    port: int = field(default_factory=free_tcp_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["vigil", *self.args, "--port", str(self.port)], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

        def up() -> bool:
            assert self.proc is not None and self.proc.poll() is None, (
                self.proc.stderr.read() if self.proc and self.proc.stderr else ""
            )
            try:
                httpx.get(self.url + "/", timeout=2)
            except httpx.TransportError:
                return False
            return True

        wait_for(up, f"vigil {self.args[0]} to serve")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)
        self.proc = None


@dataclass
class Bureau:
    home: Path
    server: Server
    admin_password: str

    def ctx(self) -> BureauContext:
        return BureauContext.open(self.home)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return vigil("bureau", *args, "--home", str(self.home))

    def invite(self, unit: str, *extra: str) -> str:
        out = self.cli("invite", unit, *extra)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip().splitlines()[-1]


@pytest.fixture
def bureau(tmp_path: Path) -> Iterator[Bureau]:
    with empty_postgres() as url:
        home = tmp_path / "bureau"
        args = ["bureau", "init", "--home", str(home)] + (["--database-url", url] if url else [])
        out = vigil(*args)
        assert out.returncode == 0, out.stderr
        password = out.stdout.strip().splitlines()[-1].split(": ")[-1]
        server = Server(["bureau", "serve", "--home", str(home)], env_for())
        server.start()
        try:
            yield Bureau(home, server, password)
        finally:
            server.stop()


@dataclass
class Site:
    home: Path
    server: Server

    def ctx(self) -> SiteContext:
        return SiteContext.open(self.home)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return vigil("--home", str(self.home), *args, env=self.server.env)


@contextmanager
def site_process(
    home: Path, database_url: str | None, *, record: bool = False, **env: str
) -> Iterator[Site]:
    SiteContext.init(home, settings=site_settings(database_url)).close()
    args = ["--home", str(home), "serve"] + ([] if record else ["--no-record"])
    server = Server(args, env_for(**env))
    server.start()
    try:
        yield Site(home, server)
    finally:
        server.stop()
