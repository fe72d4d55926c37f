"""Sign-in through a real OpenID Connect provider (oidc-provider under Node, 127.0.0.1):
the whole code flow with PKCE, and every way it must refuse."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import parse_qs, urlsplit

from helpers import post_form, sign_in
from oidc_provider import (
    APP_BASE,
    come_back,
    foreign_id_token,
    sign_in_oidc,
    start,
    through_provider,
)

from facilitator.auth.models import User
from facilitator.auth.oidc_models import OidcAttempt, OidcIdentity
from facilitator.extensions import db


def test_a_person_the_admin_added_signs_in_and_is_bound_to_the_subject(
        client, make_org, make_user, start_provider, configure, caplog):
    caplog.set_level(logging.INFO)
    org = make_org("riverside")
    user = make_user(role="facilitator", org=org, email="dana@riverside.example")
    provider = start_provider()
    provider.set_accounts({"sub-dana": {"email": "Dana@Riverside.example",
                                        "email_verified": True, "name": "Dana"}})
    settings = configure(org, provider)
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Riverside Google" in page

    response = sign_in_oidc(client, settings, "sub-dana")
    assert response.status_code == 302 and response.location == "/"
    home = client.get("/")
    assert home.status_code == 200 and "dana" in home.get_data(as_text=True)
    identity = db.session.execute(db.select(OidcIdentity)).scalar_one()
    assert (identity.user_id, identity.subject, identity.issuer) == (
        user.id, "sub-dana", provider.issuer)
    assert db.session.get(User, user.id).last_login_at is not None
    # The address changes at the provider: the subject still names the same person.
    provider.set_accounts({"sub-dana": {"email": "dana.okafor@riverside.example",
                                        "email_verified": True}})
    other = client.application.test_client()
    assert sign_in_oidc(other, settings, "sub-dana").location == "/"
    # The idle timeout holds for these sessions too.
    with other.session_transaction() as browser_session:
        browser_session["seen"] -= 31 * 60
    assert "/login" in other.get("/").location
    # Logged: the sign-in, never a code or a token.
    log = caplog.text
    assert f"oidc login ok provider={settings.id} user_id={user.id}" in log
    assert "eyJ" not in log and "code=" not in log


def test_a_replayed_state_is_refused(client, make_org, make_user, start_provider, configure,
                                     caplog):
    caplog.set_level(logging.INFO)
    org = make_org("riverside")
    make_user(org=org, email="dana@riverside.example")
    provider = start_provider()
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True}})
    settings = configure(org, provider)
    url = start(client, settings)
    copied = client.get_cookie("facilitator_session").value  # the cookie before coming back
    back = through_provider(url, "sub-dana", stop_at=APP_BASE)
    assert come_back(client, back).location == "/"
    # The same browser again, and a copy of its cookie from before: both refused.
    again = come_back(client, back)
    assert again.status_code == 400 and "not valid any more" in again.get_data(as_text=True)
    thief = client.application.test_client()
    thief.set_cookie("facilitator_session", copied)
    replay = come_back(thief, back)
    assert replay.status_code == 400
    assert thief.get("/").status_code == 302  # not signed in
    assert "state_replayed_or_expired" in caplog.text
    # A state this browser never started is refused too.
    stranger = client.application.test_client()
    assert come_back(stranger, back).status_code == 400
    assert db.session.execute(db.select(OidcAttempt)).scalar_one().used_at is not None


def test_unknown_and_unverified_addresses_get_a_plain_message(
        client, make_org, make_user, start_provider, configure, caplog):
    caplog.set_level(logging.INFO)
    org = make_org("riverside")
    make_user(org=org, email="unverified@riverside.example")
    provider = start_provider()
    provider.set_accounts({
        "sub-stranger": {"email": "stranger@riverside.example", "email_verified": True},
        "sub-unverified": {"email": "unverified@riverside.example", "email_verified": False},
    })
    settings = configure(org, provider)
    response = sign_in_oidc(client, settings, "sub-stranger")
    assert response.status_code == 403
    assert "There is no account for that address here" in response.get_data(as_text=True)
    assert "signing in does not create an account" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 1
    response = sign_in_oidc(client, settings, "sub-unverified")
    assert response.status_code == 403
    assert "did not confirm your e-mail address" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in
    assert "reason=unknown_user" in caplog.text and "reason=email_not_verified" in caplog.text
    assert not db.session.execute(db.select(OidcIdentity)).first()


def test_a_user_of_another_organization_is_refused(
        client, make_org, make_user, start_provider, configure, caplog):
    caplog.set_level(logging.INFO)
    riverside, hillside = make_org("riverside"), make_org("hillside")
    make_user(org=hillside, email="pat@hillside.example")
    # An address in riverside's domain, but the account belongs to hillside.
    make_user(org=hillside, email="consultant@riverside.example")
    provider = start_provider()
    provider.set_accounts({
        "sub-pat": {"email": "pat@hillside.example", "email_verified": True},
        "sub-consultant": {"email": "consultant@riverside.example", "email_verified": True},
    })
    settings = configure(riverside, provider)
    for login in ("sub-pat", "sub-consultant"):
        response = sign_in_oidc(client, settings, login)
        assert response.status_code == 403, login
        assert "There is no account for that address here" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert "reason=domain_not_covered" in caplog.text and "reason=unknown_user" in caplog.text


def test_a_deactivated_person_and_a_reassigned_address_are_refused(
        client, make_org, make_user, start_provider, configure):
    org = make_org("riverside")
    user = make_user(org=org, email="dana@riverside.example")
    provider = start_provider()
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True}})
    settings = configure(org, provider)
    assert sign_in_oidc(client, settings, "sub-dana").location == "/"
    # Another person at the provider gets Dana's old address: not Dana here.
    provider.set_accounts({"sub-new": {"email": "dana@riverside.example",
                                       "email_verified": True}})
    other = client.application.test_client()
    assert sign_in_oidc(other, settings, "sub-new").status_code == 403
    # Deactivated: the open session ends, and the provider cannot sign Dana in again.
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/").status_code == 302
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True}})
    assert sign_in_oidc(client, settings, "sub-dana").status_code == 403


def _payload(id_token: str) -> dict:
    part = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_a_tampered_id_token_is_refused(client, make_org, make_user, start_provider,
                                        configure, caplog):
    caplog.set_level(logging.INFO)
    org = make_org("riverside")
    make_user(org=org, email="dana@riverside.example", role="admin")
    provider = start_provider()
    provider.set_accounts({"sub-eve": {"email": "eve@riverside.example",
                                       "email_verified": True}})
    settings = configure(org, provider)

    def swap_address(answer: dict) -> dict:
        header, _, signature = answer["id_token"].split(".")
        claims = _payload(answer["id_token"])
        claims["email"] = "dana@riverside.example"  # Eve claims to be the admin
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return {**answer, "id_token": f"{header}.{body}.{signature}"}

    provider.tamper = swap_address
    response = sign_in_oidc(client, settings, "sub-eve")
    assert response.status_code == 403
    assert "could not be trusted" in response.get_data(as_text=True)
    assert "reason=id_token_signature BadSignatureError" in caplog.text
    assert "eyJ" not in caplog.text  # no token in the log, not even a refused one
    assert client.get("/").status_code == 302


def test_an_id_token_for_another_client_is_refused(client, make_org, make_user,
                                                   start_provider, configure, caplog):
    caplog.set_level(logging.INFO)
    org = make_org("riverside")
    make_user(org=org, email="dana@riverside.example")
    provider = start_provider()
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True}})
    settings = configure(org, provider)
    url = start(client, settings)
    nonce = parse_qs(urlsplit(url).query)["nonce"][0]
    # A genuine, well-signed token of the same person and nonce, made for another app.
    foreign = foreign_id_token(provider, "sub-dana", nonce)
    assert _payload(foreign)["aud"] == "other-app"
    provider.tamper = lambda answer: {**answer, "id_token": foreign}
    response = come_back(client, through_provider(url, "sub-dana", stop_at=APP_BASE))
    assert response.status_code == 403
    assert "reason=id_token_claim aud" in caplog.text
    assert foreign[:40] not in caplog.text and "eyJ" not in caplog.text
    assert client.get("/").status_code == 302


def test_an_expired_id_token_is_refused(client, make_org, make_user, start_provider,
                                        configure, caplog):
    caplog.set_level(logging.INFO)
    org = make_org("riverside")
    make_user(org=org, email="dana@riverside.example")
    # The provider's clock runs 10 minutes behind and its ID tokens live 60 seconds.
    provider = start_provider(clock_offset=-600, id_token_ttl=60)
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True}})
    settings = configure(org, provider)
    response = sign_in_oidc(client, settings, "sub-dana")
    assert response.status_code == 403
    assert "reason=id_token_expired" in caplog.text
    assert client.get("/").status_code == 302


def test_a_provider_error_is_shown_and_logged(client, make_org, start_provider, configure,
                                              caplog):
    caplog.set_level(logging.INFO)
    org = make_org("riverside")
    settings = configure(org, start_provider())
    url = start(client, settings)
    state = parse_qs(urlsplit(url).query)["state"][0]
    response = client.get("/login/oidc/callback", query_string={
        "error": "access_denied", "error_description": "<b>no</b>", "state": state})
    assert response.status_code == 400
    assert "access_denied" in response.get_data(as_text=True)
    assert "oidc provider error" in caplog.text and "error=access_denied" in caplog.text


def test_an_organization_requiring_the_provider_refuses_passwords(
        client, make_org, make_user, start_provider, configure):
    org = make_org("riverside")
    user = make_user(org=org, email="dana@riverside.example")
    outsider = make_user(org=org, email="dana.contractor@gmail.example")
    provider = start_provider()
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True}})
    settings = configure(org, provider, required=True)
    for email in (user.email, outsider.email, "nobody@riverside.example"):
        response = sign_in(client, email)
        assert response.status_code == 200, email
        assert "use the “Sign in with Riverside Google” button" in response.get_data(
            as_text=True)
    assert client.get("/").status_code == 302
    # Someone of another organization with an address in this domain: not refused here.
    elsewhere = make_user(org=make_org("hillside"), email="visitor@riverside.example")
    assert sign_in(client, elsewhere.email).status_code == 302
    post_form(client, "/logout")
    # Password reset: refused with the same pointer, for the whole domain.
    response = post_form(client, "/forgot-password", {"email": user.email})
    assert response.status_code == 400
    assert "sign in with Riverside Google" in response.get_data(as_text=True)
    # A link mailed before the requirement no longer sets a password.
    from facilitator.auth.reset import VALID_FOR, PasswordReset, _hash, use_token
    from facilitator.db import utcnow

    db.session.add(PasswordReset(user_id=user.id, token_hash=_hash("an-old-link"),
                                 expires_at=utcnow() + VALID_FOR))
    db.session.commit()
    assert use_token("an-old-link", "a brand new password 1") is None
    assert not db.session.get(User, user.id).check_password("a brand new password 1")
    # The provider still signs them in.
    assert sign_in_oidc(client, settings, "sub-dana").location == "/"


def test_sign_in_again_goes_through_the_provider(client, make_org, make_user, start_provider,
                                                 configure):
    from facilitator.families.models import Family

    org = make_org("riverside")
    make_user(org=org, email="dana@riverside.example", role="admin")
    family = Family(organization_id=org.id, student_name="Sam Rivera")
    db.session.add(family)
    db.session.commit()
    provider = start_provider()
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True}})
    settings = configure(org, provider)
    assert sign_in_oidc(client, settings, "sub-dana").location == "/"
    with client.session_transaction() as browser_session:
        browser_session["fresh"] -= 3600  # signed in an hour ago
    export = f"/families/{family.id}/export"
    response = client.get(export)
    assert response.status_code == 302 and "/reauth" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "Sign in again with Riverside Google" in page and 'name="password"' not in page
    # Someone else signs in at the provider: that does not confirm it is Dana.
    make_user(org=org, email="bo@riverside.example")
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True},
                           "sub-bo": {"email": "bo@riverside.example", "email_verified": True}})
    other = come_back(client, through_provider(client.get(f"/reauth/oidc?next={export}")
                                               .location, "sub-bo", stop_at=APP_BASE))
    assert other.status_code == 403 and "different person" in other.get_data(as_text=True)
    assert "/reauth" in client.get(export).location
    started = client.get(f"/reauth/oidc?next={export}")
    assert started.status_code == 302
    query = parse_qs(urlsplit(started.location).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]
    back = through_provider(started.location, "sub-dana", stop_at=APP_BASE)
    response = come_back(client, back)
    assert response.status_code == 302 and response.location == export
    assert client.get(export).status_code == 200
