"""Screenshots of the bureau's console for the README: the register of filings with a unit's
filing received, and the dashboard of the jurisdiction.

Run by hand from the repository root (a bureau and a site as real processes on loopback; the
site links, files with every document the law in force asks for, and seals):

    .venv/bin/python -m tests.bureau.screenshots [OUT_DIR]     # default: docs/img
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.bureau.conftest import Bureau, Server, env_for, site_process, vigil, wait_for
from tests.filings.helpers import ALL_ITEMS, HOTEL
from tests.filings.test_bureau_processes import PW, register, staff
from tests.site.conftest import chromium

VIEWPORT = {"width": 1280, "height": 800}
UNIT = str(HOTEL["unit_name"])


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        home = root / "bureau"
        done = vigil("bureau", "init", "--home", str(home))
        assert done.returncode == 0, done.stderr
        server = Server(["bureau", "serve", "--home", str(home)], env_for())
        server.start()
        try:
            b = Bureau(home, server, "")
            officer = staff(b, "li", "officer")
            b.invite("仓山某商场有限公司", "--division", "350104")  # invited, not yet filed
            with site_process(root / "site", None, VIGIL_LINK_RETRY_MAX_S="1") as site:
                profile = ["--unit-name", UNIT, "--credit-code",
                           str(HOTEL["credit_code"]), "--division-code", "350102", "--address",
                           str(HOTEL["address"]), "--categories", "hospitality_entertainment",
                           "--builder", "unit", "--delivered-on", "2026-11-20",
                           "--commissioned-on", "2026-11-25"]  # fmt: skip
                assert site.cli("site", "profile", "set", *profile).returncode == 0
                token = b.invite(UNIT, "--division", "350102")
                assert site.cli("link", "join", server.url, "--token", token).returncode == 0
                files = []
                for kind, (data, name) in ALL_ITEMS.items():
                    (root / name).write_bytes(data)
                    files += ["--attach", f"{kind}={root / name}"]
                out = site.cli("filing", "submit", *files)
                assert out.returncode == 0, out.stderr
                wait_for(lambda: register(officer), "the filing at the bureau")
                assert site.cli("seal").returncode == 0
            with chromium() as browser:
                page = browser.new_page(viewport=VIEWPORT)  # type: ignore[attr-defined]
                page.set_default_timeout(20_000)
                page.goto(server.url + "/filings")
                page.get_by_test_id("login-username").fill("li")
                page.get_by_test_id("login-password").fill(PW)
                page.get_by_test_id("login-submit").click()
                page.get_by_test_id("bureau-filings").get_by_text(UNIT).first.wait_for()
                page.screenshot(path=str(out_dir / "bureau-filings.png"), full_page=True)
                page.goto(server.url + "/dashboard")
                page.locator("svg.chart").first.wait_for()
                page.screenshot(path=str(out_dir / "bureau-dashboard.png"), full_page=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img"))
