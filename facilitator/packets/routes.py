"""Advocate records: documents, timeline, decision log and record packets of a family."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func

from .. import access
from ..db import begin_write
from ..extensions import db
from ..families.models import Family
from ..web import _human_size, render_error
from . import build, providers, services, storage  # noqa: F401 - providers registers itself
from .forms import (
    ConfirmForm,
    DecisionForm,
    DocumentEditForm,
    EventForm,
    PacketCreateForm,
    PacketEditForm,
    UploadForm,
)
from .models import (
    BuildStatus,
    Document,
    DocumentDownload,
    EventKind,
    ManualDecision,
    Packet,
    TimelineEvent,
)
from .timeline import days_waiting, decision_log, family_timeline

bp = Blueprint("packets", __name__, url_prefix="/records")


def _family(family_id) -> Family:
    return access.get_or_404(Family, family_id)


def _child(model, ident, family: Family):
    """A record of this family (404 when it belongs to another family or organization)."""
    obj = access.get_or_404(model, ident)
    if obj.family_id != family.id:
        abort(404)
    return obj


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
        f"Each file can be at most {_human_size(services.max_upload_bytes())}, and at most "
        f"{services.max_upload_files()} files can be sent at once. Send fewer or smaller files."))


# --- families ------------------------------------------------------------------------

@bp.get("/")
@login_required
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
@login_required
def documents(family_id):
    """A family's documents, newest record first, with the upload form."""
    family = _family(family_id)
    docs = db.session.execute(
        access.scoped(Document).where(Document.family_id == family.id)
        .order_by(Document.doc_date.desc().nulls_last(), Document.id.desc())).scalars().all()
    return render_template("packets/documents.html", family=family, docs=docs,
                           form=UploadForm(), limit=_human_size(services.max_upload_bytes()))


@bp.post("/families/<int:family_id>/documents")
@access.require("edit_records")
def upload(family_id):
    """Store the uploaded files as documents; all of them, or none when one is refused."""
    family = _family(family_id)
    form = UploadForm()
    limit = services.max_upload_bytes()
    if not form.validate_on_submit():
        return _documents_again(family, form), 400
    files = [f for f in form.files.data if f and f.filename]
    if len(files) > services.max_upload_files():
        form.files.errors = [f"Send at most {services.max_upload_files()} files at once."]
        return _documents_again(family, form), 400
    received: list[services.Received] = []
    try:
        for fs in files:
            received.append(services.receive_upload(fs.stream, fs.filename or "", limit))
    except storage.TooLarge:
        _discard(received)
        name = services.safe_filename(fs.filename or "")
        return render_error(413, f"“{name}” is larger than the limit of {_human_size(limit)} "
                                 "a file. Nothing was added. Send a smaller file, or split it.")
    except services.UploadRefused as exc:
        _discard(received)
        form.files.errors = [f"“{exc.filename}”: {exc.reason} Nothing was added."]
        return _documents_again(family, form), 400
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


def _documents_again(family, form):
    docs = db.session.execute(
        access.scoped(Document).where(Document.family_id == family.id)
        .order_by(Document.doc_date.desc().nulls_last(), Document.id.desc())).scalars().all()
    return render_template("packets/documents.html", family=family, docs=docs, form=form,
                           limit=_human_size(services.max_upload_bytes()))


@bp.route("/families/<int:family_id>/documents/<int:doc_id>", methods=["GET", "POST"])
@login_required
def document(family_id, doc_id):
    """One document's details, who downloaded it, and (for editors) its edit form."""
    family = _family(family_id)
    doc = _child(Document, doc_id, family)
    form = DocumentEditForm(obj=doc)
    if request.method == "POST":
        if not access.can("edit_records"):
            abort(403)
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
@login_required
def download(family_id, doc_id):
    """The file itself, as an attachment; the download is recorded."""
    _begin_write()
    family = _family(family_id)
    doc = _child(Document, doc_id, family)
    from .filetypes import BY_KEY

    path = storage.path_for(doc.storage_key)
    if not path.exists():
        abort(404)
    services.record_download(doc, current_user)
    db.session.commit()
    return _attachment(path, services.download_name(doc), BY_KEY[doc.file_type].mimetype)


def _begin_write() -> None:
    """facilitator.db.begin_write(), tolerating its scoped_session slip.

    ``db.session`` (a scoped_session) has no ``in_transaction()`` in SQLAlchemy
    2.0; until db.py asks ``db.session()`` instead, do the same steps here.
    """
    try:
        begin_write()
    except AttributeError:
        g._db_writes = True
        if db.session().in_transaction():
            db.session.commit()


def _attachment(path, name: str, mimetype: str):
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                         conditional=False, etag=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/families/<int:family_id>/documents/<int:doc_id>/delete")
@access.require("edit_records")
def delete_document(family_id, doc_id):
    """Delete the document and its file (the page asks for confirmation first)."""
    family = _family(family_id)
    doc = _child(Document, doc_id, family)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    title = doc.title
    services.delete_document(doc)
    db.session.commit()
    flash(f"Deleted “{title}”.", "success")
    return redirect(url_for(".documents", family_id=family.id))


