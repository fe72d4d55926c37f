"""The timeline (order, days between a concern and the response), the decision log,
and the provider hook other features use to add their entries."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import post_form

from facilitator.extensions import db
from facilitator.packets import services
from facilitator.packets import timeline as tl
from facilitator.packets.models import TimelineEvent


@pytest.fixture()
def advocate(signed_in, make_org):
    return signed_in("advocate", org=make_org("family-voices", kind="advocacy"))


def _add(client, fam, **data):
    url = f"/records/families/{fam.id}/timeline"
    base = {"event_date": "2025-01-01", "kind": "other", "description": "x", "responds_to": ""}
    base.update(data)
    return post_form(client, url, base, token_from=url)


def test_events_come_out_in_date_order_with_gaps(client, advocate, make_family, sample):
    fam = make_family(advocate.organization)
    doc = services.add_document_bytes(fam, "letter.pdf", sample.pdf(), doc_type="correspondence")
    db.session.commit()
    # Entered out of order on purpose.
    assert _add(client, fam, event_date="2025-03-20", kind="district_response",
                description="District agreed to evaluate", documents=[str(doc.id)]
                ).status_code == 302
    assert _add(client, fam, event_date="2025-03-04", kind="concern",
                description="Parent emailed about reading").status_code == 302
    assert _add(client, fam, event_date="2025-02-01", kind="meeting",
                description="Annual IEP meeting").status_code == 302
    assert _add(client, fam, event_date="2025-04-01", kind="request",
                description="Asked for speech services").status_code == 302

    entries = tl.family_timeline(fam)
    assert [e.date.isoformat() for e in entries] == ["2025-02-01", "2025-03-04", "2025-03-20",
                                                     "2025-04-01"]
    concern, response, request = entries[1], entries[2], entries[3]
    assert concern.response is response and concern.days_open == 16
    assert response.answered is concern and response.days_since == 16
    assert response.documents == ["letter"]
    assert request.response is None
    assert tl.days_waiting(request, date(2025, 4, 11)) == 10

    page = client.get(f"/records/families/{fam.id}/timeline").get_data(as_text=True)
    assert page.index("Annual IEP meeting") < page.index("Parent emailed") \
        < page.index("District agreed") < page.index("speech services")
    assert "16 days" in page and "No response recorded yet" in page


def test_response_can_name_the_concern_it_answers(client, advocate, make_family):
    fam = make_family(advocate.organization)
    _add(client, fam, event_date="2025-01-10", kind="concern", description="First concern")
    _add(client, fam, event_date="2025-01-20", kind="concern", description="Second concern")
    second = db.session.execute(db.select(TimelineEvent).where(
        TimelineEvent.description == "Second concern")).scalar_one()
    assert _add(client, fam, event_date="2025-02-19", kind="district_response",
                description="Answer to the second", responds_to=str(second.id)).status_code == 302
    entries = {e.description: e for e in tl.family_timeline(fam)}
    assert entries["Second concern"].days_open == 30
    assert entries["First concern"].response is None


def test_bad_event_input_gets_the_form_back(client, advocate, make_family):
    fam = make_family(advocate.organization)
    resp = _add(client, fam, event_date="", description="")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Enter the date." in html and "Say in a sentence what happened." in html
    resp = _add(client, fam, kind="concern", description="x", responds_to="999999")
    assert resp.status_code == 400  # not one of the choices


def test_delete_event_unlinks_responses(client, advocate, make_family):
    fam = make_family(advocate.organization)
    concern = services.add_event(fam, event_date=date(2025, 1, 1), kind="concern",
                                 description="c")
    services.add_event(fam, event_date=date(2025, 1, 5), kind="district_response",
                       description="r", responds_to=concern)
    db.session.commit()
    url = f"/records/families/{fam.id}/timeline"
    assert post_form(client, f"{url}/{concern.id}/delete", token_from=url).status_code == 302
    assert [e.description for e in tl.family_timeline(fam)] == ["r"]


def test_providers_add_entries_and_a_broken_one_is_skipped(app, client, advocate, make_family):
    fam = make_family(advocate.organization)
    services.add_event(fam, event_date=date(2025, 5, 1), kind="concern", description="Bus late")
    db.session.commit()

    def meetings(family):
        assert family.id == fam.id
        yield tl.TimelineEntry(date=date(2025, 5, 10), kind="meeting",
                               description="Facilitated IEP meeting", source="Meetings",
                               url="/meetings/7", key="meeting:7")

    def cases(family):
        yield tl.TimelineEntry(date=date(2025, 5, 12), kind="district_response",
                               description="Resolution meeting offer", source="Dispute resolution")

    def broken(family):
        raise RuntimeError("feature not ready")

    def decisions(family):
        yield tl.DecisionEntry(date=date(2025, 5, 10), what="Add 30 min reading support",
                               approved_by="IEP team", why="Progress data", source="Meetings")

    tl.TIMELINE_PROVIDERS.extend([meetings, broken, cases])
    tl.DECISION_PROVIDERS.append(decisions)
    try:
        entries = tl.family_timeline(fam)
        assert [e.description for e in entries] == ["Bus late", "Facilitated IEP meeting",
                                                    "Resolution meeting offer"]
        assert entries[0].days_open == 11
        page = client.get(f"/records/families/{fam.id}/timeline").get_data(as_text=True)
        assert 'href="/meetings/7"' in page and "from Meetings" in page
        page = client.get(f"/records/families/{fam.id}/decisions").get_data(as_text=True)
        assert "Add 30 min reading support" in page and "IEP team" in page
    finally:
        tl.TIMELINE_PROVIDERS[:] = []
        tl.DECISION_PROVIDERS[:] = []


def test_decision_log_by_hand(client, advocate, make_family):
    fam = make_family(advocate.organization)
    url = f"/records/families/{fam.id}/decisions"
    resp = post_form(client, url, {"decided_on": "2025-03-01", "what": "Speech 2x30 min weekly",
                                   "approved_by": "Special education director",
                                   "why": "Evaluation results"}, token_from=url)
    assert resp.status_code == 302
    post_form(client, url, {"decided_on": "2025-01-15", "what": "Reading evaluation",
                            "approved_by": "IEP team", "why": ""}, token_from=url)
    log = tl.decision_log(fam)
    assert [d.what for d in log] == ["Reading evaluation", "Speech 2x30 min weekly"]
    page = client.get(url).get_data(as_text=True)
    assert "Special education director" in page and "Evaluation results" in page
    resp = post_form(client, url, {"decided_on": "", "what": ""}, token_from=url)
    assert resp.status_code == 400 and "Say what was decided." in resp.get_data(as_text=True)
    assert post_form(client, f"{url}/{log[0].decision_id}/delete",
                     token_from=url).status_code == 302
    assert [d.what for d in tl.decision_log(fam)] == ["Speech 2x30 min weekly"]


def test_reader_roles_cannot_add(client, signed_in, make_org, make_family):
    org = make_org(kind="advocacy")
    fam = make_family(org)
    signed_in("analyst", org=org)
    url = f"/records/families/{fam.id}/timeline"
    page = client.get(url).get_data(as_text=True)
    assert "Add an event" not in page
    resp = post_form(client, url, {"event_date": "2025-01-01", "kind": "concern",
                                   "description": "x"}, token_from=url)
    assert resp.status_code == 403
