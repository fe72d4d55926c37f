"""Sign in and out in a real Chromium, keyboard only, with no accessibility violations."""

from helpers import PASSWORD, assert_no_axe_violations, wait_for_js
from playwright.sync_api import expect

SHOTS = "test-artifacts"


def test_sign_in_with_keyboard_then_sign_out(page, live_server, make_user):
    user = make_user(role="admin", name="Dana Okafor")
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/login")
    assert_no_axe_violations(page)
    # The skip link is the first thing a keyboard reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.get_by_label("Email").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    assert "Dana Okafor" in page.content()
    expect(page.get_by_text(user.organization.name).first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Users", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/login")
    assert "You are signed out" in page.content()


def test_bad_login_shows_message_and_no_violations(page, live_server, make_user):
    user = make_user()
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    assert "not right" in page.content()
    assert_no_axe_violations(page)


def test_tablet_width_and_error_page(page, live_server, browser_sign_in, make_user):
    user = make_user(role="admin")
    page.set_viewport_size({"width": 768, "height": 1024})
    browser_sign_in(page, user.email)
    # Nothing overflows sideways on a tablet.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=f"{SHOTS}/home-tablet.png", full_page=True)
    page.goto(live_server.url + "/admin/users/new")
    page.get_by_label("Email").fill("bad")
    page.get_by_role("button", name="Add user").click()
    # The page's script moves focus to the error summary once it has run.
    wait_for_js(page,
        "document.activeElement && document.activeElement.classList.contains('error-summary')")
    assert_no_axe_violations(page)
    response = page.goto(live_server.url + "/no/such/page")
    assert response.status == 404
    assert_no_axe_violations(page)


def test_csp_blocks_nothing_of_ours(page, live_server, browser_sign_in, make_user):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    user = make_user(role="admin")
    browser_sign_in(page, user.email)
    page.goto(live_server.url + "/account")
    assert not [e for e in errors if "Content Security Policy" in e], errors
