"""`vigil subject-request` (N21), `vigil privacy-check` (N8.2), `vigil site secret-unit`
(N10): data-subject viewing requests, regular checks of the forbidden places, and the
consent of a nearby secret unit. The viewing itself happens in the console."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigil.audit.actor import Actor
from vigil.cli.common import JsonOpt, attachment_or_file, console, open_site, print_json, show, when
from vigil.records import privacy_checks, secret_consent, subject_requests
from vigil.records.privacy_checks import Found

subject_app = typer.Typer(
    help="Requests to view footage by the person filmed or a relative (N21).",
    no_args_is_help=True,
)
privacy_app = typer.Typer(
    help="Regular checks of the places where cameras are forbidden (N8.2).", no_args_is_help=True
)
secret_app = typer.Typer(
    help="The consent of a nearby unit holding state secrets (N10).", no_args_is_help=True
)


# -- vigil subject-request ----------------------------------------------------------------


@subject_app.command("add")
def request_add(
    name: Annotated[str, typer.Option("--name", help="Who asks to view.")],
    id_type: Annotated[str, typer.Option("--id-type", help="resident_id, passport, ...")],
    id_number: Annotated[str, typer.Option("--id-number", help="The document's number.")],
    relation: Annotated[str, typer.Option("--relation", help="self, close_relative, guardian.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (life, health, property).")],
    cameras: Annotated[list[str], typer.Option("--camera", help="A camera; repeat for more.")],
    from_: Annotated[str, typer.Option("--from", help="ISO 8601 start.")],
    to: Annotated[str, typer.Option("--to", help="ISO 8601 end.")],
    received: Annotated[str | None, typer.Option("--received", help="ISO 8601; now.")] = None,
) -> None:
    """Record a request to view footage (N21); an administrator decides it."""
    v = subject_requests.add_request(
        open_site(), Actor.cli(), requester_name=name, id_doc_type=id_type,
        id_doc_number=id_number, relation=relation, reason=reason, cameras=cameras,
        from_=from_, to=to, received_at=received,
    )  # fmt: skip
    console.print(f"request #{v.id} by {v.requester_name}: pending (N21)", highlight=False)


@subject_app.command("list")
def request_list(
    as_json: JsonOpt = False,
    state: Annotated[str | None, typer.Option("--state", help="Only this state.")] = None,
    show_id: Annotated[
        bool, typer.Option("--show-id", help="Show the ID numbers unmasked.")
    ] = False,
) -> None:
    """The requests, newest first (ID numbers masked unless --show-id)."""
    show(
        subject_requests.list_requests(open_site(), state=state),
        as_json,
        ("id", "requester", "relation", "cameras", "from", "to", "state", "decided by"),
        lambda v: (
            str(v.id),
            v.requester_name,
            v.relation,
            ", ".join(v.cameras),
            when(v.from_us),
            when(v.to_us),
            v.state,
            v.decided_by or "-",
        ),
        to_json=lambda v: v.as_dict(reveal_id=show_id),
    )


@subject_app.command("decide")
def request_decide(
    request_id: Annotated[int, typer.Argument(help="Request id.")],
    consent: Annotated[bool, typer.Option("--consent/--refuse", help="Consent or refuse (N21).")],
    note: Annotated[
        str, typer.Option("--note", help="Conditions of a consent; reasons of a refusal.")
    ] = "",
    valid_days: Annotated[
        int, typer.Option("--valid-days", help="Days a consent stays usable.")
    ] = subject_requests.DEFAULT_VALID_DAYS,
) -> None:
    """The unit's decision on a request (an administrator's act)."""
    v = subject_requests.decide(open_site(), request_id, Actor.cli(), consent=consent, note=note,
                                valid_days=valid_days)  # fmt: skip
    until = f" until {when(v.consent_until_us)}" if v.consent_until_us else ""
    console.print(f"request #{v.id}: {v.state}{until}", highlight=False)


@subject_app.command("close")
def request_close(request_id: Annotated[int, typer.Argument(help="Request id.")]) -> None:
    """End a consent or viewing: nothing of the request plays after."""
    v = subject_requests.close_viewing(open_site(), request_id, Actor.cli())
    console.print(f"request #{v.id}: closed", highlight=False)


# -- vigil privacy-check ------------------------------------------------------------------


@privacy_app.command("add")
def check_add(
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD of the check.")],
    by: Annotated[str, typer.Option("--by", help="Who checked.")],
    places: Annotated[list[str], typer.Option("--place", help="A place checked; repeat.")],
    result: Annotated[str, typer.Option("--result", help="none_found or camera_found.")],
    note: Annotated[str, typer.Option("--note", help="Remarks.")] = "",
    found_place: Annotated[
        str | None, typer.Option("--found-place", help="Where a camera was found.")
    ] = None,
    found_at: Annotated[str | None, typer.Option("--found-at", help="ISO 8601; now.")] = None,
    description: Annotated[str, typer.Option("--description", help="What was found.")] = "",
    photo: Annotated[Path | None, typer.Option("--photo", help="A photo (JPEG, PNG).")] = None,
) -> None:
    """Record a check; a found camera is reported to the bureau at once (N8.2)."""
    ctx = open_site()
    found = []
    if found_place is not None:
        photo_id = attachment_or_file(ctx, None, photo, kind="other")
        found = [Found(found_place, found_at, description, photo_id)]
    v = privacy_checks.record_check(
        ctx, Actor.cli(), checked_on=on, checked_by=by, places=places, result=result,
        note=note, found=found,
    )  # fmt: skip
    console.print(f"check #{v.id} on {v.checked_on}: {v.result}", highlight=False)
    for r in v.reports:
        console.print(
            f"[red]report #{r.id}[/red] ({r.place}) signed, {r.status}; critical alarm raised",
            highlight=False,
        )


@privacy_app.command("list")
def check_list(as_json: JsonOpt = False) -> None:
    """The checks, newest first, and when the next one is due."""
    ctx = open_site()
    checks = privacy_checks.list_checks(ctx)
    facts = privacy_checks.facts(ctx)
    if as_json:
        print_json({"checks": [c.as_dict() for c in checks], "facts": facts.__dict__})
        return
    show(checks, False, ("id", "on", "by", "places", "result", "reports"),
         lambda c: (str(c.id), c.checked_on, c.checked_by, "; ".join(c.places), c.result,
                    ", ".join(f"#{r.id}" for r in c.reports) or "-"))  # fmt: skip
    console.print(
        f"interval: {facts.interval}; next check due {facts.due_on or 'now'} (N8.2)",
        highlight=False,
    )


@privacy_app.command("policy")
def check_policy(
    places: Annotated[
        list[str] | None, typer.Option("--place", help="An N8 place the unit manages; repeat.")
    ] = None,
    interval_days: Annotated[
        int | None, typer.Option("--interval-days", help="Days between checks.")
    ] = None,
    monthly: Annotated[bool, typer.Option("--monthly", help="Check monthly (default).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Name the N8 places the unit manages and how often it checks them (N8.2)."""
    policy = privacy_checks.set_policy(open_site(), Actor.cli(), places=places,
                                       interval_days=interval_days, monthly=monthly)  # fmt: skip
    if as_json:
        print_json(policy.as_dict())
        return
    console.print(f"places: {'; '.join(policy.places) or '-'}; {policy.interval}", highlight=False)


