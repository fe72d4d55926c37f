"""`flask demo` gives the advocacy organization a family with records and a packet."""

from __future__ import annotations

from helpers import sign_in

from facilitator.demo import DEMO_PASSWORD
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.packets import build, storage
from facilitator.packets.models import Document, Packet
from facilitator.packets.timeline import decision_log, family_timeline


def test_demo_records_and_packet_build(runner, client, app):
    app.config["PACKETS_DISABLE_LIBREOFFICE"] = True
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    fam = db.session.execute(db.select(Family).where(
        Family.student_name == "Theo Lindqvist")).scalar_one()
    docs = db.session.execute(db.select(Document).where(Document.family_id == fam.id)
                              ).scalars().all()
    assert {d.file_type for d in docs} == {"pdf", "text", "png", "docx"}
    assert all(storage.path_for(d.storage_key).exists() for d in docs)
    entries = family_timeline(fam)
    assert len(entries) == 10
    assert any(e.days_open == 25 for e in entries)  # Jan 13 concern → Feb 7 notice
    assert len(decision_log(fam)) == 2
    packet = db.session.execute(db.select(Packet).where(Packet.family_id == fam.id)
                                ).scalar_one()
    assert len(packet.items) == 6

    sign_in(client, "advocate@familyvoices.example", DEMO_PASSWORD)
    url = f"/records/families/{fam.id}/packets/{packet.id}"
    assert "Records for mediation" in client.get(url).get_data(as_text=True)
    from helpers import post_form

    pid = packet.id
    assert post_form(client, f"{url}/build", token_from=url).status_code == 302
    build.wait(pid)
    db.session.commit()
    status = client.get(f"{url}/status").get_json()
    assert status["status"] == "done", status
    # The district never sees it.
    other = app.test_client()
    sign_in(other, "admin@riverside.example", DEMO_PASSWORD)
    assert other.get(url).status_code == 404
