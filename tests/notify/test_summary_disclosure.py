"""Sending the summary to the guardians is a disclosure: one entry in the record of access."""

from __future__ import annotations

import re

from helpers import post_form
from mailtest import family_with_guardian, plan

from facilitator.audit.models import AccessEntry
from facilitator.audit.services import verify_chain
from facilitator.extensions import db
from facilitator.families.models import Contact
from facilitator.notify.models import OutboxMessage


def _send(client, meeting):
    after = f"/meetings/{meeting.id}/after"
    html = client.get(after).get_data(as_text=True)
    form = {"nonce": re.search(r'name="nonce" value="([^"]+)"', html).group(1),
            "language": "es"}
    return form, post_form(client, f"/meetings/{meeting.id}/summary/send", form,
                           token_from=after, follow_redirects=True)


def _disclosures(org_id):
    db.session.expire_all()
    return db.session.execute(db.select(AccessEntry).where(
        AccessEntry.organization_id == org_id, AccessEntry.action == "disclosed")
        .order_by(AccessEntry.seq)).scalars().all()


def test_each_sending_of_the_summary_is_one_disclosure(client, signed_in):
    user = signed_in("facilitator")
    org_id = user.organization_id
    family = family_with_guardian(user.organization, primary="Spanish")
    db.session.add(Contact(organization_id=org_id, family_id=family.id, name="Tomás Lopez",
                           role="parent", is_guardian=True, email="tomas@example.org"))
    db.session.commit()
    meeting = plan(family, user, days=-1)

    form, r = _send(client, meeting)
    assert "on its way to 2 guardians" in r.get_data(as_text=True)
    [entry] = _disclosures(org_id)
    assert (entry.record_kind, entry.record_id, entry.family_id, entry.user_id) == (
        "meeting_summary", meeting.id, family.id, user.id)
    assert "rosa@example.org" in entry.recipient and "tomas@example.org" in entry.recipient
    assert entry.purpose == "Meeting summary and action plan sent to the family"
    # The entry and the messages were written together.
    assert len(db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "summary")).scalars().all()) == 2

    # The same click posted again sends nothing, so it discloses nothing.
    post_form(client, f"/meetings/{meeting.id}/summary/send", form,
              token_from=f"/meetings/{meeting.id}/after")
    assert len(_disclosures(org_id)) == 1
    # A second, deliberate sending is a second disclosure.
    _send(client, meeting)
    assert len(_disclosures(org_id)) == 2
    count, broken = verify_chain(org_id)
    assert broken is None and count >= 2


def test_a_refused_sending_discloses_nothing(client, signed_in):
    user = signed_in("analyst")
    meeting = plan(family_with_guardian(user.organization), days=-1)
    r = post_form(client, f"/meetings/{meeting.id}/summary/send",
                  {"nonce": "x", "language": "en"})
    assert r.status_code == 403
    assert _disclosures(user.organization_id) == []
