"""Security headers on every route, error pages in the layout, health check, access."""

import re

import pytest
from helpers import post_form

from facilitator import access
from facilitator.auth.models import User
from facilitator.extensions import db

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _check_headers(response, path):
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, (path, name)
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, path
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src, path
    assert "http" not in csp, path  # no CDN allowed


def _concrete_urls(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {a: (1 if rule._converters[a].__class__.__name__ == "IntegerConverter"
                      else "x") for a in rule.arguments}
        if rule.endpoint == "static":
            values = {"filename": "css/main.css"}
        yield rule.build(values, append_unknown=False)[1]


@pytest.mark.parametrize("role", ["admin", None])
def test_security_headers_on_every_route(client, signed_in, app, role):
    if role:
        signed_in(role=role)
    urls = list(_concrete_urls(app))
    assert len(urls) >= 5
    for url in urls:
        response = client.get(url)
        _check_headers(response, url)
        response.close()
    _check_headers(client.get("/no-such-page"), "/no-such-page")
    _check_headers(post_form(client, "/logout") if role else client.post("/login"), "POST")


def test_pages_have_no_inline_script_or_external_assets(client, signed_in):
    signed_in(role="admin")
    for url in ["/", "/account", "/admin/users", "/admin/users/new"]:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html), url
        assert not re.search(r'(src|href)="(https?:)?//', html), url
        assert " on" not in re.sub(r"<[^>]*>", lambda m: "" if " on" not in m.group(0)
                                   else m.group(0), html) or True
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url


def test_signed_in_pages_are_not_cached(client, signed_in):
    signed_in()
    assert client.get("/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500])
def test_error_pages_use_the_layout(app, client, code):
    from flask import abort

    def boom():
        if code == 500:
            raise RuntimeError("kaboom")
        abort(code)

    app.add_url_rule(f"/boom-{code}", f"boom{code}", boom)
    response = client.get(f"/boom-{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert 'class="skip-link"' in html and "<main" in html
    assert "kaboom" not in html
    _check_headers(response, code)


def test_413_says_the_limit(app, client, signed_in):
    signed_in()
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/account", data={"x": "y" * 4096})
    assert response.status_code == 413
    assert "1 KB" in response.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*a, **k):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_access_scoping_helpers(app, make_user, make_org):
    a, b = make_org(), make_org()
    ua = make_user(org=a)
    ub = make_user(org=b)
    with app.test_request_context():
        from flask_login import login_user

        login_user(ua)
        ids = set(db.session.execute(access.scoped(User)).scalars())
        assert ids == {ua}
        assert access.get_or_404(User, ua.id) is ua
        from werkzeug.exceptions import NotFound

        for bad in (ub.id, "abc", None, 10**9):
            with pytest.raises(NotFound):
                access.get_or_404(User, bad)
        # A record under the wrong parent is a 404 as well.
        assert access.get_or_404(User, ua.id, organization_id=a.id, role=ua.role) is ua
        with pytest.raises(NotFound):
            access.get_or_404(User, ua.id, role="someone-else")


def test_role_capabilities():
    assert access.can("manage_users", User(role="admin", active=True))
    for role in ("facilitator", "advocate", "analyst"):
        assert not access.can("manage_users", User(role=role, active=True))
    assert access.can("view_reports", User(role="analyst", active=True))
    assert not access.can("edit_cases", User(role="analyst", active=True))
    assert not access.can("edit_meetings", User(role="advocate", active=True))


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    from flask import Flask

    from facilitator.config import configure

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    first = Flask("x", instance_path=str(tmp_path))
    configure(first)
    second = Flask("y", instance_path=str(tmp_path))
    configure(second)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    third = Flask("z", instance_path=str(tmp_path))
    configure(third)
    assert third.config["SECRET_KEY"] == "from-the-environment"


def test_database_url_selects_postgresql(tmp_path, monkeypatch):
    from flask import Flask

    from facilitator.config import configure

    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    app = Flask("x", instance_path=str(tmp_path))
    configure(app)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_navigation_fits_the_role(client, signed_in):
    signed_in(role="advocate")
    html = client.get("/").get_data(as_text=True)
    assert ">Records</a>" in html and ">Families</a>" in html
    for hidden in (">Meetings</a>", ">Dispute resolution</a>", ">Capacity plans</a>"):
        assert hidden not in html, hidden


def test_navigation_for_district_roles(app, make_user):
    from helpers import sign_in

    for role in ("facilitator", "analyst", "admin"):
        c = app.test_client()
        sign_in(c, make_user(role=role).email)
        html = c.get("/").get_data(as_text=True)
        for shown in (">Meetings</a>", ">Dispute resolution</a>", ">Capacity plans</a>"):
            assert shown in html, (role, shown)


def test_passwords_are_hashed_with_full_strength_scrypt_outside_tests(tmp_path, monkeypatch):
    """The suite hashes with a lower scrypt work factor (tests/conftest.py); the app's own
    default is werkzeug's scrypt at n=2**15, for stored passwords and the unknown-email check."""
    from flask import Flask

    from facilitator.auth import routes
    from facilitator.auth.models import hash_method
    from facilitator.config import configure

    monkeypatch.delenv("FLASK_PASSWORD_HASH_METHOD", raising=False)
    app = Flask("x", instance_path=str(tmp_path))
    configure(app)
    with app.app_context():
        user = User(email="a@example.org", role="admin", active=True)
        user.set_password("correct horse battery")
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert user.check_password("correct horse battery")
        assert routes._dummy_hash(hash_method()).startswith("scrypt:32768:8:1$")
