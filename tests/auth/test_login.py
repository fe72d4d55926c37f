"""Signing in and out, the rate limit on bad logins, and session revocation."""

from helpers import PASSWORD, csrf_token, post_form, sign_in

from facilitator.extensions import db


def test_login_page_renders_with_labelled_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label for="email">' in html
    assert '<label for="password">' in html
    assert 'autocomplete="current-password"' in html


def test_login_then_home_shows_org_and_role(client, make_user):
    user = make_user(role="facilitator", name="Luis Moreno")
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert user.organization.name in html
    assert "Facilitator" in html
    assert "Luis Moreno" in html


def test_email_is_case_insensitive(client, make_user):
    user = make_user(email="Mixed.Case@Example.org")
    assert user.email == "mixed.case@example.org"
    assert sign_in(client, "MIXED.case@example.org").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = sign_in(client, user.email, "not the password at all")
    unknown = sign_in(client, "nobody@example.org", PASSWORD)
    assert wrong.status_code == unknown.status_code == 200
    body_wrong = wrong.get_data(as_text=True).replace(user.email, "X")
    body_unknown = unknown.get_data(as_text=True).replace("nobody@example.org", "X")
    strip = lambda s: __import__("re").sub(r'value="[^"]*"', "", s)  # noqa: E731
    assert strip(body_wrong) == strip(body_unknown)
    assert "The email or password is not right" in body_wrong


def test_deactivated_user_cannot_sign_in(client, make_user):
    user = make_user()
    user.active = False
    db.session.commit()
    assert sign_in(client, user.email).status_code == 200


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_next_parameter_only_follows_local_paths(client, make_user):
    user = make_user()
    token = csrf_token(client)
    for target, expected in [("/account", "/account"), ("https://evil.example/", "/"),
                             ("//evil.example/x", "/"), ("/\\evil.example", "/")]:
        client.post("/logout", data={"csrf_token": token})
        token = csrf_token(client)
        response = client.post(f"/login?next={target}",
                               data={"email": user.email, "password": PASSWORD,
                                     "csrf_token": token})
        assert response.headers["Location"] == expected, target
        token = csrf_token(client, "/account")


def test_eleventh_bad_login_gets_429_and_good_logins_do_not_count(client, make_user, limiter_clock):
    user = make_user()
    for _ in range(3):  # successful sign-ins are not failures
        assert sign_in(client, user.email).status_code == 302
        post_form(client, "/logout")
    for attempt in range(10):
        assert sign_in(client, user.email, "wrong password!!").status_code == 200, attempt
    response = sign_in(client, "someone-else@example.org", "wrong password!!")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    # Even the right password waits for the window to pass.
    assert sign_in(client, user.email).status_code == 429


def test_rate_limit_is_per_address(client, make_user, limiter_clock):
    user = make_user()
    for _ in range(10):
        sign_in(client, user.email, "wrong password!!")
    assert sign_in(client, user.email).status_code == 429
    other = client.application.test_client()
    token = csrf_token(other)
    response = other.post("/login", data={"email": user.email, "password": PASSWORD,
                                          "csrf_token": token},
                          environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 302


def test_logout_is_post_only_and_needs_csrf(client, signed_in):
    signed_in()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_logout_ends_the_session_and_a_copied_cookie_stops_working(client, signed_in, app):
    signed_in()
    thief = app.test_client()
    cookie = client.get_cookie("facilitator_session")
    thief.set_cookie("facilitator_session", cookie.value)
    assert thief.get("/").status_code == 200
    post_form(client, "/logout")
    assert client.get("/").status_code == 302
    assert thief.get("/").status_code == 302


def test_session_is_renewed_at_login(client, make_user):
    user = make_user()
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    sign_in(client, user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"].startswith(f"{user.id}:")


def test_password_change_ends_other_sessions(client, signed_in, app):
    user = signed_in()
    other_device = app.test_client()
    sign_in(other_device, user.email)
    assert other_device.get("/").status_code == 200
    new = "a much longer passphrase here"
    response = post_form(client, "/account", {"current_password": PASSWORD,
                                              "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert other_device.get("/").status_code == 302
    post_form(client, "/logout")
    assert sign_in(client, user.email, new).status_code == 302


def test_password_change_refuses_weak_and_wrong_current(client, signed_in):
    signed_in()
    r = post_form(client, "/account", {"current_password": "nope", "new_password":
                                       "a fine long passphrase", "confirm":
                                       "a fine long passphrase"})
    assert "That is not your current password" in r.get_data(as_text=True)
    r = post_form(client, "/account", {"current_password": PASSWORD, "new_password": "short",
                                       "confirm": "short"})
    assert "at least 12 characters" in r.get_data(as_text=True)


def test_pages_need_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_following_redirects_in_tests_works(client, make_user):
    user = make_user(name="Redirect Tester")
    response = sign_in(client, user.email, follow=True)
    assert response.status_code == 200
    assert "Redirect Tester" in response.get_data(as_text=True)
