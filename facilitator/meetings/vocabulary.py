"""The words of a meeting: kinds, statuses, participant roles, attendance, concern and
action statuses, and the outcomes a held meeting records, each with its plain label."""

from __future__ import annotations

from enum import StrEnum


class MeetingKind(StrEnum):
    IEP_ANNUAL = "iep_annual"
    IEP_AMENDMENT = "iep_amendment"
    ELIGIBILITY = "eligibility"
    FACILITATED_IEP = "facilitated_iep"
    MEDIATION = "mediation"
    RESOLUTION = "resolution"
    PRE_MEETING = "pre_meeting"
    OTHER = "other"


MEETING_KIND_LABELS = {
    MeetingKind.IEP_ANNUAL: "IEP annual review",
    MeetingKind.IEP_AMENDMENT: "IEP amendment",
    MeetingKind.ELIGIBILITY: "Initial eligibility or evaluation review",
    MeetingKind.FACILITATED_IEP: "Facilitated IEP meeting",
    MeetingKind.MEDIATION: "Mediation session",
    MeetingKind.RESOLUTION: "Resolution meeting",
    MeetingKind.PRE_MEETING: "Pre-meeting conference",
    MeetingKind.OTHER: "Other meeting",
}


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


MEETING_STATUS_LABELS = {
    MeetingStatus.SCHEDULED: "Scheduled",
    MeetingStatus.HELD: "Held",
    MeetingStatus.CANCELLED: "Cancelled",
}


class ParticipantRole(StrEnum):
    PARENT = "parent"
    STUDENT = "student"
    GENED_TEACHER = "gened_teacher"
    SPED_TEACHER = "sped_teacher"
    DISTRICT_REP = "district_rep"
    EVALUATOR = "evaluator"
    SERVICE_PROVIDER = "service_provider"
    ADVOCATE = "advocate"
    INTERPRETER = "interpreter"
    FACILITATOR = "facilitator"
    OTHER = "other"


PARTICIPANT_ROLE_LABELS = {
    ParticipantRole.PARENT: "Parent or guardian",
    ParticipantRole.STUDENT: "Student",
    ParticipantRole.GENED_TEACHER: "General-education teacher",
    ParticipantRole.SPED_TEACHER: "Special-education teacher",
    ParticipantRole.DISTRICT_REP: "District representative",
    ParticipantRole.EVALUATOR: "Evaluator",
    ParticipantRole.SERVICE_PROVIDER: "Related-service provider",
    ParticipantRole.ADVOCATE: "Advocate",
    ParticipantRole.INTERPRETER: "Interpreter",
    ParticipantRole.FACILITATOR: "Facilitator",
    ParticipantRole.OTHER: "Other",
}


class Attendance(StrEnum):
    INVITED = "invited"
    ATTENDED = "attended"
    ABSENT = "absent"


ATTENDANCE_LABELS = {
    Attendance.INVITED: "Invited",
    Attendance.ATTENDED: "Attended",
    Attendance.ABSENT: "Did not attend",
}


class ConcernStatus(StrEnum):
    OPEN = "open"
    AGREED = "agreed"
    PARKED = "parked"


CONCERN_STATUS_LABELS = {
    ConcernStatus.OPEN: "Still being discussed",
    ConcernStatus.AGREED: "Agreement reached",
    ConcernStatus.PARKED: "Parked",
}


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: "Not started",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
}


#: Agreement outcomes a held meeting can record, per kind (dispute-resolution words).
OUTCOME_CHOICES = {
    MeetingKind.FACILITATED_IEP: {"full": "Full agreement", "partial": "Partial agreement",
                                  "none": "No agreement"},
    MeetingKind.MEDIATION: {"yes": "Agreement reached (written agreement)",
                            "no": "No agreement"},
}
