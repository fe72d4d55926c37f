"""Sign in and out, change one's password, and the organization's user admin."""

from __future__ import annotations

import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from .. import access
from ..db import utcnow
from ..extensions import db, limiter
from .forms import (
    ChangePasswordForm,
    ConfirmForm,
    LoginForm,
    SetPasswordForm,
    UserCreateForm,
    UserEditForm,
)
from .models import User, hash_method
from .oidc_services import enabled_providers, required_covering, required_for
from .services import AccountError, create_user, find_user_by_email, password_problem, update_user

bp = Blueprint("auth", __name__)

@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """Checked against when the email is unknown, so both failures take as long."""
    return generate_password_hash("not-a-real-password", method=method)


def _login_limit() -> str:
    cfg = current_app.config
    return f"{cfg['LOGIN_FAILURE_LIMIT']} per {cfg['LOGIN_FAILURE_WINDOW']}"


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("home.index")


def login_page(form: LoginForm | None = None, error: str | None = None, status: int = 200):
    """The sign-in page: the password form and a "Sign in with ..." button per provider."""
    return render_template("auth/login.html", form=form or LoginForm(), error=error,
                           providers=enabled_providers()), status


def _provider_only(provider) -> str:
    return (f"Your organization signs in with {provider.display_name}: use the “Sign in "
            f"with {provider.display_name}” button below. Passwords are not used.")


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda r: g.get("login_failed", False))
def login():
    """The sign-in page; a bad email or password gets one and the same message."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        if provider := required_covering(form.email.data):
            # Said for the domain, known address or not: it tells nobody who has an account.
            current_app.logger.info("login refused: provider required provider=%s", provider.id)
            return login_page(form, error=_provider_only(provider))
        user = find_user_by_email(form.email.data)
        if user is None:
            check_password_hash(_dummy_hash(hash_method()), form.password.data)
        if user is not None and user.check_password(form.password.data) and user.active:
            if provider := required_for(user):
                current_app.logger.info("login refused: provider required user_id=%s", user.id)
                return login_page(form, error=_provider_only(provider))
            session.clear()  # a new session at sign-in (no fixation)
            login_user(user)
            user.last_login_at = utcnow()
            db.session.commit()
            current_app.logger.info("login ok user_id=%s", user.id)
            return redirect(safe_next(request.args.get("next")))
        g.login_failed = True
        current_app.logger.info("login failed")
        flash("The email or password is not right. Check both and try again.", "error")
        return login_page(form)
    if request.method == "POST":
        g.login_failed = True
    return login_page(form)


@bp.post("/logout")
@access.signed_in
def logout():
    """Sign out: ends this user's sessions everywhere, then shows the sign-in page."""
    current_user.revoke_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    response = redirect(url_for("auth.login"))
    # Nothing of a family's records stays in this browser (unsent note drafts
    # included), even when the sign-out came from a page without their script.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


@bp.route("/account", methods=["GET", "POST"])
@access.signed_in
def account():
    """My account: who I am and a form to change my password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        elif problem := password_problem(form.new_password.data, current_user.email):
            form.new_password.errors.append(problem)
        else:
            user = current_user._get_current_object()
            user.set_password(form.new_password.data)  # ends every other session
            db.session.commit()
            login_user(user)  # keep this browser signed in with the new token
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@bp.get("/admin/users")
@access.require("manage_users")
def users():
    """The organization's users, a page at a time."""
    stmt = access.scoped(User).order_by(User.active.desc(), User.email)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("auth/users.html", page=page)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@access.require("manage_users")
def user_new():
    """Add a user to the organization (no password when it requires its sign-in service)."""
    form = UserCreateForm()
    service = required_for(current_user)
    if service is not None and request.method == "POST":
        form.password.data = secrets.token_urlsafe(32)  # never told to anyone, never used
    if form.validate_on_submit():
        try:
            user = create_user(
                current_user.organization, form.email.data, form.role.data,
                form.password.data, name=form.name.data or "",
                position=form.position.data or "",
            )
        except AccountError as exc:
            field = form.password if "password" in str(exc).lower() else form.email
            field.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{user.email} can now sign in as {user.role_label.lower()}.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None, service=service)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@access.require("manage_users")
def user_edit(user_id: int):
    """Change a user's name, role, or whether they may sign in."""
    user = access.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            update_user(user, name=form.name.data or "", role=form.role.data,
                        active=form.active.data, position=form.position.data or "")
        except AccountError as exc:
            db.session.rollback()
            form.role.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{user.email} is updated.", "success")
            if user.id == current_user.id and not access.can("manage_users", user):
                return redirect(url_for("home.index"))
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user,
                           password_form=SetPasswordForm(prefix="pw"),
                           service=required_for(user))


@bp.post("/admin/users/<int:user_id>/password")
@access.require("manage_users")
def user_set_password(user_id: int):
    """Set a new password for a user who forgot theirs; their sessions end."""
    user = access.get_or_404(User, user_id)
    password_form = SetPasswordForm(prefix="pw")
    if service := required_for(user):
        flash(f"{user.email} signs in with {service.display_name}; passwords are not used.",
              "error")
        return redirect(url_for("auth.user_edit", user_id=user.id))
    if password_form.validate_on_submit():
        if problem := password_problem(password_form.new_password.data, user.email):
            password_form.new_password.errors.append(problem)
        else:
            user.set_password(password_form.new_password.data)
            db.session.commit()
            flash(f"{user.email} has a new password and is signed out everywhere.", "success")
            if user.id == current_user.id:
                return redirect(url_for("auth.login"))
            return redirect(url_for("auth.user_edit", user_id=user.id))
    return render_template("auth/user_form.html", form=UserEditForm(obj=user), user=user,
                           password_form=password_form, service=required_for(user)), 200


@bp.post("/admin/users/<int:user_id>/sign-out")
@access.require("manage_users")
def user_sign_out(user_id: int):
    """End every session of a user (a lost laptop, a shared computer)."""
    user = access.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        user.revoke_sessions()
        db.session.commit()
        flash(f"{user.email} is signed out everywhere.", "success")
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.user_edit", user_id=user.id))
