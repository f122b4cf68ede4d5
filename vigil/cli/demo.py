"""`vigil demo`: simulated cameras, yesterday's (simulated) footage, recorder and console,
and a bureau beside the site, already linked (docs/bureau.md, A3, A13.2)."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from sqlalchemy import func, select

from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.audit.actor import Actor
from vigil.cameras import CameraRegistry
from vigil.cli.common import console, home, set_home
from vigil.clock import US_PER_S
from vigil.config import default_home
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.errors import ConflictError, VigilError
from vigil.media.backfill import backfill

DEMO_CAMERAS = ("lobby", "entrance", "corridor")
#: Where the demo cameras look (A7 key positions). The lobby camera is left for the user
#: to site, so the coverage report shows a gap until they do.
DEMO_SITING = {
    "entrance": ("entrance", "watch people entering and leaving (demo)"),
    "corridor": ("passage", "watch the ground-floor corridor (demo)"),
}
DEMO_USER = "demo"
#: The demo's bureau: the city bureau over the demo unit's county (350102 is under 350100).
DEMO_BUREAU = ("福州市公安局 (demo)", "350100")
#: The bureau's demo staff: an officer 民警 reviews the filing, the head 负责人 approves.
DEMO_BUREAU_STAFF = (("officer", "officer", "民警"), ("head", "head", "负责人"))
#: The documents a filing carries besides the form (A13.2's three and the N14 notice's
#: three): the demo keeps A13.2's on the site profile and writes the notice's for upload.
DEMO_DOCUMENTS = {
    "design_plan": "设计方案-design-plan.pdf",
    "test_report": "检测报告-test-report.pdf",
    "acceptance_report": "验收报告-acceptance.pdf",
    "authorisation_letter": "授权书-authorisation-letter.pdf",
    "business_licence": "营业执照-business-licence.pdf",
    "handler_id": "经办人身份证-handler-id.pdf",
}
BUREAU_START_S = 60


def _demo_home() -> Path:
    if os.environ.get("VIGIL_HOME") is None and home() == default_home():
        set_home(default_home().with_name("vigil-demo"))
    return home()


def _yesterday_morning_us() -> int:
    y = datetime.now(UTC).date() - timedelta(days=1)
    return int(datetime(y.year, y.month, y.day, 9, 0, tzinfo=UTC).timestamp()) * US_PER_S


def _seed_history(ctx: SiteContext, names: list[str], minutes: int) -> None:
    """Give each new demo camera `minutes` of yesterday's footage, once."""
    reg = CameraRegistry(ctx)
    todo = []
    for name in names:
        cam = reg.get(name)
        with ctx.sessions() as s:
            n = s.scalar(
                select(func.count()).select_from(Segment).where(Segment.camera_id == cam.id)
            )
        if not n:
            todo.append(cam)
    if not todo or minutes <= 0:
        return
    start = _yesterday_morning_us()
    with Progress(console=console, transient=True) as bar:
        for cam in todo:
            task = bar.add_task(f"simulating yesterday's footage for {cam.name}", total=1.0)

            def advance(fraction: float, task: TaskID = task) -> None:
                bar.update(task, completed=fraction)

            backfill(ctx, cam.id, start, minutes * 60, progress=advance)


def _demo_profile(ctx: SiteContext) -> str:
    """A demo unit under the province's default jurisdiction profile, once: the self-check
    then shows rows citing both texts (the measures and the national regulation). Returns
    the rule sets in force today."""
    from vigil.records import profile
    from vigil.records.common import today

    day = today(ctx)
    if profile.get_profile(ctx) is None:
        started = (day - timedelta(days=20)).isoformat()
        profile.update_profile(
            ctx,
            {
                "unit_name": "演示酒店有限公司 (demo)",
                "credit_code": "91350100M000100Y43",
                "division_code": "350102",
                "address": "福州市鼓楼区演示路1号",
                "categories": ["hospitality_entertainment"],
                "builder": "unit",
                "delivered_on": started,
                "commissioned_on": started,
                "national_class": "crowded_place",
            },
            Actor.cli(),
        )
    found = profile.get_profile(ctx)
    values = found.values if found is not None else {}
    return " + ".join(profile.site_law(values, day).ids)


def _demo_login(ctx: SiteContext) -> str:
    """A fresh password for the demo administrator at every start (printed once)."""
    password = "demo-" + secrets.token_urlsafe(9)
    users = UserRegistry(ctx)
    try:
        users.add(
            DEMO_USER,
            password,
            Role.ADMINISTRATOR,
            "演示管理员 Demo administrator",
            actor=Actor.cli().name,
        )
    except ConflictError:
        users.set_password(DEMO_USER, password, actor=Actor.cli().name)
    return password


