"""scripts/run.sh: one command starts a worker beside the web server; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from helpers import HANG, wait_until

ROOT = Path(__file__).resolve().parents[2]


def _group(pgid: int) -> list[str]:
    out = subprocess.run(["pgrep", "-g", str(pgid), "-a"],  # noqa: S603,S607 - fixed args
                         capture_output=True, text=True)
    return out.stdout.splitlines()


def _catches_sigint(pid: int) -> bool:
    """Whether the process has its own SIGINT handler now (SigCgt in /proc/<pid>/status).

    A background job of a script starts with SIGINT ignored; huey installs its handler
    only at the end of its start-up, after it has logged "Huey consumer started"."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGINT - 1)))


def test_ctrl_c_stops_the_web_server_and_the_worker(app, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "MAIL_"))}
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               HUEY_FILE=str(tmp_path / "huey.db"), SECRET_KEY="test", WORKERS="1")
    web = [sys.executable, "-c", "import time; print('web up', flush=True); time.sleep(3000)"]
    proc = subprocess.Popen(["bash", "scripts/run.sh", *web], cwd=ROOT, env=env,  # noqa: S603,S607
                            start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        seen = b""
        while b"web up" not in seen or b"Huey consumer started" not in seen:
            line = proc.stdout.readline()
            assert line, seen.decode()
            seen += line
        worker = [int(line.split()[0]) for line in _group(proc.pid) if "huey_consumer" in line]
        assert len(worker) == 1
        # Ctrl-C only once the worker listens for it (as a person would press it, later).
        wait_until(lambda: _catches_sigint(worker[0]), "the worker's SIGINT handler")
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        rest, _ = proc.communicate(timeout=HANG)
        # 130 when the script handles the Ctrl-C first; on a busy machine the worker may
        # finish its graceful stop first and the script then reports the worker's own 0.
        assert proc.returncode in (130, 0)
        log = (seen + rest).decode(errors="replace")
        # The worker stopped on SIGINT, gracefully: not by the script's SIGTERM fallback.
        assert "Received SIGINT" in log and "Shutting down gracefully" in log, log
        assert "Received SIGTERM" not in log, log
        wait_until(lambda: _group(proc.pid) == [], "every process of the group to end")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
