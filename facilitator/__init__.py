"""Facilitator: an IEP meeting facilitation companion."""

from __future__ import annotations

from flask import Blueprint, Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db as database
from . import i18n, queue, validation, web
from .config import configure
from .content import load_content
from .extensions import csrf, db, limiter, login_manager, migrate

# Each feature's blueprint (or a function returning it with all its view modules
# registered), imported lazily so models register in this order.
BLUEPRINTS = (
    "facilitator.home:bp",
    "facilitator.auth.routes:bp",
    "facilitator.auth.sessions:bp",
    "facilitator.auth.oidc_routes:bp",
    "facilitator.families.routes:bp",
    "facilitator.meetings:blueprint",
    "facilitator.adr:blueprint",
    "facilitator.commitments:blueprint",
    "facilitator.plans:blueprint",
    "facilitator.packets:blueprint",
    "facilitator.audit.routes:bp",
    "facilitator.rights.routes:bp",
    "facilitator.auth.reset:bp",
    "facilitator.notify.routes:bp",
    "facilitator.room:blueprint",
    "facilitator.program:blueprint",
    "facilitator.voice:blueprint",
)

# Models without routes yet still have to be registered with the metadata.
MODEL_MODULES = (
    "facilitator.families.models",
    "facilitator.packets.models",
    "facilitator.meetings.live_models",
    "facilitator.notify.models",
    "facilitator.program.models",
    "facilitator.program.request_models",
    "facilitator.program.pay",
    "facilitator.links.models",
    # Mail about meetings and surveys: their checks and clock work, needed by the worker too.
    "facilitator.meetings.mail",
    "facilitator.adr.survey_mail",
    "facilitator.meetings.continuation",
    "facilitator.voice.models",
    "facilitator.voice.hooks",
)


def create_app(config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints and CLI."""
    from importlib import import_module
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(root / "instance"),
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    configure(app, config)
    # The checklist and prompt files are checked now: a mistake stops start-up
    # with a message naming the file and the item.
    app.extensions["facilitator.content"] = load_content(
        Path(app.config.get("CHECKLISTS_DIR") or root / "checklists"))
    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(root / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    from . import access

    # A contracted neutral sees only their assigned cases: deny by default (access.py).
    app.before_request(access.guard_neutral)
    limiter.init_app(app)
    web.init_app(app)
    validation.init_app(app)
    i18n.init_app(app)
    queue.init_app(app)

    for module in MODEL_MODULES:
        import_module(module)
    for target in BLUEPRINTS:
        module, _, attr = target.partition(":")
        found = getattr(import_module(module), attr)
        app.register_blueprint(found if isinstance(found, Blueprint) else found())

    from .cli import register as register_cli

    register_cli(app)
    return app
