"""Password reset by mail: a single-use link, valid for 30 minutes.

Only a SHA-256 hash of the random token is stored. Using the link is one
conditional UPDATE (used_at IS NULL and not expired), so a link works once
even when two requests race. The answer to "forgot password" is the same for
known and unknown addresses, and the page is rate-limited. Setting the new
password changes the user's session token: every other session ends. An organization
that requires its sign-in service (auth/oidc_routes.py) has no passwords to reset.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import DateTime, ForeignKey, String, update
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import access
from ..db import utcnow
from ..extensions import db, limiter
from ..validation import CheckedForm as FlaskForm
from .models import User
from .oidc_services import required_covering, required_for
from .services import find_user_by_email, password_problem

VALID_FOR = timedelta(minutes=30)
#: At most this many links per account and hour (more requests are answered the same way).
PER_USER_PER_HOUR = 3

bp = Blueprint("reset", __name__)


class PasswordReset(db.Model):
    """One password-reset link; the token itself is never stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str) -> bool:
    """Mail a reset link to an active user with this address; False (silently) otherwise."""
    from ..notify.services import idempotency_key, public_url, queue_message

    user = find_user_by_email(email)
    if user is None or not user.active or required_for(user) is not None:
        return False  # (an organization that requires its sign-in service has no passwords)
    now = utcnow()
    recent = db.session.execute(db.select(db.func.count(PasswordReset.id)).where(
        PasswordReset.user_id == user.id,
        PasswordReset.created_at > now - timedelta(hours=1))).scalar_one()
    if recent >= PER_USER_PER_HOUR:
        return False
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(user_id=user.id, token_hash=_hash(token), created_at=now,
                          expires_at=now + VALID_FOR)
    db.session.add(reset)
    db.session.flush()
    queue_message(organization_id=user.organization_id,
                  key=idempotency_key("password_reset", reset.id), kind="password_reset",
                  recipient=user.email, recipient_name=user.name, template="password_reset",
                  context={"link": public_url("reset.reset", token=token)})
    return True


def use_token(token: str, new_password: str) -> User | None:
    """Spend the link and set the password; None when the link is unknown, used or expired."""
    now = utcnow()
    reset = db.session.execute(db.select(PasswordReset).where(
        PasswordReset.token_hash == _hash(token))).scalar_one_or_none()
    if reset is None:
        return None
    spent = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id,
                                    PasswordReset.used_at.is_(None),
                                    PasswordReset.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    user = db.session.get(User, reset.user_id)
    if spent != 1 or user is None or not user.active or required_for(user) is not None:
        return None
    # Every other link of this user dies with this one.
    db.session.execute(update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    user.set_password(new_password)  # a new session token: all sessions end
    db.session.flush()
    return user


def valid_token(token: str) -> bool:
    reset = db.session.execute(db.select(PasswordReset).where(
        PasswordReset.token_hash == _hash(token))).scalar_one_or_none()
    if reset is None or reset.used_at is not None:
        return False
    expires = reset.expires_at if reset.expires_at.tzinfo else \
        reset.expires_at.replace(tzinfo=utcnow().tzinfo)
    return expires > utcnow()


class ForgotForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."),
                                            Length(max=254)])


class ResetForm(FlaskForm):
    new_password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=200)],
        description="At least 12 characters. A few unrelated words make a strong one.")
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("new_password", message="The two passwords differ.")])


def _forgot_limit() -> str:
    return current_app.config.get("PASSWORD_RESET_LIMIT", "5 per 15 minutes")


SAME_ANSWER = ("If that address belongs to an account, a message with a link to set a new "
               "password is on its way. The link works once, for 30 minutes.")


@bp.route("/forgot-password", methods=["GET", "POST"])
@access.public
@limiter.limit(_forgot_limit, methods=["POST"])
def forgot():
    """Ask for a reset link; the answer is the same whether the address is known or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        if provider := required_covering(form.email.data):
            current_app.logger.info("password reset refused: provider required provider=%s",
                                    provider.id)
            form.email.errors.append(
                f"Addresses at {form.email.data.rpartition('@')[2].lower()} sign in with "
                f"{provider.display_name}, without a password here: use the “Sign in with "
                f"{provider.display_name}” button on the sign-in page.")
            return render_template("auth/forgot.html", form=form), 400
        request_reset(form.email.data)
        db.session.commit()
        flash(SAME_ANSWER, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit("30 per 15 minutes")
def reset(token: str):
    """Choose a new password with a link from the mail (once, within 30 minutes)."""
    if len(token) > 100 or not valid_token(token):
        return render_template("auth/reset_invalid.html"), 404
    form = ResetForm()
    if form.validate_on_submit():
        probe = db.session.execute(db.select(User).join(
            PasswordReset, PasswordReset.user_id == User.id).where(
            PasswordReset.token_hash == _hash(token))).scalar_one()
        if problem := password_problem(form.new_password.data, probe.email):
            form.new_password.errors.append(problem)
        elif use_token(token, form.new_password.data) is None:
            db.session.rollback()
            return render_template("auth/reset_invalid.html"), 404
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password is changed and every session of your account has ended. "
                  "Sign in with the new password.", "success")
            return redirect(url_for("auth.login"))
    response = current_app.make_response(render_template("auth/reset.html", form=form))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in this page's URL
    return response
