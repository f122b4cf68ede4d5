"""`vigil staff|room|maintenance ...`: the roster, training, shifts, the monitoring-room
entry log and maintenance (A16, A17.1).

Every change is registered in the audit log with the actor "cli:<OS user>" (A17.2(2)).
"""

from __future__ import annotations

from typing import Annotated

import typer

from vigil.audit.actor import Actor
from vigil.cli.common import (
    FileOpt,
    JsonOpt,
    SinceOpt,
    UntilOpt,
    attachment_or_file,
    console,
    instant,
    open_site,
    print_json,
    show,
    when,
)
from vigil.clock import parse_instant
from vigil.records import maintenance, room, shifts, staff
from vigil.records.common import day_or_today, today

staff_app = typer.Typer(help="The monitoring-room roster and training.", no_args_is_help=True)
shift_app = typer.Typer(help="Watch-duty shifts and handovers (A17.1).", no_args_is_help=True)
room_app = typer.Typer(help="The monitoring-room entry log.", no_args_is_help=True)
maintenance_app = typer.Typer(help="Maintenance contracts and log.", no_args_is_help=True)
contract_app = typer.Typer(help="Maintenance contracts (A16(2)).", no_args_is_help=True)
log_app = typer.Typer(help="The maintenance and fault log (A16(1)).", no_args_is_help=True)
staff_app.add_typer(shift_app, name="shift")
maintenance_app.add_typer(contract_app, name="contract")
maintenance_app.add_typer(log_app, name="log")


def _by() -> Actor:
    return Actor.cli()


# -- vigil staff ------------------------------------------------------------------------------


@staff_app.command("add")
def staff_add(
    name: Annotated[str, typer.Argument(help="Full name.")],
    duty: Annotated[str, typer.Option("--duty", help="monitoring|management|maintenance.")],
    joined_on: Annotated[str, typer.Option("--joined-on", help="YYYY-MM-DD.")],
    phone: Annotated[str, typer.Option("--phone")] = "",
    username: Annotated[
        str | None, typer.Option("--username", help="Their account; role must fit the duty.")
    ] = None,
) -> None:
    """Put a person on the monitoring-room roster (A16(4))."""
    v = staff.add_staff(
        open_site(),
        name=name,
        duty=duty,
        joined_on=joined_on,
        phone=phone,
        username=username,
        by=_by(),
    )
    console.print(f"staff #{v.id} [bold]{v.name}[/bold], {v.duty} ({v.duty_zh})", highlight=False)


@staff_app.command("list")
def staff_list(
    as_json: JsonOpt = False,
    current: Annotated[bool, typer.Option("--current", help="Only people on the roster.")] = False,
) -> None:
    """The roster, with the last training and secrecy education of each person."""
    show(
        staff.list_staff(open_site(), include_left=not current),
        as_json,
        ("id", "name", "duty", "account", "joined", "left", "training", "secrecy"),
        lambda v: (
            str(v.id),
            v.name,
            f"{v.duty} {v.duty_zh}",
            v.username or "-",
            v.joined_on,
            v.left_on or "-",
            v.last_training_on or "none",
            v.last_secrecy_on or "none",
        ),
    )


@staff_app.command("train")
def staff_train(
    staff_id: Annotated[int, typer.Argument(help="Staff id.")],
    kind: Annotated[str, typer.Option("--kind", help="training (培训) or secrecy (保密教育).")],
    held_on: Annotated[str, typer.Option("--held-on", help="YYYY-MM-DD.")],
    topic: Annotated[str, typer.Option("--topic")],
    provider: Annotated[str, typer.Option("--provider")] = "",
    hours: Annotated[int | None, typer.Option("--hours")] = None,
) -> None:
    """Record training or secrecy education (A17.1)."""
    t = staff.add_training(
        open_site(),
        staff_id,
        kind=kind,
        held_on=held_on,
        topic=topic,
        provider=provider,
        hours=hours,
        by=_by(),
    )
    console.print(f"recorded {t.kind} ({t.kind_zh}) of {t.held_on} for staff #{staff_id}")


@staff_app.command("leave")
def staff_leave(
    staff_id: Annotated[int, typer.Argument(help="Staff id.")],
    on: Annotated[str, typer.Option("--on", help="Last day on the roster, YYYY-MM-DD.")],
) -> None:
    """Record that a person left the roster."""
    v = staff.update_staff(open_site(), staff_id, left_on=on, by=_by())
    console.print(f"{v.name} left the roster on {v.left_on}")


@staff_app.command("untrained")
def staff_untrained(
    as_json: JsonOpt = False,
    on: Annotated[str | None, typer.Option("--today", help="YYYY-MM-DD.")] = None,
) -> None:
    """People on the roster without training or secrecy education (A17.1)."""
    ctx = open_site()
    people = staff.untrained_staff(ctx, day_or_today(ctx, on))
    if as_json:
        print_json([u.as_dict() for u in people])
        return
    if not people:
        console.print("everybody on the roster has training and secrecy education (A17.1)")
    for u in people:
        console.print(
            f"#{u.staff_id} {u.name} ({u.duty}): no {' or '.join(u.missing)} (A17.1)",
            highlight=False,
        )


