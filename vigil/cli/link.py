"""`vigil link`: enrol this site with its bureau and see how the link is doing (A13.2)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

import vigil.link.seals  # noqa: F401  (every seal of a linked site is queued for its bureau)
from vigil.cli.common import console, open_site, print_json, when
from vigil.link import outbox
from vigil.link.site_side import SiteSide, bureau_row

link_app = typer.Typer(help="The link with the bureau: enrolment, status.", no_args_is_help=True)


@link_app.command("join")
def join(
    url: Annotated[str, typer.Argument(help="The bureau's address, e.g. https://bureau.example")],
    token: Annotated[str, typer.Option("--token", help="The token `vigil bureau invite` gave.")],
    site_url: Annotated[
        str,
        typer.Option(
            "--site-url",
            help="Where the bureau reaches this site's `vigil serve` (else `vigil serve` "
            "tells it the address it listens on).",
        ),
    ] = "",
) -> None:
    """Enrol with a bureau: exchange and pin keys; the one-time token is then spent."""
    from vigil.link.enrol import join as join_bureau

    ctx = open_site()
    row = join_bureau(ctx, url, token, site_url=site_url)
    console.print(f"linked with {row.name} ({row.division_code}) as unit {row.unit_name!r}")
    console.print(f"bureau {row.peer_id}, key {row.key_id[:16]}…")
    from vigil.audit.actor import Actor
    from vigil.records.privacy_checks import send_pending

    sent = send_pending(ctx, Actor.cli())  # N8.2: found cameras reported before the link
    if sent:
        console.print(f"queued for the bureau: {len(sent)} report(s) of a found camera (N8.2)")


def link_status(ctx: Any) -> dict[str, Any]:
    with ctx.sessions() as s:
        row = bureau_row(s)
        st = outbox.status(s, SiteSide(ctx))
    return {
        "linked": row is not None,
        "bureau": None
        if row is None
        else {
            "id": row.peer_id,
            "name": row.name,
            "division_code": row.division_code,
            "url": row.url,
            "key_id": row.key_id,
            "unit": row.unit_name,
            "joined_us": row.joined_us,
        },
        "outbox": {
            "depth": st.depth,
            "delivered": st.delivered,
            "refused": st.refused,
            "last_delivery_us": st.last_delivered_us,
            "oldest_waiting_us": st.oldest_waiting_us,
            "next_attempt_us": st.next_attempt_us,
            "last_error": st.last_error,
        },
    }


@link_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The bureau this site is linked with, the outbox depth and the last delivery."""
    data = link_status(open_site())
    if as_json:
        print_json(data)
        return
    if not data["linked"]:
        console.print("not linked with a bureau (vigil link join URL --token T)")
        return
    b, box = data["bureau"], data["outbox"]
    console.print(f"bureau: {b['name']} ({b['division_code']}) at {b['url']}, unit {b['unit']}")
    console.print(f"outbox: {box['depth']} waiting, {box['delivered']} delivered, "
                  f"{box['refused']} refused by the bureau, last "
                  f"delivery {when(box['last_delivery_us'])}")  # fmt: skip
    if box["last_error"]:
        console.print(f"last error: {box['last_error']}")
