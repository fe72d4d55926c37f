"""What a guardian tells the team before a meeting, and each concern they raise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db


class InputStatus:
    """Where a guardian's input stands."""

    #: The link was made; nothing shared yet.
    WAITING = "waiting"
    #: The guardian reviewed and shared it (they may still change it before the meeting).
    SHARED = "shared"


class FamilyInput(db.Model):
    """One guardian's answers for one meeting (what they shared, never a half-typed draft)."""

    __tablename__ = "family_inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    #: The meeting participant (a parent or guardian) the link was sent to.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_participants.id", ondelete="SET NULL"))
    guardian_name: Mapped[str] = mapped_column(String(200), default="")
    #: The language the guardian reads the form in ("en", "es").
    language: Mapped[str] = mapped_column(String(8), default="en")
    #: waiting or shared (InputStatus).
    status: Mapped[str] = mapped_column(String(20), default=InputStatus.WAITING)
    #: The facilitator chose to put the link in the meeting invitation.
    with_invitation: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The student's strengths and interests, as the family sees them.
    strengths: Mapped[str] = mapped_column(Text, default="")
    #: What is working for the student now.
    working: Mapped[str] = mapped_column(Text, default="")
    #: What the family most wants from this meeting.
    priorities: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[str] = mapped_column(Text, default="")
    #: Who the family will bring (a relative, an advocate, a friend).
    bringing: Mapped[str] = mapped_column(Text, default="")
    #: What would help them attend.
    need_interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    need_childcare: Mapped[bool] = mapped_column(Boolean, default=False)
    need_transport: Mapped[bool] = mapped_column(Boolean, default=False)
    need_other_time: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    shared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    concerns: Mapped[list[FamilyConcern]] = relationship(
        back_populates="family_input", cascade="all, delete-orphan",
        order_by="FamilyConcern.position")


class FamilyConcern(db.Model):
    """One concern in the family's own words; once put on the board, the board's concern."""

    __tablename__ = "family_input_concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    input_id: Mapped[int] = mapped_column(ForeignKey("family_inputs.id", ondelete="CASCADE"),
                                          index=True)
    #: The meeting too, so the family's destruction finds the row by its meeting.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: As the family wrote it; never edited by staff.
    text: Mapped[str] = mapped_column(Text)
    #: The concern on the meeting's board made from this one.
    board_concern_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_concerns.id", ondelete="SET NULL"))

    family_input: Mapped[FamilyInput] = relationship(back_populates="concerns")