# --- timeline --------------------------------------------------------------------------

def _event_form(family) -> EventForm:
    form = EventForm()
    from wtforms.fields.choices import SelectChoice

    opening = db.session.execute(
        access.scoped(TimelineEvent).where(
            TimelineEvent.family_id == family.id,
            TimelineEvent.kind.in_([EventKind.CONCERN, EventKind.REQUEST]))
        .order_by(TimelineEvent.event_date)).scalars()
    form.responds_to.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(e.id), f"{e.event_date.isoformat()} · {e.kind_label}: "
                                f"{e.description[:60]}") for e in opening]
    docs = db.session.execute(access.scoped(Document).where(Document.family_id == family.id)
                              .order_by(Document.doc_date)).scalars()
    form.documents.choices = [
        SelectChoice(str(d.id), f"{d.title} ({d.doc_date or 'undated'})") for d in docs]
    return form


@bp.route("/families/<int:family_id>/timeline", methods=["GET", "POST"])
@login_required
def timeline(family_id):
    """The family's timeline: every event in date order, with the days between a
    concern and the district's response."""
    family = _family(family_id)
    form = _event_form(family)
    if request.method == "POST":
        if not access.can("edit_records"):
            abort(403)
        if form.validate_on_submit():
            responds_to = (_child(TimelineEvent, form.responds_to.data, family)
                           if form.responds_to.data else None)
            docs = [_child(Document, d, family) for d in form.documents.data or []]
            services.add_event(family, event_date=form.event_date.data, kind=form.kind.data,
                               description=form.description.data, responds_to=responds_to,
                               documents=docs)
            db.session.commit()
            flash("Added to the timeline.", "success")
            return redirect(url_for(".timeline", family_id=family.id))
    entries = family_timeline(family)
    today = date.today()
    return render_template("packets/timeline.html", family=family, entries=entries, form=form,
                           today=today, days_waiting=days_waiting,
                           EventKind=EventKind), (400 if form.errors else 200)


@bp.post("/families/<int:family_id>/timeline/<int:event_id>/delete")
@access.require("edit_records")
def delete_event(family_id, event_id):
    """Remove a hand-entered timeline event."""
    family = _family(family_id)
    event = _child(TimelineEvent, event_id, family)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_event(event)
    db.session.commit()
    flash("Removed from the timeline.", "success")
    return redirect(url_for(".timeline", family_id=family.id))


# --- decision log ------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/decisions", methods=["GET", "POST"])
@login_required
def decisions(family_id):
    """The decision log: meeting decisions and entries made by hand."""
    family = _family(family_id)
    form = DecisionForm()
    if request.method == "POST":
        if not access.can("edit_records"):
            abort(403)
        if form.validate_on_submit():
            services.add_decision(family, decided_on=form.decided_on.data, what=form.what.data,
                                  approved_by=form.approved_by.data, why=form.why.data)
            db.session.commit()
            flash("Added to the decision log.", "success")
            return redirect(url_for(".decisions", family_id=family.id))
    return render_template("packets/decisions.html", family=family,
                           entries=decision_log(family), form=form), (400 if form.errors else 200)


@bp.post("/families/<int:family_id>/decisions/<int:decision_id>/delete")
@access.require("edit_records")
def delete_decision(family_id, decision_id):
    """Remove a hand-made decision-log entry."""
    family = _family(family_id)
    decision = _child(ManualDecision, decision_id, family)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_decision(decision)
    db.session.commit()
    flash("Removed from the decision log.", "success")
    return redirect(url_for(".decisions", family_id=family.id))


# --- packets -----------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/packets", methods=["GET", "POST"])
@login_required
def packets(family_id):
    """The family's packets and the form that starts a new one."""
    family = _family(family_id)
    form = PacketCreateForm()
    if request.method == "POST":
        if not access.can("edit_records"):
            abort(403)
        if form.validate_on_submit():
            packet = services.create_packet(
                family, title=form.title.data, prepared_for=form.prepared_for.data,
                types=form.types.data, date_from=form.date_from.data, date_to=form.date_to.data,
                tags=form.tags.data, user=current_user)
            db.session.commit()
            flash(f"Packet started with {len(packet.items)} documents. Put them in order and "
                  "write the narrative.", "success")
            return redirect(url_for(".packet", family_id=family.id, packet_id=packet.id))
    rows = db.session.execute(access.scoped(Packet).where(Packet.family_id == family.id)
                              .order_by(Packet.created_at.desc())).scalars().all()
    return render_template("packets/packets.html", family=family, packets=rows,
                           form=form), (400 if form.errors else 200)


