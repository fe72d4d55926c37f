"""Regenerate docs/screenshots/*.png: the main screens with the demo data, in Chromium.

Run with `make screenshots`. The app is served on a free local port from a temporary
folder (database and uploads), so the real instance/ folder is never touched.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
sys.path.insert(0, str(ROOT))

from facilitator import create_app, demo  # noqa: E402
from facilitator.extensions import db  # noqa: E402
from facilitator.families.models import Family  # noqa: E402
from facilitator.meetings.models import Meeting  # noqa: E402


def _app(folder: Path):
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'screens.db'}",
        "SECRET_KEY": "screenshots-only",
        "STORAGE_DIR": str(folder / "storage"),
        "RATELIMIT_STORAGE_URI": "memory://",
        # No worker here: queue tasks (the packet build) run inside the request.
        "HUEY_IMMEDIATE": True,
    })
    with app.app_context():
        db.create_all()
        demo.load()
        db.session.commit()
    return app


def _ids(app) -> dict[str, int]:
    with app.app_context():
        ava = db.session.execute(db.select(Family).filter_by(
            student_name="Ava Thompson")).scalar_one()
        theo = db.session.execute(db.select(Family).filter_by(
            student_name="Theo Lindqvist")).scalar_one()
        meeting = db.session.execute(db.select(Meeting).filter_by(family_id=ava.id)
                                     .order_by(Meeting.starts_at.desc()).limit(1)).scalar_one()
        return {"meeting": meeting.id, "theo": theo.id}


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")


def shoot(url: str, ids: dict[str, int]) -> list[Path]:
    """Sign in as each demo person and photograph their main screen."""
    OUT.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"])

        def context(email: str, width: int, height: int):
            ctx = browser.new_context(viewport={"width": width, "height": height})
            page = ctx.new_page()
            _sign_in(page, url, email)
            return ctx, page

        ctx, page = context("facilitator@riverside.example", 768, 1024)  # a tablet
        page.goto(f"{url}/meetings/{ids['meeting']}/live")
        page.screenshot(path=OUT / "live-meeting-tablet.png")
        made.append(OUT / "live-meeting-tablet.png")
        ctx.close()

        ctx, page = context("analyst@riverside.example", 1280, 900)
        page.goto(f"{url}/adr/dashboard")
        page.wait_for_function("() => window.Chart && Chart.getChart('fiep-chart') && "
                               "Chart.getChart('rates-chart')")
        page.screenshot(path=OUT / "dashboard.png", full_page=True)
        page.goto(f"{url}/adr/report")
        page.screenshot(path=OUT / "report-618.png", full_page=True)
        made += [OUT / "dashboard.png", OUT / "report-618.png"]
        ctx.close()

        ctx, page = context("advocate@familyvoices.example", 1280, 900)
        page.goto(f"{url}/records/families/{ids['theo']}/timeline")
        page.screenshot(path=OUT / "timeline.png", full_page=True)
        page.get_by_role("link", name="Packets", exact=True).click()
        page.get_by_role("link", name="Records for mediation, spring 2025").click()
        build = page.get_by_role("button", name="Build the packet")
        if build.count():
            build.click()
            page.get_by_role("link", name="Combined PDF").wait_for(timeout=120_000)
        page.screenshot(path=OUT / "packet.png", full_page=True)
        made += [OUT / "timeline.png", OUT / "packet.png"]
        ctx.close()
        browser.close()
    return made


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="facilitator-screens-") as tmp:
        app = _app(Path(tmp))
        ids = _ids(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            for path in shoot(f"http://127.0.0.1:{server.server_port}", ids):
                print(path.relative_to(ROOT))
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


if __name__ == "__main__":
    main()
