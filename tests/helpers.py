"""Helpers for tests: the CSRF token as a browser has it, posting forms, signing in."""

from __future__ import annotations

import re
import time

PASSWORD = "correct horse battery"
#: Seconds after which a wait is a hang. Waits are for conditions; this ceiling only stops
#: a test that would never end. A busy machine is slow, never this slow.
HANG = 300
#: The same in milliseconds, for Playwright.
HANG_MS = HANG * 1000
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """Read the CSRF token from a page's form, as a browser would have it."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}: {html[:2500]}"
    return match.group(1)


def post_form(client, path: str, data: dict | None = None, token_from: str | None = None,
              **kwargs):
    """POST a form with the session's CSRF token, like the page's own form does."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from or _token_page(client)))
    return client.post(path, data=data, **kwargs)


def _token_page(client) -> str:
    # Every signed-in page carries the sign-out form; otherwise the sign-in page.
    return "/account" if _signed_in(client) else "/login"


def _signed_in(client) -> bool:
    with client.session_transaction() as sess:
        return "_user_id" in sess


def sign_in(client, email: str, password: str = PASSWORD, follow: bool = False):
    """Sign in through the real form."""
    return post_form(client, "/login", {"email": email, "password": password},
                     token_from="/login", follow_redirects=follow)


def assert_no_axe_violations(page):
    """Zero axe-core violations (WCAG 2.1 A and AA) on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    assert results.violations_count == 0, results.generate_report()


def upload_files(client, family, files, **fields):
    """Upload ``files`` ([(name, bytes)]) to a family's documents through the upload form."""
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    data = {"doc_type": "evaluation", "doc_date": "2025-03-04", "source": "School psychologist",
            "description": "", "tags": "Reading, behavior, reading"}
    data.update(fields)
    data["files"] = [FileStorage(io.BytesIO(content), filename=name) for name, content in files]
    data["csrf_token"] = csrf_token(client, f"/records/families/{family.id}/documents")
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(f"/records/families/{family.id}/documents", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def wait_until(condition, what: str, poll: float = 0.1):
    """Poll ``condition`` until it is true (returns its value); fail only after HANG s."""
    deadline = time.monotonic() + HANG
    while not (value := condition()):
        assert time.monotonic() < deadline, f"still waiting after {HANG} s: {what}"
        time.sleep(poll)
    return value


def wait_for_js(page, expression: str, arg=None):
    """Poll a page expression until it is truthy, up to the hang ceiling.

    ``page.evaluate`` runs through the browser's debugging protocol, outside the page's
    Content-Security-Policy; Playwright's ``wait_for_function`` evaluates a string inside
    the page when it has to poll, which our CSP (no 'unsafe-eval') refuses on a slow run.
    """
    return wait_until(lambda: page.evaluate(expression, arg), f"the page: {expression[:80]}")
