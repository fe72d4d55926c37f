"""The organization admin's user screens, role checks and the last-admin rule."""

from helpers import PASSWORD, post_form, sign_in

from facilitator.auth.models import User
from facilitator.extensions import db


def test_only_admins_reach_user_admin(client, signed_in):
    signed_in(role="facilitator")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403


def test_analyst_and_advocate_get_403_on_admin(app, make_user):
    for role in ("analyst", "advocate"):
        c = app.test_client()
        sign_in(c, make_user(role=role).email)
        assert c.get("/admin/users").status_code == 403
        assert c.get("/").status_code == 200


def test_admin_lists_only_own_organization(client, signed_in, make_user, make_org):
    admin = signed_in(role="admin")
    make_user(org=admin.organization, email="colleague@a.example")
    make_user(org=make_org(), email="stranger@b.example")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "colleague@a.example" in html
    assert "stranger@b.example" not in html


def test_user_list_is_paginated(client, signed_in, make_user, app):
    admin = signed_in(role="admin")
    app.config["PAGE_SIZE"] = 5
    for i in range(7):
        make_user(org=admin.organization, email=f"p{i}@a.example")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second


def test_admin_creates_user_who_can_sign_in(client, signed_in, app):
    signed_in(role="admin")
    r = post_form(client, "/admin/users/new", {"email": "New.Person@a.example", "name": "New",
                                               "role": "analyst", "password": PASSWORD})
    assert r.status_code == 302
    other = app.test_client()
    assert sign_in(other, "new.person@a.example").status_code == 302


def test_create_user_bad_input_is_shown_and_nothing_saved(client, signed_in, make_user):
    signed_in(role="admin")
    existing = make_user(email="taken@a.example")
    cases = [
        ({"email": "not-an-email", "role": "analyst", "password": PASSWORD}, "email"),
        ({"email": "x@a.example", "role": "analyst", "password": "short"}, "12 characters"),
        ({"email": existing.email, "role": "analyst", "password": PASSWORD}, "already exists"),
        ({"email": "y@a.example", "role": "superuser", "password": PASSWORD}, "Not a valid"),
    ]
    before = db.session.execute(db.select(db.func.count(User.id))).scalar_one()
    for data, message in cases:
        r = post_form(client, "/admin/users/new", data)
        assert r.status_code == 200
        assert message in r.get_data(as_text=True), data
        assert 'aria-invalid="true"' in r.get_data(as_text=True)
    after = db.session.execute(db.select(db.func.count(User.id))).scalar_one()
    assert before == after


def test_admin_changes_role_and_that_users_sessions_end(client, signed_in, make_user, app):
    admin = signed_in(role="admin")
    colleague = make_user(org=admin.organization, role="facilitator")
    other = app.test_client()
    sign_in(other, colleague.email)
    assert other.get("/").status_code == 200
    r = post_form(client, f"/admin/users/{colleague.id}",
                  {"name": "C", "role": "analyst", "active": "y"})
    assert r.status_code == 302
    db.session.refresh(colleague)
    assert colleague.role == "analyst"
    assert other.get("/").status_code == 302


def test_deactivating_a_user_ends_their_sessions(client, signed_in, make_user, app):
    admin = signed_in(role="admin")
    colleague = make_user(org=admin.organization)
    other = app.test_client()
    sign_in(other, colleague.email)
    post_form(client, f"/admin/users/{colleague.id}", {"name": "C", "role": "facilitator"})
    db.session.refresh(colleague)
    assert colleague.active is False
    assert other.get("/").status_code == 302
    assert sign_in(other, colleague.email).status_code == 200


def test_cannot_remove_the_last_admin(client, signed_in):
    admin = signed_in(role="admin")
    for data in ({"name": "A", "role": "facilitator", "active": "y"},
                 {"name": "A", "role": "admin"}):
        r = post_form(client, f"/admin/users/{admin.id}", data)
        assert r.status_code == 200
        assert "last active admin" in r.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active


def test_second_admin_allows_demoting_the_first(client, signed_in, make_user):
    admin = signed_in(role="admin")
    make_user(org=admin.organization, role="admin")
    r = post_form(client, f"/admin/users/{admin.id}",
                  {"name": "A", "role": "facilitator", "active": "y"})
    assert r.status_code == 302
    assert r.headers["Location"] == "/"
    assert client.get("/admin/users").status_code in (302, 403)


def test_another_organizations_user_is_404(client, signed_in, make_user, make_org):
    signed_in(role="admin")
    stranger = make_user(org=make_org())
    assert client.get(f"/admin/users/{stranger.id}").status_code == 404
    r = post_form(client, f"/admin/users/{stranger.id}", {"name": "x", "role": "analyst"})
    assert r.status_code == 404
    assert post_form(client, f"/admin/users/{stranger.id}/sign-out").status_code == 404
    db.session.refresh(stranger)
    assert stranger.role == "facilitator" and stranger.active
    assert client.get("/admin/users/999999").status_code == 404


def test_sign_out_everywhere(client, signed_in, make_user, app):
    admin = signed_in(role="admin")
    colleague = make_user(org=admin.organization)
    other = app.test_client()
    sign_in(other, colleague.email)
    r = post_form(client, f"/admin/users/{colleague.id}/sign-out")
    assert r.status_code == 302
    assert other.get("/").status_code == 302


def test_admin_sets_a_new_password_and_old_sessions_end(client, signed_in, make_user, app):
    admin = signed_in(role="admin")
    colleague = make_user(org=admin.organization)
    other = app.test_client()
    sign_in(other, colleague.email)
    weak = post_form(client, f"/admin/users/{colleague.id}/password", {"pw-new_password": "short"})
    assert weak.status_code == 200 and "at least 12" in weak.get_data(as_text=True)
    r = post_form(client, f"/admin/users/{colleague.id}/password",
                  {"pw-new_password": "a brand new passphrase"})
    assert r.status_code == 302
    assert other.get("/").status_code == 302
    assert sign_in(other, colleague.email, "a brand new passphrase").status_code == 302


def test_admin_cannot_set_password_in_another_org(client, signed_in, make_user, make_org):
    signed_in(role="admin")
    stranger = make_user(org=make_org())
    r = post_form(client, f"/admin/users/{stranger.id}/password",
                  {"pw-new_password": "a brand new passphrase"})
    assert r.status_code == 404
