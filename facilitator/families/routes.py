"""Families: the list, a family's page, contacts and the meeting tip file."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import access, audit
from ..extensions import db
from ..web import remember_search, remembered_search
from .forms import ConfirmForm, ContactForm, FamilyForm, FamilySearchForm, TipForm
from .models import Contact, Family, TipEntry
from .services import (
    CONTACT_FIELDS,
    FAMILY_FIELDS,
    FamilyError,
    add_tip,
    create_family,
    remove_contact,
    remove_tip,
    save_contact,
    search_families,
    set_archived,
    tips_by_kind,
    update_family,
    update_tip,
)

bp = Blueprint("families", __name__, url_prefix="/families")


def _form_data(form, fields) -> dict:
    return {name: form[name].data for name in fields}




@bp.get("/")
@access.signed_in
def index():
    """All families of the organization, searchable, a page at a time."""
    archived = request.args.get("archived") == "y"
    q = remembered_search("families")
    form = FamilySearchForm(formdata=None, q=q, archived=archived)
    stmt = search_families(access.scoped(Family), q or None, archived).options(
        selectinload(Family.contacts))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    args = {"archived": "y"} if archived else {}
    return render_template("families/index.html", page=page, form=form, args=args)


@bp.post("/")
@access.signed_in
def search():
    """Search the families list; the text is kept in the session, not the URL."""
    form = FamilySearchForm()
    if form.validate_on_submit():
        remember_search("families", form.q.data or "")
    else:
        flash("Search text can be at most 100 characters.", "error")
    return redirect(url_for("families.index", archived="y" if form.archived.data else None))


@bp.route("/new", methods=["GET", "POST"])
@access.require("edit_families")
def new():
    """Add a family (a student and their details)."""
    form = FamilyForm()
    if form.validate_on_submit():
        try:
            family = create_family(current_user.organization_id, _form_data(form, FAMILY_FIELDS))
        except FamilyError as exc:
            form.student_ref.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{family.student_name} is added. Add guardians and tips below.", "success")
            return redirect(url_for("families.detail", family_id=family.id))
    return render_template("families/form.html", form=form, family=None)


@bp.get("/<int:family_id>")
@access.signed_in
def detail(family_id: int):
    """One family: the student, contacts, tip file and meetings."""
    family = access.get_or_404(Family, family_id)
    html = render_template("families/detail.html", family=family, groups=tips_by_kind(family),
                           confirm=ConfirmForm())
    audit.record(audit.Action.VIEWED, audit.RecordKind.FAMILY, family.id, family_id=family.id)
    db.session.commit()
    return html


@bp.route("/<int:family_id>/edit", methods=["GET", "POST"])
@access.require("edit_families")
def edit(family_id: int):
    """Change a family's details."""
    family = access.get_or_404(Family, family_id)
    form = FamilyForm(obj=family)
    if form.validate_on_submit():
        try:
            update_family(family, _form_data(form, FAMILY_FIELDS))
        except FamilyError as exc:
            db.session.rollback()
            form.student_ref.errors.append(str(exc))
        else:
            db.session.commit()
            flash("The family's details are saved.", "success")
            return redirect(url_for("families.detail", family_id=family.id))
    return render_template("families/form.html", form=form, family=family)


