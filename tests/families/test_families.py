"""Families, contacts and the tip file, through the routes a user takes."""

from __future__ import annotations

from helpers import post_form

from facilitator.extensions import db
from facilitator.families.models import Contact, Family, TipEntry


def make_family(org, name="Maya Lopez", **kw) -> Family:
    family = Family(organization_id=org.id, student_name=name, **kw)
    db.session.add(family)
    db.session.commit()
    return family


def test_create_family_and_see_it_in_the_list(client, signed_in):
    user = signed_in("facilitator")
    r = post_form(client, "/families/new", {
        "student_name": "Jordan Ellis", "student_ref": "RUSD-1001", "school": "Oak Hill Elementary",
        "grade": "4", "date_of_birth": "2016-03-04", "primary_language": "Spanish",
        "interpreter_needed": "y", "notes": ""})
    assert r.status_code == 302
    family = db.session.execute(db.select(Family)).scalar_one()
    assert family.organization_id == user.organization_id
    assert family.interpreter_needed and family.student_ref == "RUSD-1001"
    page = client.get("/families/").get_data(as_text=True)
    assert "Jordan Ellis" in page and "Interpreter" in page
    assert "Oak Hill Elementary" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_missing_name_bad_ref_future_birthday_and_oversize_notes_are_refused(client, signed_in):
    signed_in("facilitator")
    r = post_form(client, "/families/new", {"student_name": "", "primary_language": "English",
                                            "student_ref": "has space",
                                            "date_of_birth": "2999-01-01",
                                            "notes": "x" * 6000})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Enter the student&#39;s name." in html
    assert "no spaces" in html
    assert "cannot be in the future" in html
    assert "5000" in html
    assert db.session.execute(db.select(Family)).first() is None


def test_duplicate_reference_is_refused(client, signed_in):
    user = signed_in("facilitator")
    make_family(user.organization, student_ref="A-1")
    r = post_form(client, "/families/new", {"student_name": "Other", "primary_language": "English",
                                            "student_ref": "A-1"})
    assert "already uses the reference A-1" in r.get_data(as_text=True)


