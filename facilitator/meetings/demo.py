"""Demo meetings: one held last week, one running today, and upcoming ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ..db import utcnow
from ..extensions import db
from ..families.models import Family
from . import checklists, notes, services
from .live_models import ActionItem, Concern, Decision, ParkingLotItem
from .models import MeetingStatus, Participant

HELD_NOTES = """Welcome: everyone introduced themselves; interpreter (Ms. Reyes) present.
Purpose: review speech progress and agree speech services for the rest of the year.
Parent shared that Mateo now reads signs at the train station.
Concern: speech. Parent asked for 4 hours a week; SLP proposed 2 hours plus classroom support.
Agreed to a 6-week trial with data shared every two weeks.
"""


def _family(org_id: int, ref: str) -> Family:
    return db.session.execute(db.select(Family).where(
        Family.organization_id == org_id, Family.student_ref == ref)).scalar_one()


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """Local wall-clock time ``days`` from today, as UTC."""
    local = utcnow().astimezone(services.local_zone()) + timedelta(days=days)
    local = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return local.astimezone(UTC)


def load(ctx) -> None:
    """Meetings for the Riverside families in every state (flushes, no commit)."""
    org = ctx.orgs["riverside"]
    facilitator = ctx.users["facilitator@riverside.example"]
    admin = ctx.users["admin@riverside.example"]

    # Held last week, with the full record. The Alvarez family reads Spanish (their
    # guardians' preferred language): what the team wrote for them is in Spanish, so
    # their summary and action plan come out wholly in Spanish.
    mateo = _family(org.id, "RUSD-204518")
    held = services.create_meeting(mateo, {
        "kind": "facilitated_iep", "starts_at": _at(-7, 15, 45), "duration_minutes": 90,
        "location": "Cedar Grove Elementary, sala de reuniones B",
        "facilitator_id": facilitator.id,
        "purpose": "Revisar el progreso de Mateo en el habla y acordar la terapia del habla "
                   "para el resto del año escolar."})
    held.status = MeetingStatus.HELD
    held.tips_reviewed_at, held.tips_reviewed_by_id = _at(-8, 10), facilitator.id
    for participant in held.participants:  # the guardians and facilitator, invited already
        participant.attendance = "attended"
    for name, role, attendance, interp in [
            ("Hannah Brooks", "sped_teacher", "attended", False),
            ("Omar Haddad", "service_provider", "attended", False),
            ("Carmen Reyes", "interpreter", "attended", False),
            ("Dana Okafor", "district_rep", "absent", False)]:
        held.participants.append(Participant(
            organization_id=org.id, name=name, role=role, attendance=attendance,
            interpreter_needed=interp))
    notes.save_note(held, HELD_NOTES, 0, facilitator.id)
    held.concerns.append(Concern(
        organization_id=org.id, title="Cuántas horas de terapia del habla necesita Mateo",
        positions="Padres: 4 horas de terapia del habla por semana.\nTerapeuta del habla: "
                  "2 horas por semana más apoyo en el salón.",
        interests="Padres: que Mateo no se atrase más y sentir que hicieron todo lo posible.\n"
                  "Escuela: lo que se practica en clase se aprende mejor que fuera del salón.",
        options="Prueba de 6 semanas con 3 horas por semana\nHojas de práctica para la casa "
                "en español\nLa terapeuta del habla visita la clase cada semana",
        agreement="Prueba de 6 semanas con 3 horas por semana y datos de progreso cada dos "
                  "semanas.",
        status="agreed"))
    held.decisions.append(Decision(
        organization_id=org.id,
        text="Terapia del habla 3 horas por semana durante una prueba de 6 semanas.",
        agreed_by="Padres, terapeuta del habla, maestra de educación especial",
        rationale="Permite comparar lo que piden los padres con los datos de progreso antes "
                  "de un cambio más largo."))
    held.decisions.append(Decision(
        organization_id=org.id, text="Hojas de práctica para la casa, en español, cada semana.",
        agreed_by="Padres, terapeuta del habla",
        rationale="Los padres pueden practicar con Mateo en casa, en su idioma."))
    held.action_items.append(ActionItem(
        organization_id=org.id, task="Enviar a la familia los datos de progreso (en español)",
        owner="Omar Haddad (terapeuta del habla)", due_date=date.today() + timedelta(days=7),
        status="in_progress"))
    held.action_items.append(ActionItem(
        organization_id=org.id, task="Preparar las hojas de práctica para la casa en español",
        owner="Omar Haddad (terapeuta del habla)", due_date=date.today() + timedelta(days=3),
        status="open"))
    held.action_items.append(ActionItem(
        organization_id=org.id, task="Enviar la nota de agradecimiento y el resumen de la "
                                     "reunión",
        owner="Luis Moreno", due_date=date.today() - timedelta(days=5), status="done"))
    held.parking_lot.append(ParkingLotItem(
        organization_id=org.id, text="El autobús pasa demasiado temprano",
        raised_by="Jorge Alvarez", follow_up="La oficina de transporte llamará antes del viernes"))
    for key in ("welcome-family", "introductions", "state-purpose", "review-agenda"):
        try:
            checklists.set_checklist_item(held, "during", key, True, "", facilitator.id)
        except services.MeetingError:
            pass
    services.save_reflection(
        held, "Starting with Mateo's drawings relaxed everyone. The interpreter in the room "
              "made a real difference.",
        "We ran 15 minutes over on the speech discussion; book 2 hours next time.",
        facilitator.id)

    # Running now (today), for the live view.
    ava = _family(org.id, "RUSD-198377")
    now_local = utcnow().astimezone(services.local_zone())
    live = services.create_meeting(ava, {
        "kind": "iep_annual", "starts_at": _at(0, now_local.hour, 0), "duration_minutes": 120,
        "location": "Lakeview Middle School, room 114", "facilitator_id": facilitator.id,
        "purpose": "Ava's annual review: progress on goals, behaviour support, next year's "
                   "services."})
    live.tips_reviewed_at, live.tips_reviewed_by_id = _at(-1, 9), facilitator.id
    for participant in live.participants:
        participant.attendance = "attended"
    for name, role in [("Ava Thompson", "student"),
                       ("Mr. Rivera", "gened_teacher"), ("Ms. Chen", "sped_teacher"),
                       ("Dana Okafor", "district_rep")]:
        live.participants.append(Participant(organization_id=org.id, name=name, role=role,
                                             attendance="attended"))
    notes.save_note(live, "Ava opened by showing photos of the gardening club.\n", 0,
                       facilitator.id)
    live.concerns.append(Concern(
        organization_id=org.id, title="Behaviour support that Ava and her mother trust",
        positions="Parent: no changes to the plan without a meeting.",
        interests="Parent: being told, not surprised. Ava: not being singled out in class.",
        status="open"))
    live.parking_lot.append(ParkingLotItem(organization_id=org.id,
                                           text="Summer programme options",
                                           raised_by="Denise Thompson"))

    # Upcoming.
    noah = _family(org.id, "RUSD-221904")
    services.create_meeting(noah, {
        "kind": "eligibility", "starts_at": _at(5, 9, 30), "duration_minutes": 60,
        "location": "Cedar Grove Elementary, library", "facilitator_id": facilitator.id,
        "purpose": "Review Noah's evaluation results and decide on eligibility."})
    isabella = _family(org.id, "RUSD-187220")
    services.create_meeting(isabella, {
        "kind": "resolution", "starts_at": _at(9, 14, 0), "duration_minutes": 90,
        "location": "District office, room 3", "video_link": "https://meet.example.org/rusd-3",
        "facilitator_id": admin.id,
        "purpose": "Resolution meeting after the family's due process complaint about "
                   "transition services."})
    db.session.flush()
