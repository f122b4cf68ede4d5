"""Several processes write to the audit log at once; its chain stays one line (A17.2(2)).

Two writer processes act as two API processes would (each act a change and its entry in one
transaction, through the domain code), while the real `vigil` CLI changes a camera's
retention over and over. Afterwards every seq from 1 to the last is there exactly once and
`vigil audit verify` holds.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select

from vigil.audit.log import AUDIT_CHAIN
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.db.models import AuditEntry, ChainEntry

ACTS_PER_WRITER = 230
CLI_ACTS = 40

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from vigil.audit.actor import Actor
    from vigil.audit.log import register
    from vigil.cameras import CameraRegistry
    from vigil.context import SiteContext

    ctx = SiteContext.open(Path(sys.argv[1]))
    me, n = sys.argv[2], int(sys.argv[3])
    cams = CameraRegistry(ctx)
    for i in range(n):
        if i % 2:
            cams.set_retention("gate", 30 + i % 7, by=Actor(me, "administrator"))
        else:
            register(ctx, actor=me, action="playback", camera_name="gate", purpose="p",
                     destination="d", detail={"i": i})
    ctx.close()
    """
)


def test_writers_in_several_processes_keep_one_chain(
    site: SiteContext, cli_env: dict[str, str], tmp_path: Path
) -> None:
    CameraRegistry(site).add("gate", "rtsp://10.0.0.1/s")
    env = dict(cli_env, VIGIL_HOME=str(site.home))
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(site.home), f"api{k}", str(ACTS_PER_WRITER)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in (1, 2)
    ]
    cli_failures = []
    for i in range(CLI_ACTS):
        out = subprocess.run(
            ["vigil", "camera", "set", "gate", "--retention-days", str(31 + i % 5)],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if out.returncode != 0:
            cli_failures.append(out.stderr)
    for w in writers:
        _, err = w.communicate(timeout=600)
        assert w.returncode == 0, err
    assert cli_failures == []

    with site.sessions() as s:
        seqs = list(
            s.scalars(
                select(ChainEntry.seq)
                .where(ChainEntry.chain == AUDIT_CHAIN)
                .order_by(ChainEntry.seq)
            )
        )
        rows = s.scalar(select(func.count()).select_from(AuditEntry))
        by_actor = dict(
            s.execute(select(AuditEntry.actor, func.count()).group_by(AuditEntry.actor)).all()
        )
    expected = 1 + 2 * ACTS_PER_WRITER + CLI_ACTS  # the camera_add, then every act
    assert seqs == list(range(1, expected + 1))  # none lost, none twice, no fork
    assert rows == expected
    assert by_actor["api1"] == by_actor["api2"] == ACTS_PER_WRITER
    assert sum(n for a, n in by_actor.items() if a.startswith("cli:")) == CLI_ACTS
    verified = subprocess.run(
        ["vigil", "audit", "verify"], env=env, capture_output=True, text=True, timeout=300
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
