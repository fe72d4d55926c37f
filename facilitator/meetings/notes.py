"""Live meeting notes with every version kept: a save names the version it started from.

A stale save is merged three ways with what was saved since (merge.merge3) when the
two touch different places; only a real overlap is refused (NoteConflict) for the
person to merge by hand. Nothing is ever overwritten.

Functions flush and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update

from ..db import utcnow
from ..extensions import db
from .live_models import MeetingNote, NoteVersion
from .merge import merge3
from .models import Meeting
from .services import MeetingError

MAX_NOTE_LENGTH = 200_000
#: A merge that loses the race to yet another save tries again this many times.
MERGE_ATTEMPTS = 5

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
    """What one save wrote: the version that holds its text, and when.

    After a merge, ``body`` is the merged text (the editor shows it) and
    ``mine_version`` the kept version holding this save's text exactly as sent
    (the base for what the person typed while the save was under way).
    """

    version: int
    saved_at: datetime
    merged: bool = False
    body: str | None = None
    mine_version: int | None = None


def _write(note: MeetingNote, expected: int, body: str, user_id: int, now: datetime,
           step: int = 1) -> int | None:
    """The conditional UPDATE: the new version, or None when someone saved in between."""
    return db.session.execute(
        update(MeetingNote)
        .where(MeetingNote.id == note.id, MeetingNote.version == expected)
        .values(body=body, version=MeetingNote.version + step, updated_at=now,
                updated_by_id=user_id)
        .returning(MeetingNote.version)
        .execution_options(synchronize_session=False)).scalar_one_or_none()


def _keep(note: MeetingNote, version: int, body: str, now: datetime, user_id: int) -> None:
    db.session.add(NoteVersion(organization_id=note.organization_id, note_id=note.id,
                               version=version, body=body, saved_at=now,
                               saved_by_id=user_id))


def base_text(note: MeetingNote, version: int) -> str | None:
    """The kept text of one version (version 0 is the empty notes)."""
    if version == 0:
        return ""
    return db.session.execute(db.select(NoteVersion.body).where(
        NoteVersion.note_id == note.id, NoteVersion.version == version)).scalar_one_or_none()


def save_note(meeting: Meeting, body: str, base_version: int, user_id: int) -> SavedNote:
    """Save the notes; a stale save is merged with the newer text when they do not overlap.

    The UPDATE names the version it expects, so two editors racing on any database
    cannot both win. The later one's text is merged three ways (the kept base
    version, the newer text, this save); a merge keeps two versions, this save as
    sent and the merged text. A real overlap raises NoteConflict with the server's
    text. The version acknowledged is the one the UPDATE itself returned.
    """
    if len(body) > MAX_NOTE_LENGTH:
        raise MeetingError(f"The notes are longer than {MAX_NOTE_LENGTH:,} characters. "
                           "Move some of them to the concerns board or decisions.")
    note = ensure_note(meeting)
    if body == note.body and base_version == note.version:
        return SavedNote(note.version, note.updated_at)  # nothing changed: no new version
    now = utcnow()
    written = _write(note, base_version, body, user_id, now)
    if written is not None:
        db.session.refresh(note)
        _keep(note, written, body, now, user_id)
        db.session.flush()
        return SavedNote(written, now)
    base = base_text(note, base_version) if base_version >= 0 else None
    for _ in range(MERGE_ATTEMPTS):
        db.session.refresh(note)
        if base is None or base_version > note.version:
            break
        merged = merge3(base, note.body, body)
        if merged is None:
            break
        if merged == note.body:  # this save adds nothing the notes lack
            return SavedNote(note.version, note.updated_at, True, merged, note.version)
        if len(merged) > MAX_NOTE_LENGTH:
            break
        current = note.version
        written = _write(note, current, merged, user_id, now, step=2)
        if written is None:
            continue  # yet another save came first: merge with that one
        _keep(note, written - 1, body, now, user_id)
        _keep(note, written, merged, now, user_id)
        db.session.flush()
        db.session.refresh(note)
        return SavedNote(written, now, True, merged, written - 1)
    db.session.refresh(note)
    raise NoteConflict(note)


def note_versions(note: MeetingNote) -> list[NoteVersion]:
    return list(db.session.execute(db.select(NoteVersion).where(
        NoteVersion.note_id == note.id).order_by(NoteVersion.version.desc())).scalars())


def note_version_count(note: MeetingNote) -> int:
    return db.session.execute(db.select(func.count(NoteVersion.id)).where(
        NoteVersion.note_id == note.id)).scalar_one()
