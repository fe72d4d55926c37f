"""The live page stays small: prompts and the folded checklist come as fragments, and
without JavaScript both are still one link away (rendered in the page)."""

from __future__ import annotations

import re

from helpers import csrf_token

from facilitator.content import current_content


def test_checklist_is_loaded_when_opened_and_inline_without_javascript(client, signed_in,
                                                                       make_meeting, make_org):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    html = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert "checklist__item" not in html
    src = re.search(r'data-checklist-src="([^"]+)"', html).group(1)
    assert f"/meetings/{meeting.id}/live?checklist=open#during-checklist" in html  # no JS
    r = client.get(src)
    items = len(current_content().checklists["during"].items)
    item = '<li class="checklist__item'
    assert r.status_code == 200 and r.get_data(as_text=True).count(item) == items
    assert r.headers["Cache-Control"] == "private, no-cache"
    assert client.get(src, headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    # Ticking an item changes the fragment (a new ETag).
    key = current_content().checklists["during"].items[0].key
    token = csrf_token(client, f"/meetings/{meeting.id}/live")
    client.post(f"/meetings/{meeting.id}/checklist/during?next=live",
                data={"csrf_token": token, "item_key": key, "done": "y"})
    assert client.get(src, headers={"If-None-Match": r.headers["ETag"]}).status_code == 200
    inline = client.get(f"/meetings/{meeting.id}/live?checklist=open").get_data(as_text=True)
    assert inline.count(item) == items and "data-checklist-src" not in inline
    # Another organization's meeting: 404.
    other = make_meeting(make_org())
    assert client.get(f"/meetings/{other.id}/checklist/during/items").status_code == 404


def test_prompts_fragment_needs_sign_in_and_an_old_version_is_not_kept(client, signed_in):
    assert client.get("/meetings/prompts").status_code == 302
    signed_in("analyst")
    r = client.get("/meetings/prompts?v=old")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "private, no-cache"
