"""Every mail a family can receive reads in Spanish, for the demo's Alvarez family.

Each kind is rendered twice, in English and in Spanish, from the same meeting.
What the two may share is data (names, addresses, links, the place and the
purpose as typed); every other piece of an English line must be gone from the
Spanish, and the labels we translate (the kind of meeting, the roles) too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.dates import format_date

from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.meetings.mail import meeting_context
from facilitator.meetings.models import Meeting
from facilitator.meetings.services import local_zone as meeting_zone
from facilitator.notify.services import render_mail

MAIL = Path(__file__).resolve().parents[2] / "templates" / "mail"
#: Mail only staff receive, written in English only (staff pages stay English).
STAFF_ONLY = {"commitment_review"}
KINDS = sorted({p.name.split(".")[0] for p in MAIL.glob("*.txt")}
               - {"_meeting_facts"} - STAFF_ONLY)
#: Mail about one commitment: its due date, not the meeting's, is the date in it.
COMMITMENT_KINDS = {"commitment_link", "commitment_reminder"}
LINK = "https://facilitator.example/s/0123456789abcdef"
#: Mail about an account (staff) or a request to the state program (a family, no meeting yet).
NOT_ABOUT_A_MEETING = {"password_reset", "request_received", "request_decision"}


@pytest.fixture()
def alvarez(app, runner):
    """The demo's Alvarez family meeting (the family reads Spanish)."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    family = db.session.execute(db.select(Family).where(
        Family.student_name == "Mateo Alvarez")).scalar_one()
    return db.session.execute(db.select(Meeting).where(
        Meeting.family_id == family.id)).scalars().first()


def _due(meeting: Meeting):
    return meeting.starts_at_utc.date() + __import__("datetime").timedelta(days=14)


def _context(meeting: Meeting, language: str, days: int) -> dict:
    return {**meeting_context(meeting, language), "person": "Lucía Alvarez", "link": LINK,
            "days": days, "task": "Traer el informe del médico", "overdue": days == 1,
            "due": format_date(_due(meeting), "long", locale=language)}


def _data(context: dict) -> list[str]:
    """What a translation keeps as is: people, addresses, links, typed text, the clock time."""
    values = [context[k] for k in ("person", "contact_name", "contact_email", "organization",
                                   "link", "location", "video_link", "purpose", "time", "task")]
    values += [name for name, _ in context["people"]]
    return sorted({v for v in values if v}, key=len, reverse=True)


def _english_pieces(body: str, data: list[str]) -> list[str]:
    """The English lines with the data cut out: the pieces a translation must change."""
    pattern = "|".join(re.escape(v) for v in data)
    pieces = []
    for line in body.splitlines():
        for piece in re.split(pattern, line) if pattern else [line]:
            if re.search(r"[A-Za-z]{3,}", piece):
                pieces.append(piece.strip())
    return pieces


def test_every_mail_kind_is_covered():
    assert set(KINDS) >= {"invitation", "update", "cancellation", "reminder", "summary",
                          "survey", "survey_reminder", "password_reset"}


def test_the_spanish_mail_has_no_english_left(alvarez):
    problems = []
    for kind in KINDS:
        for days in (1, 3):  # the reminder says "tomorrow" or "in N days"
            problems += _english_left(alvarez, kind, days)
    assert not problems, "\n\n".join(problems)


def _english_left(meeting: Meeting, kind: str, days: int) -> list[str]:
    english, spanish = _context(meeting, "en", days), _context(meeting, "es", days)
    en_subject, en_body = render_mail(kind, "en", **english)
    es_subject, es_body = render_mail(kind, "es", **spanish)
    problems = []
    left = [p for p in _english_pieces(en_body, _data(english)) if p in es_body]
    left += [p for p in _english_pieces(en_subject, _data(english)) if p in es_subject]
    if left:
        problems.append(f"{kind}: English left: {left}\n{es_subject}\n{es_body}")
    # No student's name in a subject, in either language.
    for subject in (en_subject, es_subject):
        if {"Mateo", "Alvarez"} & set(re.findall(r"\w+", subject)):
            problems.append(f"{kind}: a name in the subject {subject!r}")
    if kind in NOT_ABOUT_A_MEETING:  # no meeting in it: no meeting labels nor date to check
        return problems
    labels = [meeting.kind_label] + [p.role_label for p in meeting.participants]
    if [label for label in labels if label in es_body + es_subject]:
        problems.append(f"{kind}: an English label in\n{es_subject}\n{es_body}")
    # Dates as Babel writes them in Spanish: "martes, 24 de noviembre de 2026".
    day = _due(meeting) if kind in COMMITMENT_KINDS else \
        meeting.starts_at_utc.astimezone(meeting_zone()).date()
    long_date = format_date(day, "long", locale="es")
    if long_date not in es_body or not spanish["zone"].startswith("hora"):
        problems.append(f"{kind}: no Spanish date {long_date!r} in\n{es_body}")
    return problems
