"""A family export in a real browser: asked for, followed while the worker builds it,
downloaded when ready; both states of the page without axe violations."""

from __future__ import annotations

import zipfile
from pathlib import Path

from helpers import assert_no_axe_violations
from playwright.sync_api import expect

from facilitator.demo import DEMO_PASSWORD
from facilitator.extensions import db
from facilitator.families.models import Family

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def test_advocate_asks_for_everything_and_downloads_it_when_ready(
        page, live_server, browser_sign_in, runner, real_queue, tmp_path):
    assert runner.invoke(args=["demo"]).exit_code == 0
    real_queue()  # what the demo queued
    fam = db.session.execute(db.select(Family).where(
        Family.student_name == "Theo Lindqvist")).scalar_one()
    fid = fam.id
    db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    browser_sign_in(page, "advocate@familyvoices.example", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/families/{fid}")
    page.get_by_role("link", name="Download everything held about this family").click()
    page.get_by_role("button", name="Prepare the ZIP").click()
    status = page.get_by_role("status")
    assert status.get_by_text("Preparing the file").is_visible()
    expect(page.get_by_role("progressbar", name="Export progress")).to_be_visible()
    assert_no_axe_violations(page)
    page.screenshot(path=str(ARTIFACTS / "export-preparing.png"), full_page=True)

    assert real_queue() == 1  # the worker builds it; the page notices by itself
    download_link = page.get_by_role("link", name="Download the ZIP")
    download_link.wait_for()  # up to the suite-wide hang ceiling
    assert_no_axe_violations(page)
    page.screenshot(path=str(ARTIFACTS / "export-ready.png"), full_page=True)
    with page.expect_download() as info:
        download_link.click()
    target = tmp_path / "family.zip"
    info.value.save_as(target)
    names = zipfile.ZipFile(target).namelist()
    assert "index.html" in names and "manifest.json" in names