def test_search_and_paging(client, signed_in, app):
    user = signed_in("analyst")
    app.config["PAGE_SIZE"] = 3
    for i in range(7):
        make_family(user.organization, name=f"Student {i:02d}", school="Maple Middle")
    make_family(user.organization, name="Zed Quinn", school="Birch High")
    r = post_form(client, "/families/", {"q": "zed"}, token_from="/families/")
    assert r.status_code == 302 and "zed" not in r.headers["Location"].lower()
    html = client.get("/families/").get_data(as_text=True)
    assert "Zed Quinn" in html and "Student 00" not in html
    post_form(client, "/families/", {"q": "maple"}, token_from="/families/")
    html = client.get("/families/?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in html and "Student 06" in html
    # The search is kept for the page links, but never written into a URL.
    assert "maple" not in " ".join(__import__("re").findall(r'href="([^"]*)"', html)).lower()
    post_form(client, "/families/", {"q": ""}, token_from="/families/")
    assert "(8 in all)" in client.get("/families/").get_data(as_text=True)
    # An analyst reads but may not add.
    assert "Add a family" not in html
    assert client.get("/families/new").status_code == 403


def test_archive_with_confirmation_then_unarchive(client, signed_in):
    user = signed_in("advocate")
    family = make_family(user.organization)
    page = client.get(f"/families/{family.id}/archive")
    assert "Archive Maya Lopez?" in page.get_data(as_text=True)
    assert post_form(client, f"/families/{family.id}/archive").status_code == 302
    db.session.refresh(family)
    assert family.archived_at is not None
    client.get("/families/")  # shows the flash message once
    assert "Maya Lopez" not in client.get("/families/").get_data(as_text=True)
    assert "Maya Lopez" in client.get("/families/?archived=y").get_data(as_text=True)
    post_form(client, f"/families/{family.id}/unarchive")
    db.session.refresh(family)
    assert family.archived_at is None


def test_another_organizations_family_is_404(client, signed_in, make_org):
    signed_in("admin")
    other = make_family(make_org(), name="Hidden Child")
    assert client.get(f"/families/{other.id}").status_code == 404
    assert client.get(f"/families/{other.id}/edit").status_code == 404
    assert post_form(client, f"/families/{other.id}/archive").status_code == 404
    assert post_form(client, f"/families/{other.id}/tips/new",
                     {"kind": "joy", "text": "x"}).status_code == 404
    post_form(client, "/families/", {"q": "hidden"}, token_from="/families/")
    assert "Hidden Child" not in client.get("/families/").get_data(as_text=True)


def test_contacts_add_edit_remove(client, signed_in):
    user = signed_in("facilitator")
    family = make_family(user.organization)
    r = post_form(client, f"/families/{family.id}/contacts/new", {
        "name": "Rosa Lopez", "role": "parent", "is_guardian": "y", "email": "rosa@example.org",
        "phone": "555-0100", "preferred_language": "Spanish"})
    assert r.status_code == 302
    contact = db.session.execute(db.select(Contact)).scalar_one()
    assert contact.organization_id == user.organization_id
    r = post_form(client, f"/families/{family.id}/contacts/{contact.id}",
                  {"name": "Rosa M. Lopez", "role": "guardian", "email": "not-an-email"})
    assert "Enter an email" in r.get_data(as_text=True)
    post_form(client, f"/families/{family.id}/contacts/{contact.id}",
              {"name": "Rosa M. Lopez", "role": "guardian", "email": ""})
    db.session.refresh(contact)
    assert contact.name == "Rosa M. Lopez" and contact.role == "guardian"
    assert not contact.is_guardian  # the box was left unticked
    post_form(client, f"/families/{family.id}/contacts/{contact.id}/delete")
    assert db.session.execute(db.select(Contact)).first() is None


def test_contact_of_another_family_is_404(client, signed_in):
    user = signed_in("facilitator")
    a = make_family(user.organization, name="A")
    b = make_family(user.organization, name="B")
    contact = Contact(organization_id=a.organization_id, family_id=a.id, name="Parent A")
    db.session.add(contact)
    db.session.commit()
    assert client.get(f"/families/{b.id}/contacts/{contact.id}").status_code == 404


def test_tip_file_add_edit_remove_with_confirmation(client, signed_in):
    user = signed_in("advocate", name="Marcus Bell")
    family = make_family(user.organization)
    r = post_form(client, f"/families/{family.id}/tips/new",
                  {"kind": "frustration", "text": "Being told 'we have no staff for that'."})
    assert r.status_code == 302
    tip = db.session.execute(db.select(TipEntry)).scalar_one()
    assert tip.author_id == user.id and tip.organization_id == user.organization_id
    html = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Topics that bring frustration or anger" in html and "Marcus Bell" in html
    post_form(client, f"/families/{family.id}/tips/{tip.id}", {"kind": "joy",
                                                                 "text": "Loves robotics club."})
    db.session.refresh(tip)
    assert tip.kind == "joy" and tip.text == "Loves robotics club."
    assert "Remove this tip?" in client.get(
        f"/families/{family.id}/tips/{tip.id}/delete").get_data(as_text=True)
    post_form(client, f"/families/{family.id}/tips/{tip.id}/delete")
    assert db.session.execute(db.select(TipEntry)).first() is None


def test_tip_bad_input(client, signed_in):
    user = signed_in("facilitator")
    family = make_family(user.organization)
    r = post_form(client, f"/families/{family.id}/tips/new", {"kind": "joy", "text": ""})
    assert "Write what the team should remember." in r.get_data(as_text=True)
    r = post_form(client, f"/families/{family.id}/tips/new", {"kind": "joy", "text": "y" * 2001})
    assert "Keep it under 2000 characters" in r.get_data(as_text=True)
    r = post_form(client, f"/families/{family.id}/tips/new", {"kind": "nonsense", "text": "y"})
    assert "Not a valid choice" in r.get_data(as_text=True)
    assert db.session.execute(db.select(TipEntry)).first() is None


def test_analyst_cannot_change_tips(client, signed_in):
    user = signed_in("analyst")
    family = make_family(user.organization)
    assert post_form(client, f"/families/{family.id}/tips/new",
                     {"kind": "joy", "text": "x"}).status_code == 403
    assert client.get(f"/families/{family.id}").status_code == 200
