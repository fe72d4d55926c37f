"""Issue, find, use and revoke links from outside (flush, never commit).

A feature asks for a link with a purpose and the one record it opens; it gets
the token back once, to put in a mail (``url``) or on the screen (a short
pairing code). Its public view calls ``find`` with the purpose it serves, so a
link made for one thing never opens another, and ``use`` to record the visit.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update

from ..db import utcnow
from ..extensions import db
from .models import ExternalLink

#: Letters and digits a person can read off a screen and type without confusing
#: them (no 0/O, 1/I/L); 8 of them are 40 bits.
SHORT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHORT_LENGTH = 8
MAX_TOKEN = 100
_NOT_CODE = re.compile(r"[\s\-]")


class LinkError(ValueError):
    """A link that cannot be made as asked (a sentence a person can act on)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize(token: str, short: bool = False) -> str:
    """A typed pairing code in its stored form (upper case, no spaces or dashes)."""
    return _NOT_CODE.sub("", token).upper() if short else token.strip()


def issue(purpose: str, *, organization_id: int, subject_kind: str, subject_id: int,
          valid_for: timedelta, family_id: int | None = None, language: str = "en",
          single_use: bool = False, short: bool = False, created_by=None
          ) -> tuple[ExternalLink, str]:
    """A new link and its token (the only time the token exists outside the link)."""
    if valid_for <= timedelta(0):
        raise LinkError("A link must be valid for some time.")
    if short:
        token = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))
    else:
        token = secrets.token_urlsafe(32)
    now = utcnow()
    link = ExternalLink(
        organization_id=organization_id, purpose=purpose, subject_kind=subject_kind,
        subject_id=subject_id, family_id=family_id, language=language or "en",
        token_hash=_hash(token), created_at=now, expires_at=now + valid_for,
        single_use=single_use, uses=0,
        created_by_id=getattr(created_by, "id", None))
    db.session.add(link)
    db.session.flush()
    return link, token


def find(token: str | None, purpose: str, *, short: bool = False,
         now: datetime | None = None) -> ExternalLink | None:
    """The active link for this token and purpose, else None (expired, revoked, used, unknown)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    link = db.session.execute(db.select(ExternalLink).where(
        ExternalLink.token_hash == _hash(normalize(token, short)),
        ExternalLink.purpose == purpose)).scalar_one_or_none()
    if link is None or link.state(now) != "active":
        return None
    return link


def lookup(token: str | None, purpose: str, *, short: bool = False) -> ExternalLink | None:
    """The link for this token and purpose whatever its state (to say why it no longer works)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return db.session.execute(db.select(ExternalLink).where(
        ExternalLink.token_hash == _hash(normalize(token, short)),
        ExternalLink.purpose == purpose)).scalar_one_or_none()


def use(link: ExternalLink, *, action: str = "viewed", use_up: bool = False) -> bool:
    """Count and record one use of the link; with ``use_up``, end a single-use link.

    Using up is one conditional UPDATE, so of two racing submissions only one
    wins (the other gets False and must change nothing).
    """
    from ..audit.services import record

    now = utcnow()
    stmt = (update(ExternalLink).where(ExternalLink.id == link.id,
                                       ExternalLink.revoked_at.is_(None),
                                       ExternalLink.used_up_at.is_(None))
            .values(uses=ExternalLink.uses + 1, last_used_at=now))
    if use_up:
        stmt = stmt.values(used_up_at=now)
    won = db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1
    if not won:
        return False
    record(action, "external_link", link.id, family_id=link.family_id,
           organization_id=link.organization_id, reference=link.purpose[:64])
    return True


def revoke(link: ExternalLink) -> None:
    """Withdraw one link now."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
    db.session.flush()


def revoke_all(subject_kind: str, subject_id: int, purpose: str | None = None) -> int:
    """Withdraw every active link to a record (when the meeting closes, the case ends...)."""
    stmt = (update(ExternalLink).where(ExternalLink.subject_kind == subject_kind,
                                       ExternalLink.subject_id == subject_id,
                                       ExternalLink.revoked_at.is_(None))
            .values(revoked_at=utcnow()))
    if purpose is not None:
        stmt = stmt.where(ExternalLink.purpose == purpose)
    return db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount


def not_withdrawn(subject_kind: str, subject_id, purpose: str) -> tuple:
    """The conditions of a record's links for one purpose that are neither withdrawn nor
    used up (``subject_id``: a value, a bind parameter or a column to correlate to), for
    statements built once; whether one has expired is ``ExternalLink.state()``."""
    return (ExternalLink.subject_kind == subject_kind, ExternalLink.subject_id == subject_id,
            ExternalLink.purpose == purpose, ExternalLink.revoked_at.is_(None),
            ExternalLink.used_up_at.is_(None))


def links_for(subject_kind: str, subject_id: int, purpose: str | None = None
              ) -> list[ExternalLink]:
    """Every link made for a record, newest first (for a page that lists and revokes them)."""
    stmt = db.select(ExternalLink).where(ExternalLink.subject_kind == subject_kind,
                                         ExternalLink.subject_id == subject_id)
    if purpose is not None:
        stmt = stmt.where(ExternalLink.purpose == purpose)
    return list(db.session.execute(stmt.order_by(ExternalLink.id.desc())).scalars())


def url(endpoint: str, token: str, **values) -> str:
    """The absolute address of a link, built on PUBLIC_BASE_URL (never the request's Host)."""
    from ..notify.services import public_url

    return public_url(endpoint, token=token, **values)
