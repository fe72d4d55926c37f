"""Columns of adr_cases that the database itself keeps, so the reports read them from a
covering index instead of working them out row by row.

- ``related_process``: the process of the related case (the 618 table counts the held
  mediations related to a due process complaint). Set whenever related_id changes, and
  followed when the related case's process changes or the related case is deleted.
- ``dash_class``: what the dashboard counts of a case, from the row's own columns, as
  bits (below); a GROUP BY over (school, process, status, dash_class), or (process,
  status, dash_class) per year, gives every dashboard figure and the sizes of the medians.

Triggers keep both in the same statement as the change, whoever writes (the ORM, a CSV
import, raw SQL), so they are never behind the columns they come from. They are created
with the table (models.py, create_all) and by migration 0911, from these statements.
"""

from __future__ import annotations

#: dash_class bits. The agreement is a code in bits 1-3 (AGREEMENT_MASK).
HELD = 1
AGREEMENT_MASK = 14
AGREEMENT_CODES = {"full": 2, "partial": 4, "none": 6, "yes": 8}
RESOLUTION_MEETING = 16
SETTLEMENT = 32
ESCALATED = 64
STUDENT = 128
DAYS_TO_HELD = 256
DAYS_TO_CLOSED = 512


def dash_class_sql(row: str = "") -> str:
    """The dash_class of a row as SQL (SQLite and PostgreSQL alike); ``row`` prefixes the
    columns ("NEW." in a trigger). Each bit is set only where the dashboard reads it
    (the agreement of a held case, the resolution meeting of a due process complaint,
    escalation of a held facilitated IEP), so the cases fall in few classes."""
    held = f"{row}status = 'held'"
    dpc = f"{row}process IN ('due_process', 'expedited_due_process')"
    fiep_held = f"{row}process = 'facilitated_iep' AND {held}"
    agreement = " ".join(f"WHEN '{a}' THEN {code}" for a, code in AGREEMENT_CODES.items())
    return (f"((CASE WHEN {held} THEN {HELD} + (CASE {row}agreement {agreement} ELSE 0 END)"
            " ELSE 0 END)"
            f" + (CASE WHEN {dpc} AND {row}resolution_meeting_on IS NOT NULL THEN"
            f" {RESOLUTION_MEETING} + (CASE WHEN {row}settlement THEN {SETTLEMENT} ELSE 0 END)"
            " ELSE 0 END)"
            f" + (CASE WHEN {fiep_held} AND {row}escalated THEN {ESCALATED} ELSE 0 END)"
            f" + (CASE WHEN {fiep_held} AND {row}student_ref <> '' THEN {STUDENT} ELSE 0 END)"
            f" + (CASE WHEN {row}days_to_held IS NOT NULL THEN {DAYS_TO_HELD} ELSE 0 END)"
            f" + (CASE WHEN {row}days_to_closed IS NOT NULL THEN {DAYS_TO_CLOSED}"
            " ELSE 0 END))")


#: dash_pack1..3: the dashboard's counts of a case as 0/1 fields, three per column, 21 bits
#: apart, so SUM(dash_pack) over a school's cases of one process adds three counts at once
#: (a group of fewer than SHIFT cases cannot carry into the next field). Per process:
#: (mask, value) of dash_class for each field; a process not named has no field there.
SHIFT = 2 ** 21
_HELD_WITH = HELD | AGREEMENT_MASK
_RM_SETTLED = RESOLUTION_MEETING | SETTLEMENT
PACKS = (
    {"facilitated_iep": ((HELD, HELD), (_HELD_WITH, HELD | 2), (_HELD_WITH, HELD | 4)),
     "mediation": ((HELD, HELD), (_HELD_WITH, HELD | 8)),
     "due_process": ((RESOLUTION_MEETING, RESOLUTION_MEETING), (_RM_SETTLED, _RM_SETTLED)),
     "expedited_due_process": ((RESOLUTION_MEETING, RESOLUTION_MEETING),
                               (_RM_SETTLED, _RM_SETTLED))},
    {"facilitated_iep": ((_HELD_WITH, HELD | 6), (STUDENT, STUDENT), (ESCALATED, ESCALATED))},
    {p: ((DAYS_TO_HELD, DAYS_TO_HELD), (DAYS_TO_CLOSED, DAYS_TO_CLOSED)) for p in (
        "facilitated_iep", "mediation", "due_process", "expedited_due_process",
        "state_complaint")},
)


def pack_sql(i: int, cls: str, process: str) -> str:
    """dash_pack<i+1> as SQL from a class and a process (SQL expressions)."""
    whens = []
    for name, fields in PACKS[i].items():
        terms = " + ".join(f"(CASE WHEN ({cls} & {mask}) = {value} THEN {SHIFT ** j} ELSE 0 END)"
                           for j, (mask, value) in enumerate(fields))
        whens.append(f"WHEN '{name}' THEN {terms}")
    return f"(CASE {process} {' '.join(whens)} ELSE 0 END)"


def pack_of(i: int, cls: int, process: str) -> int:
    """pack_sql in Python."""
    return sum(SHIFT ** j for j, (mask, value) in enumerate(PACKS[i].get(process, ()))
               if cls & mask == value)


def unpack(total: int) -> tuple[int, int, int]:
    """A summed dash_pack -> its three counts."""
    high, low = divmod(int(total or 0), SHIFT)
    return (low, *divmod(high, SHIFT)[::-1])


