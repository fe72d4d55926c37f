"""The state program's records of a kept case: kept, with their free text erased.

A dispute-resolution case is kept (anonymized) for the federal 618 report when its
family is destroyed; the state program's own business records of that case are
kept with it, because the program must still pay its neutrals, report, and show
that its neutrals were assigned impartially (34 CFR 300.624 asks to destroy
personally identifiable information, not the agency's financial or assignment
records once they identify no child). A row of a table in ``KEPT_WITH_CASE``
reached only through a kept case (or through another such kept row) stays with its
ids, dates, amounts and vocabulary; every text column that could describe a child
or family (text, binary or JSON, minus ``columns.ALLOWED``: found from the schema,
so a new column is erased by itself) is emptied: NULL where the column allows it,
otherwise an empty value (these columns all default to one). A table not listed
here that is reached through a kept case is deleted, as before.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from ..extensions import db
from ..program.rotation import Reason
from .columns import ALLOWED, kind, text_columns

#: Tables whose rows reached only through a kept case are kept, their free text erased.
KEPT_WITH_CASE = {
    # What the program knows of the case: district, language code, interpreter, date.
    "program_cases": "State program case records",
    # Which neutral was proposed or chose, and when: the assignment record (the decline
    # or objection reason, as given, is free text and goes).
    "program_assignments": "Neutral assignments",
    # What each session earns and how it ended: what the neutral was paid for (their note
    # about the session goes). Payments reference sessions' neutral, not the case: kept.
    "program_sessions": "Sessions of neutrals",
    # The rotation log proves the pick was impartial: who was passed over, and why.
    "program_rotation_log": "Rotation log entries",
    # Not here: program_requests is the family's own request (requester, contact, the
    # student's name, concerns in their words): it is destroyed with the family.
}

#: Text columns whose value is kept only when it is a comma-separated list of these
#: vocabulary values (anything else is free text and is erased).
VOCABULARY_LISTS = {
    # A skip's reasons are Reason values (what an auditor checks); a decline's or an
    # objection's words, in the same column, are not.
    ("program_rotation_log", "reasons"): {r.value for r in Reason},
}


def erased_columns(table) -> list:
    """The columns of ``table`` a kept row loses (text that could describe a family)."""
    allowed = ALLOWED.get(table.name, set())
    return [c for c in text_columns(table) if c.name not in allowed]


def _blank(column):
    if column.nullable:
        return None
    return {"text": "", "binary": b"", "json": {}}[kind(column)]


def _vocabulary_only(value: str | None, words: set[str]) -> bool:
    items = [v.strip() for v in (value or "").split(",") if v.strip()]
    return all(v in words for v in items)


def anonymize_kept(kept: dict) -> list[list]:
    """Erase the free text of the rows ``kept`` picks ({table: condition}); returns
    [[label, rows kept], ...] for the certificate. Run after the deletions."""
    counts = []
    for t in db.metadata.sorted_tables:
        where = kept.get(t.name)
        if where is None:
            continue
        n = db.session.execute(select(func.count()).select_from(t).where(where)).scalar_one()
        if not n:
            continue
        values = {}
        for column in erased_columns(t):
            words = VOCABULARY_LISTS.get((t.name, column.name))
            if words is None:
                values[column.name] = _blank(column)
                continue
            found = db.session.execute(select(column).where(where).distinct()).scalars()
            free = [v for v in found if not _vocabulary_only(v, words)]
            if free:
                db.session.execute(update(t).where(where, column.in_(free))
                                   .values({column.name: _blank(column)}))
        if values:
            db.session.execute(update(t).where(where).values(values))
        counts.append([KEPT_WITH_CASE.get(t.name, t.name), n])
    return counts
