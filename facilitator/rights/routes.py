"""Parents' rights pages: the whole record of a family as a ZIP, and destruction on request."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from .. import access, audit, web
from ..auth.sessions import fresh_required
from ..extensions import db
from ..families.models import Family
from ..packets import storage
from ..program.request_models import ProgramRequest
from ..program.views import program_org_id
from . import tasks
from .destroy import DestroyError, destroy_family, scrub_after_commit
from .destroy_request import destroy_request
from .export_task import queue_export, status_of
from .forms import DestroyForm, ExportForm, RequestDestroyForm
from .keep import KEPT_WITH_CASE
from .models import DestructionCertificate, FamilyExport

bp = Blueprint("rights", __name__)


def _names_match(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


@bp.route("/families/<int:family_id>/export", methods=["GET", "POST"])
@access.require("edit_families")
@fresh_required
def export_start(family_id: int):
    """Ask for everything held about the family as one ZIP (recorded; needs a fresh sign-in)."""
    family = access.get_or_404(Family, family_id)
    form = ExportForm()
    if form.validate_on_submit():
        export = queue_export(family, current_user)
        audit.record(audit.Action.EXPORTED, audit.RecordKind.FAMILY_EXPORT, family.id,
                     family_id=family.id)
        if form.recipient.data and form.recipient.data.strip():
            audit.record(audit.Action.DISCLOSED, audit.RecordKind.FAMILY_EXPORT, family.id,
                         family_id=family.id, recipient=form.recipient.data,
                         purpose=form.purpose.data)
        export_id = export.id  # read before the commit (a read after it begins a transaction)
        db.session.commit()
        current_app.logger.info("family export family_id=%s user_id=%s", family_id,
                                current_user.id)
        tasks.build_family_export(export_id)  # the worker builds it
        return redirect(url_for(".export_page", family_id=family_id, export_id=export_id))
    return render_template("rights/export.html", family=family, form=form), (
        400 if form.errors else 200)


def _export_or_404(family_id: int, export_id: int) -> tuple[Family, FamilyExport]:
    family = access.get_or_404(Family, family_id)
    return family, access.get_or_404(FamilyExport, export_id, family_id=family.id)


@bp.get("/families/<int:family_id>/exports/<int:export_id>")
@access.require("edit_families")
def export_page(family_id: int, export_id: int):
    """How far the export has got; the download once it is ready."""
    family, export = _export_or_404(family_id, export_id)
    return render_template("rights/export_status.html", family=family, export=export,
                           status=status_of(export))


@bp.get("/families/<int:family_id>/exports/<int:export_id>/status")
@access.require("edit_families")
def export_status(family_id: int, export_id: int):
    """Build progress as JSON, polled by the export page."""
    return jsonify(status_of(_export_or_404(family_id, export_id)[1]))


@bp.get("/families/<int:family_id>/exports/<int:export_id>/download")
@access.require("edit_families")
@fresh_required
def export_download(family_id: int, export_id: int):
    """The export's ZIP (each download is recorded; needs a fresh sign-in)."""
    family, export = _export_or_404(family_id, export_id)
    status = status_of(export)
    if status["status"] == "expired":
        abort(410)
    if not status["ready"]:  # not built (yet): the page says how far it has got
        return redirect(url_for(".export_page", family_id=family_id, export_id=export_id))
    path = storage.path_for(export.storage_key)
    if not path.exists():
        abort(410)
    audit.record(audit.Action.DOWNLOADED, audit.RecordKind.FAMILY_EXPORT, family.id,
                 family_id=family.id)
    db.session.commit()
    return web.attachment(path, f"family-records-{family_id}.zip", "application/zip")


@bp.route("/families/<int:family_id>/destroy", methods=["GET", "POST"])
@access.require("manage_users")
@fresh_required
def destroy(family_id: int):
    """Destroy every record of the family on request, after the admin types the student's name."""
    family = access.get_or_404(Family, family_id)
    form = DestroyForm()
    if form.validate_on_submit():
        if not _names_match(form.student_name.data, family.student_name):
            form.student_name.errors.append(
                "That is not the student's name as the records have it. Type it exactly.")
        else:
            try:
                cert = destroy_family(family, current_user._get_current_object())
            except DestroyError as exc:
                db.session.rollback()
                form.student_name.errors.append(str(exc))
            else:
                reference = cert.reference
                db.session.commit()
                return _destroyed(reference, "family")
    return render_template("rights/destroy.html", family=family, form=form), (
        400 if form.errors else 200)


def _destroyed(reference: str, what: str):
    """After the commit: scrub the database files, log, and show the certificate."""
    scrub_after_commit()
    current_app.logger.info("%s destroyed reference=%s user_id=%s", what, reference,
                            current_user.id)
    flash("The records are destroyed. Keep this certificate's reference.", "success")
    return redirect(url_for(".certificate", reference=reference))


@bp.route("/program/requests/<int:request_id>/destroy", methods=["GET", "POST"])
@access.require("manage_users")
@fresh_required
def destroy_program_request(request_id: int):
    """Destroy a request to the state program on the parent's request, after an admin
    (as for a family: it cannot be undone) types its reference; the case it became is
    kept, anonymized."""
    program_org_id()
    req = access.get_or_404(ProgramRequest, request_id)
    form = RequestDestroyForm()
    if form.validate_on_submit():
        if form.reference.data.strip().upper() != req.reference:
            form.reference.errors.append(
                "That is not this request's reference. Type it exactly, e.g. "
                "REQ-7KQ2M9.")
        else:
            reference = destroy_request(req, current_user._get_current_object()).reference
            db.session.commit()
            return _destroyed(reference, "program request")
    return render_template("rights/destroy_request.html", req=req, form=form), (
        400 if form.errors else 200)


@bp.get("/admin/destruction-certificates")
@access.require("manage_users")
def certificates():
    """Every destruction certificate of the organization, newest first."""
    certs = db.session.execute(access.scoped(DestructionCertificate)
                               .order_by(DestructionCertificate.id.desc())).scalars().all()
    return render_template("rights/certificates.html", certs=certs)


@bp.get("/admin/destruction-certificates/<reference>")
@access.require("manage_users")
def certificate(reference: str):
    """One destruction certificate: kinds of records, counts, when, by whom, reference."""
    cert = db.session.execute(access.scoped(DestructionCertificate).where(
        DestructionCertificate.reference == reference[:20])).scalar_one_or_none()
    if cert is None:
        abort(404)
    kept = set(KEPT_WITH_CASE.values())
    return render_template("rights/certificate.html", cert=cert,
                           destroyed=[c for c in cert.counts if c[0] not in kept],
                           kept=[c for c in cert.counts if c[0] in kept])
