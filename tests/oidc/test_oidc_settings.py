"""An admin turns on the organization's sign-in service: the secret is stored encrypted and
never shown again, the settings are checked, and requiring it needs proof that it works."""

from __future__ import annotations

from helpers import post_form, sign_in
from oidc_provider import CLIENT_SECRET, sign_in_oidc

from facilitator.auth.oidc_models import OidcProvider
from facilitator.extensions import db

SECRET = "a-client-secret-from-the-console-7f3a"


def _settings(**changes) -> dict:
    data = {"display_name": "Riverside Google", "issuer": "https://accounts.google.com",
            "client_id": "1234.apps.googleusercontent.com", "client_secret": SECRET,
            "domains": "riverside.example, @Riverside.ORG", "enabled": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_secret_is_stored_encrypted_and_never_shown(oidc_app, client, signed_in):
    admin = signed_in("admin")
    page = client.get("/admin/sign-in").get_data(as_text=True)
    assert "http://localhost/login/oidc/callback" in page and "openid email profile" in page
    assert f"OIDC_CLIENT_SECRET_{admin.organization.slug.upper().replace('-', '_')}" in page
    response = post_form(client, "/admin/sign-in", _settings())
    assert response.status_code == 302, response.get_data(as_text=True)
    provider = db.session.execute(db.select(OidcProvider)).scalar_one()
    assert provider.domains == "riverside.example,riverside.org"
    assert provider.enabled and not provider.required
    assert SECRET not in provider.secret_encrypted and provider.secret_encrypted
    with db.engine.connect() as conn:  # nowhere in the row, as the database has it
        row = conn.execute(db.text("SELECT * FROM oidc_providers")).one()
    assert not any(SECRET in str(value) for value in row)
    page = client.get("/admin/sign-in").get_data(as_text=True)
    assert SECRET not in page and "A secret is saved, encrypted" in page
    # Saving again without typing the secret keeps it.
    before = provider.secret_encrypted
    assert post_form(client, "/admin/sign-in", _settings(client_secret="")).status_code == 302
    db.session.refresh(provider)
    assert provider.secret_encrypted == before


def test_settings_are_checked(oidc_app, client, signed_in):
    signed_in("admin")
    oidc_app.config["OIDC_ALLOW_HTTP"] = False
    cases = [
        (_settings(issuer="http://accounts.google.com"), "https://"),
        (_settings(domains="riverside example"), "is not an e-mail domain"),
        (_settings(client_secret=""), "Enter the client secret"),
        (_settings(required="y", enabled=None), "Turn on the sign-in service first"),
        (_settings(required="y"), "sign in once with this service yourself"),
    ]
    for data, message in cases:
        response = post_form(client, "/admin/sign-in", data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), message
    assert not db.session.execute(db.select(OidcProvider)).first()


def test_a_domain_belongs_to_one_organization(oidc_app, client, signed_in, make_org):
    other = make_org("hillside")
    db.session.add(OidcProvider(organization_id=other.id, display_name="Hillside",
                                issuer="https://accounts.google.com", client_id="x",
                                domains="hillside.example,shared.example"))
    db.session.commit()
    signed_in("admin")
    response = post_form(client, "/admin/sign-in", _settings(domains="a.example, shared.example"))
    assert response.status_code == 400
    assert "shared.example is covered by another organization" in response.get_data(
        as_text=True)


def test_only_admins_change_it(oidc_app, client, signed_in):
    signed_in("facilitator")
    assert client.get("/admin/sign-in").status_code == 403
    assert post_form(client, "/admin/sign-in", _settings()).status_code == 403


def test_an_admin_who_signed_in_through_it_may_require_it(
        client, make_org, make_user, start_provider, configure, monkeypatch):
    org = make_org("riverside")
    admin = make_user("admin", org=org, email="ada@riverside.example")
    provider = start_provider()
    provider.set_accounts({"sub-ada": {"email": admin.email, "email_verified": True}})
    settings = configure(org, provider)
    # The secret from the environment wins over the stored one.
    settings.secret_encrypted = ""
    db.session.commit()
    monkeypatch.setenv("OIDC_CLIENT_SECRET_RIVERSIDE", CLIENT_SECRET)
    assert sign_in(client, admin.email).status_code == 302  # with the password: not enough
    response = post_form(client, "/admin/sign-in", _settings(
        issuer=provider.issuer, client_id=settings.client_id, client_secret="",
        domains="riverside.example", required="y"))
    assert "sign in once with this service yourself" in response.get_data(as_text=True)
    post_form(client, "/logout")
    assert sign_in_oidc(client, settings, "sub-ada").location == "/"
    page = client.get("/admin/sign-in").get_data(as_text=True)
    assert "Taken from the environment variable" in page
    response = post_form(client, "/admin/sign-in", _settings(
        issuer=provider.issuer, client_id=settings.client_id, client_secret="",
        display_name="Riverside Google", domains="riverside.example", required="y"))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(settings)
    assert settings.required and settings.secret_encrypted == ""


def test_a_required_service_means_people_are_added_without_a_password(
        client, make_org, make_user, start_provider, configure):
    org = make_org("riverside")
    admin = make_user("admin", org=org, email="ada@riverside.example")
    provider = start_provider()
    provider.set_accounts({"sub-ada": {"email": admin.email, "email_verified": True},
                           "sub-bo": {"email": "bo@riverside.example", "email_verified": True}})
    settings = configure(org, provider, required=True)
    assert sign_in_oidc(client, settings, "sub-ada").location == "/"
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "No password is needed" in page and 'name="password"' not in page
    response = post_form(client, "/admin/users/new", {
        "email": "bo@riverside.example", "name": "Bo", "role": "facilitator"})
    assert response.status_code == 302, response.get_data(as_text=True)
    from facilitator.auth.services import find_user_by_email

    bo = find_user_by_email("bo@riverside.example")
    page = client.get(f"/admin/users/{bo.id}").get_data(as_text=True)
    assert "passwords are not used" in page and "Set new password" not in page
    refused = post_form(client, f"/admin/users/{bo.id}/password",
                        {"pw-new_password": "a long new password here"})
    assert refused.status_code == 302
    db.session.refresh(bo)
    assert not bo.check_password("a long new password here")
    other = client.application.test_client()
    assert sign_in_oidc(other, settings, "sub-bo").location == "/"


def test_without_a_configured_key_one_is_made_in_the_instance_folder(app, tmp_path):
    import os

    from facilitator.auth import oidc

    app.config["OIDC_SECRET_KEY"] = ""
    app.instance_path = str(tmp_path)
    sealed = oidc.encrypt_secret(SECRET)
    key_file = tmp_path / "oidc_secret_key"
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oidc_secret_key"]
    assert oidc._fernet().decrypt(sealed.encode()).decode() == SECRET
