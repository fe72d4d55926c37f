"""The whole sign-in through a real OpenID Connect provider in Chromium: the button on the
sign-in page, the provider's own pages, back signed in; no accessibility violations."""

from helpers import assert_no_axe_violations, wait_for_js
from oidc_provider import configure, oidc_app, provider_jwk, start_provider  # noqa: F401
from playwright.sync_api import expect

SHOTS = "test-artifacts"


def _at_the_provider(page, provider, login: str) -> None:
    """Press the button, then the provider's own sign-in and consent pages."""
    page.get_by_role("link", name="Sign in with Riverside Unified Google").click()
    page.wait_for_url(provider.issuer + "/**", wait_until="domcontentloaded")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name="Continue").click()


def test_sign_in_with_the_district_account(page, live_server, oidc_app, make_org,  # noqa: F811
                                           make_user, start_provider, configure):  # noqa: F811
    oidc_app.config["PUBLIC_BASE_URL"] = live_server.url
    org = make_org("riverside", name="Riverside Unified")
    make_user("facilitator", org=org, email="dana@riverside.example", name="Dana Okafor")
    provider = start_provider(redirect_uris=[f"{live_server.url}/login/oidc/callback"])
    provider.set_accounts({"sub-dana": {"email": "dana@riverside.example",
                                        "email_verified": True, "name": "Dana Okafor"}})
    configure(org, provider)

    # The provider's development pages import a web font; nothing leaves the machine.
    page.route("https://fonts.googleapis.com/**", lambda route: route.abort())
    page.goto(live_server.url + "/login")
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/login-with-provider.png", full_page=True)
    _at_the_provider(page, provider, "sub-dana")
    page.wait_for_url(live_server.url + "/")
    assert "Dana Okafor" in page.content()
    expect(page.get_by_text("Riverside Unified").first).to_be_visible()
    assert_no_axe_violations(page)

    # Someone the admin never added: a plain message, not an account.
    provider.set_accounts({"sub-sam": {"email": "sam@riverside.example",
                                       "email_verified": True}})
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/login")
    page.context.clear_cookies()  # another person at this computer: the provider forgets Dana
    _at_the_provider(page, provider, "sub-sam")
    page.wait_for_url(live_server.url + "/login/oidc/callback**")
    assert "There is no account for that address here" in page.content()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/oidc-unknown-user.png", full_page=True)


def test_the_settings_page_with_the_keyboard(page, live_server, browser_sign_in, make_user):
    admin = make_user(role="admin")
    browser_sign_in(page, admin.email)
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="Sign-in service").click()
    assert "/login/oidc/callback" in page.content()
    assert_no_axe_violations(page)
    page.get_by_label("Name on the sign-in button").fill("Riverside Google")
    page.get_by_label("Issuer URL").fill("https://accounts.google.com")
    page.get_by_label("Client ID").fill("1234.apps.googleusercontent.com")
    page.get_by_label("E-mail domains").fill("riverside example")
    page.get_by_label("E-mail domains").press("Enter")
    wait_for_js(page,
        "document.activeElement && document.activeElement.classList.contains('error-summary')")
    assert "is not an e-mail domain" in page.content()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/oidc-settings-error.png", full_page=True)
