"""A real queue worker for tests: ``huey_consumer facilitator.worker.huey`` in its own
process, against the app's database, queue storage and SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from helpers import HANG

from facilitator.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def start_worker(app, tmp_path, env_extra: dict) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "MAIL_"))}
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret-key-not-for-production",
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(app.config["MAIL_PORT"]),
        "MAIL_SECURITY": "none", "MAIL_SENDER": app.config["MAIL_SENDER"],
        "FLASK_PACKETS_DISABLE_LIBREOFFICE": "true",
        **env_extra})
    with open(tmp_path / "worker.log", "wb") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "huey.bin.huey_consumer", "facilitator.worker.huey",
             "-w", "2", "-k", "thread", "-d", "0.1", "-m", "0.5"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=HANG)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for(predicate) -> bool:
    """Wait for what the worker does (the ceiling only catches a hang, never a slow run)."""
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline:
        db.session.commit()
        db.session.expire_all()
        if predicate():
            return True
        time.sleep(0.2)
    return False
