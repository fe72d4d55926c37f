"""The words of a commitment: its status, where it came from, and who updated it how."""

from __future__ import annotations

from ..vocabulary import Vocabulary


class CommitmentStatus(Vocabulary):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"
    CHANGED = "changed", "Changed"
    CANCELLED = "cancelled", "Cancelled"


#: No reminder is ever sent for these (the commitment needs no more work).
CLOSED = (CommitmentStatus.DONE, CommitmentStatus.CANCELLED)
#: Still expected to happen: counted as overdue once the due date passes.
OPEN = (CommitmentStatus.NOT_STARTED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.CHANGED)
#: What an owner without an account may report through their link.
OWNER_CHOICES = (CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE,
                 CommitmentStatus.NOT_DONE)


class Source(Vocabulary):
    ACTION_ITEM = "action_item", "Action item"
    DECISION = "decision", "Decision"
    AGREEMENT = "agreement", "Agreement on a concern"
    MEDIATION = "mediation", "Mediation agreement"
    OTHER = "other", "Added after the meeting"


class Via(Vocabulary):
    STAFF = "staff", "Staff"
    OWNER_LINK = "owner_link", "Owner's link"
    FAMILY_LINK = "family_link", "Family's link"
    SYSTEM = "system", "Automatic"


#: An update's kind: a progress update, or the family saying it has not happened.
UPDATE_KINDS = {"update": "Update", "family_not_happened": "Family: this has not happened"}
