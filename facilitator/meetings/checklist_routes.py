"""Preparing a meeting (the tip file review) and the checklists: ticking items, the
printable list, the organization's own items."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import access
from ..content import PHASES, current_content
from ..extensions import db
from ..families.services import tips_by_kind
from . import checklists, services
from .forms import (
    ChecklistItemForm,
    ChecklistKeyForm,
    ConfirmForm,
    OrgChecklistItemForm,
)
from .models import (
    Meeting,
    OrgChecklistItem,
)
from .views import back_url, bp, checklist_view, phase_counts

# --- checklists ------------------------------------------------------------------------


@bp.post("/meetings/<int:meeting_id>/checklist/<phase>")
@access.require("edit_meetings")
def checklist_item(meeting_id: int, phase: str):
    """Tick or untick one checklist item for the meeting, with a note."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if phase not in PHASES:
        abort(404)
    form = ChecklistItemForm()
    default = {"before": "prepare", "during": "live", "after": "after"}[phase]
    known = {i.key for i in checklists.checklist_items(meeting.organization_id, phase)}
    key = form.item_key.data if form.item_key.data in known else None
    if key and form.validate_on_submit():
        checklists.set_checklist_item(meeting, phase, key, form.done.data,
                                      form.note.data or "", current_user.id)
        db.session.commit()
    elif key is None:
        flash("That checklist item does not exist (it may have been hidden). "
              "Nothing was changed.", "error")
    else:
        flash("The note was not saved. " + _first_error(form), "error")
    # Only a known key goes into the address (never what was sent).
    anchor = f"item-{key}" if key else "checklist"
    if phase == "during" and request.values.get("next", "live") == "live":
        # Come back with the checklist open at the item just ticked.
        return redirect(url_for("meetings.live", meeting_id=meeting.id, checklist="open")
                        + f"#{anchor}")
    return redirect(back_url(meeting, default, anchor))


@bp.get("/meetings/<int:meeting_id>/checklists/print")
@access.signed_in
def checklist_print(meeting_id: int):
    """All three checklists of a meeting, laid out for paper."""
    meeting = access.get_or_404(Meeting, meeting_id)
    return render_template("meetings/checklist_print.html", meeting=meeting,
                           checklists=[checklist_view(meeting, p) for p in PHASES])


@bp.get("/admin/checklists")
@access.require("manage_settings")
def checklist_admin():
    """The organization's checklists: hide default items, add its own."""
    org_id = current_user.organization_id
    hidden = checklists.hidden_keys(org_id)
    content = current_content()
    return render_template("meetings/checklist_admin.html", content=content, hidden=hidden,
                           own={p: checklists.org_items(org_id, p) for p in PHASES},
                           form=OrgChecklistItemForm(), key_form=ChecklistKeyForm(),
                           confirm=ConfirmForm(), phases=PHASES)


@bp.post("/admin/checklists/hide")
@access.require("manage_settings")
def checklist_hide():
    """Hide a default item for the whole organization."""
    form = ChecklistKeyForm()
    key = _file_item_key(form)
    if key:
        checklists.hide_item(current_user.organization_id, key, current_user.id)
        db.session.commit()
        flash("The item is hidden from your organization's checklists.", "success")
    return redirect(url_for("meetings.checklist_admin") + (f"#item-{key}" if key else ""))


@bp.post("/admin/checklists/show")
@access.require("manage_settings")
def checklist_unhide():
    """Show a hidden default item again."""
    form = ChecklistKeyForm()
    key = _file_item_key(form)
    if key:
        checklists.unhide_item(current_user.organization_id, key)
        db.session.commit()
        flash("The item is back in your organization's checklists.", "success")
    return redirect(url_for("meetings.checklist_admin") + (f"#item-{key}" if key else ""))


def _file_item_key(form: ChecklistKeyForm) -> str | None:
    """The key of a checklist-file item the form names, or None (with a message)."""
    known = {i.key for c in current_content().checklists.values() for i in c.items}
    if not form.validate_on_submit() or form.item_key.data not in known:
        flash("That item is not in the checklist files. Nothing was changed.", "error")
        return None
    return form.item_key.data


def _first_error(form) -> str:
    return next((e for errors in form.errors.values() for e in errors), "check the form.")


@bp.post("/admin/checklists/items")
@access.require("manage_settings")
def checklist_add():
    """Add an item of the organization's own to a checklist."""
    form = OrgChecklistItemForm()
    if form.validate_on_submit():
        item = checklists.add_org_item(current_user.organization_id, form.phase.data,
                                     form.text.data, form.help.data or "")
        db.session.commit()
        flash("Your item is added.", "success")
        return redirect(url_for("meetings.checklist_admin") + f"#item-{item.key}")
    org_id = current_user.organization_id
    return render_template("meetings/checklist_admin.html", content=current_content(),
                           hidden=checklists.hidden_keys(org_id),
                           own={p: checklists.org_items(org_id, p) for p in PHASES},
                           form=form, key_form=ChecklistKeyForm(), confirm=ConfirmForm(),
                           phases=PHASES), 200


@bp.post("/admin/checklists/items/<int:item_id>/remove")
@access.require("manage_settings")
def checklist_remove(item_id: int):
    """Remove one of the organization's own items (meetings keep what they ticked)."""
    item = access.get_or_404(OrgChecklistItem, item_id)
    if ConfirmForm().validate_on_submit():
        checklists.remove_org_item(item)
        db.session.commit()
        flash("The item is removed.", "success")
    return redirect(url_for("meetings.checklist_admin"))


# --- preparation -----------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/prepare")
@access.signed_in
def prepare(meeting_id: int):
    """Get ready: the family's tip file, the before-checklist, who is coming."""
    meeting = access.get_or_404(Meeting, meeting_id)
    html = render_template(
        "meetings/prepare.html", meeting=meeting, family=meeting.family,
        groups=tips_by_kind(meeting.family), confirm=ConfirmForm(),
        checklist=checklist_view(meeting, "before"), counts=phase_counts(meeting))
    db.session.commit()  # panels may record who read family data (the record of access)
    return html


@bp.post("/meetings/<int:meeting_id>/tips-reviewed")
@access.require("edit_meetings")
def tips_reviewed(meeting_id: int):
    """Record that the tip file was reviewed for this meeting (who and when)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if ConfirmForm().validate_on_submit():
        services.mark_tips_reviewed(meeting, current_user.id)
        db.session.commit()
        flash("Marked: you reviewed the tip file for this meeting.", "success")
    return redirect(url_for("meetings.prepare", meeting_id=meeting.id) + "#tips")
