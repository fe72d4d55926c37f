"""A district user never reaches an advocacy organization's records, and the reverse."""

from __future__ import annotations

import pytest
from helpers import post_form, sign_in

from facilitator.extensions import db
from facilitator.packets import services
from facilitator.packets.models import Document, ManualDecision, Packet, TimelineEvent


@pytest.fixture()
def two_orgs(make_org, make_user, make_family, sample):
    advocacy = make_org("family-voices", kind="advocacy")
    district = make_org("riverside", kind="district")
    fam = make_family(advocacy, "Jordan Alvarez")
    other_fam = make_family(district, "Riley Chen")
    doc = services.add_document_bytes(fam, "eval.pdf", sample.pdf(), doc_type="evaluation")
    event = services.add_event(fam, event_date=doc.created_at.date(), kind="concern",
                               description="Reading concern")
    decision = services.add_decision(fam, decided_on=doc.created_at.date(), what="Evaluate")
    packet = services.create_packet(fam, title="Mediation packet")
    db.session.commit()
    return {"advocate": make_user("advocate", org=advocacy),
            "district_admin": make_user("admin", org=district),
            "district_facilitator": make_user("facilitator", org=district),
            "fam": fam, "other_fam": other_fam, "doc": doc, "event": event,
            "decision": decision, "packet": packet}


def _urls(d):
    f, doc, p = d["fam"].id, d["doc"].id, d["packet"].id
    return [f"/records/families/{f}/documents", f"/records/families/{f}/documents/{doc}",
            f"/records/families/{f}/documents/{doc}/download", f"/records/families/{f}/timeline",
            f"/records/families/{f}/decisions", f"/records/families/{f}/packets",
            f"/records/families/{f}/packets/{p}", f"/records/families/{f}/packets/{p}/status",
            f"/records/families/{f}/packets/{p}/pdf"]


@pytest.mark.parametrize("who", ["district_admin", "district_facilitator"])
def test_district_users_get_404_for_advocacy_records(client, two_orgs, who):
    sign_in(client, two_orgs[who].email)
    for url in _urls(two_orgs):
        assert client.get(url).status_code == 404, url
    f, doc = two_orgs["fam"].id, two_orgs["doc"].id
    posts = [f"/records/families/{f}/documents/{doc}/delete",
             f"/records/families/{f}/timeline/{two_orgs['event'].id}/delete",
             f"/records/families/{f}/decisions/{two_orgs['decision'].id}/delete",
             f"/records/families/{f}/packets/{two_orgs['packet'].id}/build",
             f"/records/families/{f}/packets/{two_orgs['packet'].id}/delete"]
    for url in posts:
        assert post_form(client, url).status_code in (403, 404), url
    assert db.session.get(Document, doc) is not None
    assert db.session.get(TimelineEvent, two_orgs["event"].id) is not None
    assert db.session.get(ManualDecision, two_orgs["decision"].id) is not None
    assert db.session.get(Packet, two_orgs["packet"].id) is not None
    listing = client.get("/records/").get_data(as_text=True)
    assert "Jordan Alvarez" not in listing and "Riley Chen" in listing


def test_advocate_gets_404_for_district_family(client, two_orgs):
    sign_in(client, two_orgs["advocate"].email)
    other = two_orgs["other_fam"].id
    for url in [f"/records/families/{other}/documents", f"/records/families/{other}/timeline",
                f"/records/families/{other}/decisions", f"/records/families/{other}/packets"]:
        assert client.get(url).status_code == 404
    # Own family, but a document id under another family's URL: 404 too.
    doc = two_orgs["doc"].id
    assert client.get(f"/records/families/{other}/documents/{doc}").status_code == 404
    assert client.get(f"/records/families/{two_orgs['fam'].id}/documents/{doc}").status_code \
        == 200
    listing = client.get("/records/").get_data(as_text=True)
    assert "Jordan Alvarez" in listing and "Riley Chen" not in listing


def test_child_record_of_another_family_in_same_org_is_404(client, two_orgs, make_family):
    sign_in(client, two_orgs["advocate"].email)
    second = make_family(two_orgs["advocate"].organization, "Sam Okoye")
    doc, event = two_orgs["doc"].id, two_orgs["event"].id
    assert client.get(f"/records/families/{second.id}/documents/{doc}/download").status_code \
        == 404
    resp = post_form(client, f"/records/families/{second.id}/timeline/{event}/delete")
    assert resp.status_code == 404


def test_signed_out_users_are_sent_to_sign_in(client, two_orgs):
    resp = client.get(f"/records/families/{two_orgs['fam'].id}/documents/"
                      f"{two_orgs['doc'].id}/download")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
