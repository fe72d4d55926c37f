"""Hostile input into every form field the demo users can reach, the notes JSON API and
the CSV import: no server error, nothing shown back unescaped, a form that comes back
with a message (or a redirect after success), no formula cell in a CSV export.

Forms are found by crawling the demo as an admin, a facilitator and an advocate of each
organization (links followed, <form> elements parsed with html.parser). Payloads are
rotated across fields so every field gets the long, NUL and kind-specific values and a
sample of the others, and every payload reaches many fields.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import time
from urllib.parse import urlencode

import pytest
from helpers import sign_in
from security import payloads as P
from security.crawl import Field, Form, crawl

from facilitator import demo
from facilitator.adr.rules import COLUMNS
from facilitator.auth.models import User
from facilitator.extensions import db
from facilitator.web import DANGEROUS_START

#: Crawled in this order; the first user to reach a form is the one who sweeps it.
USERS = ("facilitator@riverside.example", "advocate@familyvoices.example",
         "admin@riverside.example", "admin@familyvoices.example")
#: Swept last: forms that could sign a sweeping user out or change who may sign in.
LAST = re.compile(r"^/(account|admin/users)")
INJECT_KINDS = {"text", "search", "email", "tel", "url", "date", "time", "datetime-local",
                "number", "textarea", "password", "hidden", "select", "select-multiple",
                "checkbox", "radio"}
ERROR_MARKS = ("error-message", "error-summary", "flash--error", '<p class="hint">Error ')
#: A sample of the payloads per field, besides the ones every field gets.
SAMPLE = 2


def _plan(fields: list[tuple[str, Form, Field]]) -> list[tuple[str, Form, Field, object]]:
    """(user, form, field, payload): each field gets the long and control payloads, one of
    its own kind, and SAMPLE more; the rotation spreads every payload over many fields."""
    plan = []
    everything = P.ALL
    for i, (user, form, field) in enumerate(fields):
        chosen: list = [P.LONG[i % 2 * 2], P.CONTROL[i % 4], P.MARKUP[i % len(P.MARKUP)]]
        if field.kind in ("date", "datetime-local", "time"):
            chosen.append(P.DATES[i % len(P.DATES)])
        elif field.kind == "number" or "version" in field.name or "minutes" in field.name:
            chosen.append(P.NUMBERS[i % len(P.NUMBERS)])
        chosen += [everything[(i * 7 + j * 31) % len(everything)] for j in range(SAMPLE)]
        if form.enctype.startswith("multipart"):
            chosen = [c for c in chosen if isinstance(c, str)]
        plan += [(user, form, field, payload) for payload in dict.fromkeys(chosen)]
    return plan


def _send(client, form: Form, field: Field | None, payload):
    data = form.defaults()
    if field is not None:
        data[field.name] = [payload]
    if form.method == "get":
        return client.get(form.action.split("?")[0], query_string=urlencode(data, doseq=True))
    if form.enctype.startswith("multipart"):
        body: dict = {k: v if len(v) > 1 else v[0] for k, v in data.items()}
        for f in form.fields:
            if f.kind == "file":
                body[f.name] = (io.BytesIO(b"A short note.\n"), "note.txt")
        return client.post(form.action, data=body, content_type="multipart/form-data")
    return client.post(form.action, data=urlencode(data, doseq=True),
                       content_type="application/x-www-form-urlencoded")


class Sweep:
    """Sends requests and keeps what went wrong."""

    def __init__(self, caplog):
        self.caplog = caplog
        self.requests = 0
        self.failures: list[str] = []
        self.server_errors: set[str] = set()

    def check(self, response, what: str, payload=None, json_api: bool = False,
              allow_404: bool = False) -> None:
        self.requests += 1
        status = response.status_code
        body = response.get_data(as_text=True)
        shown = repr(payload)[:50]
        if status >= 500:
            errors = [r for r in self.caplog.records if r.exc_info]
            cause = repr(errors[-1].exc_info[1])[:160] if errors else "?"
            self.server_errors.add(f"{what}: {cause}")
            self.failures.append(f"{status} {what} {shown}: {cause}")
            self.caplog.clear()
            return
        location = response.headers.get("Location", "")
        if "/login" in location:
            self.failures.append(f"signed out by {what} {shown}")
        if len(location) > 2000 or "\n" in location:
            self.failures.append(f"unsafe Location ({len(location)} chars) from {what}")
        if json_api:
            if status not in (200, 400, 409, 413):
                self.failures.append(f"{status} from the notes API {shown}")
            return
        if "text/html" in response.content_type and payload in P.DANGEROUS and payload in body:
            self.failures.append(f"shown unescaped by {what}: {shown}")
        if status in (400, 422) and not any(mark in body for mark in ERROR_MARKS):
            self.failures.append(f"{status} without a message from {what} {shown}")
        elif status not in (200, 302, 303, 400, 409, 422) and not (allow_404 and status == 404):
            self.failures.append(f"{status} from {what} {shown}")


@pytest.fixture()
def demo_clients(app):
    demo.load()
    db.session.commit()
    clients = {}
    for email in USERS:
        clients[email] = app.test_client()
        assert sign_in(clients[email], email, demo.DEMO_PASSWORD).status_code == 302
    return clients


def test_hostile_input_into_every_form_field(app, demo_clients, caplog):
    caplog.set_level(logging.ERROR)
    started = time.monotonic()
    shapes: set = set()
    fields: list[tuple[str, Form, Field]] = []
    pages_seen = 0
    for email in USERS:
        pages, forms = crawl(demo_clients[email])
        pages_seen += len(pages)
        for form in forms:
            if form.shape in shapes or form.action.startswith("/logout"):
                continue
            shapes.add(form.shape)
            names = dict.fromkeys(f.name for f in form.fields if f.kind in INJECT_KINDS
                                  and not f.name.endswith("csrf_token"))
            fields += [(email, form, next(f for f in form.fields if f.name == n))
                       for n in names]
    fields.sort(key=lambda item: bool(LAST.match(item[1].action)))
    # User admin forms act on a user nobody sweeps with (a new password signs one out).
    spare = db.session.execute(db.select(User.id).where(
        User.email == "analyst@riverside.example")).scalar_one()
    for _, form, _ in fields:
        form.action = re.sub(r"^/admin/users/\d+", f"/admin/users/{spare}", form.action)
    forms_swept = {id(f) for _, f, _ in fields}
    # The new pages are found like every other (the sign-in service settings, for one).
    assert any(f.action.split("?")[0] == "/admin/sign-in" for _, f, _ in fields)
    assert len(forms_swept) >= 40 and len(fields) >= 200, (len(forms_swept), len(fields))

    crawled = time.monotonic() - started
    sweep = Sweep(caplog)
    plan = _plan(fields)
    for email, form, field, payload in plan:
        response = _send(demo_clients[email], form, field, payload)
        # An id that is not one of yours, or a bad address typed into a GET form: 404.
        names_a_record = field.value.isdigit() or field.kind == "select" and any(
            o.isdigit() for o in field.options)
        sweep.check(response, f"{form.method.upper()} {form.action} [{field.name}]", payload,
                    allow_404=names_a_record or form.method == "get")

    swept = time.monotonic() - started - crawled
    # Everything stored is shown back escaped, on every page of every user.
    for email in USERS:
        client = app.test_client()
        assert sign_in(client, email, demo.DEMO_PASSWORD).status_code == 302, email
        pages, _ = crawl(client, limit=150)
        for path, html in pages.items():
            for payload in P.DANGEROUS:
                if payload in html:
                    sweep.failures.append(f"{path} as {email} shows unescaped {payload!r}")
    elapsed = time.monotonic() - started
    payloads_used = {repr(p) for *_, p in plan}
    print(f"\nhostile sweep: {len(P.ALL)} payloads ({len(payloads_used)} sent), "
          f"{len(forms_swept)} forms, {len(fields)} fields, {sweep.requests} requests, "
          f"{pages_seen} pages crawled, {elapsed:.1f} s (crawl {crawled:.1f} s, "
          f"sweep {swept:.1f} s)")
    assert len(payloads_used) >= 100
    assert not sweep.failures, "\n".join(sorted(set(sweep.failures))[:80])


def test_formula_payloads_never_export_as_formulas(app, demo_clients, caplog):
    client = demo_clients["admin@riverside.example"]
    _, forms = crawl(client, start="/adr/cases/new", limit=1)
    form = next(f for f in forms if f.action == "/adr/cases/new")
    sweep = Sweep(caplog)
    for i, formula in enumerate(P.FORMULAS):
        data = form.defaults()
        data.update({"case_ref": [f"F-{i}"], "received_on": ["2025-09-02"],
                     "process_kind": ["facilitated_iep"], "status": ["pending"],
                     "school": [formula if formula.isprintable() else "Lincoln"],
                     "notes": [formula]})
        response = client.post(form.action, data=urlencode(data, doseq=True),
                               content_type="application/x-www-form-urlencoded")
        sweep.check(response, "POST /adr/cases/new", formula)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert not sweep.failures, sweep.failures
    exported = client.get("/adr/cases/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"), newline="")))
    stored = [r for r in rows if r[0].startswith("F-")]
    assert len(stored) == len(P.FORMULAS)
    for row in rows:
        for cell in row:
            assert not cell.startswith(DANGEROUS_START[:-1]), row


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([list(COLUMNS), *rows])
    return out.getvalue().encode()


def test_hostile_csv_imports(app, demo_clients, caplog):
    client = demo_clients["admin@riverside.example"]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/adr/cases/import").get_data(as_text=True)).group(1)
    valid = ["H-1", "mediation", "2025-09-02", "Lincoln", "S-1", "", "pending", "", "", "",
             "", "", "", "", "", "", "", "notes"]
    files: list[bytes] = [b"", b"\xff\xfe\x00\x00", b"\xef\xbb\xbf", "é".encode("latin-1"),
                          _csv([valid])[:-1] + b"\xff\n", b"case_ref\x00,process\n",
                          _csv([valid]).replace(b"Lincoln", b"Lin\x00coln"),
                          _csv([valid]).replace(b"notes", b"a" * 200_000),
                          _csv([valid]).replace(b"Lincoln", b'"unclosed'),
                          _csv([valid * 2]), _csv([valid[:3]]), b"\n" * 1000,
                          b'"' * 5000, _csv([valid]).replace(b"\n", b"\r")]
    for i, payload in enumerate([p for p in P.ALL if isinstance(p, str)]):
        row = list(valid)
        row[0] = f"H-{i}"
        row[i % len(COLUMNS)] = payload
        files.append(_csv([row]))
    files += [_csv([valid]).replace(b"Lincoln", b) for b in P.BYTES]
    sweep = Sweep(caplog)
    for data in files:
        response = client.post("/adr/cases/import", data={
            "csrf_token": token, "file": (io.BytesIO(data), "cases.csv")},
            content_type="multipart/form-data")
        sweep.check(response, "POST /adr/cases/import", data[:40])
        if response.status_code == 200:  # refused: every problem listed by line and column
            html = response.get_data(as_text=True)
            assert re.search(r"line \d+, column ", html), html[:3000]
    assert not sweep.failures, "\n".join(sweep.failures)


def test_hostile_notes_api(app, demo_clients, caplog):
    client = demo_clients["facilitator@riverside.example"]
    html = client.get("/meetings/").get_data(as_text=True)
    meeting = re.search(r'href="/meetings/(\d+)"', html).group(1)
    live = client.get(f"/meetings/{meeting}/live").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', live).group(1)
    url = f"/meetings/{meeting}/notes"
    bodies: list = [None, [], {}, "x", 1, {"body": None}, {"base_version": 0},
                    {"body": "x", "base_version": "0"}, {"body": "x", "base_version": True},
                    {"body": "x", "base_version": 1.5}, {"body": ["x"], "base_version": 0},
                    {"body": {"a": 1}, "base_version": 0}]
    versions = [0, -1, 2**31, 2**63, 99999999999999999999, -(2**70), 10**400]
    bodies += [{"body": "x", "base_version": v} for v in versions]
    bodies += [{"body": p, "base_version": 0} for p in P.ALL if isinstance(p, str)]
    sweep = Sweep(caplog)
    for body in bodies:
        raw = json.dumps(body) if not isinstance(body, int) or body < 10**300 else str(body)
        response = client.post(url, data=raw, headers={"X-CSRFToken": token},
                               content_type="application/json")
        sweep.check(response, "POST notes (JSON)", body, json_api=True)
        if response.status_code == 400:
            assert response.get_json()["message"]
    for raw in (b"{", b"\xff\xfe", b'{"body": "\\ud800", "base_version": 0}',
                b'{"body": "x", "base_version": 1e999}', b"[" * 10_000 + b"]" * 10_000):
        response = client.post(url, data=raw, headers={"X-CSRFToken": token},
                               content_type="application/json")
        sweep.check(response, "POST notes (raw JSON)", raw[:20], json_api=True)
    assert not sweep.failures, "\n".join(sweep.failures)
    # The notes still load, and hold none of the refused text.
    assert client.get(url).status_code == 200
