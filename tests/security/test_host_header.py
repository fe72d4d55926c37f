"""Every link the app shows or sends is built from PUBLIC_BASE_URL, never from the Host
header a request came with (a hostile Host would otherwise put its own address in a survey
link handed to a family, or in a mail)."""

from __future__ import annotations

import re
from datetime import date

from helpers import post_form, sign_in
from security.crawl import crawl

from facilitator import demo
from facilitator.adr import services as adr
from facilitator.extensions import db
from facilitator.families.models import Family

HOSTILE = "evil.example"
PUBLIC = "https://facilitator.example.org"


class HostileHost:
    """A test client whose every request says ``Host: evil.example``; keeps every response."""

    def __init__(self, client):
        self.client = client
        self.responses = []

    def _keep(self, response):
        self.responses.append(response)
        return response

    def get(self, *args, **kwargs):
        return self._keep(self.client.get(*args, base_url=f"http://{HOSTILE}", **kwargs))

    def post(self, *args, **kwargs):
        return self._keep(self.client.post(*args, base_url=f"http://{HOSTILE}", **kwargs))

    def session_transaction(self, *args, **kwargs):
        return self.client.session_transaction(*args, base_url=f"http://{HOSTILE}", **kwargs)

    def leaks(self) -> list[str]:
        found = []
        for r in self.responses:
            if HOSTILE in r.headers.get("Location", ""):
                found.append(f"Location {r.headers['Location']} ({r.request.path})")
            body = r.get_data(as_text=True) if r.mimetype.startswith("text/") else ""
            for match in re.finditer(re.escape(HOSTILE), body):
                found.append(f"{r.request.path}: ...{body[max(0, match.start() - 80):match.end()]}")
        return found


def test_survey_links_made_on_the_case_page_use_the_public_address(app, client, make_user):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    user = make_user("facilitator")
    family = Family(organization_id=user.organization_id, student_name="Maya Lopez")
    db.session.add(family)
    db.session.flush()
    case = adr.save_case(user.organization_id, {
        "case_ref": "F-1", "process": "facilitated_iep", "status": "held",
        "received_on": date(2024, 9, 2), "held_on": date(2024, 9, 10), "agreement": "full"},
        family_id=family.id)
    db.session.commit()
    hostile = HostileHost(client)
    assert sign_in(hostile, user.email).status_code == 302
    html = post_form(hostile, f"/adr/cases/{case.id}/surveys", {"count": "2"},
                     token_from=f"/adr/cases/{case.id}").get_data(as_text=True)
    links = re.findall(r"<code>([^<]+/survey/[^<]+)</code>", html)
    assert len(links) == 2 and all(link.startswith(PUBLIC + "/") for link in links), links
    assert not hostile.leaks()


def test_no_page_shows_the_requests_host(app, client):
    """Crawl the demo as each kind of user with a hostile Host: no page, redirect or
    download names it."""
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    demo.load()
    db.session.commit()
    leaks, pages = [], 0
    for email in ("facilitator@riverside.example", "advocate@familyvoices.example",
                  "admin@riverside.example"):
        hostile = HostileHost(app.test_client())
        assert sign_in(hostile, email, demo.DEMO_PASSWORD).status_code == 302
        found, _ = crawl(hostile, limit=150, same_shape=1)
        pages += len(found)
        leaks += hostile.leaks()
    assert pages > 60
    assert not leaks, "\n".join(leaks[:20])