def _demo_document(kind: str) -> bytes:
    """A one-page PDF standing in for a scanned document of `kind` (demo only)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=16)
    pdf.cell(text=f"Vigil demo: {kind.replace('_', ' ')} (specimen, not a real document)")
    return bytes(pdf.output())


def _demo_documents(ctx: SiteContext, folder: Path) -> list[Path]:
    """A13.2's documents kept on the demo profile (once), so that a filing needs only the
    N14 notice's three, written to `folder` for upload in the console; returns those."""
    from vigil.records import attachments, profile

    found = profile.get_profile(ctx)
    values = dict(found.values) if found is not None else {}
    missing = {
        field: kind
        for field, kind in profile.ATTACHMENT_FIELDS.items()
        if values.get(field) is None
    }
    if missing and found is not None:
        for field, kind in missing.items():
            att = attachments.store(ctx, _demo_document(kind), kind=kind,
                                    filename=DEMO_DOCUMENTS[kind], actor=Actor.cli())  # fmt: skip
            values[field] = att.id
        profile.update_profile(ctx, values, Actor.cli())
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in ("authorisation_letter", "business_licence", "handler_id"):
        path = folder / DEMO_DOCUMENTS[kind]
        if not path.exists():
            path.write_bytes(_demo_document(kind))
        written.append(path)
    return written


def _bureau_logins(bureau_home: Path) -> list[tuple[str, str, str]]:
    """The demo bureau's home (once) and a fresh password for its officer and head at every
    start: (user, role, password)."""
    from vigil.bureau.accounts import add_user, set_password
    from vigil.bureau.context import BureauContext

    name, division = DEMO_BUREAU
    bctx = BureauContext.init(bureau_home, name=name, division_code=division)
    logins = []
    try:
        for user, role, label in DEMO_BUREAU_STAFF:
            password = "demo-" + secrets.token_urlsafe(9)
            try:
                add_user(bctx, user, role, actor=Actor.cli(), password=password,
                         display_name=f"演示{label} Demo {role}")  # fmt: skip
            except ConflictError:
                set_password(bctx, user, password, actor=Actor.cli())
            logins.append((user, f"{role} {label}", password))
    finally:
        bctx.close()
    return logins


