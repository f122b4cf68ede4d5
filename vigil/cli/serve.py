"""`vigil serve`: the console and API together with the recorders, in one process."""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vigil.cli.common import console, open_site
from vigil.context import SiteContext
from vigil.errors import ValidationError
from vigil.media.service import RecordingService
from vigil.storage.locks import HomeLock

if TYPE_CHECKING:
    import uvicorn

    from vigil.link.delivery import LinkWorker

#: How long open requests and live sockets may take to end after SIGTERM.
SHUTDOWN_GRACE_S = 3


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(host: str, cert: Path | None, key: Path | None, allow_http: bool) -> None:
    """HTTPS when given a certificate; plain HTTP only on loopback unless allowed."""
    if (cert is None) != (key is None):
        raise ValidationError("give both --cert and --key", field="cert" if cert is None else "key")
    if cert is None and not _is_loopback(host) and not allow_http:
        raise ValidationError(
            f"plain HTTP on {host} would send passwords and video unencrypted; give --cert and "
            "--key, or --allow-http to accept that on a trusted network",
            field="host",
        )


def run_server(
    ctx: SiteContext,
    host: str,
    port: int,
    cert: Path | None,
    key: Path | None,
    *,
    record: bool = True,
    stop_after_s: float | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM (or `stop_after_s`); the recorders stop with the server."""
    import uvicorn  # imported here: the web stack costs other commands' start-up time

    from vigil.site.app import create_app

    app = create_app(ctx)
    svc = RecordingService(ctx) if record else None
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
        ws_max_size=1 << 20,
        # Bounded shutdown: connections still open this long after SIGTERM are dropped,
        # so the recorders always get to close their segments before systemd's SIGKILL.
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise, which
        # would let any local process pose as any address: only configured proxies.
        proxy_headers=bool(ctx.settings.forwarded_allow_ips),
        forwarded_allow_ips=ctx.settings.forwarded_allow_ips or [],
    )
    server = uvicorn.Server(config)
    if stop_after_s is not None:
        timer = threading.Timer(stop_after_s, lambda: setattr(server, "should_exit", True))
        timer.daemon = True
        timer.start()
    with HomeLock(ctx.home) if record else _nothing(), _sigterm_stops(server):
        if svc is not None:
            svc.start()
        link = _start_link(ctx, f"{'https' if cert else 'http'}://{host}:{port}")
        try:
            server.run()
        finally:
            if svc is not None:
                console.print("stopping: closing open segments…")
                svc.shutdown()
            link.shutdown()


def _start_link(ctx: SiteContext, url: str) -> LinkWorker:
    """Deliver the outbox to the bureau (seals, filings) while the site serves (vigil.link)."""
    from vigil.link.delivery import LinkWorker
    from vigil.link.enrol import announce_address
    from vigil.link.site_side import SiteSide

    worker = LinkWorker(SiteSide(ctx), tick=lambda: announce_address(ctx, url))
    worker.start()
    return worker


@contextlib.contextmanager
def _sigterm_stops(server: uvicorn.Server) -> Iterator[None]:
    """SIGTERM asks the server to stop, and then lets the recorders close their segments.

    uvicorn handles SIGTERM while it serves, and afterwards raises it again under the
    handler it found: with the default one the process would die there, before the
    recorders' shutdown. This handler is the one it finds.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


def serve(
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8080,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    cert: Annotated[Path | None, typer.Option("--cert", help="TLS certificate (PEM).")] = None,
    key: Annotated[Path | None, typer.Option("--key", help="TLS private key (PEM).")] = None,
    allow_http: Annotated[
        bool, typer.Option("--allow-http", help="Allow plain HTTP on a non-loopback address.")
    ] = False,
    no_record: Annotated[
        bool, typer.Option("--no-record", help="Serve only; another process records.")
    ] = False,
) -> None:
    """Run the web console and API (/api/v1) together with the recorders."""
    check_transport(host, cert, key, allow_http)
    ctx = open_site()
    scheme = "https" if cert else "http"
    console.print(
        f"Vigil console at [bold]{scheme}://{host}:{port}/[/bold]  (API: /api/v1/openapi.json)"
    )
    run_server(ctx, host, port, cert, key, record=not no_record)


def register(app: typer.Typer) -> None:
    app.command()(serve)