_RELATED = "(SELECT r.process FROM adr_cases AS r WHERE r.id = NEW.related_id)"
_CLASS_NEW, _CLASS_ROW = dash_class_sql("NEW."), dash_class_sql()
_STALE = " OR ".join([f"NEW.dash_class IS NOT {_CLASS_NEW}"] + [
    f"NEW.dash_pack{i + 1} IS NOT {pack_sql(i, 'NEW.dash_class', 'NEW.process')}"
    for i in range(3)])
_PACKS_ROW = ", ".join(f"dash_pack{i + 1} = {pack_sql(i, 'dash_class', 'process')}"
                       for i in range(3))

SQLITE = [
    "CREATE TRIGGER adr_cases_related_insert AFTER INSERT ON adr_cases "  # noqa: S608 - fixed SQL
    "WHEN NEW.related_id IS NOT NULL OR NEW.related_process IS NOT NULL BEGIN "
    "UPDATE adr_cases SET related_process = " + _RELATED + " WHERE id = NEW.id; END",
    "CREATE TRIGGER adr_cases_related_update AFTER UPDATE OF related_id, related_process "  # noqa: S608 - fixed SQL
    "ON adr_cases WHEN NEW.related_process IS NOT " + _RELATED + " BEGIN "
    "UPDATE adr_cases SET related_process = " + _RELATED + " WHERE id = NEW.id; END",
    "CREATE TRIGGER adr_cases_related_follow AFTER UPDATE OF process ON adr_cases "
    "WHEN OLD.process IS NOT NEW.process BEGIN "
    "UPDATE adr_cases SET related_process = NEW.process WHERE related_id = NEW.id; END",
    "CREATE TRIGGER adr_cases_related_delete BEFORE DELETE ON adr_cases BEGIN "
    "UPDATE adr_cases SET related_id = NULL, related_process = NULL "
    "WHERE related_id = OLD.id; END",
    *[f"CREATE TRIGGER adr_cases_class_{when.lower()} AFTER {when} ON adr_cases "  # noqa: S608
      f"WHEN {_STALE} BEGIN UPDATE adr_cases SET dash_class = {_CLASS_ROW} WHERE id = NEW.id; "
      f"UPDATE adr_cases SET {_PACKS_ROW} WHERE id = NEW.id; END"
      for when in ("INSERT", "UPDATE")],
]
# On PostgreSQL a deleted related case's ON DELETE SET NULL is an UPDATE of related_id,
# which the first trigger sees.
POSTGRES = [
    "CREATE OR REPLACE FUNCTION adr_cases_derived() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN NEW.related_process := " + _RELATED + "; NEW.dash_class := " + _CLASS_NEW
    + "; " + " ".join(f"NEW.dash_pack{i + 1} := {pack_sql(i, 'NEW.dash_class', 'NEW.process')};"
                      for i in range(3)) + " RETURN NEW; END $$",
    "CREATE TRIGGER adr_cases_derived BEFORE INSERT OR UPDATE ON adr_cases "
    "FOR EACH ROW EXECUTE FUNCTION adr_cases_derived()",
    "CREATE OR REPLACE FUNCTION adr_cases_related_follow() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN UPDATE adr_cases SET related_process = NEW.process "
    "WHERE related_id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER adr_cases_related_follow AFTER UPDATE OF process ON adr_cases "
    "FOR EACH ROW WHEN (OLD.process IS DISTINCT FROM NEW.process) "
    "EXECUTE FUNCTION adr_cases_related_follow()",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS adr_cases_{name}" for name in (
    "related_insert", "related_update", "related_follow", "related_delete", "class_insert",
    "class_update")]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS adr_cases_derived ON adr_cases",
                 "DROP TRIGGER IF EXISTS adr_cases_related_follow ON adr_cases",
                 "DROP FUNCTION IF EXISTS adr_cases_derived()",
                 "DROP FUNCTION IF EXISTS adr_cases_related_follow()"]


def statements(dialect: str) -> list[str]:
    """The CREATE statements of the triggers for ``dialect``."""
    return POSTGRES if dialect == "postgresql" else SQLITE


def drop_statements(dialect: str) -> list[str]:
    """The DROP statements of the triggers for ``dialect``."""
    return POSTGRES_DROP if dialect == "postgresql" else SQLITE_DROP


def dash_class_of(row) -> int:
    """dash_class_sql in Python, for writers that insert many rows at once (a CSV import):
    a row that already holds its class costs the SQLite trigger no second write. The
    trigger still decides: a value that differs is put right."""
    held = row["status"] == "held"
    bits = HELD + AGREEMENT_CODES.get(row["agreement"] or "", 0) if held else 0
    if (row["process"] in ("due_process", "expedited_due_process")
            and row["resolution_meeting_on"] is not None):
        bits += RESOLUTION_MEETING + (SETTLEMENT if row["settlement"] else 0)
    if row["process"] == "facilitated_iep" and held:
        bits += (ESCALATED if row["escalated"] else 0) + (STUDENT if row["student_ref"] else 0)
    bits += DAYS_TO_HELD if row["days_to_held"] is not None else 0
    return bits + (DAYS_TO_CLOSED if row["days_to_closed"] is not None else 0)
