"""The signed-in start page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import access
from .extensions import csrf, db, limiter

bp = Blueprint("home", __name__)


@bp.get("/")
@access.signed_in
def index():
    """The start page: what the user's role can do here (a neutral's: their cases)."""
    if access.is_neutral():
        return redirect(url_for("program.neutral_cases"))
    return render_template("home.html")


@bp.get("/healthz")
@access.public
@csrf.exempt
@limiter.exempt
def healthz():
    """200 and {"status": "ok"} when the database answers, else 503."""
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
