"""The records start page and a family's documents: upload, edit, download, delete."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func

from .. import access, audit
from ..db import begin_write
from ..extensions import db
from ..families.models import Family
from ..web import attachment, human_size, render_error
from . import services, storage
from .forms import (
    ConfirmForm,
    DocumentEditForm,
    UploadForm,
)
from .models import (
    Document,
    DocumentDownload,
    Packet,
)
from .views import bp, family_or_404


def _upload_request_limit():
    # Several files of up to MAX_UPLOAD_BYTES each may come in one request; the
    # per-file limit is checked while each file is stored.
    if request.endpoint == "packets.upload":
        request.max_content_length = (services.max_upload_bytes() * services.max_upload_files()
                                      + 1024 * 1024)


@bp.record_once
def _install_upload_limit(state) -> None:
    # First of the app's before-request hooks: CSRF protection reads the form
    # (and so applies the request size limit) in its own hook.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_request_limit)


@bp.errorhandler(413)
def _too_large(exc):
    return render_error(413, (
        f"Each file can be at most {human_size(services.max_upload_bytes())}, and at most "
        f"{services.max_upload_files()} files can be sent at once. Send fewer or smaller files."))


# --- families ------------------------------------------------------------------------

@bp.get("/")
@access.signed_in
def index():
    """The organization's families with how many records and packets each has."""
    doc_counts = dict(db.session.execute(
        access.restrict(db.select(Document.family_id, func.count(Document.id)), Document)
        .group_by(Document.family_id)).all())
    packet_counts = dict(db.session.execute(
        access.restrict(db.select(Packet.family_id, func.count(Packet.id)), Packet)
        .group_by(Packet.family_id)).all())
    families = db.paginate(access.scoped(Family).where(Family.archived_at.is_(None))
                           .order_by(Family.student_name),
                           per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("packets/index.html", families=families, doc_counts=doc_counts,
                           packet_counts=packet_counts)


# --- documents -----------------------------------------------------------------------

@bp.get("/families/<int:family_id>/documents")
@access.signed_in
def documents(family_id):
    """A family's documents, newest record first, with the upload form."""
    return _documents_page(family_or_404(family_id), UploadForm())


@bp.post("/families/<int:family_id>/documents")
@access.require("edit_records")
def upload(family_id):
    """Store the uploaded files as documents; all of them, or none when one is refused."""
    family = family_or_404(family_id)
    form = UploadForm()
    limit = services.max_upload_bytes()
    if not form.validate_on_submit():
        return _documents_page(family, form), 400
    files = [f for f in form.files.data if f and f.filename]
    if len(files) > services.max_upload_files():
        form.files.errors = [f"Send at most {services.max_upload_files()} files at once."]
        return _documents_page(family, form), 400
    received: list[services.Received] = []
    try:
        for fs in files:
            received.append(services.receive_upload(fs.stream, fs.filename or "", limit))
    except storage.TooLarge:
        _discard(received)
        name = services.safe_filename(fs.filename or "")
        return render_error(413, f"“{name}” is larger than the limit of {human_size(limit)} "
                                 "a file. Nothing was added. Send a smaller file, or split it.")
    except services.UploadRefused as exc:
        _discard(received)
        form.files.errors = [f"“{exc.filename}”: {exc.reason} Nothing was added."]
        return _documents_page(family, form), 400
    docs = services.add_documents(
        family, received, doc_type=form.doc_type.data, doc_date=form.doc_date.data,
        source=form.source.data, description=form.description.data, tags=form.tags.data,
        user=current_user)
    db.session.commit()
    flash(f"Added {len(docs)} document{'s' if len(docs) != 1 else ''}.", "success")
    return redirect(url_for(".documents", family_id=family.id))


def _discard(received) -> None:
    for r in received:
        storage.discard(r.tmp)


def _documents_page(family, form):
    """The documents list, a page at a time, newest record first, with the upload form."""
    stmt = (access.scoped(Document).where(Document.family_id == family.id)
            .order_by(Document.doc_date.desc().nulls_last(), Document.id.desc()))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("packets/documents.html", family=family, docs=page.items, page=page,
                           form=form, limit=human_size(services.max_upload_bytes()))



@bp.route("/families/<int:family_id>/documents/<int:doc_id>", methods=["GET", "POST"])
@access.read_or_require("edit_records")
def document(family_id, doc_id):
    """One document's details, who downloaded it, and (for editors) its edit form."""
    family = family_or_404(family_id)
    doc = access.get_or_404(Document, doc_id, family_id=family.id)
    form = DocumentEditForm(obj=doc)
    if request.method == "POST":
        if form.validate_on_submit():
            services.update_document(doc, title=form.title.data, doc_type=form.doc_type.data,
                                     doc_date=form.doc_date.data, source=form.source.data,
                                     description=form.description.data, tags=form.tags.data)
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for(".document", family_id=family.id, doc_id=doc.id))
    downloads = db.session.execute(
        access.scoped(DocumentDownload).where(DocumentDownload.document_id == doc.id)
        .order_by(DocumentDownload.downloaded_at.desc()).limit(50)).scalars().all()
    return render_template("packets/document.html", family=family, doc=doc, form=form,
                           downloads=downloads), (400 if form.errors else 200)


@bp.get("/families/<int:family_id>/documents/<int:doc_id>/download")
@access.signed_in
def download(family_id, doc_id):
    """The file itself, as an attachment; the download is recorded."""
    begin_write()
    family = family_or_404(family_id)
    doc = access.get_or_404(Document, doc_id, family_id=family.id)
    from .filetypes import BY_KEY

    path = storage.path_for(doc.storage_key)
    if not path.exists():
        abort(404)
    services.record_download(doc, current_user)
    audit.record(audit.Action.DOWNLOADED, audit.RecordKind.DOCUMENT, doc.id, family_id=family.id)
    db.session.commit()
    return attachment(path, services.download_name(doc), BY_KEY[doc.file_type].mimetype)


@bp.post("/families/<int:family_id>/documents/<int:doc_id>/delete")
@access.require("edit_records")
def delete_document(family_id, doc_id):
    """Delete the document and its file (the page asks for confirmation first)."""
    family = family_or_404(family_id)
    doc = access.get_or_404(Document, doc_id, family_id=family.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    title = doc.title
    services.delete_document(doc)
    db.session.commit()
    flash(f"Deleted “{title}”.", "success")
    return redirect(url_for(".documents", family_id=family.id))

