"""The words of a meeting: kinds, statuses, participant roles, attendance, concern and
action statuses, and the outcomes a held meeting records, each with its plain label."""

from __future__ import annotations

from ..vocabulary import Vocabulary


class MeetingKind(Vocabulary):
    IEP_ANNUAL = "iep_annual", "IEP annual review"
    IEP_AMENDMENT = "iep_amendment", "IEP amendment"
    ELIGIBILITY = "eligibility", "Initial eligibility or evaluation review"
    FACILITATED_IEP = "facilitated_iep", "Facilitated IEP meeting"
    MEDIATION = "mediation", "Mediation session"
    RESOLUTION = "resolution", "Resolution meeting"
    PRE_MEETING = "pre_meeting", "Pre-meeting conference"
    OTHER = "other", "Other meeting"


class MeetingStatus(Vocabulary):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    #: It ran out of time: a follow-on meeting carries on with what was left open.
    CONTINUED = "continued", "Continued"


class ParticipantRole(Vocabulary):
    PARENT = "parent", "Parent or guardian"
    STUDENT = "student", "Student"
    GENED_TEACHER = "gened_teacher", "General-education teacher"
    SPED_TEACHER = "sped_teacher", "Special-education teacher"
    DISTRICT_REP = "district_rep", "District representative"
    EVALUATOR = "evaluator", "Evaluator"
    SERVICE_PROVIDER = "service_provider", "Related-service provider"
    ADVOCATE = "advocate", "Advocate"
    INTERPRETER = "interpreter", "Interpreter"
    FACILITATOR = "facilitator", "Facilitator"
    OTHER = "other", "Other"


class Attendance(Vocabulary):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Did not attend"


class ConcernStatus(Vocabulary):
    OPEN = "open", "Still being discussed"
    AGREED = "agreed", "Agreement reached"
    PARKED = "parked", "Parked"


class ActionStatus(Vocabulary):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


#: Agreement outcomes a held meeting can record, per kind (dispute-resolution words).
OUTCOME_CHOICES = {
    MeetingKind.FACILITATED_IEP: {"full": "Full agreement", "partial": "Partial agreement",
                                  "none": "No agreement"},
    MeetingKind.MEDIATION: {"yes": "Agreement reached (written agreement)",
                            "no": "No agreement"},
}