@bp.route("/<int:family_id>/archive", methods=["GET", "POST"])
@access.require("edit_families")
def archive(family_id: int):
    """Ask, then archive a family: hidden from lists, every record kept."""
    family = access.get_or_404(Family, family_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        set_archived(family, True)
        db.session.commit()
        flash(f"{family.student_name} is archived. Find the family again with "
              "“Show archived families”.", "success")
        return redirect(url_for("families.index"))
    return render_template("families/confirm.html", form=form, family=family,
                           title=f"Archive {family.student_name}?",
                           text="The family disappears from lists and searches. Its contacts, "
                                "tip file and meetings are kept, and you can bring it back.",
                           button="Archive family")


@bp.post("/<int:family_id>/unarchive")
@access.require("edit_families")
def unarchive(family_id: int):
    """Bring an archived family back into the lists."""
    family = access.get_or_404(Family, family_id)
    if ConfirmForm().validate_on_submit():
        set_archived(family, False)
        db.session.commit()
        flash(f"{family.student_name} is back in the list.", "success")
    return redirect(url_for("families.detail", family_id=family.id))


@bp.route("/<int:family_id>/contacts/new", methods=["GET", "POST"])
@access.require("edit_families")
def contact_new(family_id: int):
    """Add a guardian or other contact."""
    family = access.get_or_404(Family, family_id)
    form = ContactForm()
    if form.validate_on_submit():
        contact = save_contact(family, _form_data(form, CONTACT_FIELDS))
        db.session.commit()
        flash(f"{contact.name} is added.", "success")
        return redirect(url_for("families.detail", family_id=family.id) + "#contacts")
    return render_template("families/contact_form.html", form=form, family=family, contact=None)


@bp.route("/<int:family_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
@access.require("edit_families")
def contact_edit(family_id: int, contact_id: int):
    """Change a contact."""
    family = access.get_or_404(Family, family_id)
    contact = access.get_or_404(Contact, contact_id, family_id=family.id)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        save_contact(family, _form_data(form, CONTACT_FIELDS), contact)
        db.session.commit()
        flash(f"{contact.name} is saved.", "success")
        return redirect(url_for("families.detail", family_id=family.id) + "#contacts")
    return render_template("families/contact_form.html", form=form, family=family,
                           contact=contact, confirm=ConfirmForm())


@bp.post("/<int:family_id>/contacts/<int:contact_id>/delete")
@access.require("edit_families")
def contact_delete(family_id: int, contact_id: int):
    """Remove a contact (the page asked first)."""
    family = access.get_or_404(Family, family_id)
    contact = access.get_or_404(Contact, contact_id, family_id=family.id)
    if ConfirmForm().validate_on_submit():
        remove_contact(contact)
        db.session.commit()
        flash("The contact is removed.", "success")
    return redirect(url_for("families.detail", family_id=family.id) + "#contacts")


@bp.route("/<int:family_id>/tips/new", methods=["GET", "POST"])
@access.require("edit_families")
def tip_new(family_id: int):
    """Add an entry to the family's meeting tip file."""
    family = access.get_or_404(Family, family_id)
    form = TipForm(kind=request.args.get("kind") or None)
    if form.validate_on_submit():
        add_tip(family, form.kind.data, form.text.data, current_user.id)
        db.session.commit()
        flash("The tip is added to the tip file.", "success")
        return redirect(url_for("families.detail", family_id=family.id) + "#tips")
    return render_template("families/tip_form.html", form=form, family=family, tip=None)


@bp.route("/<int:family_id>/tips/<int:tip_id>", methods=["GET", "POST"])
@access.require("edit_families")
def tip_edit(family_id: int, tip_id: int):
    """Change a tip-file entry."""
    family = access.get_or_404(Family, family_id)
    tip = access.get_or_404(TipEntry, tip_id, family_id=family.id)
    form = TipForm(obj=tip)
    if form.validate_on_submit():
        update_tip(tip, form.kind.data, form.text.data)
        db.session.commit()
        flash("The tip is saved.", "success")
        return redirect(url_for("families.detail", family_id=family.id) + "#tips")
    return render_template("families/tip_form.html", form=form, family=family, tip=tip)


@bp.route("/<int:family_id>/tips/<int:tip_id>/delete", methods=["GET", "POST"])
@access.require("edit_families")
def tip_delete(family_id: int, tip_id: int):
    """Ask, then remove a tip-file entry."""
    family = access.get_or_404(Family, family_id)
    tip = access.get_or_404(TipEntry, tip_id, family_id=family.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        remove_tip(tip)
        db.session.commit()
        flash("The tip is removed from the tip file.", "success")
        return redirect(url_for("families.detail", family_id=family.id) + "#tips")
    return render_template("families/confirm.html", form=form, family=family,
                           title="Remove this tip?", quote=tip.text,
                           text="It will no longer show when the team prepares a meeting.",
                           button="Remove tip")