@shift_app.command("add")
def shift_add(
    staff_id: Annotated[int, typer.Argument(help="Staff id.")],
    starts: Annotated[str, typer.Option("--starts", help="ISO 8601.")],
    ends: Annotated[str, typer.Option("--ends", help="ISO 8601.")],
    post: Annotated[str, typer.Option("--post")] = "",
) -> None:
    """Schedule a watch shift (no overlap with the person's other shifts)."""
    v = shifts.add_shift(
        open_site(),
        staff_id,
        starts_us=parse_instant(starts, field="starts"),
        ends_us=parse_instant(ends, field="ends"),
        post=post,
        by=_by(),
    )
    console.print(f"shift #{v.id}: {v.staff_name} {when(v.starts_us)} → {when(v.ends_us)}")


@shift_app.command("handover")
def shift_handover(
    shift_id: Annotated[int, typer.Argument(help="Shift id.")],
    to: Annotated[int, typer.Option("--to", help="Staff id of the next person.")],
    note: Annotated[str, typer.Option("--note", help="What the next person must know.")],
) -> None:
    """Hand the watch over with a note."""
    v = shifts.handover(open_site(), shift_id, to_staff_id=to, note=note, by=_by())
    console.print(f"shift #{v.id} handed over to {v.handover_to_name}")


@shift_app.command("list")
def shift_list(as_json: JsonOpt = False, since: SinceOpt = None, until: UntilOpt = None) -> None:
    """Shifts, earliest first, with their handovers."""
    show(
        shifts.list_shifts(
            open_site(), since_us=instant(since, "since"), until_us=instant(until, "until")
        ),
        as_json,
        ("id", "staff", "starts", "ends", "post", "handed to", "note"),
        lambda v: (
            str(v.id),
            v.staff_name,
            when(v.starts_us),
            when(v.ends_us),
            v.post,
            v.handover_to_name or "-",
            v.handover_note,
        ),
    )


# -- vigil room -------------------------------------------------------------------------------


@room_app.command("enter")
def room_enter(
    reason: Annotated[str, typer.Option("--reason", help="Why the person entered.")],
    staff_id: Annotated[int | None, typer.Option("--staff", help="Staff id, or ...")] = None,
    name: Annotated[str | None, typer.Option("--name", help="... a visitor's name.")] = None,
    organisation: Annotated[str, typer.Option("--organisation", help="Visitor's unit.")] = "",
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601; default now.")] = None,
) -> None:
    """Log an entry into the monitoring room; anyone not on the roster is flagged (A16(4))."""
    v = room.enter(
        open_site(),
        reason=reason,
        staff_id=staff_id,
        person_name=name,
        organisation=organisation,
        entered_us=instant(at, "entered"),
        by=_by(),
    )
    console.print(f"entry #{v.id}: {v.person_name} at {when(v.entered_us)}", highlight=False)
    if v.flagged:
        console.print(f"[red]flagged:[/red] {v.flag_reason}", highlight=False)


@room_app.command("leave")
def room_leave(
    entry_id: Annotated[int, typer.Argument(help="Entry id.")],
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601; default now.")] = None,
) -> None:
    """Log that the person of an entry left the room."""
    v = room.leave(open_site(), entry_id, left_us=instant(at, "left"), by=_by())
    console.print(f"entry #{v.id}: {v.person_name} left at {when(v.left_us)}", highlight=False)


