"""`vigil user add|list|disable|enable|passwd|role|grant|revoke` and `vigil token ...`.

Passwords are read from a hidden prompt (typed twice) or, with --password-stdin, from the
first line of standard input; they are never printed. Each change is registered in the
audit log with the actor "cli:<OS user>" (A17.2(2)).
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table

from vigil.access.roles import Role
from vigil.access.tokens import SCOPES, TokenStore
from vigil.access.users import UserRegistry, UserView
from vigil.access.views import check_username
from vigil.cameras import CameraRegistry
from vigil.cli.common import console, open_site, print_json
from vigil.clock import us_to_iso
from vigil.context import SiteContext
from vigil.errors import ValidationError

user_app = typer.Typer(help="Manage the people who use the system (A16(4)).", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens for automation.", no_args_is_help=True)

ROLE_HELP = "One of " + ", ".join(f"{r.value} ({r.label_zh})" for r in Role) + "."
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def actor() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (OSError, KeyError):
        return "cli:unknown"


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise ValidationError("no password on standard input", field="password")
        return line
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _camera_names(ctx: SiteContext) -> dict[int, str]:
    return {c.id: c.name for c in CameraRegistry(ctx).list(include_removed=True)}


def _rights_text(user: UserView, names: dict[int, str]) -> str:
    if user.role is Role.ADMINISTRATOR:
        return "all cameras"
    parts = []
    for cam_id, r in sorted(user.rights.items(), key=lambda kv: names.get(kv[0], "")):
        flags = "".join(f for f, on in (("L", r.live), ("P", r.playback), ("E", r.export)) if on)
        parts.append(f"{names.get(cam_id, cam_id)}:{flags}")
    return " ".join(parts) or "-"


@user_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="3-64 letters, digits, '.', '_', '-'.")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    display_name: Annotated[str, typer.Option("--display-name", help="Full name.")] = "",
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user (at least 10 characters of password, not only digits, not the username)."""
    the_role = Role.parse(role)
    check_username(username)  # bad input is named before the prompt
    registry = UserRegistry(open_site())
    password = read_password(password_stdin)
    user = registry.add(username, password, the_role, display_name, actor=actor())
    console.print(
        f"added user [bold]{user.username}[/bold] as {user.role.value} ({user.role.label_zh})",
        highlight=False,
    )


@user_app.command("list")
def list_(as_json: JsonOpt = False) -> None:
    """List users, their roles and camera rights (L live, P playback, E export)."""
    ctx = open_site()
    registry = UserRegistry(ctx)
    users, departed = registry.list(), registry.departed()
    names = _camera_names(ctx)
    now = ctx.clock.now_us()
    if as_json:
        out = []
        for u in users:
            data = u.as_dict()
            data["rights"] = {
                names.get(cam, str(cam)): {"live": r.live, "playback": r.playback,
                                           "export": r.export}
                for cam, r in sorted(u.rights.items())
            }  # fmt: skip
            data["locked"] = u.locked(now)
            data["left_roster_on"] = departed.get(u.id)
            out.append(data)
        print_json(out)
        return
    table = Table("username", "name", "role", "state", "camera rights", "added")
    for u in users:
        if u.disabled:
            state = "disabled"
        elif u.id in departed:
            state = f"refused: left the roster on {departed[u.id]} (A16(4))"
        elif u.locked(now) and u.locked_until_us is not None:
            state = f"locked from an address until {us_to_iso(u.locked_until_us)}"
        else:
            state = "active"
        table.add_row(u.username, u.display_name, f"{u.role.value} ({u.role.label_zh})", state,
                      _rights_text(u, names), us_to_iso(u.created_us))  # fmt: skip
    console.print(table)


@user_app.command("disable")
def disable(username: str) -> None:
    """Stop a user signing in; their web sessions end at once."""
    UserRegistry(open_site()).disable(username, actor=actor())
    console.print(f"disabled user [bold]{username}[/bold]; their sessions are signed out")


@user_app.command("enable")
def enable(username: str) -> None:
    """Let a disabled user sign in again; lifts its lock-outs from every address."""
    UserRegistry(open_site()).enable(username, actor=actor())
    console.print(f"enabled user [bold]{username}[/bold]")


@user_app.command("passwd")
def passwd(username: str, password_stdin: PasswordStdin = False) -> None:
    """Set a user's password; their web sessions end at once."""
    registry = UserRegistry(open_site())
    registry.get(username)  # a typo is named before the prompt
    registry.set_password(username, read_password(password_stdin), actor=actor())
    console.print(f"password changed for [bold]{username}[/bold]; their sessions are signed out")


@user_app.command("role")
def set_role(
    username: str, role: Annotated[str, typer.Argument(help=ROLE_HELP, show_default=False)]
) -> None:
    """Change a user's role."""
    user = UserRegistry(open_site()).set_role(username, role, actor=actor())
    console.print(f"{user.username} is now {user.role.value} ({user.role.label_zh})")


@user_app.command("grant")
def grant(
    username: str,
    camera: str,
    live: Annotated[bool, typer.Option("--live/--no-live", help="View live video.")] = True,
    playback: Annotated[bool, typer.Option("--playback", help="Play back recordings.")] = False,
    export: Annotated[bool, typer.Option("--export", help="Export recordings.")] = False,
) -> None:
    """Set a monitor's or maintainer's rights on one camera (replaces earlier ones)."""
    UserRegistry(open_site()).grant(
        username, camera, live=live, playback=playback, export=export, actor=actor()
    )
    what = [w for w, on in (("live", live), ("playback", playback), ("export", export)) if on]
    console.print(f"{username} may now use camera {camera}: {', '.join(what)}", highlight=False)


@user_app.command("revoke")
def revoke(username: str, camera: str) -> None:
    """Remove a user's rights on one camera."""
    UserRegistry(open_site()).revoke_camera(username, camera, actor=actor())
    console.print(f"{username} has no rights on camera {camera} any more", highlight=False)


@token_app.command("create")
def token_create(
    username: str,
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. backup.")],
    scope: Annotated[list[str], typer.Option("--scope", help=f"Repeatable: {', '.join(SCOPES)}.")],
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", help="Expire after this many days (default 90).")
    ] = None,
) -> None:
    """Create an API token; it is printed once and cannot be shown again."""
    plain, tok = TokenStore(open_site()).create(
        username, name, scope, expires_days=expires_days, actor=actor()
    )
    ends = us_to_iso(tok.expires_us) if tok.expires_us else "never"
    console.print(
        f"token {tok.id} {tok.name!r} for {tok.username}, scopes {' '.join(tok.scopes)}, "
        f"expires {ends}. Store it now; it is not shown again:",
        highlight=False,
    )
    typer.echo(plain)


@token_app.command("list")
def token_list(
    username: Annotated[str | None, typer.Option("--user", help="Only this user's.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List API tokens (never the tokens themselves)."""
    tokens = TokenStore(open_site()).list(username)
    if as_json:
        print_json([t.as_dict() for t in tokens])
        return
    table = Table("id", "user", "name", "scopes", "state", "created", "expires", "last used")
    for t in tokens:
        table.add_row(str(t.id), t.username, t.name, " ".join(t.scopes), t.state,
                      us_to_iso(t.created_us), us_to_iso(t.expires_us) if t.expires_us else "-",
                      us_to_iso(t.last_used_us) if t.last_used_us else "-")  # fmt: skip
    console.print(table)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Revoke an API token for good."""
    tok = TokenStore(open_site()).revoke(token_id, actor=actor())
    console.print(f"token {tok.id} {tok.name!r} of {tok.username} is revoked", highlight=False)
