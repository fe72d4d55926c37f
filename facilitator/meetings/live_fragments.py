"""What the live page loads apart from itself, so that the page stays small and fast.

- The question prompts: one fragment the browser loads once and keeps (its address
  names the content's version; it answers 304 to a matching ETag), instead of ~90
  prompts in every load of the page. The page renders the list itself only when
  asked to filter without JavaScript (``?stage=…&situation=…&q=…``).
- The during-meeting checklist (folded away on the page): loaded when it is first
  opened, with an ETag. ``?checklist=open`` (no JavaScript, or back from ticking an
  item) renders it in the page.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from flask import (
    current_app,
    make_response,
    render_template,
    render_template_string,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from .. import access
from ..auth.models import User
from ..content import current_content
from ..extensions import db
from . import checklists, live_cache
from .forms import ActionItemForm, ConcernForm, DecisionForm, ParkingLotForm
from .live_models import MeetingNote
from .models import Meeting
from .views import bp, checklist_view

#: The live page's "add" forms: kind -> (form, id prefix). Their empty fields are the
#: same on every load, so they are rendered once per process and language.
ADD_FORMS = {"concerns": (ConcernForm, "new-concern-"),
             "decisions": (DecisionForm, "new-decision-"),
             "actions": (ActionItemForm, "new-action-"),
             "parking": (ParkingLotForm, "new-parking-")}
_FIELDS = ('{% from "_macros.html" import field %}{% for f in form if f.name != "csrf_token" %}'
           '{{ field(f, id_prefix=prefix) }}{% endfor %}')


def add_form_fields() -> dict:
    """The empty fields of the live page's add forms (kind -> HTML), rendered once."""
    cache = current_app.extensions.setdefault("facilitator.add_form_fields", {})
    key = str(get_locale())
    if key not in cache:
        cache[key] = {
            kind: Markup(render_template_string(  # noqa: S704 - rendered by our template
                _FIELDS, prefix=prefix, form=cls(formdata=None, meta={"csrf": False})))
            for kind, (cls, prefix) in ADD_FORMS.items()}
    return cache[key]


#: What every load of the live page needs before it knows whether it is kept: the meeting's
#: ids, its notes' version and editor, and the numbers of its during checklist, in one
#: statement without the unit of work (built once; ``access.row_or_404`` scopes it).
_HEAD = (db.select(Meeting.id, Meeting.organization_id, Meeting.family_id,
                   MeetingNote.version.label("note_version"),
                   MeetingNote.updated_at.label("note_updated_at"),
                   User.name.label("editor_name"), User.email.label("editor_email"),
                   *checklists.counts_columns("during"))
         .select_from(Meeting)
         .outerjoin(MeetingNote, MeetingNote.meeting_id == Meeting.id)
         .outerjoin(User, User.id == MeetingNote.updated_by_id)
         .where(Meeting.id == bindparam("id"), Meeting.organization_id == bindparam("org")))
#: The meeting with its notes and family, for a page rendered afresh (built once).
_LIVE = db.select(Meeting).where(Meeting.id == bindparam("id")).options(
    joinedload(Meeting.note).joinedload(MeetingNote.updated_by), joinedload(Meeting.family))


@dataclass(frozen=True)
class LiveHead:
    """The live page's meeting as its key needs it. The room's hooks (``live_cache``)
    are given this, not the mapped meeting: they use ``id`` and ``organization_id``."""

    id: int
    organization_id: int
    family_id: int
    note_version: int | None
    note_updated_at: object
    editor: str
    checklist: tuple[int, int]  # (done, total)


def read_head(meeting_id: int) -> LiveHead:
    """The head of a meeting of the current organization (404 otherwise)."""
    row = access.row_or_404(_HEAD, Meeting, {"id": meeting_id,
                                             "files": checklists.file_keys("during")})
    return LiveHead(row.id, row.organization_id, row.family_id, row.note_version,
                    row.note_updated_at, row.editor_name or row.editor_email or "",
                    checklists.counts_from("during", *row[-3:]))


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting with what the live page shows of it (its notes and family) in one
    query; the lists of the shared record load only when a kept part of the page is
    rendered again (``kept_parts``)."""
    # Keep the loaded meeting referenced until the access check has it: the session's
    # identity map holds records weakly, and a dropped one would be loaded again
    # without what came along with it.
    loaded = db.session.execute(_LIVE, {"id": meeting_id}).unique().scalar_one_or_none()
    meeting = access.get_or_404(Meeting, meeting_id)
    del loaded
    return meeting


def kept_parts(meeting: Meeting, version: int | None) -> dict:
    """The agenda and the boards as HTML, kept under the meeting's change counter."""
    key = (str(get_locale()), access.can("edit_meetings"))
    return {"kept_agenda": live_cache.kept_html("agenda", meeting.id, version, key,
                                                "meetings/_live_agenda.html",
                                                lambda: {"meeting": meeting}),
            "kept_boards": live_cache.kept_html("boards", meeting.id, version, key,
                                                "meetings/_live_boards.html",
                                                lambda: {"meeting": meeting,
                                                         "add_fields": add_form_fields()})}