@privacy_app.command("reports")
def check_reports(
    as_json: JsonOpt = False,
    status: Annotated[str | None, typer.Option("--status", help="e.g. pending_to_bureau")] = None,
) -> None:
    """Reports of cameras found in N8 places, with their signed documents (--json)."""
    show(privacy_checks.list_reports(open_site(), status=status), as_json,
         ("id", "check", "place", "found", "status", "key"),
         lambda r: (str(r.id), str(r.check_id), r.place, when(r.found_us), r.status,
                    r.key_id[:16]))  # fmt: skip


# -- vigil site secret-unit ---------------------------------------------------------------


@secret_app.command("show")
def secret_show(as_json: JsonOpt = False) -> None:
    """Whether the site is near a secret unit, and the consents on record (N10)."""
    found = secret_consent.status(open_site())
    if as_json:
        print_json(found.as_dict())
        return
    console.print(f"near a secret unit: {'yes' if found.near_secret_unit else 'no'} (N10)")
    show(found.consents, False, ("id", "unit", "on", "document", "scope"),
         lambda c: (str(c.id), c.unit_name, c.consented_on, c.document_ref, c.scope))  # fmt: skip


@secret_app.command("set")
def secret_set(
    near: Annotated[bool, typer.Option("--near/--not-near", help="Near a secret unit?")],
) -> None:
    """Say in the site profile whether the site is near a unit holding state secrets."""
    found = secret_consent.set_near(open_site(), Actor.cli(), near)
    console.print(f"near a secret unit: {'yes' if found.near_secret_unit else 'no'} (N10)")


@secret_app.command("consent")
def secret_add(
    unit: Annotated[str, typer.Option("--unit", help="The secret unit.")],
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD it consented.")],
    document: Annotated[str, typer.Option("--document", help="Its document's reference.")],
    scope: Annotated[str, typer.Option("--scope", help="What the consent covers.")],
    attachment_id: Annotated[int | None, typer.Option("--attachment-id")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="A scan (PDF, JPEG, PNG).")] = None,
) -> None:
    """Record the secret unit's prior consent to the siting of cameras (N10)."""
    ctx = open_site()
    att = attachment_or_file(ctx, attachment_id, file, kind="other")
    v = secret_consent.add_consent(
        ctx, Actor.cli(), unit_name=unit, consented_on=on, document_ref=document, scope=scope,
        attachment_id=att,
    )  # fmt: skip
    console.print(f"consent #{v.id} of {v.unit_name} on {v.consented_on} (N10)", highlight=False)
