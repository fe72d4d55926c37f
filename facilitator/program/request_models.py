"""A request for facilitation or mediation, from a parent, a district or both.

Voluntary processes: one party's request waits for the other's agreement before
anything is scheduled; a refusal closes it. An approved request becomes a
dispute-resolution case of the program (or, for a resolution meeting, joins the
due process case it is about).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from ..i18n import N_
from ..vocabulary import Vocabulary
from .models import ProgramDistrict


class Requester(Vocabulary):
    PARENT = "parent", N_("A parent or guardian")
    DISTRICT = "district", N_("The school district")
    BOTH = "both", N_("Both, together")


class RequestStatus(Vocabulary):
    AWAITING_OTHER = "awaiting_other", "Waiting for the other party's agreement"
    READY = "ready", "Both parties agree: ready for a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    REFUSED = "refused", "Closed: the other party did not agree"
    WITHDRAWN = "withdrawn", "Withdrawn"


#: The mail sent about a request (its idempotency key is the kind and the request's id):
#: destroyed with the request (rights/destroy_request.py).
MAIL_KINDS = ("request_received", "request_decision")

#: A request in these states is still open.
OPEN_REQUEST = (RequestStatus.AWAITING_OTHER, RequestStatus.READY)


class ProgramRequest(db.Model):
    """One request, as the requester wrote it (kept as written)."""

    __tablename__ = "program_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: The reference the requester is given, e.g. "REQ-7KQ2M9" (no child data in it).
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: online (the public page) or phone (entered by staff, who is recorded).
    channel: Mapped[str] = mapped_column(String(10), default="online")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: parent, district, both (see Requester).
    requester: Mapped[str] = mapped_column(String(10))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    student_name: Mapped[str] = mapped_column(String(200))
    student_grade: Mapped[str] = mapped_column(String(20), default="")
    district_id: Mapped[int] = mapped_column(ForeignKey("program_districts.id"), index=True)
    school: Mapped[str] = mapped_column(String(200), default="")
    #: facilitated_iep, mediation, resolution_facilitation (see ProgramProcess).
    process: Mapped[str] = mapped_column(String(30))
    #: The concerns in the requester's own words.
    concerns: Mapped[str] = mapped_column(Text)
    #: The IEP meeting that ended in disagreement, if any (the request window counts from it).
    disputed_meeting_on: Mapped[date | None] = mapped_column(Date)
    #: The language the requester reads (letters and mail go in it).
    language: Mapped[str] = mapped_column(String(8), default="en")
    interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    accessibility: Mapped[str] = mapped_column(Text, default="")
    #: The requester agreed that the program may share the request with the neutral.
    consent_share: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.AWAITING_OTHER)
    #: When the other party's agreement (or refusal) was recorded, by whom, and its note.
    other_party_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    other_party_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The reason given in the letter (a decline's, or a note with an approval).
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    #: The case the request became (or joined, for a resolution meeting).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("adr_cases.id", ondelete="SET NULL"),
                                                index=True)

    district: Mapped[ProgramDistrict] = relationship()
