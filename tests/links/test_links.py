"""Links from outside: a token opens one purpose, until it expires, is revoked or used up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from facilitator.audit.models import AccessEntry
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.links import services as links
from facilitator.links.models import ExternalLink


@pytest.fixture()
def family(make_org):
    org = make_org()
    fam = Family(organization_id=org.id, student_name="Canary Child")
    db.session.add(fam)
    db.session.commit()
    return fam


def _issue(family, **kw):
    kw.setdefault("valid_for", timedelta(days=7))
    return links.issue("family_input", organization_id=family.organization_id,
                       subject_kind="meeting", subject_id=41, family_id=family.id, **kw)


def test_only_the_hash_is_stored_and_the_token_opens_its_purpose_only(family):
    link, token = _issue(family, language="es")
    db.session.commit()
    stored = db.session.execute(select(ExternalLink)).scalar_one()
    assert token not in (stored.token_hash, stored.purpose, stored.subject_kind)
    assert links.find(token, "family_input").id == link.id
    assert links.find(token, "family_input").language == "es"
    assert links.find(token, "commitment_update") is None
    assert links.find(token + "x", "family_input") is None
    assert links.find("", "family_input") is None
    assert links.find("a" * 500, "family_input") is None


def test_expired_and_revoked_links_open_nothing_but_say_why(family):
    link, token = _issue(family)
    db.session.commit()
    assert links.find(token, "family_input", now=utcnow() + timedelta(days=8)) is None
    assert links.lookup(token, "family_input").state(utcnow() + timedelta(days=8)) == "expired"
    links.revoke(link)
    db.session.commit()
    assert links.find(token, "family_input") is None
    assert links.lookup(token, "family_input").state() == "revoked"


def test_revoke_all_ends_every_link_to_a_record(family):
    tokens = [_issue(family)[1] for _ in range(3)]
    other = links.issue("display_pairing", organization_id=family.organization_id,
                        subject_kind="meeting", subject_id=41, valid_for=timedelta(hours=4))[1]
    db.session.commit()
    assert links.revoke_all("meeting", 41, purpose="family_input") == 3
    db.session.commit()
    assert all(links.find(t, "family_input") is None for t in tokens)
    assert links.find(other, "display_pairing") is not None


def test_a_single_use_link_is_used_once_and_every_use_is_recorded(family):
    link, token = _issue(family, single_use=True)
    db.session.commit()
    assert links.use(link) is True  # a visit does not use it up
    assert links.use(link, use_up=True) is True
    db.session.commit()
    assert links.find(token, "family_input") is None
    assert links.use(link, use_up=True) is False  # the racing second submission changes nothing
    db.session.commit()
    entries = db.session.execute(select(AccessEntry).where(
        AccessEntry.record_kind == "external_link")).scalars().all()
    assert [e.record_id for e in entries] == [link.id, link.id]  # the visit and the submission
    assert entries[0].family_id == family.id and entries[0].reference == "family_input"
    assert entries[0].user_id is None


def test_short_codes_read_off_a_screen_and_typed_loosely(family):
    link, code = links.issue("display_pairing", organization_id=family.organization_id,
                             subject_kind="meeting", subject_id=7, short=True,
                             valid_for=timedelta(hours=4))
    db.session.commit()
    assert len(code) == links.SHORT_LENGTH and set(code) <= set(links.SHORT_ALPHABET)
    typed = f" {code[:4].lower()}-{code[4:]} "
    assert links.find(typed, "display_pairing", short=True).id == link.id


def test_links_go_with_the_family(family):
    _issue(family)
    db.session.commit()
    db.session.delete(db.session.get(Family, family.id))
    db.session.commit()
    assert db.session.execute(select(ExternalLink)).first() is None


def test_a_link_must_last_some_time(family):
    with pytest.raises(links.LinkError):
        _issue(family, valid_for=timedelta(0))


def test_link_addresses_come_from_public_base_url(app, family):
    app.config["PUBLIC_BASE_URL"] = "https://facilitator.example.org/app"
    with app.test_request_context("/", base_url="http://evil.example"):
        address = links.url("auth.login", "TOKEN")
    assert address.startswith("https://facilitator.example.org/app/")
    assert "evil" not in address and "TOKEN" in address
