"""Every endpoint, called as every role of organization A and anonymously, with ids of
A's records and of B's: the outcome its declared policy promises, and never B's data.

Both organizations get the whole demo (every feature's records), with a canary string
in their text. URL arguments are filled by name from the records; an endpoint whose
argument the table below cannot fill fails the test, so a new route is covered as soon
as it exists.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pytest
from flask import url_for
from helpers import PASSWORD, sign_in
from sqlalchemy import String, Text

from facilitator import access
from facilitator.access import PUBLIC, ROLE_CAPABILITIES, SIGNED_IN, policy_of
from facilitator.adr.models import AdrCase, SchoolClosure
from facilitator.adr.services import create_invitations
from facilitator.auth.models import Role
from facilitator.auth.oidc_models import OidcIdentity, OidcProvider
from facilitator.auth.services import create_organization, create_user
from facilitator.commitments.models import Commitment
from facilitator.demo import FEATURE_LOADERS, DemoContext
from facilitator.extensions import db
from facilitator.families.models import Contact, Family, TipEntry
from facilitator.meetings.live_models import ActionItem, Concern, Decision, ParkingLotItem
from facilitator.meetings.models import (
    AgendaItem,
    GroundRule,
    Meeting,
    OrgChecklistItem,
    Participant,
)
from facilitator.notify.models import OutboxMessage
from facilitator.packets import build
from facilitator.packets.models import Document, ManualDecision, Packet, TimelineEvent
from facilitator.plans.models import (
    ActionPlan,
    CapacityAssessment,
    PerformanceTarget,
    PlanActivity,
    ProgressEntry,
)
from facilitator.program.models import (
    Assignment,
    Neutral,
    NeutralTraining,
    ProgramDistrict,
)
from facilitator.program.request_models import ProgramRequest
from facilitator.rights.models import DestructionCertificate, FamilyExport
from facilitator.voice.models import FamilyConcern, FamilyInput

ROLES = (Role.ADMIN, Role.FACILITATOR, Role.ADVOCATE, Role.ANALYST, Role.NEUTRAL)
#: Text columns that get the canary (never vocabulary columns such as status or kind).
CANARY_COLUMNS = {"student_name", "notes", "title", "purpose", "location", "text",
                  "description", "statement", "activity", "task", "what", "why", "body",
                  "positions", "interests", "name", "school", "scope", "rationale"}
#: Tables whose rows cannot change once written (the demo's summary mail is a disclosure
#: in the record of access); their text is fixed wording, not a record's content.
APPEND_ONLY = {"audit_entries"}
#: POSTs that end something (run after every other request, each endpoint's first
#: allowed call may remove the record, so later allowed calls may see 404).
DESTRUCTIVE = re.compile(r"/(delete|remove|archive|unarchive|sign-out|logout)$")

MEETING_CHILDREN = {"participants": Participant, "agenda": AgendaItem, "rules": GroundRule,
                    "concerns": Concern, "decisions": Decision, "actions": ActionItem,
                    "parking": ParkingLotItem}
PLAN_CHILDREN = {"targets": PerformanceTarget, "activities": PlanActivity,
                 "progress": ProgressEntry}


def undeclared(app) -> list[str]:
    """Endpoints (except Flask's static files) that declare no known policy."""
    known = {PUBLIC, SIGNED_IN}.union(*ROLE_CAPABILITIES.values())
    return sorted(endpoint for endpoint, view in app.view_functions.items()
                  if endpoint != "static" and not {policy_of(view, "GET"),
                                                   policy_of(view, "POST")} <= known)


def test_every_endpoint_declares_who_may_use_it(app):
    assert not undeclared(app), "declare a policy (access.public / signed_in / require)"


def test_an_endpoint_without_a_policy_is_reported(app):
    @app.get("/undeclared-for-test")
    def undeclared_view():
        return "x"

    @app.get("/declared-for-test")
    @access.signed_in
    def declared_view():
        return "x"

    assert undeclared(app) == ["undeclared_view"]


# --- two organizations with everything --------------------------------------------------


@dataclass
class Org:
    key: str
    org: object
    users: dict
    canary: str
    ids: dict


def _first(model, org_id, **where):
    stmt = db.select(model).where(model.organization_id == org_id)
    for attr, value in where.items():
        stmt = stmt.where(getattr(model, attr) == value)
    return db.session.execute(stmt.order_by(model.id)).scalars().first()


def _load(key: str) -> Org:
    from importlib import import_module

    # A state agency: every feature works for it, and so do the state program's pages.
    org = create_organization(f"org-{key}", f"Organization {key}", "state")
    users = {role: create_user(org, f"{role}@{key}.example", role, PASSWORD, name=f"{role} {key}")
             for role in ROLES}
    spare = create_user(org, f"spare@{key}.example", Role.ANALYST, PASSWORD, name="Spare")
    ctx = DemoContext(orgs={"riverside": org, "family-voices": org}, users={
        "admin@riverside.example": users[Role.ADMIN],
        "facilitator@riverside.example": users[Role.FACILITATOR],
        "analyst@riverside.example": users[Role.ANALYST],
        "admin@familyvoices.example": users[Role.ADMIN],
        "advocate@familyvoices.example": users[Role.ADVOCATE]})
    for target in FEATURE_LOADERS:
        module, _, attr = target.partition(":")
        getattr(import_module(module), attr)(ctx)
    db.session.flush()
    canary = f"CANARY{key.upper()}Q"
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if "organization_id" not in mapper.columns or mapper.local_table.name in APPEND_ONLY:
            continue
        columns = [c for c in mapper.columns if c.key in CANARY_COLUMNS
                   and isinstance(c.type, (String, Text))]
        for row in db.session.execute(db.select(model).where(
                model.organization_id == org.id)).scalars():
            for column in columns:
                value = getattr(row, column.key) or ""
                limit = getattr(column.type, "length", None) or 10**6
                setattr(row, column.key, (value[:limit - len(canary) - 1] + " " + canary))
    db.session.flush()
    held = _first(AdrCase, org.id, status="held")
    meeting = db.session.execute(db.select(Meeting).where(
        Meeting.organization_id == org.id, Meeting.note.has()).order_by(Meeting.id)
    ).scalars().first()
    packet = _first(Packet, org.id)
    org_item = OrgChecklistItem(organization_id=org.id, phase="before", text=f"Own {canary}")
    closure = SchoolClosure(organization_id=org.id, day=__import__("datetime").date(2026, 1, 5),
                            label=f"Closed {canary}")
    certificate = DestructionCertificate(organization_id=org.id, family_id=0, counts=[])
    # A sign-in service (unreachable: nothing leaves the machine) and a bound admin.
    provider = OidcProvider(organization_id=org.id, display_name=f"Service {canary}",
                            issuer="https://127.0.0.1:9", client_id=f"client-{key}",
                            domains=f"{key}.example", enabled=True)
    identity = OidcIdentity(user_id=users[Role.ADMIN].id, organization_id=org.id,
                            issuer=provider.issuer, subject=f"sub-{key}")
    export = FamilyExport(organization_id=org.id, family_id=_first(Contact, org.id).family_id)
    db.session.add_all([org_item, closure, certificate, provider, identity, export])
    db.session.flush()
    # The state program: a district, the neutral user's roster entry with a training, and
    # their accepted assignment to the held case, whose meeting is the one every meeting
    # page is called with (so the neutral's allowed calls are on their own case).
    district = ProgramDistrict(organization_id=org.id, code=f"D{key}", name=f"District {key}")
    db.session.add(district)
    db.session.flush()
    neutral = Neutral(organization_id=org.id, name=f"Neutral {canary}",
                      user_id=users[Role.NEUTRAL].id, processes="mediation,facilitated_iep")
    neutral.trainings.append(NeutralTraining(on=__import__("datetime").date(2026, 1, 5),
                                             kind="initial", hours=40, title=canary))
    db.session.add(neutral)
    db.session.flush()
    held.meeting_id, held.closed_on = meeting.id, None
    assignment = Assignment(organization_id=org.id, case_id=held.id, neutral_id=neutral.id,
                            status="accepted", attested_no_conflict=True)
    db.session.add(assignment)
    request_row = ProgramRequest(
        organization_id=org.id, reference=f"REQ-{key.upper()}00001", requester="parent",
        contact_name=f"Parent {canary}", student_name=f"Student {canary}",
        district_id=district.id, process="mediation", concerns=f"Concerns {canary}",
        consent_share=True, status="declined", decision_reason=f"Reason {canary}",
        decided_at=__import__("facilitator.db", fromlist=["utcnow"]).utcnow())
    db.session.add(request_row)
    db.session.flush()
    family_input = FamilyInput(organization_id=org.id, meeting_id=meeting.id,
                               family_id=meeting.family_id, status="shared")
    db.session.add(family_input)
    db.session.flush()
    family_concern = FamilyConcern(organization_id=org.id, input_id=family_input.id,
                                   meeting_id=meeting.id, text=f"Worry {canary}")
    db.session.add(family_concern)
    db.session.flush()
    ids = {
        "family": _first(Family, org.id, id=_first(Contact, org.id).family_id),
        "contact": _first(Contact, org.id), "tip": _first(TipEntry, org.id),
        "meeting": meeting, "case": held, "closure": closure, "user": spare,
        "plan": _first(ActionPlan, org.id), "assessment": _first(CapacityAssessment, org.id),
        "document": _first(Document, org.id), "packet": packet,
        "event": _first(TimelineEvent, org.id), "decision": _first(ManualDecision, org.id),
        "org_item": org_item, "token": create_invitations(held, 1)[0],
        "message": _first(OutboxMessage, org.id), "certificate": certificate,
        "pairing": _pairing(meeting), "export": export,
        "neutral": neutral, "training": neutral.trainings[0], "assignment": assignment,
        "request": request_row,
        "family_concern": family_concern,
        "commitment": _first(Commitment, org.id, meeting_id=meeting.id),
    }
    ids.update({f"meeting:{k}": _first(m, org.id, meeting_id=meeting.id)
                for k, m in MEETING_CHILDREN.items()})
    plan_id = ids["plan"].id
    ids.update({f"plan:{k}": _first(m, org.id, plan_id=plan_id) for k, m in PLAN_CHILDREN.items()})
    assert all(v is not None for v in ids.values()), [k for k, v in ids.items() if v is None]
    return Org(key, org, users, canary, ids)


def _pairing(meeting):
    """A room display's pairing code for the meeting (links from outside)."""
    from datetime import timedelta

    from facilitator.links import services as links

    return links.issue("display_pairing", organization_id=meeting.organization_id,
                       subject_kind="meeting", subject_id=meeting.id,
                       family_id=meeting.family_id, short=True, valid_for=timedelta(hours=4))[0]


def _args(rule, o: Org) -> dict:
    """The URL arguments of ``rule`` filled with o's records (each child under its parent)."""
    ids, args = o.ids, {}
    names = set(rule.arguments)

    def put(**values):
        args.update({k: v for k, v in values.items() if k in names})

    r = rule.rule
    if "kind" in names and r.startswith("/meetings/"):
        child = ids["meeting:agenda"]  # agenda items can also be moved
        put(kind="agenda", item_id=child.id, meeting_id=child.meeting_id)
    if "kind" in names and r.startswith("/plans/"):
        child = ids["plan:targets"]
        put(kind="targets", child_id=child.id, plan_id=child.plan_id)
    if "kind" in names and "/packets/" in r:
        put(kind="docx")
    if r.startswith("/program/neutrals/"):
        put(kind="training", item_id=ids["training"].id, neutral_id=ids["neutral"].id)
    if "assignment_id" in names:
        put(assignment_id=ids["assignment"].id, case_id=ids["assignment"].case_id)
    if "concern_id" in names:
        put(concern_id=ids["family_concern"].id, meeting_id=ids["family_concern"].meeting_id)
    if "item_id" in names and r.startswith("/admin/checklists"):
        put(item_id=ids["org_item"].id)
    for arg, key in (("contact_id", "contact"), ("tip_id", "tip"), ("doc_id", "document"),
                     ("packet_id", "packet"), ("event_id", "event"),
                     ("decision_id", "decision"), ("export_id", "export")):
        if arg in names:
            put(**{arg: ids[key].id, "family_id": ids[key].family_id})
    for arg, key in (("target_id", "plan:targets"), ("activity_id", "plan:activities")):
        if arg in names:
            put(**{arg: ids[key].id, "plan_id": ids[key].plan_id})
    for arg, key in (("family_id", "family"), ("meeting_id", "meeting"), ("case_id", "case"),
                     ("plan_id", "plan"), ("assessment_id", "assessment"),
                     ("closure_id", "closure"), ("user_id", "user"),
                     ("request_id", "request"), ("commitment_id", "commitment"),
                     ("neutral_id", "neutral")):
        if arg in names and arg not in args:
            put(**{arg: ids[key].id})
    put(link_id=ids["pairing"].id)
    put(phase="before", step=1, version=1, token=ids["token"], slug=o.org.slug,
        message_id=ids["message"].id, reference=ids["certificate"].reference)
    missing = names - set(args)
    assert not missing, f"{rule.rule}: no record for {sorted(missing)}; add it to _args"
    return args


def _csrf(client) -> str:
    for path in ("/account", "/login"):
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                          client.get(path).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError("no CSRF token")


@pytest.fixture()
def two_orgs(app):
    app.config["PACKETS_DISABLE_LIBREOFFICE"] = True
    a, b = _load("a"), _load("b")
    db.session.commit()
    return a, b


def test_authorization_matrix(app, two_orgs):
    a, b = two_orgs
    started = time.monotonic()
    clients = {None: app.test_client()}
    for role, user in a.users.items():
        clients[role] = app.test_client()
        assert sign_in(clients[role], user.email).status_code == 302
    tokens = {role: _csrf(c) for role, c in clients.items()}
    # The packets get built once (by A's and B's advocates) so their files exist.
    for o in (a, b):
        c = app.test_client()
        sign_in(c, o.users[Role.ADVOCATE].email)
        pkt = o.ids["packet"]
        c.post(f"/records/families/{pkt.family_id}/packets/{pkt.id}/build",
               data={"csrf_token": _csrf(c)})
    build.wait()

    calls = []  # (order, rule, method, ids of, role)
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        with app.test_request_context():
            urls = {"a": url_for(rule.endpoint, **_args(rule, a))}
            if rule.arguments - {"phase", "step", "token"}:
                urls["b"] = url_for(rule.endpoint, **_args(rule, b))
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            last = method == "POST" and bool(DESTRUCTIVE.search(rule.rule))
            for whose, url in urls.items():
                for role in (None, *ROLES):
                    # B's ids first, A's destructive calls last (children before their
                    # parents), logout at the very end.
                    order = (rule.rule == "/logout", last and whose == "a",
                             -rule.rule.count("/") if last else 0)
                    calls.append((order, rule, method, url, whose, role))
    calls.sort(key=lambda c: c[0])

    failures: list[str] = []
    done_once: set = set()
    own_canary = 0  # responses showing A's own canary: the check above can see data
    for _, rule, method, url, whose, role in calls:
        policy = policy_of(app.view_functions[rule.endpoint], method)
        client = clients[role]
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": tokens[role]})
        status = response.status_code
        body = response.get_data()
        response.close()
        who = role or "anonymous"
        where = f"{method} {url} ({rule.endpoint}, {policy}) as {who}, ids of {whose}"
        if status >= 500:
            failures.append(f"{status} {where}")
            continue
        if role is not None and b.canary.encode() in body:
            failures.append(f"B's canary in {where}")
        own_canary += a.canary.encode() in body
        if policy == PUBLIC:
            if role is None and status in (302, 303) and "/login" in response.location:
                failures.append(f"public page sends to sign-in: {where}")
            continue
        allowed = policy == SIGNED_IN or (role is not None and access.can(
            policy, a.users[role]))
        if role == Role.NEUTRAL and not access.neutral_may_use(
                rule.endpoint, app.view_functions[rule.endpoint], rule.arguments):
            # Deny by default: outside their own cases a neutral finds nothing at all.
            if status != 404:
                failures.append(f"{status} (expected 404 for a neutral) {where}")
            continue
        if role is None:
            if not (status in (302, 303) and "/login" in response.location or status == 401):
                failures.append(f"{status} (expected sign-in) {where}")
        elif not allowed:
            if status != 403:
                failures.append(f"{status} (expected 403) {where}")
        elif whose == "b":
            if status != 404:
                failures.append(f"{status} (expected 404) {where}")
        elif status in (403, 404):
            again = (rule.endpoint, method) in done_once and DESTRUCTIVE.search(rule.rule)
            if not (status == 404 and again):
                failures.append(f"{status} (expected allowed) {where}")
        if role is not None and allowed and whose == "a":
            done_once.add((rule.endpoint, method))
    elapsed = time.monotonic() - started
    print(f"\nauthorization matrix: {len(calls)} requests, "
          f"{len({c[1].endpoint for c in calls})} endpoints, {elapsed:.1f} s, "
          f"{own_canary} responses with A's own canary")
    assert own_canary >= 100
    assert not failures, "\n".join(failures[:80])
