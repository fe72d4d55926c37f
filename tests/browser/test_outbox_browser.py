"""The outbox and the forgot-password pages in a real Chromium, with no axe violations."""

from helpers import assert_no_axe_violations

from facilitator.extensions import db
from facilitator.notify.services import idempotency_key, queue_message

SHOTS = "test-artifacts"


def test_outbox_and_a_message_as_sent(page, live_server, browser_sign_in, make_user):
    admin = make_user(role="admin")
    queue_message(organization_id=admin.organization_id, key=idempotency_key("b"),
                  kind="password_reset", recipient="rosa@example.org",
                  template="password_reset", context={"link": "https://example.org/r/x"})
    db.session.commit()
    browser_sign_in(page, admin.email)
    page.get_by_role("link", name="Outbox").click()
    assert "Not sent — no mail server configured" in page.content()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Set a new password for Facilitator").click()
    assert "https://example.org/r/x" in page.content()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/outbox-message.png", full_page=True)


def test_forgot_password_with_the_keyboard(page, live_server, make_user):
    user = make_user()
    page.goto(live_server.url + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_no_axe_violations(page)
    page.get_by_label("Email").fill(user.email)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/login")
    assert "If that address belongs to an account" in page.content()
    assert_no_axe_violations(page)
