"""The family's meeting summary in Spanish: the builder, the download, the demo family."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest
from documents.docx_checks import (
    assert_no_empty_paragraphs,
    assert_one_font_family,
    header_footer_text,
    headings,
    needs_soffice,
    pdf_text,
    reopen,
    table_texts,
    to_pdf,
)
from docx.oxml.ns import qn
from i18n.families import spanish_family

from facilitator.documents import meeting_summary as ms
from facilitator.documents.meeting_summary import build_meeting_summary, filename
from facilitator.extensions import db

ENGLISH_HEADINGS = ["About the meeting", "Who was there", "What we talked about", "Decisions",
                    "Action plan: who will do what, and by when", "Set aside for later",
                    "Next meeting", "Other notes", "Questions?"]
SPANISH_HEADINGS = ["Sobre la reunión", "Quiénes asistieron", "Lo que conversamos",
                    "Decisiones", "Plan de acción: quién hará qué y para cuándo",
                    "Temas para más adelante", "Próxima reunión", "Otras notas",
                    "¿Tiene preguntas?"]


def spanish_data(**kw) -> ms.MeetingSummaryData:
    data = ms.MeetingSummaryData(
        student_name="Mateo Alvarez", meeting_date=date(2026, 3, 4),
        kind="Facilitated IEP meeting", start_time=time(15, 30), end_time=time(17, 0),
        place="Sala B", facilitator="Luis Moreno", purpose="Revisar la terapia del habla",
        organization_name="Riverside USD",
        participants=[ms.Participant("Lucía Alvarez", "Parent or guardian"),
                      ms.Participant("Carmen Reyes", "Interpreter"),
                      ms.Participant("Dana Okafor", "District representative", attended=False)],
        concerns=[ms.Concern("Horas de terapia", interests=["Que Mateo no se atrase"],
                          options=["Prueba de 6 semanas"], agreement="Prueba de 6 semanas."),
                  ms.Concern("El autobús")],
        decisions=[ms.Decision("Terapia 3 horas por semana", ["Padres"], "Datos primero")],
        action_items=[ms.ActionItem("Enviar datos", "Omar", date(2026, 11, 27), "in_progress"),
                      ms.ActionItem("Hojas de práctica", "", None, "open"),
                      ms.ActionItem("Nota", "Luis", date(2026, 3, 10), "done")],
        parking_lot=[ms.ParkingLotItem("Horario del autobús", "Transporte llamará")],
        next_meeting=ms.NextMeeting(datetime(2026, 4, 20, 15, 30), "Sala B",
                                    "Resolution meeting"),
        notes="La familia pidió hojas en español.", contact="Luis Moreno",
        prepared_on=date(2026, 3, 5), language="es", time_zone="America/Los_Angeles")
    return replace(data, **kw)


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_every_fixed_word_is_spanish_and_dates_are_spanish():
    document = reopen(build_meeting_summary(spanish_data()))
    assert headings(document, 1) == SPANISH_HEADINGS
    assert headings(document, 2) == ["Inquietud 1", "Inquietud 2"]
    text = all_text(document)
    for expected in (
            "Resumen de la reunión y plan de acción",
            "Reunión facilitada del PEI para Mateo Alvarez, 4 de marzo de 2026",
            "Fecha: 4 de marzo de 2026, 15:30 a 17:00 (hora del Pacífico)",
            "Tipo de reunión: Reunión facilitada del PEI", "Facilitador(a): Luis Moreno",
            "Lo que acordamos: Prueba de 6 semanas.",
            "Lo que acordamos: Todavía no llegamos a un acuerdo sobre este tema.",
            "Invitados que no pudieron asistir: Dana Okafor (Representante del distrito).",
            "Horario del autobús (siguiente paso: Transporte llamará)",
            "Cuándo: 20 de abril de 2026, 15:30 (hora del Pacífico)",
            "Para qué es: Reunión de resolución", "comuníquese con Luis Moreno.",
            "Preparado el 5 de marzo de 2026."):
        assert expected in text, expected
    for english in ENGLISH_HEADINGS + ["Meeting summary", "Not started", "No date set",
                                       "p.m.", "March", "Pacific"]:
        assert english not in text, english
    assert_no_empty_paragraphs(document)


def test_tables_translate_roles_and_statuses():
    people, decisions, actions = reopen(build_meeting_summary(spanish_data())).tables
    assert table_texts(people) == [["Nombre", "Función en la reunión"],
                                   ["Lucía Alvarez", "Padre, madre o tutor"],
                                   ["Carmen Reyes", "Intérprete"]]
    assert table_texts(decisions)[0] == ["Lo que decidimos", "Quiénes acordaron", "Por qué"]
    assert table_texts(actions) == [
        ["Qué se hará", "Quién", "Para cuándo", "Estado"],
        ["Enviar datos", "Omar", "27 de noviembre de 2026", "En curso"],
        ["Hojas de práctica", "Por decidir", "Sin fecha", "Sin empezar"],
        ["Nota", "Luis", "10 de marzo de 2026", "Terminada"]]


def test_header_footer_and_word_language_are_spanish():
    data = build_meeting_summary(spanish_data())
    document = reopen(data)
    header, footer, _ = header_footer_text(document)
    assert header == "Mateo Alvarez · Reunión del 4 de marzo de 2026"
    assert footer.startswith("Confidencial: este documento contiene información del estudiante")
    assert "Página 1 de 1" in footer
    normal = document.styles["Normal"].element.rPr
    assert normal.find(qn("w:lang")).get(qn("w:val")) == "es-US"
    assert document.core_properties.language == "es-US"
    assert document.core_properties.title == "Resumen de la reunión: Mateo Alvarez"
    assert filename(spanish_data()) == "resumen-de-la-reunion-mateo-alvarez-2026-03-04.docx"


def test_the_same_data_in_english_is_unchanged_english():
    document = reopen(build_meeting_summary(spanish_data(language="en")))
    assert headings(document, 1) == ENGLISH_HEADINGS
    text = all_text(document)
    assert "Date: March 4, 2026, 3:30 p.m. to 5:00 p.m. (Pacific Time)" in text
    assert "Role at the meeting" in text and "Parent or guardian" in text


def spanish_meeting(org):
    from facilitator.meetings.services import create_meeting

    meeting = create_meeting(spanish_family(org), {
        "kind": "facilitated_iep", "starts_at": datetime(2026, 11, 24, 23, 45, tzinfo=UTC),
        "duration_minutes": 90, "location": "Room 12", "purpose": "Annual goals"})
    db.session.commit()
    return meeting


def test_download_defaults_to_the_family_language_and_offers_both(client, signed_in):
    import docx

    meeting = spanish_meeting(signed_in("facilitator").organization)
    after = client.get(f"/meetings/{meeting.id}/after").get_data(as_text=True)
    assert '<html lang="en">' in after  # the staff page itself stays English
    assert "The family's language is Spanish" in after
    links = re.findall(r'<a class="button[^"]*" lang="(\w+)" href="([^"]+)">([^<]+)</a>', after)
    assert [(lang, label) for lang, _, label in links] == [
        ("es", "Descargar en español (.docx)"), ("en", "Download in English (.docx)")]
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Descargar en español" in detail and "Download in English" in detail

    default = client.get(f"/meetings/{meeting.id}/summary.docx")
    assert default.status_code == 200
    assert "resumen-de-la-reunion-mateo-alvarez-2026-11-24.docx" in \
        default.headers["Content-Disposition"]
    spanish = docx.Document(io.BytesIO(default.data))
    assert headings(spanish, 1)[0] == "Sobre la reunión"
    text = all_text(spanish)
    # 23:45 UTC on Nov 24 is 15:45 in Los Angeles: the meeting's own zone.
    assert "Fecha: 24 de noviembre de 2026, 15:45 a 17:15 (hora del Pacífico)" in text

    english = docx.Document(io.BytesIO(client.get(
        f"/meetings/{meeting.id}/summary.docx?lang=en").data))
    assert headings(english, 1)[0] == "About the meeting"
    odd = client.get(f"/meetings/{meeting.id}/summary.docx?lang=fr")
    assert headings(docx.Document(io.BytesIO(odd.data)), 1)[0] == "Sobre la reunión"


def test_demo_spanish_family_gets_its_summary_in_spanish(app, runner):
    from facilitator.families.models import Family
    from facilitator.i18n import family_language
    from facilitator.meetings.models import Meeting
    from facilitator.meetings.summary import summary_data

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    family = db.session.execute(db.select(Family).where(
        Family.student_ref == "RUSD-204518")).scalar_one()
    assert family.interpreter_needed and family_language(family) == "es"
    assert {c.preferred_language for c in family.guardians} == {"Spanish"}
    held = db.session.execute(db.select(Meeting).where(
        Meeting.family_id == family.id, Meeting.status == "held")).scalar_one()
    assert held.kind == "facilitated_iep" and held.decisions and held.action_items
    data = summary_data(held)
    assert data.language == "es"
    document = reopen(build_meeting_summary(data))
    assert headings(document, 1)[:2] == SPANISH_HEADINGS[:2]
    text = all_text(document)
    assert "Hojas de práctica para la casa, en español" in text
    assert "Sin empezar" in text and "Intérprete" in text


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_reads_the_spanish_summary(tmp_path):
    """Open it as a reader would: Spanish headings, a Spanish date, no English left."""
    pdf = to_pdf(build_meeting_summary(spanish_data()), tmp_path, "resumen")
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    for spanish in SPANISH_HEADINGS + ["Resumen de la reunión y plan de acción",
                                       "4 de marzo de 2026", "Página 1 de"]:
        assert spanish in text, spanish
    for english in ENGLISH_HEADINGS + ["Page 1 of", "March"]:
        assert english not in text, english
    assert_one_font_family(pdf)
