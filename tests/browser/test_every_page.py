"""Every kind of page, as every demo user and anonymously, found by following links:
no duplicate ids, no label or ARIA reference to a missing element, every form control
named, and no sideways scrolling on a laptop, a tablet or a phone."""

from __future__ import annotations

import re
import time

from helpers import wait_for_js
from page_checks import LINKS_JS, OVERFLOW_JS, STRUCTURE_JS, Crawl
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from facilitator import demo
from facilitator.adr import services as adr_services
from facilitator.adr.models import AdrCase
from facilitator.extensions import db

# The structure checks run at the first size; sideways scrolling is checked at all three.
VIEWPORTS = ({"width": 1024, "height": 768}, {"width": 768, "height": 1024},
             {"width": 390, "height": 844})


def _survey_token() -> str:
    case = db.session.execute(db.select(AdrCase).where(AdrCase.status == "held")
                              .order_by(AdrCase.id).limit(1)).scalar_one()
    token = adr_services.create_invitations(case, 1)[0]
    db.session.commit()
    return token


def _check_pages(browser, crawl: Crawl, start: list[str], email: str | None,
                 problems: list[str]) -> int:
    """Crawl one person's pages; append what is wrong to ``problems``; return pages seen."""
    origin = crawl.origin
    context = browser.new_context(viewport=VIEWPORTS[0])
    try:
        pages = [context.new_page()] + [
            context.new_page() for _ in VIEWPORTS[1:]]
        for page, size in zip(pages, VIEWPORTS, strict=True):
            page.set_viewport_size(size)
        who = email or "anonymous"
        if email:
            pages[0].goto(origin + "/login")
            pages[0].get_by_label("Email").fill(email)
            pages[0].get_by_label("Password").fill(demo.DEMO_PASSWORD)
            pages[0].get_by_role("button", name="Sign in").click()
            # A neutral's start page is their cases; everyone else's is the home page.
            pages[0].wait_for_url(lambda u: u in (origin + "/", origin + "/program/my-cases"))
        for url in start:
            crawl.add(origin + url, force=True)
        count = 0
        for url in crawl:
            path = url[len(origin):]
            for i, (page, size) in enumerate(zip(pages, VIEWPORTS, strict=True)):
                try:
                    response = page.goto(url, wait_until="domcontentloaded")
                except PlaywrightError as exc:
                    if "Download is starting" in str(exc):
                        break  # a file, not a page
                    raise
                if response is None or "text/html" not in response.headers.get(
                        "content-type", ""):
                    break
                if response.status >= 400:
                    problems.append(f"{who} {path}: HTTP {response.status}")
                    break
                if i == 0:
                    count += 1
                    problems.extend(f"{who} {path}: {p}" for p in page.evaluate(STRUCTURE_JS))
                    for link in page.eval_on_selector_all("a[href]", LINKS_JS):
                        crawl.add(link)
                wide = page.evaluate(OVERFLOW_JS)
                if wide:
                    problems.append(f"{who} {path} at {size['width']}x{size['height']}: {wide}")
        return count
    finally:
        context.close()


def test_every_page_of_every_role(browser, app, live_server):
    demo.load()
    db.session.commit()
    token = _survey_token()
    # Like a browser's cache in real use: stylesheets and scripts are not asked for again.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 600
    problems: list[str] = []
    kinds: dict = {}
    started = time.monotonic()
    seen = _check_pages(browser, Crawl(live_server.url, "anonymous", kinds=kinds),
                        ["/", "/login", f"/adr/survey/{token}"], None, problems)
    # Each kind of page is loaded once, by the first person who reaches it (admins first,
    # who see every control); everyone's start page is loaded, as each person's differs.
    for email in sorted((u[1] for u in demo.DEMO_USERS), key=lambda e: not e.startswith("admin")):
        seen += _check_pages(browser, Crawl(live_server.url, "signed-in", kinds=kinds), ["/"],
                             email, problems)
    print(f"{seen} pages checked at {len(VIEWPORTS)} sizes in "
          f"{time.monotonic() - started:.1f} s")
    assert seen > 50, f"the crawl found only {seen} pages"
    assert not problems, "\n".join(problems)


def test_dashboard_charts_follow_a_narrowing_window(page, live_server, browser_sign_in):
    demo.load()
    db.session.commit()
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, "analyst@riverside.example", demo.DEMO_PASSWORD)
    page.goto(live_server.url + "/adr/dashboard")
    wait_for_js(page, "() => window.Chart && Chart.getChart('fiep-chart') && "
                           "Chart.getChart('rates-chart')")
    wide = page.evaluate("document.getElementById('fiep-chart').getBoundingClientRect().width")
    assert wide > 500
    page.set_viewport_size({"width": 390, "height": 844})
    # Chart.js redraws on its container's resize; wait for both canvases to fit.
    wait_for_js(page,
        "() => ['fiep-chart', 'rates-chart'].every(id => "
        "document.getElementById(id).getBoundingClientRect().right <= window.innerWidth)")
    assert page.evaluate(OVERFLOW_JS) is None


def test_survey_links_wrap_on_a_phone(page, live_server, browser_sign_in):
    """The links page is only reached by a POST, so the crawl cannot find it."""
    demo.load()
    db.session.commit()
    case = db.session.execute(db.select(AdrCase).where(
        AdrCase.status == "held", AdrCase.process == "facilitated_iep")
        .order_by(AdrCase.id).limit(1)).scalar_one()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, "facilitator@riverside.example", demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/adr/cases/{case.id}")
    page.get_by_role("button", name="Make survey links").click()
    expect(page.get_by_role("heading", name=re.compile("^Survey links"))).to_be_visible()
    assert page.locator(".adr-links code").count() >= 1
    assert page.evaluate(OVERFLOW_JS) is None
    assert page.evaluate(STRUCTURE_JS) == []
