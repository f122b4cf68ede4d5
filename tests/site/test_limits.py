"""The real `vigil serve` against oversized and malformed requests, huge numbers, forged
client addresses; its security headers over HTTP and HTTPS (docs/api.md, "Limits")."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import BACKEND, postgres_database, site_settings
from vigil.access.roles import Role
from vigil.access.users import UserRegistry
from vigil.context import SiteContext
from vigil.media.simulated import free_tcp_port

PASSWORD = "correct-horse-9"
HUGE = "99999999999999999999"  # beyond int64


@dataclass
class Serve:
    base: str
    port: int


@contextmanager
def vigil_serve(
    home: Path, database_url: str | None, *extra: str, **settings: object
) -> Iterator[Serve]:
    """`vigil serve --no-record` on a free loopback port of a site with an administrator."""
    ctx = SiteContext.init(home, settings=site_settings(database_url, **settings))
    UserRegistry(ctx).add("admin", PASSWORD, Role.ADMINISTRATOR, actor="test")
    ctx.close()
    port = free_tcp_port()
    env = dict(os.environ, VIGIL_HOME=str(home))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("FORWARDED_ALLOW_IPS", None)
    proc = subprocess.Popen(
        ["vigil", "serve", "--no-record", "--port", str(port), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    scheme = "https" if "--cert" in extra else "http"
    base = f"{scheme}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "vigil serve did not start"
            try:
                httpx.get(base + "/", verify=False, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield Serve(base, port)
    finally:
        proc.terminate()
        proc.wait(30)


@contextmanager
def another_database() -> Iterator[str | None]:
    """A second site's database (one PostgreSQL database holds one site)."""
    if BACKEND != "postgresql":
        yield None
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def served(tmp_path: Path, database_url: str | None) -> Iterator[Serve]:
    with vigil_serve(tmp_path / "home", database_url) as s:
        yield s


