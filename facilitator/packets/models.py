"""Documents of a family, their downloads, timeline events, hand-made decision
log entries and record packets (with what they contained)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary

if TYPE_CHECKING:
    from ..auth.models import User
    from ..families.models import Family


class DocumentType(Vocabulary):
    EVALUATION = "evaluation", "Evaluation"
    IEP = "iep", "IEP"
    PROGRESS_REPORT = "progress_report", "Progress report"
    REPORT_CARD = "report_card", "Report card"
    CORRESPONDENCE = "correspondence", "Correspondence"
    PRIOR_WRITTEN_NOTICE = "prior_written_notice", "Prior written notice"
    THERAPY_NOTE = "therapy_note", "Therapy or medical note"
    MEETING_SUMMARY = "meeting_summary", "Meeting summary"
    OTHER = "other", "Other"


class EventKind(Vocabulary):
    CONCERN = "concern", "Concern raised"
    REQUEST = "request", "Request made"
    DISTRICT_RESPONSE = "district_response", "District response"
    MEETING = "meeting", "Meeting"
    EVALUATION = "evaluation", "Evaluation"
    SERVICES_CHANGED = "services_changed", "Services changed"
    FILING = "filing", "Complaint or dispute-resolution filing"
    OTHER = "other", "Other"


class Document(db.Model):
    """One record a family or advocate keeps: the file and what it is."""

    __tablename__ = "packet_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Kind of record: evaluation, IEP, progress report, prior written notice, ...
    doc_type: Mapped[str] = mapped_column(String(30), default=DocumentType.OTHER)
    #: The date written on the record (not the upload date).
    doc_date: Mapped[date | None] = mapped_column(Date)
    #: Author or source, e.g. "School psychologist" or "Riverside USD".
    source: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: Comma-separated lower-case tags.
    tags: Mapped[str] = mapped_column(String(500), default="")
    #: The name the file had on the uploader's computer (shown, never used as a path).
    original_name: Mapped[str] = mapped_column(String(255), default="")
    #: File type detected from the bytes: pdf, docx, png, jpeg, text.
    file_type: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    page_count: Mapped[int | None] = mapped_column(Integer)
    #: Generated name inside STORAGE_DIR.
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    family: Mapped[Family] = relationship("Family")
    uploaded_by: Mapped[User | None] = relationship("User")

    @property
    def type_label(self) -> str:
        return DocumentType(self.doc_type).label

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (s.strip() for s in self.tags.split(",")) if t]


class DocumentDownload(db.Model):
    """Who downloaded a document, and when."""

    __tablename__ = "packet_document_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("packet_documents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    downloaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship("User")


class TimelineEvent(db.Model):
    """Something that happened, entered by hand on the family's timeline."""

    __tablename__ = "packet_timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    event_date: Mapped[date] = mapped_column(Date)
    #: concern raised, request made, district response, meeting, evaluation, ...
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    #: For a district response: the concern or request it answers.
    responds_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("packet_timeline_events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    responds_to: Mapped[TimelineEvent | None] = relationship(remote_side="TimelineEvent.id")
    links: Mapped[list[TimelineEventDocument]] = relationship(
        back_populates="event", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label

    @property
    def documents(self) -> list[Document]:
        return [link.document for link in self.links]


class TimelineEventDocument(db.Model):
    """A document linked to a timeline event."""

    __tablename__ = "packet_timeline_event_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("packet_timeline_events.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("packet_documents.id", ondelete="CASCADE"), index=True)

    event: Mapped[TimelineEvent] = relationship(back_populates="links")
    document: Mapped[Document] = relationship()


class ManualDecision(db.Model):
    """A decision-log entry made by hand (meeting decisions come from meetings)."""

    __tablename__ = "packet_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    #: What was decided.
    what: Mapped[str] = mapped_column(Text)
    #: Who approved it (a name or a role, e.g. "IEP team", "Special education director").
    approved_by: Mapped[str] = mapped_column(String(200), default="")
    #: The reason given.
    why: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


#: A build that has not reported progress for this long is treated as stopped.
STALL_SECONDS = 600


class BuildStatus(StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    BUILDING = "building"
    DONE = "done"
    FAILED = "failed"


class Packet(db.Model):
    """A numbered record packet for a mediator, complaint investigator or hearing officer."""

    __tablename__ = "packets"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Who the packet is prepared for (e.g. "Mediation, State Office of ADR").
    prepared_for: Mapped[str] = mapped_column(String(200), default="")
    #: Narrative: the student's needs.
    needs: Mapped[str] = mapped_column(Text, default="")
    #: Narrative: the goals those needs call for.
    goals: Mapped[str] = mapped_column(Text, default="")
    #: Narrative: the services asked for.
    services: Mapped[str] = mapped_column(Text, default="")
    #: The filter used to choose documents: {"types": [...], "date_from", "date_to", "tags"}.
    selection: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=BuildStatus.DRAFT)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    progress_message: Mapped[str] = mapped_column(String(300), default="")
    #: What the last successful build contained: exhibits with numbers, pages and
    #: whether each made it into the combined PDF (and why not).
    manifest: Mapped[dict | None] = mapped_column(JSON)
    docx_key: Mapped[str | None] = mapped_column(String(200))
    zip_key: Mapped[str | None] = mapped_column(String(200))
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    build_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    built_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    family: Mapped[Family] = relationship("Family")
    items: Mapped[list[PacketItem]] = relationship(
        back_populates="packet", cascade="all, delete-orphan", order_by="PacketItem.position")


class PacketItem(db.Model):
    """One document in a packet, at its place in the order (exhibit number = position)."""

    __tablename__ = "packet_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packets.id", ondelete="CASCADE"),
                                           index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("packet_documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    packet: Mapped[Packet] = relationship(back_populates="items")
    document: Mapped[Document] = relationship()
