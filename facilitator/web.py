"""Things every response shares: security headers, error pages, template helpers."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask, render_template, request, send_file, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import access, i18n
from .extensions import db, login_manager
from .validation import query_text

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

#: Error pages a family can reach (the survey) are shown in its language: lazy strings.
ERROR_TEXT = {
    400: (_l("The request could not be understood"),
          _l("Something in what was sent was not right. Go back, reload the page and try "
             "again.")),
    403: (_l("You cannot do that here"),
          _l("Your role in this organization does not allow this. Ask your organization's "
             "admin if you need it.")),
    404: (_l("Page not found"),
          _l("There is nothing here, or it is not part of your organization. Check the "
             "address.")),
    405: (_l("That action is not possible here"),
          _l("This page does not accept that kind of request. Use the buttons on the page.")),
    410: (_l("This link is no longer valid"),
          _l("The link has expired or was already used. Ask the person who sent it to you for "
             "a new one.")),
    413: (_l("The file is too large"),
          _l("What you sent is larger than the limit of %(limit)s. Send a smaller file.")),
    429: (_l("Too many attempts"),
          _l("There were too many tries in a short time. Wait a few minutes and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("The error was recorded. Nothing you did caused it. Try again in a moment.")),
}


def attachment(data: Path | str | bytes, name: str, mimetype: str):
    """A download (a stored file's path, or bytes/text made for it) that is never cached
    nor sniffed as another type; ``name`` is quoted and encoded by Werkzeug."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    response = send_file(source, mimetype=mimetype, as_attachment=True, download_name=name,
                         conditional=False, etag=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


#: A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "'")


def protect(cell: str) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula (a leading ')."""
    return "'" + cell if cell.startswith(DANGEROUS_START) else cell


def unprotect(cell: str) -> str:
    """The cell as typed: exactly one leading apostrophe taken away (undoes :func:`protect`)."""
    return cell[1:] if cell[:1] == "'" else cell


def human_size(n: float) -> str:
    """A size people read: "536 bytes", "36 KB", "1.5 MB", "25 MB"."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{n:g} bytes"
            if unit == "KB":
                return f"{n:.0f} KB"
            return f"{n:.1f}".rstrip("0").rstrip(".") + f" {unit}"
        n /= 1024
    return str(n)


def render_error(code: int, message: str | None = None):
    """The error page for ``code`` in the site layout."""
    title, text = ERROR_TEXT.get(code, ERROR_TEXT[500])
    from flask import current_app

    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    text = str(text) % {"limit": human_size(limit)} if code == 413 else str(text)
    return render_template("errors/error.html", code=code, title=title,
                           text=message or text,
                           family_page=request.endpoint in i18n.PAGE_LANGUAGES), code


SEARCHES = "searches"


def remember_search(name: str, text: str) -> None:
    """Keep a list's search text in the session, not the URL.

    Searches are mostly children's names: in a URL they would land in server
    logs, browser history and proxies. The session ends at sign-out.
    """
    searches = dict(session.get(SEARCHES, {}))
    searches[name] = query_text(text, 100)
    session[SEARCHES] = searches


def remembered_search(name: str) -> str:
    """The search text last sent for the list ``name`` ("" when none)."""
    return session.get(SEARCHES, {}).get(name, "")


def aria_attrs(field, described: list[str]) -> dict:
    """Attributes tying an input to its hint and error, only when there are some."""
    attrs: dict = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


def init_app(app: Flask) -> None:
    """Register headers, error handlers and template globals."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h.setdefault("Referrer-Policy", "same-origin")  # a page may ask for stricter
        h["X-Frame-Options"] = "DENY"
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.endpoint != "static" and "Cache-Control" not in h:
            # Pages show children's records: never keep them in shared caches.
            h["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, _("This form had expired or was sent from somewhere else. "
                                   "Go back, reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if exc.code == 401:
            return login_manager.unauthorized()
        if exc.code not in ERROR_TEXT:
            return render_template("errors/error.html", code=exc.code, title=exc.name,
                                   text=exc.description), exc.code
        return render_error(exc.code)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # noqa: S110 - the page must render even if the DB is gone
            pass
        return render_error(500)

    app.add_template_global(aria_attrs)
    app.add_template_filter(human_size, "filesize")

    @app.context_processor
    def helpers():
        return {"can": access.can, "user": current_user, "is_neutral": access.is_neutral}
