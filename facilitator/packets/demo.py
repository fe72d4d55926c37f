"""Demo records for the advocacy organization: one family's documents, timeline,
decision log and a packet ready to build. Names, schools and events are fictional.

The idea of a timeline of concerns and responses, a running decision log and a
record packet for formal proceedings comes from ../shared/seeds/002 (best
practices for advocates in IEP disputes); the wording here is our own.
"""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date

from ..extensions import db
from ..families.models import Family
from . import services
from .pdftext import text_pdf_bytes


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    lines = [("h", title)] + [("p", p) for para in paragraphs for p in (para, "")]
    return text_pdf_bytes(lines, title)


def _docx(title: str, paragraphs: list[str]) -> bytes:
    from docx import Document as Docx

    doc = Docx()
    doc.add_heading(title, level=1)
    for p in paragraphs:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _chart_png(values: list[int], w: int = 240, h: int = 120) -> bytes:
    """A bar chart of words read correctly per minute, drawn pixel by pixel."""
    rows = []
    bar_w = w // (len(values) * 2)
    for y in range(h):
        row = bytearray(b"\x00")
        for x in range(w):
            i, off = divmod(x, bar_w * 2)
            filled = i < len(values) and off < bar_w and (h - y) <= 2 * values[i] - 20
            row += b"\x1f\x4e\x79" if filled else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def load(ctx) -> None:
    """Theo Lindqvist's records at Family Voices, with a packet for mediation."""
    org = ctx.orgs["family-voices"]
    advocate = ctx.users.get("advocate@familyvoices.example")
    fam = Family(organization_id=org.id, student_name="Theo Lindqvist",
                 school="Cedar Hill Elementary", grade="3", primary_language="English",
                 notes="Records kept by Family Voices for the spring 2025 mediation.")
    db.session.add(fam)
    db.session.flush()

    def add(name, data, **fields):
        return services.add_document_bytes(fam, name, data, user=advocate, **fields)

    evaluation = add("psychoeducational-evaluation.pdf", _pdf(
        "Psychoeducational evaluation — Theo Lindqvist", [
            "Reason for referral: parent concern about reading and spelling.",
            "Basic reading skills standard score 78 (below average). Reading fluency 74.",
            "Listening comprehension and reasoning are in the average range.",
            "Finding: the pattern is consistent with a specific learning disability in "
            "basic reading and reading fluency."]),
        title="Psychoeducational evaluation", doc_type="evaluation",
        doc_date=date(2024, 10, 15),
        source="Riverside USD school psychologist", tags="reading, evaluation")
    iep = add("iep-2024-11-05.pdf", _pdf("Individualized Education Program (IEP)", [
        "Eligibility: specific learning disability.",
        "Goal 1: by November 2025 Theo will read grade-2 passages at 70 words correct per "
        "minute with 95% accuracy.",
        "Services: specialized academic instruction in reading, small group, 30 minutes, "
        "4 times a week.",
        "Accommodations: extra time, text read aloud for science and social studies."]),
        title="IEP, November 2024", doc_type="iep", doc_date=date(2024, 11, 5),
        source="Cedar Hill IEP team",
        tags="reading, services")
    email = add("email-to-principal.txt", (
        b"To: Principal Okafor\nDate: January 13, 2025\n\n"
        b"Theo's reading has barely moved since November. His January check shows 38 words "
        b"correct per minute, about where he was in October. We ask the team to meet and "
        b"consider daily one-to-one structured reading intervention.\n\n"
        b"Thank you,\nKarin Lindqvist\n"),
        title="Email to the principal about reading progress", doc_type="correspondence",
        doc_date=date(2025, 1, 13), source="Karin Lindqvist (parent)",
        tags="reading")
    pwn = add("prior-written-notice.pdf", _pdf("Prior written notice", [
        "Action refused: daily one-to-one structured reading intervention.",
        "Reason: the team believes the current small-group instruction is appropriate. "
        "Progress will be reviewed at the May progress report.",
        "Options considered: increasing small-group minutes (not adopted at this time)."]),
        title="Prior written notice: one-to-one intervention refused",
        doc_type="prior_written_notice", doc_date=date(2025, 2, 7),
        source="Riverside USD special education office", tags="reading, services")
    chart = add("reading-progress-chart.png", _chart_png([36, 40, 38, 41, 39, 42]),
                title="Reading progress chart", doc_type="progress_report",
                doc_date=date(2025, 3, 1),
                source="Cedar Hill resource teacher",
                description="Words correct per minute, October to March.", tags="reading, data")
    speech = add("speech-therapy-note.docx", _docx("Private speech-language note", [
        "Theo was seen for six sessions for phonological awareness.",
        "He has difficulty segmenting and blending sounds in words of more than one syllable.",
        "Recommendation: a school speech-language evaluation."]),
        title="Private speech-language therapy note", doc_type="therapy_note",
        doc_date=date(2025, 3, 10),
        source="Maple Street Speech Therapy", tags="speech")

    concern = services.add_event(fam, event_date=date(2024, 9, 20), kind="concern",
                                 description="Parent told the teacher Theo struggles to sound "
                                             "out words and asked what help he gets.")
    request = services.add_event(fam, event_date=date(2024, 9, 27), kind="request",
                                 description="Parent asked in writing for a full evaluation.")
    services.add_event(fam, event_date=date(2024, 10, 8), kind="district_response",
                       description="District sent the assessment plan for consent.",
                       responds_to=request)
    services.add_event(fam, event_date=date(2024, 10, 15), kind="evaluation",
                       description="Psychoeducational evaluation completed.",
                       documents=[evaluation])
    services.add_event(fam, event_date=date(2024, 11, 5), kind="meeting",
                       description="Initial IEP meeting; reading services start.",
                       documents=[iep])
    services.add_event(fam, event_date=date(2024, 11, 5), kind="district_response",
                       description="IEP offers small-group reading instruction.",
                       responds_to=concern)
    later = services.add_event(fam, event_date=date(2025, 1, 13), kind="concern",
                               description="Email to the principal: little reading progress; "
                                           "asked for daily one-to-one intervention.",
                               documents=[email])
    services.add_event(fam, event_date=date(2025, 2, 7), kind="district_response",
                       description="Prior written notice refusing one-to-one intervention.",
                       responds_to=later, documents=[pwn])
    services.add_event(fam, event_date=date(2025, 3, 10), kind="request",
                       description="Parent asked for a speech-language evaluation.",
                       documents=[speech])
    services.add_event(fam, event_date=date(2025, 3, 24), kind="filing",
                       description="Mediation requested through the state dispute-resolution "
                                   "office.")

    services.add_decision(fam, decided_on=date(2024, 11, 5),
                          what="Small-group reading instruction, 30 minutes, 4 times a week.",
                          approved_by="IEP team",
                          why="Evaluation found a specific learning disability in reading.")
    services.add_decision(fam, decided_on=date(2025, 2, 7),
                          what="Daily one-to-one reading intervention refused.",
                          approved_by="Director of special education",
                          why="Current services judged appropriate; review in May.")

    packet = services.create_packet(fam, title="Records for mediation, spring 2025",
                                    prepared_for="Mediator, state dispute-resolution office",
                                    user=advocate)
    packet.needs = ("Theo reads well below grade level: 38 to 42 words correct per minute in "
                    "third grade, with a specific learning disability in basic reading.\n\n"
                    "His listening comprehension is average, so the gap is in decoding.")
    packet.goals = ("Read grade-2 passages at 70 words correct per minute with 95% accuracy by "
                    "November 2025, then close the gap to grade level.")
    packet.services = ("Daily one-to-one structured reading intervention, 45 minutes, from a "
                       "trained teacher; a speech-language evaluation for phonological "
                       "awareness; progress data shared every six weeks.")
    assert {i.document_id for i in packet.items} >= {chart.id, speech.id}  # noqa: S101
    db.session.flush()
