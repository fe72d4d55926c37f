"""Real-browser tests: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import os
import shutil

import pytest
from room_fixtures import canaries, room_meeting  # noqa: F401 - fixtures of the room tests

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not os.path.exists(CHROMIUM):
                item.add_marker(pytest.mark.skip(
                    reason="Chromium is not installed (make test installs it as root)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    from helpers import HANG_MS

    return {
        **browser_type_launch_args,
        "timeout": HANG_MS,  # starting Chromium on a busy machine can take a while
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser(browser):
    """One Chromium for the whole run, whose every context waits as long as it takes.

    Playwright's default (30 s for an action, 5 s for expect) is a speed limit: on a busy
    machine a file chooser or a packet build took longer. Waits are for conditions; the
    ceiling (helpers.HANG) only stops a test that would never end.
    """
    from helpers import HANG_MS
    from playwright.sync_api import expect

    expect.set_options(timeout=HANG_MS)
    new_context = browser.new_context

    def patient_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.set_default_timeout(HANG_MS)
        context.set_default_navigation_timeout(HANG_MS)
        return context

    browser.new_context = patient_context
    return browser


@pytest.fixture()
def browser_sign_in(live_server):
    """Sign a Playwright page in through the real form."""

    def go(page, email: str, password: str | None = None):
        from helpers import PASSWORD

        page.goto(live_server.url + "/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password or PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/")

    return go
