"""The state program's blueprint and what its view modules share."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from .. import access
from ..auth.models import OrgKind

bp = Blueprint("program", __name__, url_prefix="/program")


def program_org_id() -> int:
    """The signed-in user's organization when it is a state program (404 otherwise)."""
    org_id = access.current_org_id()
    if current_user.organization.kind != OrgKind.STATE:
        abort(404)
    return org_id


@bp.app_context_processor
def program_labels():
    from .models import AssignmentStatus, ProgramProcess, TrainingKind
    from .pay import SessionKind, SessionOutcome
    from .request_models import Requester, RequestStatus
    from .rotation import Reason

    return {"PROGRAM_PROCESS": ProgramProcess, "ASSIGNMENT_STATUS": AssignmentStatus,
            "TRAINING_KIND": TrainingKind, "SKIP_REASON": Reason,
            "REQUEST_STATUS": RequestStatus, "REQUESTER": Requester,
            "SESSION_KIND": SessionKind, "SESSION_OUTCOME": SessionOutcome}