def live_page(head: LiveHead) -> str:
    """The live page's HTML. Kept whole under the change counter and everything else it
    shows (the user, the notes' version, the checklist's count), unless the request
    filters (query string) or has messages to show; the parts that move without the
    counter go in late, and this request's CSRF token last.

    The head and the counter are read before the meeting is loaded to render: a page is
    never kept under a key newer than what it shows (on PostgreSQL each statement sees
    the latest commits)."""
    version = live_cache.counter(head)
    for hook in live_cache.LATE_HOOKS:
        hook(head)
    can_edit = access.can("edit_meetings")

    def render() -> str:
        meeting = load_meeting(head.id)
        note = meeting.note
        return render_template(
            "meetings/live.html", meeting=meeting, note=note,
            **checklist_context(meeting, head.checklist), **page_context(),
            **kept_parts(meeting, version), csrf_token=live_cache.placeholder,
            notes_config={"meetingId": meeting.id, "userId": current_user.id,
                          "version": note.version, "canEdit": can_edit,
                          "saveUrl": url_for("meetings.notes_save", meeting_id=meeting.id)})

    if request.args or session.get("_flashes"):
        return live_cache.finish(render())
    user = current_user
    key = (str(get_locale()), user.id, user.role, user.display_name, user.organization.name,
           user.organization.kind, can_edit, head.note_version, str(head.note_updated_at),
           head.editor, *head.checklist, fragment_url())
    return live_cache.finish(live_cache.kept("page", head.id, version, key, render))

#: A year: the address changes when the prompts do (``?v=`` is their version).
MAX_AGE = 365 * 24 * 3600
FILTERS = ("stage", "situation", "q")


def _labels(content) -> dict:
    return {"stage_labels": {s.key: s.label for s in content.stages},
            "situation_labels": {s.key: s.label for s in content.situations}}


def _rendered() -> tuple[str, str]:
    """(html, version) of the whole list, rendered once per process."""
    cache = current_app.extensions.setdefault("facilitator.prompts_fragment", {})
    if "html" not in cache:
        content = current_content()
        html = render_template("meetings/_prompt_list.html", all_prompts=content.prompts,
                               shown=None, **_labels(content))
        cache["html"] = html
        cache["version"] = hashlib.sha256(html.encode()).hexdigest()[:16]
    return cache["html"], cache["version"]


def fragment_url() -> str:
    """The fragment's address, naming its version (so a browser may keep it a year)."""
    return url_for("meetings.prompts_fragment", v=_rendered()[1])


def inline_filtered() -> bool:
    """Whether this request asks the live page to filter the prompts (the no-JS path)."""
    return any(k in request.args for k in FILTERS)


def page_context() -> dict:
    """What live.html needs for the prompts panel, filtered or as a link to the fragment."""
    content = current_content()
    stage = request.args.get("stage", "")
    situation = request.args.get("situation", "")
    q = (request.args.get("q") or "").strip().lower()[:100]
    context = {"all_prompts": content.prompts, "stages": content.stages,
               "situations": content.situations, "stage": stage, "situation": situation,
               "q": q, "prompts_src": None, **_labels(content)}
    if inline_filtered():
        context["prompts"] = [p for p in content.prompts
                              if (not stage or p.stage == stage)
                              and (not situation or situation in p.situations)
                              and (not q or q in p.text.lower())]
    else:
        context["prompts"] = content.prompts
        context["prompts_src"] = fragment_url()
    return context


CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')


def _conditional(html: str, cache_control: str, version: str | None = None):
    """The response for a fragment: 304 when the browser has this version, else the HTML."""
    version = version or hashlib.sha256(html.encode()).hexdigest()[:16]
    cached = request.if_none_match.contains(version)
    response = make_response("" if cached else html, 304 if cached else 200)
    response.headers["ETag"] = f'"{version}"'
    response.headers["Cache-Control"] = cache_control
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


def checklist_context(meeting: Meeting, counted: tuple[int, int]) -> dict:
    """The during checklist for live.html: its rows when shown in the page, else the counts
    (``counted``: done, total) and the fragment's address."""
    if request.args.get("checklist") == "open":
        return {"checklist": checklist_view(meeting, "during"), "checklist_src": None}
    done, total = counted
    return {"checklist": {"title": current_content().checklists["during"].title,
                          "done": done, "total": total},
            "checklist_src": url_for("meetings.checklist_fragment", meeting_id=meeting.id)}


@bp.get("/meetings/<int:meeting_id>/checklist/during/items")
@access.signed_in
def checklist_fragment(meeting_id: int):
    """The during checklist's items with their tick forms (HTML; 304 when unchanged)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    html = render_template("meetings/_checklist.html", meeting=meeting,
                           checklist=checklist_view(meeting, "during"), next_page="live")
    # The tick forms' CSRF tokens carry the second they were signed: leave them out of the
    # version, or the fragment would never be "unchanged" a second later.
    version = hashlib.sha256(CSRF_VALUE.sub("", html).encode()).hexdigest()[:16]
    return _conditional(html, "private, no-cache", version)


@bp.get("/meetings/prompts")
@access.signed_in
def prompts_fragment():
    """Every question prompt as an HTML list (cached by the browser; 304 when unchanged)."""
    html, version = _rendered()
    if request.args.get("v") == version:
        return _conditional(html, f"private, max-age={MAX_AGE}, immutable", version)
    return _conditional(html, "private, no-cache", version)