@room_app.command("list")
def room_list(
    as_json: JsonOpt = False,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only flagged entries.")] = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """The entry log, earliest first; flagged entries are possible A24(4) breaches."""
    ctx = open_site()
    since_us, until_us = instant(since, "since"), instant(until, "until")
    show(
        room.list_entries(ctx, since_us=since_us, until_us=until_us, flagged_only=flagged),
        as_json,
        ("id", "person", "organisation", "reason", "entered", "left", "flag"),
        lambda v: (
            str(v.id),
            v.person_name,
            v.organisation or "-",
            v.reason,
            when(v.entered_us),
            when(v.left_us),
            f"{v.flag_reason.split(':', 1)[0]} (A24(4))" if v.flagged else "-",
        ),
    )
    if as_json:
        return
    counts = room.room_counts(ctx, since_us, until_us)
    console.print(
        f"{counts.entries} entries, {counts.flagged} flagged (A16(4), A24(4)), "
        f"{counts.inside} without departure"
    )


# -- vigil maintenance ------------------------------------------------------------------------


@contract_app.command("add")
def contract_add(
    contractor: Annotated[str, typer.Option("--contractor")],
    scope: Annotated[str, typer.Option("--scope", help="What is maintained.")],
    starts_on: Annotated[str, typer.Option("--starts-on", help="YYYY-MM-DD.")],
    ends_on: Annotated[str, typer.Option("--ends-on", help="YYYY-MM-DD.")],
    security_clause: Annotated[
        bool,
        typer.Option(
            "--security-clause/--no-security-clause",
            help="The security responsibilities are written in (A16(2)).",
        ),
    ] = False,
    credit_code: Annotated[str, typer.Option("--credit-code")] = "",
    attachment_id: Annotated[
        int | None, typer.Option("--attachment-id", help="The signed contract on file.")
    ] = None,
    file: FileOpt = None,
) -> None:
    """Record a maintenance contract (A16(2)); `--file` keeps the signed copy on record."""
    ctx = open_site()
    attachment_id = attachment_or_file(ctx, attachment_id, file, kind="contract")
    c = maintenance.add_contract(
        ctx,
        contractor=contractor,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        security_clause=security_clause,
        credit_code=credit_code,
        attachment_id=attachment_id,
        by=_by(),
    )
    console.print(f"contract #{c.id} with {c.contractor}, {c.starts_on} – {c.ends_on}")
    for f in maintenance.contract_shortfalls(ctx, today(ctx)):
        if f.contract_id == c.id:
            console.print(f"[red]A16(2) shortfall:[/red] {'; '.join(f.problems)}")


@contract_app.command("list")
def contract_list(as_json: JsonOpt = False) -> None:
    """Contracts, with what each lacks under A16(2)."""
    ctx = open_site()
    problems = {
        f.contract_id: list(f.problems) for f in maintenance.contract_shortfalls(ctx, today(ctx))
    }
    show(
        maintenance.list_contracts(ctx),
        as_json,
        ("id", "contractor", "from", "to", "clause", "file", "A16(2)"),
        lambda c: (
            str(c.id),
            c.contractor,
            c.starts_on,
            c.ends_on,
            "yes" if c.security_clause else "no",
            str(c.attachment_id or "-"),
            "; ".join(problems.get(c.id, [])) or "ok",
        ),
        to_json=lambda c: {**c.as_dict(), "shortfall": problems.get(c.id, [])},
    )


@log_app.command("add")
def log_add(
    kind: Annotated[str, typer.Argument(help=", ".join(maintenance.LOG_KINDS) + ".")],
    summary: Annotated[str, typer.Option("--summary", help="What was done or found.")],
    performed_by: Annotated[str, typer.Option("--by", help="Who did it.")],
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601; default now.")] = None,
    camera: Annotated[str | None, typer.Option("--camera", help="Camera name.")] = None,
    contract_id: Annotated[int | None, typer.Option("--contract")] = None,
    outcome: Annotated[str, typer.Option("--outcome")] = "",
    attachment_id: Annotated[
        int | None, typer.Option("--attachment-id", help="A report, plan or photo on file.")
    ] = None,
    file: FileOpt = None,
) -> None:
    """Append to the maintenance and fault log (A16(1)); `--file` keeps the report or the
    emergency plan on record."""
    ctx = open_site()
    attachment_id = attachment_or_file(ctx, attachment_id, file, kind="maintenance")
    v = maintenance.add_log(
        ctx,
        kind=kind,
        summary=summary,
        performed_by=performed_by,
        at_us=instant(at, "at"),
        camera=camera,
        contract_id=contract_id,
        outcome=outcome,
        attachment_id=attachment_id,
        by=_by(),
    )
    console.print(f"log #{v.id}: {v.kind} ({v.kind_zh}) at {when(v.at_us)}")


@log_app.command("resolve")
def log_resolve(
    record_id: Annotated[int, typer.Argument(help="The fault's log id.")],
    outcome: Annotated[str, typer.Option("--outcome", help="What fixed it.")],
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601; default now.")] = None,
) -> None:
    """Close a fault."""
    v = maintenance.resolve(
        open_site(), record_id, outcome=outcome, resolved_us=instant(at, "resolved"), by=_by()
    )
    console.print(f"fault #{v.id} resolved at {when(v.resolved_us)}")


@log_app.command("list")
def log_list(
    as_json: JsonOpt = False,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved faults.")] = False,
    kind: Annotated[str | None, typer.Option("--kind")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """The log, latest first, and when the A16(1) routine was last done."""
    ctx = open_site()
    entries = maintenance.list_log(
        ctx,
        kind=kind,
        open_only=open_only,
        since_us=instant(since, "since"),
        until_us=instant(until, "until"),
    )
    show(
        entries,
        as_json,
        ("id", "kind", "at", "camera", "summary", "by", "resolved"),
        lambda v: (
            str(v.id),
            v.kind,
            when(v.at_us),
            v.camera_name or "-",
            v.summary,
            v.performed_by,
            "open" if v.open_fault else (when(v.resolved_us) if v.kind == "fault" else ""),
        ),
    )
    if as_json:
        return
    r = maintenance.routine_summary(ctx)
    console.print(
        f"last security check {r.last_security_check_on or 'never'}, last drill "
        f"{r.last_drill_on or 'never'}, {r.open_faults} open faults (A16(1))"
    )
