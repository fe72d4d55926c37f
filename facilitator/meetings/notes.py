"""Live meeting notes with every version kept: a save names the version it started from,
and a stale one is refused (NoteConflict) instead of overwriting.

Functions flush and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update

from ..db import utcnow
from ..extensions import db
from .live_models import MeetingNote, NoteVersion
from .models import Meeting
from .services import MeetingError

MAX_NOTE_LENGTH = 200_000

class NoteConflict(Exception):
    """Someone saved the notes since this editor's version; nothing was overwritten."""

    def __init__(self, note: MeetingNote):
        super().__init__("The notes changed since you started editing.")
        self.body = note.body
        self.version = note.version
        self.updated_by = note.updated_by.display_name if note.updated_by else "someone"


def ensure_note(meeting: Meeting) -> MeetingNote:
    if meeting.note is None:
        meeting.note = MeetingNote(organization_id=meeting.organization_id, body="", version=0)
        db.session.flush()
    return meeting.note


@dataclass(frozen=True)
class SavedNote:
    """What one save wrote: the version that holds its text, and when."""

    version: int
    saved_at: datetime


def save_note(meeting: Meeting, body: str, base_version: int, user_id: int) -> SavedNote:
    """Save the notes if nobody saved since ``base_version``; keep every version.

    The UPDATE names the version it expects, so two editors racing on any database
    cannot both win: the later one gets NoteConflict and the server's text. The
    version acknowledged is the one the UPDATE itself returned, never a later read.
    """
    if len(body) > MAX_NOTE_LENGTH:
        raise MeetingError(f"The notes are longer than {MAX_NOTE_LENGTH:,} characters. "
                           "Move some of them to the concerns board or decisions.")
    note = ensure_note(meeting)
    if body == note.body and base_version == note.version:
        return SavedNote(note.version, note.updated_at)  # nothing changed: no new version
    now = utcnow()
    written = db.session.execute(
        update(MeetingNote)
        .where(MeetingNote.id == note.id, MeetingNote.version == base_version)
        .values(body=body, version=MeetingNote.version + 1, updated_at=now,
                updated_by_id=user_id)
        .returning(MeetingNote.version)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    db.session.refresh(note)
    if written is None:
        raise NoteConflict(note)
    db.session.add(NoteVersion(organization_id=note.organization_id, note_id=note.id,
                               version=written, body=body, saved_at=now,
                               saved_by_id=user_id))
    db.session.flush()
    return SavedNote(written, now)


def note_versions(note: MeetingNote) -> list[NoteVersion]:
    return list(db.session.execute(db.select(NoteVersion).where(
        NoteVersion.note_id == note.id).order_by(NoteVersion.version.desc())).scalars())


def note_version_count(note: MeetingNote) -> int:
    return db.session.execute(db.select(func.count(NoteVersion.id)).where(
        NoteVersion.note_id == note.id)).scalar_one()
