"""`vigil bureau`: the bureau's app (docs/bureau.md) — init, serve, staff, invite, check-site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vigil.audit.actor import Actor
from vigil.cli.common import console, print_json

if TYPE_CHECKING:
    from vigil.bureau.context import BureauContext

bureau_app = typer.Typer(
    help="The public security bureau's app: its register, the link with units, their seals.",
    no_args_is_help=True,
)

HomeOption = Annotated[
    Path,
    typer.Option(
        "--home",
        envvar="VIGIL_BUREAU_HOME",
        help="The bureau's data directory (or $VIGIL_BUREAU_HOME).",
    ),
]

#: The demo province's capital (福州市): a city bureau; its counties' units are under it.
DEFAULT_DIVISION = "350100"


def _open(home: Path) -> BureauContext:
    # the bureau's modules are loaded by its commands only: the site's commands start faster
    from vigil.bureau.context import BureauContext

    return BureauContext.open(home)


@bureau_app.command("init")
def init(
    home: HomeOption,
    name: Annotated[str, typer.Option("--name", help="The bureau's name.")] = "福州市公安局",
    division: Annotated[
        str, typer.Option("--division", help="Its administrative division code (GB/T 2260).")
    ] = DEFAULT_DIVISION,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="PostgreSQL URL; SQLite in the home if not given."),
    ] = None,
) -> None:
    """Create a bureau's home: database, Ed25519 key and an administrator (printed once)."""
    from sqlalchemy import func, select

    from vigil.bureau.accounts import BureauRole, add_user
    from vigil.bureau.context import BureauContext
    from vigil.bureau.db.models import BureauUser

    ctx = BureauContext.init(home, name=name, division_code=division, database_url=database_url)
    bureau = ctx.bureau()
    actor = Actor.cli()
    with ctx.sessions() as s:
        has_users = bool(s.scalar(select(func.count()).select_from(BureauUser)))
    console.print(f"bureau home ready at {ctx.home}")
    console.print(f"{bureau.name} ({bureau.division_code}), key {bureau.key_id[:16]}…")
    if not has_users:
        password = add_user(ctx, "admin", BureauRole.ADMINISTRATOR.value, actor=actor)
        console.print("administrator: admin")
        console.print(f"password (shown once): {password}")
    ctx.close()


@bureau_app.command("serve")
def serve(
    home: HomeOption,
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8090,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    check_every: Annotated[
        float,
        typer.Option(
            "--check-every",
            help="Seconds between the checks of every linked unit (check-site); 0: never.",
        ),
    ] = 3600,
) -> None:
    """Run the bureau's console, API and link endpoints, deliver its outbox, check every
    linked unit's chains against the seals held every --check-every seconds, and seal the
    bureau's own audit log every VIGIL_SEAL_INTERVAL_S seconds (A27)."""
    import uvicorn

    from vigil.bureau.audit_seals import SealScheduler, seal_interval_s
    from vigil.bureau.link import BureauSide
    from vigil.bureau.seals import CheckScheduler
    from vigil.bureau.web.app import create_app
    from vigil.link.delivery import LinkWorker

    ctx = _open(home)
    sealer = SealScheduler(ctx, seal_interval_s())  # its own audit log sealed (A27)
    worker = LinkWorker(BureauSide(ctx))
    worker.start()
    scheduler = CheckScheduler(ctx, check_every)
    if check_every > 0:
        scheduler.start()
    sealer.start()
    console.print(f"Vigil bureau at http://{host}:{port}/")
    try:
        uvicorn.run(create_app(ctx), host=host, port=port, log_level="warning")
    finally:
        sealer.stop.set()
        scheduler.stop.set()
        worker.shutdown()
        ctx.close()


