"""Notes that merge by themselves: two editors in different paragraphs never conflict,
and nothing typed is lost (a property test over random notes, and the server's path)."""

from __future__ import annotations

from helpers import csrf_token, sign_in
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.extensions import db
from facilitator.meetings.live_models import MeetingNote, NoteVersion
from facilitator.meetings.merge import merge3

# Few letters, so the texts repeat themselves (the hard case for a diff).
words = st.text(alphabet="ab ,.é", min_size=0, max_size=30)
paragraphs = st.lists(words, min_size=2, max_size=8)


@settings(max_examples=300, deadline=None)
@given(paragraphs, st.data())
def test_edits_in_different_paragraphs_always_merge_with_both_kept(paras, data):
    i, j = data.draw(st.lists(st.integers(0, len(paras) - 1), min_size=2, max_size=2,
                              unique=True))
    mine_text, theirs_text = data.draw(words), data.draw(words)
    base = "\n\n".join(paras)
    mine = "\n\n".join(mine_text if k == i else p for k, p in enumerate(paras))
    theirs = "\n\n".join(theirs_text if k == j else p for k, p in enumerate(paras))
    both = "\n\n".join(mine_text if k == i else theirs_text if k == j else p
                       for k, p in enumerate(paras))
    assert merge3(base, theirs, mine) == both


@settings(max_examples=200, deadline=None)
@given(words, words, words, words)
def test_a_merge_never_drops_what_either_side_typed(base, a, b, tail):
    # Both type into one paragraph: either a clean merge holding both, or a conflict.
    mine, theirs = base + a, base + b + tail
    merged = merge3(base, theirs, mine)
    if merged is not None:
        assert a in merged and b + tail in merged


def test_the_same_place_is_a_real_overlap():
    assert merge3("one\n\ntwo", "one\n\nTWO", "one\n\ntwo!") is None
    assert merge3("", "Ana", "Ben") is None  # both typed at the start: no right order
    assert merge3("x", "x", "xy") == "xy" and merge3("x", "xz", "x") == "xz"


def save(client, meeting_id, body, base, token):
    return client.post(f"/meetings/{meeting_id}/notes", json={"body": body, "base_version": base},
                       headers={"X-CSRFToken": token})


def test_two_editors_in_different_paragraphs_are_merged_by_the_server(app, make_user,
                                                                      make_meeting):
    a_user = make_user(role="facilitator", name="Ana")
    b_user = make_user(role="admin", org=a_user.organization, name="Ben")
    meeting = make_meeting(a_user.organization)
    a, b = app.test_client(), app.test_client()
    sign_in(a, a_user.email)
    sign_in(b, b_user.email)
    ta = csrf_token(a, f"/meetings/{meeting.id}/live")
    tb = csrf_token(b, f"/meetings/{meeting.id}/live")
    start = "Reading goals\n\nMath goals\n\nTransport"
    assert save(a, meeting.id, start, 0, ta).json["version"] == 1
    # Both start from version 1; Ana saves first, Ben's save is stale.
    assert save(a, meeting.id, start.replace("Reading goals", "Reading goals: fluency"), 1,
                ta).json["version"] == 2
    r = save(b, meeting.id, start.replace("Transport", "Transport: bus at 7:40"), 1, tb)
    assert r.status_code == 200 and r.json["merged"] is True
    want = "Reading goals: fluency\n\nMath goals\n\nTransport: bus at 7:40"
    assert r.json["body"] == want and r.json["version"] == 4 and r.json["mine_version"] == 3
    db.session.rollback()
    note = db.session.execute(db.select(MeetingNote).where(
        MeetingNote.meeting_id == meeting.id)).scalar_one()
    assert note.body == want and note.version == 4
    kept = {v.version: v.body for v in db.session.execute(
        db.select(NoteVersion).where(NoteVersion.note_id == note.id)).scalars()}
    # Every version is kept, Ben's text as he sent it among them.
    assert sorted(kept) == [1, 2, 3, 4]
    assert kept[3] == start.replace("Transport", "Transport: bus at 7:40")
    # Ben typed on while his save was under way: his next save names the version
    # holding his sent text, and merges again.
    more = start.replace("Transport", "Transport: bus at 7:40, seat 3")
    r = save(b, meeting.id, more, 3, tb)
    assert r.status_code == 200 and r.json["merged"] is True
    assert r.json["body"] == ("Reading goals: fluency\n\nMath goals\n\n"
                              "Transport: bus at 7:40, seat 3")
    # Ana, still on version 2, edits the paragraph Ben just changed: a real overlap.
    r = save(a, meeting.id, start.replace("Reading goals", "Reading goals: fluency")
             .replace("Transport", "Transport: van"), 2, ta)
    assert r.status_code == 409 and "seat 3" in r.json["server_body"]
