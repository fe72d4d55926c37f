"""Before/during/after checklists per meeting, the organization's own items, printing."""

from __future__ import annotations

from helpers import post_form

from facilitator.content import current_content
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.meetings.models import ChecklistProgress, HiddenChecklistItem, OrgChecklistItem


def first_key(phase: str) -> str:
    return current_content().checklists[phase].items[0].key


def test_tick_untick_with_note_records_who_and_when(client, signed_in, make_meeting):
    user = signed_in("facilitator", name="Luis Moreno")
    meeting = make_meeting(user.organization)
    key = first_key("before")
    r = post_form(client, f"/meetings/{meeting.id}/checklist/before?next=prepare",
                  {"item_key": key, "done": "y", "note": "Called on Monday"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/prepare#item-{key}")
    p = db.session.execute(db.select(ChecklistProgress)).scalar_one()
    assert p.done and p.done_by_id == user.id and p.done_at and p.note == "Called on Monday"
    assert p.organization_id == user.organization_id and p.phase == "before"
    html = client.get(f"/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert "1 of " in html and "Done by Luis Moreno" in html
    post_form(client, f"/meetings/{meeting.id}/checklist/before",
              {"item_key": key, "note": "Not reached after all"})
    db.session.refresh(p)
    assert not p.done and p.done_by_id is None and p.note == "Not reached after all"


def test_during_item_returns_to_live_view_with_list_open(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    key = first_key("during")
    r = post_form(client, f"/meetings/{meeting.id}/checklist/during?next=live",
                  {"item_key": key, "done": "y"})
    assert r.headers["Location"].endswith(f"/live?checklist=open#item-{key}")
    html = client.get(f"/meetings/{meeting.id}/live?checklist=open").get_data(as_text=True)
    assert "1 of " in html


def test_bad_checklist_input(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    before_key, after_key = first_key("before"), first_key("after")
    prepare = f"/meetings/{meeting.id}/prepare"
    post_form(client, f"/meetings/{meeting.id}/checklist/before",
              {"item_key": "no-such-item", "done": "y"})
    assert "does not exist" in client.get(prepare).get_data(as_text=True)
    post_form(client, f"/meetings/{meeting.id}/checklist/before",
              {"item_key": before_key, "note": "n" * 1001})
    assert "too long" in client.get(prepare).get_data(as_text=True)
    assert post_form(client, f"/meetings/{meeting.id}/checklist/someday",
                     {"item_key": "x"}).status_code == 404
    # A key from another phase is not accepted here.
    post_form(client, f"/meetings/{meeting.id}/checklist/before",
              {"item_key": after_key, "done": "y"})
    assert "does not exist" in client.get(prepare).get_data(as_text=True)
    assert db.session.execute(db.select(ChecklistProgress)).first() is None


def test_org_admin_hides_and_adds_items(client, signed_in, make_meeting, make_user):
    admin = signed_in("admin")
    meeting = make_meeting(admin.organization)
    key = first_key("before")
    text = current_content().checklists["before"].items[0].text
    assert post_form(client, "/admin/checklists/hide", {"item_key": key}).status_code == 302
    assert db.session.execute(db.select(HiddenChecklistItem)).scalar_one().item_key == key
    html = client.get(f"/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert text not in html
    r = post_form(client, "/admin/checklists/items",
                  {"phase": "before", "text": "Check the district's parking permit",
                   "help": "Visitors need one."})
    assert r.status_code == 302
    item = db.session.execute(db.select(OrgChecklistItem)).scalar_one()
    html = client.get(f"/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert "Check the district&#39;s parking permit" in html and "Ours" in html
    post_form(client, f"/meetings/{meeting.id}/checklist/before",
              {"item_key": item.key, "done": "y"})
    assert db.session.execute(db.select(ChecklistProgress)).scalar_one().item_key == item.key
    # Bad input: empty text, an unknown phase, a key that is not in the files.
    r = post_form(client, "/admin/checklists/items", {"phase": "before", "text": ""})
    assert "Write the item." in r.get_data(as_text=True)
    r = post_form(client, "/admin/checklists/items", {"phase": "never", "text": "x"})
    assert "Not a valid choice" in r.get_data(as_text=True)
    r = post_form(client, "/admin/checklists/hide", {"item_key": "made-up"})
    assert "not in the checklist files" in client.get("/admin/checklists").get_data(as_text=True)
    # Show again and remove the own item.
    post_form(client, "/admin/checklists/show", {"item_key": key})
    post_form(client, f"/admin/checklists/items/{item.id}/remove")
    html = client.get(f"/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert text in html and "parking permit" not in html


def test_other_organizations_keep_their_own_checklists(client, signed_in, make_org,
                                                       make_meeting):
    from facilitator.meetings.checklists import add_org_item, hide_item

    admin = signed_in("admin")
    other = make_org()
    hide_item(other.id, first_key("after"), None)
    foreign = add_org_item(other.id, "after", "Their own item", "")
    db.session.commit()
    meeting = make_meeting(admin.organization)
    html = client.get(f"/meetings/{meeting.id}/after").get_data(as_text=True)
    assert current_content().checklists["after"].items[0].text.replace("'", "&#39;") in html
    assert "Their own item" not in html
    assert post_form(client, f"/admin/checklists/items/{foreign.id}/remove").status_code == 404


def test_only_admins_manage_checklists(client, signed_in):
    signed_in("facilitator")
    assert client.get("/admin/checklists").status_code == 403
    assert post_form(client, "/admin/checklists/hide",
                     {"item_key": first_key("before")}).status_code == 403


def test_printable_checklist(client, signed_in, make_meeting):
    user = signed_in("facilitator", name="Luis Moreno")
    meeting = make_meeting(user.organization)
    post_form(client, f"/meetings/{meeting.id}/checklist/after",
              {"item_key": first_key("after"), "done": "y", "note": "Sent Tuesday"})
    html = client.get(f"/meetings/{meeting.id}/checklists/print").get_data(as_text=True)
    for phase in ("before", "during", "after"):
        assert current_content().checklists[phase].title in html
    assert "Sent Tuesday" in html and "Luis Moreno" in html
    assert "print.css" in html and "data-print" in html


def test_counts_match_the_items_as_the_organization_sees_them(client, signed_in, make_org,
                                                              make_meeting):
    """The counts (one query) agree with the list: hidden items of the files and removed
    items of the organization's own drop out, another organization's choices do not count."""
    from facilitator.meetings.checklists import (
        add_org_item,
        checklist_counts,
        checklist_items,
        hide_item,
        set_checklist_item,
    )

    admin = signed_in("admin")
    org = admin.organization
    meeting = make_meeting(org)
    other = make_org()
    make_meeting(other)  # a subquery that lost its correlation would see its hidden items
    files = [i.key for i in current_content().checklists["during"].items]
    hide_item(other.id, files[2], None)  # another organization's choice
    add_org_item(other.id, "during", "Theirs", "")
    own = add_org_item(org.id, "during", "Ours", "")
    gone = add_org_item(org.id, "during", "Ours, later removed", "")
    db.session.flush()
    for key in (files[0], files[1], files[2], own.key, gone.key):
        set_checklist_item(meeting, "during", key, True, "", admin.id)
    set_checklist_item(meeting, "during", files[3], False, "", admin.id)
    hide_item(org.id, files[1], admin.id)
    gone.removed_at = utcnow()
    db.session.commit()
    items = checklist_items(org.id, "during")
    progress = {p.item_key: p.done for p in meeting.checklist_progress}
    expected = (sum(1 for i in items if progress.get(i.key)), len(items))
    assert checklist_counts(meeting, "during") == expected == (3, len(files) - 1 + 1)
    # The live page counts along with loading the meeting: the same numbers.
    page = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert f"{expected[0]} of {expected[1]} done" in page