user_app = typer.Typer(help="The bureau's staff accounts.", no_args_is_help=True)
bureau_app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    home: HomeOption,
    role: Annotated[
        str,
        typer.Option("--role", help="officer 民警, inspector 检查人员, head 负责人, administrator"),
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Add a member of staff; without --password-stdin a password is generated and shown once."""
    from vigil.bureau.accounts import BureauRole, add_user

    ctx = _open(home)
    given = sys.stdin.readline().rstrip("\n") if password_stdin else None
    password = add_user(ctx, username, role, actor=Actor.cli(), password=given)
    console.print(f"user {username} ({BureauRole.parse(role).label_zh}) added")
    if given is None:
        console.print(f"password (shown once): {password}")


@bureau_app.command("invite")
def invite_unit(
    unit: Annotated[str, typer.Argument(help="The unit's name in this bureau's register.")],
    home: HomeOption,
    division: Annotated[
        str | None,
        typer.Option("--division", help="The unit's division code; the bureau's if not given."),
    ] = None,
) -> None:
    """A one-time enrolment token for UNIT, valid 72 h; printed alone on the last line."""
    from vigil.bureau.enrol import INVITE_VALID_S, invite

    ctx = _open(home)
    token = invite(ctx, unit, division_code=division, actor=Actor.cli())
    console.print(f"invitation for {unit!r}, valid {INVITE_VALID_S // 3600} h; at the unit run:")
    console.print("  vigil link join <this bureau's URL> --token <token>")
    sys.stdout.flush()
    sys.stdout.write(token + "\n")


@bureau_app.command("rotate-key")
def rotate_key(home: HomeOption) -> None:
    """Replace the bureau's key; the old key signs the notice of the new one to every unit."""
    from vigil.bureau.rotation import rotate_key as rotate

    ctx = _open(home)
    new_id, units = rotate(ctx, actor=Actor.cli())
    console.print(f"new key {new_id[:16]}…; {units} linked units are told (signed by the old key)")


@bureau_app.command("check-site")
def check_site(
    unit: Annotated[str, typer.Argument(help="The unit to check.")],
    home: HomeOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check over the link that UNIT's chains still extend every seal this bureau holds.

    Exit 0 only then; else 1, naming the chain and seq (6 if the unit cannot be reached)."""
    from vigil.bureau import seals as bureau_seals

    ctx = _open(home)
    result = bureau_seals.check_site(ctx, unit, actor=Actor.cli())
    if as_json:
        print_json(result.as_dict())
    else:
        console.print(
            f"{unit}: {result.seals_held} seals held, {result.chains} chains, "
            f"{result.links_checked} links recomputed"
        )
        for finding in result.findings:
            console.print(f"  {finding.line()}", highlight=False, soft_wrap=True)
        verdict = (
            "ok: the unit's history extends every seal held"
            if result.ok
            else "FAILED: the unit's history no longer extends the seals held"
        )
        console.print(verdict)
    if not result.ok:
        raise typer.Exit(1)


@bureau_app.command("seal")
def seal(home: HomeOption) -> None:
    """Sign the heads of the bureau's audit log with its key now, chained to its previous
    seal (A27); `serve` does this every VIGIL_SEAL_INTERVAL_S seconds."""
    from vigil.bureau.audit_seals import seal_bureau

    ctx = _open(home)
    made = seal_bureau(ctx, actor=Actor.cli())
    assert made is not None  # a person's seal always signs (its own entry at least)
    console.print(f"seal {made.id} signed at {made.sealed_us} by key {made.key_id[:16]}…")
    ctx.close()


bureau_audit_app = typer.Typer(help="The bureau's own audit log (A27).", no_args_is_help=True)
bureau_app.add_typer(bureau_audit_app, name="audit")


@bureau_audit_app.command("verify")
def audit_verify(
    home: HomeOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check that no act in the bureau's audit log was altered or removed, and that its
    seals hold (A27). Exit 0 only then; else 1, naming the entry's seq."""
    from vigil.bureau.audit_seals import verify_bureau_audit
    from vigil.cli.audit import report_problems

    ctx = _open(home)
    problems = verify_bureau_audit(ctx)
    ctx.close()
    report_problems(problems, as_json, "the bureau's audit log holds")
