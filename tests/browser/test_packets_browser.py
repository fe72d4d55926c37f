"""An advocate in a real browser: records pages without axe violations, an upload,
and a packet build whose progress the page follows until the files are ready."""

from __future__ import annotations

from pathlib import Path

from helpers import assert_no_axe_violations
from playwright.sync_api import expect

from facilitator.demo import DEMO_PASSWORD
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.packets.models import Packet

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def test_advocate_records_pages_and_packet_build(page, live_server, browser_sign_in, runner,
                                                 app, tmp_path):
    app.config["PACKETS_DISABLE_LIBREOFFICE"] = True
    assert runner.invoke(args=["demo"]).exit_code == 0
    fam = db.session.execute(db.select(Family).where(
        Family.student_name == "Theo Lindqvist")).scalar_one()
    packet = db.session.execute(db.select(Packet)).scalar_one()
    fid, pid = fam.id, packet.id
    db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    browser_sign_in(page, "advocate@familyvoices.example", DEMO_PASSWORD)

    page.get_by_role("link", name="Records", exact=True).first.click()
    page.get_by_role("link", name="Theo Lindqvist").click()
    expect(page.get_by_role("heading", name="Documents of Theo Lindqvist")).to_be_visible()
    assert_no_axe_violations(page)

    note = tmp_path / "Notes from María's call.txt"
    note.write_text("Called the school on March 3.\n", encoding="utf-8")
    page.get_by_label("Files").set_input_files(str(note))
    page.get_by_label("Type of record").select_option("correspondence")
    page.get_by_role("button", name="Add documents").click()
    expect(page.get_by_text("Added 1 document.")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "packets-documents.png"), full_page=True)

    for tab, shot in (("Timeline", "packets-timeline.png"),
                      ("Decision log", "packets-decisions.png"),
                      ("Packets", "packets-list.png")):
        page.get_by_role("link", name=tab, exact=True).click()
        assert_no_axe_violations(page)
        page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    expect(page.get_by_role("link", name="Records for mediation, spring 2025")).to_be_visible()

    page.goto(f"{live_server.url}/records/families/{fid}/packets/{pid}")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Build the packet").click()
    page.get_by_role("link", name="Combined PDF").wait_for()
    assert_no_axe_violations(page)
    page.screenshot(path=str(ARTIFACTS / "packets-packet.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="Combined PDF").click()
    assert info.value.suggested_filename.endswith(".pdf")
    page.set_viewport_size({"width": 768, "height": 1000})
    page.screenshot(path=str(ARTIFACTS / "packets-packet-tablet.png"), full_page=True)