def login(s: Serve, headers: dict[str, str] | None = None) -> httpx.Client:
    client = httpx.Client(base_url=s.base, timeout=30, verify=False)
    r = client.post(
        "/api/v1/auth/login",
        json={"username": "admin", "password": PASSWORD},
        headers=headers or {},
    )
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def head_only(s: Serve, path: str, length: int, headers: dict[str, str]) -> tuple[int, bytes]:
    """Send a request's head announcing `length` body bytes, and none of them: the answer
    must come without the body (a server that waits for it times out here)."""
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{s.port}", f"Content-Length: {length}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection(("127.0.0.1", s.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    status = int(reply.split(b" ", 2)[1])
    return status, reply


def test_bodies_are_authenticated_and_bounded_before_they_are_read(served: Serve) -> None:
    json_head = {"Content-Type": "application/json"}
    upload_head = {"Content-Type": "multipart/form-data; boundary=x"}
    # Anonymous: 401 at once, whatever the size.
    assert head_only(served, "/api/v1/staff", 12_000_000, json_head)[0] == 401
    assert head_only(served, "/api/v1/attachments", 200_000_000, upload_head)[0] == 401
    # Signed in: larger than the route's limit is 413 at once.
    client = login(served)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    auth = {"Cookie": cookie, "X-CSRF-Token": client.headers["X-CSRF-Token"]}
    assert head_only(served, "/api/v1/staff", 12_000_000, {**json_head, **auth})[0] == 413
    status, _ = head_only(served, "/api/v1/attachments", 200_000_000, {**upload_head, **auth})
    assert status == 413
    # Sign-in takes a body without a caller, bounded too.
    assert head_only(served, "/api/v1/auth/login", 2_000_000, json_head)[0] == 413
    # A chunked body (no length announced) is cut off once it passes 1 MiB.
    chunks = (b"[" + b"1," * 100_000 for _ in range(20))
    r = client.post("/api/v1/staff", content=chunks, headers=json_head)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large", r.text
    # A small body still reaches its route.
    r = client.post("/api/v1/staff", json={"name": "张三", "role": "monitor"})
    assert r.status_code in (201, 400), r.text


def test_malformed_json_is_401_first_then_named(served: Serve) -> None:
    anon = httpx.post(
        served.base + "/api/v1/staff",
        content=b'{"name": 8,,}',
        headers={"Content-Type": "application/json"},
    )
    assert anon.status_code == 401
    client = login(served)
    r = client.post(
        "/api/v1/staff", content=b'{"name": 8,,}', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["field"] == "body" and "not valid JSON" in err["message"], err
    # Numbers written as strings are read as numbers (documented in docs/api.md); words
    # are refused naming the field.
    r = client.post("/api/v1/cameras", json={"name": "c1", "url": "rtsp://10.0.0.9/x",
                                             "retention_days": "30"})  # fmt: skip
    assert r.status_code == 201 and r.json()["retention_days"] == 30, r.text
    r = client.patch("/api/v1/cameras/c1", json={"retention_days": "thirty"})
    assert r.status_code == 400 and r.json()["error"]["field"] == "retention_days"


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", f"/api/v1/attachments/{HUGE}", None, "attachment_id"),
        ("GET", f"/api/v1/staff/{HUGE}", None, "staff_id"),
        ("GET", f"/api/v1/staff/{HUGE}/training", None, "staff_id"),
        ("GET", f"/api/v1/room/entries/{HUGE}", None, "entry_id"),
        ("POST", f"/api/v1/shifts/{HUGE}/handover", {"to_staff_id": 1}, "shift_id"),
        ("POST", "/api/v1/shifts", {"staff_id": int(HUGE)}, "staff_id"),
        ("GET", f"/api/v1/playback/g/segments/cam1/{HUGE}", None, "seq"),
    ],
)
def test_numbers_beyond_int64_are_400_naming_the_parameter(
    served: Serve,
    method: str,
    path: str,
    body: dict | None,
    field: str,  # type: ignore[type-arg]
) -> None:
    client = login(served)
    r = client.request(method, path, json=body)
    assert r.status_code in (400, 404), r.text
    if r.status_code == 400:
        assert r.json()["error"]["field"] == field, r.text


def test_forwarded_for_is_believed_only_from_configured_proxies(
    tmp_path: Path, database_url: str | None
) -> None:
    forged = {"X-Forwarded-For": "203.0.113.7"}

    def failed_sign_in_addresses(s: Serve) -> set[str]:
        r = httpx.post(s.base + "/api/v1/auth/login", headers=forged,
                       json={"username": "admin", "password": "wrong"})  # fmt: skip
        assert r.status_code == 401
        entries = login(s).get("/api/v1/audit").json()
        entries = entries["entries"] if isinstance(entries, dict) else entries
        return {e["client"] for e in entries if e["action"] == "login" and e["result"] != "ok"}

    with vigil_serve(tmp_path / "a", database_url) as s:
        assert failed_sign_in_addresses(s) == {"127.0.0.1"}
    with (
        another_database() as url,
        vigil_serve(tmp_path / "b", url, forwarded_allow_ips="127.0.0.1") as s,
    ):
        assert failed_sign_in_addresses(s) == {"203.0.113.7"}


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_headers_over_http_and_https(tmp_path: Path, database_url: str | None) -> None:
    with vigil_serve(tmp_path / "http", database_url) as s:
        r = httpx.get(s.base + "/")
        csp = r.headers["Content-Security-Policy"]
        assert f"connect-src 'self' ws://127.0.0.1:{s.port};" in csp
        assert " ws: " not in csp and "wss:" not in csp
        assert "Strict-Transport-Security" not in r.headers
        # The interactive docs would need a CDN the CSP refuses: off; the description stays.
        assert httpx.get(s.base + "/api/v1/docs").status_code == 404
        assert httpx.get(s.base + "/api/v1/openapi.json").status_code == 200
    cert, key = _self_signed(tmp_path)
    tls = ("--cert", str(cert), "--key", str(key))
    with another_database() as url, vigil_serve(tmp_path / "https", url, *tls) as s:
        r = httpx.get(s.base + "/", verify=False)
        assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert (
            f"connect-src 'self' wss://127.0.0.1:{s.port};" in r.headers["Content-Security-Policy"]
        )
        # Refusals carry the headers too.
        refused = httpx.post(s.base + "/api/v1/staff", json={}, verify=False)
        assert refused.status_code == 401 and "Strict-Transport-Security" in refused.headers
