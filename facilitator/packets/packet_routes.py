"""Record packets: choosing and ordering exhibits, building them, downloading the files."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import access, audit
from ..extensions import db
from ..validation import parse_id
from ..web import attachment
from . import build, services, storage, tasks
from .forms import (
    ConfirmForm,
    PacketCreateForm,
    PacketEditForm,
)
from .models import (
    BuildStatus,
    Document,
    Packet,
)
from .views import bp, family_or_404

# --- packets -----------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/packets", methods=["GET", "POST"])
@access.read_or_require("edit_records")
def packets(family_id):
    """The family's packets and the form that starts a new one."""
    family = family_or_404(family_id)
    form = PacketCreateForm()
    if request.method == "POST":
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
@access.read_or_require("edit_records")
def packet(family_id, packet_id):
    """A packet: its narrative, the documents in it and their order, and its files."""
    family = family_or_404(family_id)
    pkt = access.get_or_404(Packet, packet_id, family_id=family.id)
    form = PacketEditForm(obj=pkt)
    if request.method == "POST":
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
    raw_ids = request.form.getlist("include")
    ids = {parse_id(raw) for raw in raw_ids}
    if None in ids:
        abort(404)
    # One query for all ticked documents (a packet may hold hundreds); any id that
    # is not this family's is a 404, as one by one.
    docs = db.session.execute(access.scoped(Document).where(
        Document.family_id == family.id, Document.id.in_(ids))).scalars().all()
    if len(docs) != len(ids):
        abort(404)
    for doc in docs:
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
@access.signed_in
def packet_status(family_id, packet_id):
    """Build progress as JSON, polled by the packet page."""
    family = family_or_404(family_id)
    pkt = access.get_or_404(Packet, packet_id, family_id=family.id)
    return jsonify(_status(pkt))


@bp.post("/families/<int:family_id>/packets/<int:packet_id>/build")
@access.require("edit_records")
def build_packet(family_id, packet_id):
    """Start building the packet's files in the background."""
    family = family_or_404(family_id)
    pkt = access.get_or_404(Packet, packet_id, family_id=family.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if services.is_building(pkt):
        flash("This packet is already being built.", "info")
        return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))
    if not pkt.items:
        flash("Add at least one document before building the packet.", "error")
        return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))
    packet_id = pkt.id  # read before the commit: a read after it would begin a write transaction
    build.queue_build(pkt)
    db.session.commit()
    tasks.build_packet(packet_id)  # the worker builds it
    flash("Building the packet. This page shows how far it has got.", "info")
    return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))


DOWNLOADS = {
    "docx": ("docx_key", "docx", "application/vnd.openxmlformats-officedocument."
                                 "wordprocessingml.document"),
    "zip": ("zip_key", "zip", "application/zip"),
    "pdf": ("pdf_key", "pdf", "application/pdf"),
}


@bp.get("/families/<int:family_id>/packets/<int:packet_id>/<kind>")
@access.signed_in
def packet_file(family_id, packet_id, kind):
    """The packet's Word document, ZIP or combined PDF, as an attachment."""
    if kind not in DOWNLOADS:
        abort(404)
    family = family_or_404(family_id)
    pkt = access.get_or_404(Packet, packet_id, family_id=family.id)
    attr, ext, mimetype = DOWNLOADS[kind]
    key = getattr(pkt, attr)
    if not key:
        abort(404)
    path = storage.path_for(key)
    if not path.exists():
        abort(404)
    name = services.safe_filename(f"{pkt.title} - {family.student_name}.{ext}",
                                  default=f"packet.{ext}", is_path=False)
    audit.record(audit.Action.DOWNLOADED, audit.RecordKind.PACKET, pkt.id, family_id=family.id)
    db.session.commit()
    return attachment(path, name, mimetype)


@bp.post("/families/<int:family_id>/packets/<int:packet_id>/delete")
@access.require("edit_records")
def delete_packet(family_id, packet_id):
    """Delete a packet and its built files (the documents stay)."""
    family = family_or_404(family_id)
    pkt = access.get_or_404(Packet, packet_id, family_id=family.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if services.is_building(pkt):
        flash("Wait for the build to finish before deleting the packet.", "error")
        return redirect(url_for(".packet", family_id=family.id, packet_id=pkt.id))
    services.delete_packet(pkt)
    db.session.commit()
    flash("Packet deleted. The documents are still in the family's records.", "success")
    return redirect(url_for(".packets", family_id=family.id))