@bp.route("/families/<int:family_id>/packets/<int:packet_id>", methods=["GET", "POST"])
@login_required
def packet(family_id, packet_id):
    """A packet: its narrative, the documents in it and their order, and its files."""
    family = _family(family_id)
    pkt = _child(Packet, packet_id, family)
    form = PacketEditForm(obj=pkt)
    if request.method == "POST":
        if not access.can("edit_records"):
            abort(403)
        if form.validate_on_submit():
            services.update_packet_text(pkt, title=form.title.data,
                                        prepared_for=form.prepared_for.data,
                                        needs=form.needs.data, goals=form.goals.data,
                                        services=form.services.data)
            ordered = _ordered_documents(family, pkt)
            services.set_packet_contents(pkt, ordered)
            db.session.commit()
            flash("Packet saved. Build it again to update the files.", "success")
            return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))
    in_packet = {item.document_id for item in pkt.items}
    others = [d for d in db.session.execute(
        access.scoped(Document).where(Document.family_id == family.id)
        .order_by(Document.doc_date.nulls_last(), Document.id)).scalars()
        if d.id not in in_packet]
    return render_template("packets/packet.html", family=family, packet=pkt, form=form,
                           others=others, status=_status(pkt)), (400 if form.errors else 200)


def _ordered_documents(family, pkt) -> list[Document]:
    """Documents ticked on the packet page, sorted by the order numbers typed in."""
    chosen = []
    current = {item.document_id: item.position for item in pkt.items}
    for raw in request.form.getlist("include"):
        doc = _child(Document, raw, family)
        try:
            order = float(request.form.get(f"order-{doc.id}", "") or 10_000)
        except ValueError:
            order = 10_000.0
        chosen.append((order, current.get(doc.id, 10_000), doc.id, doc))
    chosen.sort(key=lambda t: t[:3])
    return [t[3] for t in chosen]


def _status(pkt: Packet) -> dict:
    building = services.is_building(pkt)
    stalled = pkt.status in (BuildStatus.QUEUED, BuildStatus.BUILDING) and not building
    return {
        "status": "stalled" if stalled else pkt.status,
        "building": building,
        "done": pkt.progress_done,
        "total": pkt.progress_total,
        "percent": int(100 * pkt.progress_done / pkt.progress_total) if pkt.progress_total else 0,
        "message": ("The build stopped without finishing. Build it again."
                    if stalled else pkt.progress_message),
        # After a failed rebuild the last complete files are still there.
        "files": bool(pkt.pdf_key and pkt.manifest and not building),
    }


@bp.get("/families/<int:family_id>/packets/<int:packet_id>/status")
@login_required
def packet_status(family_id, packet_id):
    """Build progress as JSON, polled by the packet page."""
    family = _family(family_id)
    pkt = _child(Packet, packet_id, family)
    return jsonify(_status(pkt))


@bp.post("/families/<int:family_id>/packets/<int:packet_id>/build")
@access.require("edit_records")
def build_packet(family_id, packet_id):
    """Start building the packet's files in the background."""
    family = _family(family_id)
    pkt = _child(Packet, packet_id, family)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if services.is_building(pkt):
        flash("This packet is already being built.", "info")
        return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))
    if not pkt.items:
        flash("Add at least one document before building the packet.", "error")
        return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))
    timeline_entries, decisions_entries = family_timeline(family), decision_log(family)
    build.queue_build(pkt)
    db.session.commit()
    build.start(current_app._get_current_object(), pkt.id, timeline_entries, decisions_entries)
    flash("Building the packet. This page shows how far it has got.", "info")
    return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))


DOWNLOADS = {
    "docx": ("docx_key", "docx", "application/vnd.openxmlformats-officedocument."
                                 "wordprocessingml.document"),
    "zip": ("zip_key", "zip", "application/zip"),
    "pdf": ("pdf_key", "pdf", "application/pdf"),
}


@bp.get("/families/<int:family_id>/packets/<int:packet_id>/<kind>")
@login_required
def packet_file(family_id, packet_id, kind):
    """The packet's Word document, ZIP or combined PDF, as an attachment."""
    if kind not in DOWNLOADS:
        abort(404)
    family = _family(family_id)
    pkt = _child(Packet, packet_id, family)
    attr, ext, mimetype = DOWNLOADS[kind]
    key = getattr(pkt, attr)
    if not key:
        abort(404)
    path = storage.path_for(key)
    if not path.exists():
        abort(404)
    name = services.safe_filename(f"{pkt.title} - {family.student_name}.{ext}",
                                  default=f"packet.{ext}", is_path=False)
    return _attachment(path, name, mimetype)


@bp.post("/families/<int:family_id>/packets/<int:packet_id>/delete")
@access.require("edit_records")
def delete_packet(family_id, packet_id):
    """Delete a packet and its built files (the documents stay)."""
    family = _family(family_id)
    pkt = _child(Packet, packet_id, family)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if services.is_building(pkt):
        flash("Wait for the build to finish before deleting the packet.", "error")
        return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))
    services.delete_packet(pkt)
    db.session.commit()
    flash("Packet deleted. The documents are still in the family's records.", "success")
    return redirect(url_for(".packets", family_id=family.id))