def _start_bureau(bureau_home: Path, port: int) -> subprocess.Popen[bytes]:
    """`vigil bureau serve` for the demo's bureau, in its own process (and process group:
    the demo stops it when it stops itself); returns once it answers."""
    import httpx

    proc = subprocess.Popen(
        [sys.executable, "-m", "vigil.cli.main", "bureau", "serve", "--home", str(bureau_home),
         "--port", str(port)],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + BUREAU_START_S
    while True:
        if proc.poll() is not None:
            raise VigilError(f"the demo bureau did not start (port {port} in use?)", field="port")
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except httpx.TransportError:
            if time.monotonic() > deadline:
                _stop_bureau(proc)
                raise VigilError(f"the demo bureau did not answer on port {port}") from None
            time.sleep(0.2)


def _stop_bureau(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _link_demo(ctx: SiteContext, bureau_home: Path, bureau_url: str) -> str:
    """Invite the demo unit at the bureau and join at the site, as `vigil bureau invite`
    and `vigil link join` do (once); then seal, so that the bureau holds a seal at once."""
    from vigil.bureau.context import BureauContext
    from vigil.bureau.enrol import invite
    from vigil.integrity.seal import seal_now
    from vigil.link.enrol import join
    from vigil.link.site_side import bureau_row
    from vigil.records import profile

    with ctx.sessions() as s:
        row = bureau_row(s)
    if row is None:
        found = profile.get_profile(ctx)
        assert found is not None  # _demo_profile made it
        unit = str(found.values["unit_name"])
        bctx = BureauContext.open(bureau_home)
        try:
            token = invite(bctx, unit, division_code=str(found.values["division_code"]),
                           actor=Actor.cli())  # fmt: skip
        finally:
            bctx.close()
        row = join(ctx, bureau_url, token)
    seal_now(ctx, register=lambda s: Actor.cli().audit(s, ctx, "seal"))
    return f"{row.name} ({row.division_code}), unit {row.unit_name!r}"


def demo(
    port: Annotated[int, typer.Option("--port", help="Port of the web console.")] = 8080,
    bureau_port: Annotated[
        int, typer.Option("--bureau-port", help="Port of the demo bureau's console.")
    ] = 8081,
    rtsp_port: Annotated[
        int, typer.Option("--rtsp-port", help="Port of the simulated cameras.")
    ] = 18554,
    cameras: Annotated[
        int, typer.Option("--cameras", min=1, max=16, help="How many to simulate.")
    ] = 3,
    history_minutes: Annotated[
        int,
        typer.Option(
            "--history-minutes",
            min=0,
            max=120,
            help="Minutes of yesterday's simulated footage per new camera.",
        ),
    ] = 5,
    duration: Annotated[
        float | None, typer.Option("--duration", help="Stop after this many seconds.")
    ] = None,
) -> None:
    """Simulated cameras (a clock burnt into the picture), recorded, with the web console,
    and a bureau beside the site (its own home, port and logins), already linked."""
    import vigil.link.seals  # noqa: F401  (every seal of a linked site is queued for its bureau)
    from vigil.cli.serve import run_server
    from vigil.media.simulated import MountSpec, SimulatedCameraServer, gstreamer_available

    demo_home = _demo_home()
    # Short segments and frequent seals so that a demo shows results quickly.
    ctx = SiteContext.init(demo_home, settings={"segment_s": 10, "seal_interval_s": 60})
    if not gstreamer_available():
        raise VigilError(
            "the simulated cameras need GStreamer's RTSP server for Debian's python3 "
            "(run the README's set-up command)"
        )
    names = [
        DEMO_CAMERAS[i] if i < len(DEMO_CAMERAS) else f"camera-{i + 1}" for i in range(cameras)
    ]
    mounts = [
        MountSpec(n, width=640, height=360, fps=10, gop=10, bitrate_kbps=500, overlay="ms")
        for n in names
    ]
    registry = CameraRegistry(ctx)
    existing = {c.name for c in registry.list()}
    with SimulatedCameraServer(mounts, port=rtsp_port) as server:
        for n in names:
            if n not in existing:
                location, purpose = DEMO_SITING.get(n, (None, None))
                with contextlib.suppress(ConflictError):
                    registry.add(
                        n, server.url(n), location_type=location, purpose=purpose, by=Actor.cli()
                    )
        _seed_history(ctx, names, history_minutes)
        password = _demo_login(ctx)
        law = _demo_profile(ctx)
        documents = _demo_documents(ctx, demo_home / "filing-documents")
        bureau_home = demo_home / "bureau"
        bureau_logins = _bureau_logins(bureau_home)
        bureau_url = f"http://127.0.0.1:{bureau_port}"
        bureau = _start_bureau(bureau_home, bureau_port)
        try:
            linked = _link_demo(ctx, bureau_home, bureau_url)
        except BaseException:
            _stop_bureau(bureau)
            raise
        console.print(f"demo home: [bold]{demo_home}[/bold]")
        console.print(
            f"law in force today (jurisdiction profile 'province'): {law}; "
            "self-check: vigil compliance report (`vigil law list` for the dates)",
            highlight=False,
        )
        for n in names:
            console.print(f"simulated camera {n}: {server.url(n)}")
        console.print(
            f"\n  console: [bold]http://127.0.0.1:{port}/[/bold]\n"
            f"  sign in: [bold]{DEMO_USER}[/bold] / [bold]{password}[/bold]\n"
            "  (CLI meanwhile: "
            f"VIGIL_HOME={demo_home} vigil status | vigil segments {names[0]} | vigil verify)\n"
        )
        console.print(
            f"  bureau 公安机关: [bold]{bureau_url}/[/bold]  (home {bureau_home}; "
            f"linked: {linked})",
            highlight=False,
        )
        for user, role, pw in bureau_logins:
            console.print(f"  sign in ({role}): [bold]{user}[/bold] / [bold]{pw}[/bold]")
        console.print(
            "\n  To file (备案, A13.2, N14): on the site's 场所 / Site page, card\n"
            "  向公安机关备案 / Filing with the bureau, upload\n"
            + "".join(f"    {p}\n" for p in documents)
            + f"  and submit; the officer accepts it at {bureau_url}/filings (备案登记与审核),\n"
            "  and the receipt 备案回执 shows on that card. (Or: vigil filing submit --attach\n"
            "  KIND=FILE; A13.2's three documents are already on the demo profile.)\n"
            "  Ctrl-C stops both and closes every open segment.\n",
            highlight=False,
        )
        try:
            run_server(ctx, "127.0.0.1", port, None, None, record=True, stop_after_s=duration)
        finally:
            _stop_bureau(bureau)


def register(app: typer.Typer) -> None:
    app.command()(demo)
